"""Issuing: a certificate when a module is complete and when a whole track is, once per learner,
item and period, with a snapshot of what was certified."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from certificates.models import Certificate, Status
from certificates.services import (
    certificate_issue,
    certificate_issue_for_completion,
    certificate_reissue,
    certificate_revoke,
    track_content_version,
)
from courses.models import Lesson, Module, ModuleProgress, Track
from courses.services import lesson_complete, module_refresh_completion
from tests.certificates.conftest import complete_module, take_quiz

pytestmark = pytest.mark.usefixtures("course")


def test_completing_a_module_issues_its_certificate_with_a_snapshot(parent):
    complete_module(parent, "first-steps")
    certificate = Certificate.objects.get(user=parent)
    module = Module.objects.get(slug="first-steps")
    progress = ModuleProgress.objects.get(user=parent, module=module)
    assert certificate.module == module and certificate.track is None
    assert certificate.learner_name == "Pat Parent"
    assert certificate.item_title == "First steps"
    assert certificate.content_version == module.content_hash
    assert certificate.issuer_name == "OnGuard" and certificate.expires_at is None
    assert certificate.completed_at == progress.completed_at and certificate.cycle == 1
    assert certificate.status == Status.VALID


def test_nothing_is_issued_before_the_module_is_complete(parent):
    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=parent, lesson=lesson)
    take_quiz(parent, "first-steps", right=False)
    assert not Certificate.objects.exists()


def test_passing_the_quiz_before_the_lessons_issues_on_the_last_lesson(parent):
    take_quiz(parent, "first-steps")
    assert not Certificate.objects.exists()
    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=parent, lesson=lesson)
    assert Certificate.objects.filter(user=parent, module__slug="first-steps").count() == 1


def test_the_last_module_of_a_track_also_issues_the_track_certificate(parent):
    complete_module(parent, "first-steps")
    assert not Certificate.objects.filter(track__slug="parent").exists()
    complete_module(parent, "second-steps")
    track = Track.objects.get(slug="parent")
    certificate = Certificate.objects.get(user=parent, track=track)
    assert certificate.item_title == "For parents" and certificate.module is None
    assert certificate.content_version == track_content_version(track)
    # second-steps alone is the whole educator track.
    assert Certificate.objects.filter(user=parent, track__slug="educator").count() == 1
    assert Certificate.objects.filter(user=parent).count() == 4


def test_an_inactive_track_issues_nothing(parent):
    Track.objects.filter(slug="educator").update(is_active=False)
    complete_module(parent, "second-steps")
    assert not Certificate.objects.filter(track__slug="educator").exists()


def test_retaking_and_repeating_issue_no_duplicate(parent):
    complete_module(parent, "first-steps")
    take_quiz(parent, "first-steps")
    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=parent, lesson=lesson)
    module = Module.objects.get(slug="first-steps")
    assert module_refresh_completion(user=parent, module=module) is False
    again = certificate_issue_for_completion(user=parent, module=module)
    assert Certificate.objects.filter(user=parent, module=module).count() == 1
    assert again == list(Certificate.objects.filter(user=parent, module=module))


def test_the_snapshot_keeps_the_name_it_was_issued_with(parent):
    complete_module(parent, "first-steps")
    User.objects.filter(pk=parent.pk).update(name="Patricia Parent")
    assert Certificate.objects.get(user=parent).learner_name == "Pat Parent"


def test_the_database_allows_one_live_certificate_per_learner_item_and_period(parent):
    complete_module(parent, "first-steps")
    existing = Certificate.objects.get(user=parent)
    fields = {
        f.attname: getattr(existing, f.attname)
        for f in Certificate._meta.concrete_fields
        if f.attname not in {"id", "code"}
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(code="AAAA-BBBB-CCCC-DDDD", **fields)
    # A revoked one does not count: the period can be certified again.
    certificate_revoke(certificate=existing, by=None, reason="Issued in error")
    Certificate.objects.create(code="AAAA-BBBB-CCCC-DDDD", **{**fields, "revoked_at": None})


def test_a_certificate_is_for_a_module_or_a_track_never_both(parent):
    complete_module(parent, "first-steps")
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(user=parent).update(track=Track.objects.get(slug="parent"))


def test_a_revocation_needs_a_reason(parent):
    complete_module(parent, "first-steps")
    certificate = Certificate.objects.get(user=parent)
    with pytest.raises(ValueError):
        certificate_revoke(certificate=certificate, by=parent, reason="   ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None


def test_revoking_twice_keeps_the_first_revocation(parent, staff):
    complete_module(parent, "first-steps")
    certificate = Certificate.objects.get(user=parent)
    first = certificate_revoke(certificate=certificate, by=staff, reason="Fraud")
    second = certificate_revoke(certificate=certificate, by=staff, reason="Other")
    assert second.revoked_at == first.revoked_at and second.revocation_reason == "Fraud"
    assert second.status == Status.REVOKED


def test_reissue_withdraws_the_old_one_and_prints_the_corrected_name(parent, staff):
    complete_module(parent, "first-steps")
    old = Certificate.objects.get(user=parent)
    User.objects.filter(pk=parent.pk).update(name="Patricia Parent")
    new = certificate_reissue(certificate=old, by=staff)
    old.refresh_from_db()
    assert old.status == Status.WITHDRAWN and old.replaced_by == new and old.revoked_by == staff
    assert new.learner_name == "Patricia Parent" and new.code != old.code
    assert (new.cycle, new.completed_at, new.expires_at) == (old.cycle, old.completed_at, old.expires_at)
    assert new.status == Status.VALID
    with pytest.raises(ValueError):
        certificate_reissue(certificate=old, by=staff)


def test_issue_returns_the_existing_certificate_for_the_same_completion(parent):
    complete_module(parent, "first-steps")
    module = Module.objects.get(slug="first-steps")
    existing = Certificate.objects.get(user=parent)
    again = certificate_issue(user=parent, module=module, completed_at=existing.completed_at)
    assert again.pk == existing.pk


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_create_one_certificate(course, parent):
    """Two requests racing to certify the same completion: the partial unique constraint
    decides, and the loser gets the winner's certificate."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    complete_module(parent, "first-steps")
    Certificate.objects.all().delete()
    module = Module.objects.get(slug="first-steps")
    completed_at = ModuleProgress.objects.get(user=parent, module=module).completed_at
    barrier = threading.Barrier(2)
    results, errors = [], []

    def issue():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                results.append(certificate_issue(user=parent, module=module, completed_at=completed_at))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Certificate.objects.filter(module=module).count() == 1
    assert results[0].pk == results[1].pk
