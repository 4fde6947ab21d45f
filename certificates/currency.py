"""The verification page's refresher line: for a valid certificate whose issuing organisation
requires refreshers, whether its holder's training is current, has a refresher due or has lapsed
(the one rule: quizzes/refreshers.py). The certificate itself never changes."""

from datetime import datetime

from quizzes.refreshers import Currency, user_currency

from .models import Certificate, Status


def certificate_currency(certificate: Certificate, *, now: datetime) -> Currency | None:
    """None unless the certificate is valid, held, and its organisation requires refreshers (no
    query then: certificate_lookup fetched the organisation); otherwise two or three queries."""
    if certificate.user_id is None or certificate.organisation_id is None:
        return None
    if certificate.status_at(now) != Status.VALID or not certificate.organisation.require_refreshers:
        return None
    if certificate.module_id is not None:
        module_ids = [certificate.module_id]
    else:
        module_ids = list(certificate.track.track_modules.values_list("module_id", flat=True))
    return user_currency(user_id=certificate.user_id, module_ids=module_ids, now=now)
