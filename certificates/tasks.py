"""Background work for certificates (Django Tasks API): ZIP exports and expiry notices."""

from django_tasks import task

from . import exports, notices


@task()
def certificate_export_build(export_id: int) -> None:
    exports.certificate_export_build(export_id=export_id)


@task()
def certificate_expiry_notice_send(user_id: int, certificate_ids: list[int]) -> None:
    notices.certificate_expiry_notice_send(user_id=user_id, certificate_ids=certificate_ids)
