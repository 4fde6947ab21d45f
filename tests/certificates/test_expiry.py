"""Expiry and renewal: after the issuer's validity period the certificate shows as expired, the
module is due again, and passing its quiz again issues the next certificate. Learners hear 30
days before, once."""

import io
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.management import call_command

from certificates.models import Certificate, Status
from certificates.notices import certificate_expiry_notice_send
from certificates.services import certificate_revoke
from compliance.validity import add_months
from courses.models import Lesson, Module, ModuleProgress
from courses.services import lesson_complete, module_statuses, modules_with_lesson_counts, next_step_url
from tests.certificates.conftest import complete_module, take_quiz

pytestmark = pytest.mark.usefixtures("course", "validity")


def status_of(user, slug):
    modules = list(modules_with_lesson_counts())
    return next(s for s in module_statuses(user=user, modules=modules).values() if s.module.slug == slug)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        ((2026, 1, 31), 1, (2026, 2, 28)),
        ((2028, 1, 31), 1, (2028, 2, 29)),
        ((2026, 3, 15), 12, (2027, 3, 15)),
        ((2026, 11, 30), 3, (2027, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    moment = datetime(*start, 12, tzinfo=UTC)
    assert add_months(moment, months) == datetime(*expected, 12, tzinfo=UTC)


def test_the_validity_period_sets_the_expiry_date(parent, clock):
    complete_module(parent, "first-steps")
    certificate = Certificate.objects.get(user=parent)
    assert certificate.expires_at == datetime(2027, 1, 31, 9, 0, tzinfo=UTC)
    assert certificate.status == Status.VALID


def test_after_expiry_it_shows_expired_and_the_module_is_due_again(parent, clock):
    complete_module(parent, "first-steps")
    assert status_of(parent, "first-steps").state == "completed"
    clock.advance(days=366)
    assert Certificate.objects.get(user=parent).status == Status.EXPIRED
    assert status_of(parent, "first-steps").state == "due"
    module = Module.objects.get(slug="first-steps")
    assert next_step_url(user=parent, module=module) == f"/modules/{module.slug}/quiz/"


def test_passing_the_quiz_after_expiry_renews_and_issues_the_next_certificate(parent, clock):
    complete_module(parent, "first-steps")
    first = Certificate.objects.get(user=parent)
    renewed_at = clock.advance(days=400)
    take_quiz(parent, "first-steps")
    progress = ModuleProgress.objects.get(user=parent, module__slug="first-steps")
    assert progress.completed_at == renewed_at
    second = Certificate.objects.get(user=parent, cycle=2)
    assert second.completed_at == renewed_at and second.expires_at == add_months(renewed_at, 12)
    assert second.code != first.code and second.status == Status.VALID
    first.refresh_from_db()
    assert first.status == Status.EXPIRED
    assert status_of(parent, "first-steps").state == "completed"


def test_a_failed_attempt_after_expiry_renews_nothing(parent, clock):
    complete_module(parent, "first-steps")
    clock.advance(days=400)
    take_quiz(parent, "first-steps", right=False)
    assert Certificate.objects.filter(user=parent).count() == 1
    assert status_of(parent, "first-steps").state == "due"


def test_old_passes_and_lessons_do_not_renew_an_expired_module(parent, clock):
    complete_module(parent, "first-steps")
    clock.advance(days=400)
    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=parent, lesson=lesson)
    assert Certificate.objects.filter(user=parent).count() == 1


def test_passing_again_before_expiry_issues_nothing(parent, clock):
    complete_module(parent, "first-steps")
    clock.advance(days=300)
    take_quiz(parent, "first-steps")
    assert Certificate.objects.filter(user=parent).count() == 1


def test_the_track_is_renewed_once_all_its_modules_are(parent, clock):
    complete_module(parent, "first-steps")
    complete_module(parent, "second-steps")
    assert Certificate.objects.filter(user=parent, track__slug="parent").count() == 1
    clock.advance(days=400)
    take_quiz(parent, "first-steps")
    assert Certificate.objects.filter(user=parent, track__slug="parent").count() == 1
    take_quiz(parent, "second-steps")
    renewed = Certificate.objects.get(user=parent, track__slug="parent", cycle=2)
    assert renewed.status == Status.VALID


def test_a_revoked_certificate_does_not_make_the_module_due(parent, clock, staff):
    complete_module(parent, "first-steps")
    certificate_revoke(certificate=Certificate.objects.get(user=parent), by=staff, reason="Error")
    clock.advance(days=400)
    assert status_of(parent, "first-steps").state == "completed"


@pytest.fixture
def notices(django_capture_on_commit_callbacks):
    """Run the cron command; its tasks run when its transaction commits (immediate backend)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_certificate_expiry_notices", stdout=io.StringIO())

    return run


class TestExpiryNotices:
    def test_the_learner_gets_one_email_30_days_before_with_a_link_to_renew(self, parent, clock, notices):
        complete_module(parent, "first-steps")
        certificate = Certificate.objects.get(user=parent)
        clock.advance(days=365 - 31)
        notices()
        assert mail.outbox == []
        clock.advance(days=2)
        notices()
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["parent@example.org"] and "expires soon" in message.subject
        assert "https://onguard.example/modules/first-steps/" in message.body
        assert "https://onguard.example/modules/first-steps/" in message.alternatives[0][0]
        certificate.refresh_from_db()
        assert certificate.expiry_notice_sent_at == clock.now
        clock.advance(days=1)
        notices()
        assert len(mail.outbox) == 1

    def test_one_email_lists_every_certificate_expiring_for_that_learner(
        self, parent, outsider, clock, notices
    ):
        complete_module(parent, "first-steps")
        complete_module(parent, "second-steps")
        complete_module(outsider, "first-steps")
        clock.advance(days=350)
        notices()
        assert sorted(m.to[0] for m in mail.outbox) == ["outsider@example.org", "parent@example.org"]
        to_parent = next(m for m in mail.outbox if m.to == ["parent@example.org"])
        assert (
            "First steps" in to_parent.body
            and "Second steps" in to_parent.body
            and "For parents" in to_parent.body
        )
        assert Certificate.objects.filter(expiry_notice_sent_at__isnull=True).count() == 0

    def test_expired_and_revoked_certificates_get_no_notice_and_a_renewal_gets_its_own(
        self, parent, outsider, educator, clock, staff, notices
    ):
        complete_module(parent, "first-steps")
        complete_module(outsider, "first-steps")
        certificate_revoke(certificate=Certificate.objects.get(user=outsider), by=staff, reason="Error")
        clock.advance(days=400)
        take_quiz(parent, "first-steps")  # renewed: cycle 2 expires a year from now
        complete_module(educator, "first-steps")
        clock.advance(days=340)
        notices()
        assert sorted(m.to[0] for m in mail.outbox) == ["parent@example.org", "teacher@example.org"]
        notified = set(
            Certificate.objects.filter(expiry_notice_sent_at__isnull=False).values_list(
                "user__email", "cycle"
            )
        )
        assert notified == {("parent@example.org", 2), ("teacher@example.org", 1)}

    def test_a_failed_send_records_nothing_so_the_next_run_retries(self, parent, clock, monkeypatch):
        complete_module(parent, "first-steps")
        clock.advance(days=350)
        certificate = Certificate.objects.get(user=parent)

        def broken(*args, **kwargs):
            raise ConnectionError("SMTP down")

        monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
        with pytest.raises(ConnectionError):
            certificate_expiry_notice_send(user_id=parent.pk, certificate_ids=[certificate.pk])
        certificate.refresh_from_db()
        assert certificate.expiry_notice_sent_at is None
