"""seed_demo: deterministic demo data, built with bulk inserts, never over real users."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from certificates.models import Certificate
from compliance.models import Assignment
from courses.models import LessonProgress, ModuleProgress
from quizzes.models import Answer, Attempt

SMALL = {"large": 60, "small": "8,12", "parents": 15, "seed": 7}


def fingerprint() -> str:
    """A digest of who is in the demo and how far each got, independent of row ids."""
    rows = sorted(
        (
            u.email,
            u.name,
            u.role,
            LessonProgress.objects.filter(user=u).count(),
            Attempt.objects.filter(user=u).count(),
        )
        for u in User.objects.all()
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def shipped(db):
    call_command("load_content")


def test_builds_organisations_of_the_requested_sizes_with_history(shipped):
    call_command("seed_demo", **SMALL)
    assert sorted(o.memberships.count() for o in Organisation.objects.all()) == [8, 12, 60]
    assert User.objects.count() == 60 + 8 + 12 + 15
    assert Membership.objects.filter(role="owner").count() == 3
    assert (
        LessonProgress.objects.exists() and ModuleProgress.objects.filter(completed_at__isnull=False).exists()
    )
    assert Answer.objects.count() >= Attempt.objects.count() > 0
    today = timezone.localdate()
    assert Assignment.objects.filter(due_date__lt=today).exists(), "some assignments are overdue"
    now = timezone.now()
    assert Certificate.objects.filter(expires_at__lte=now).exists(), "some certificates expired"
    assert Certificate.objects.filter(revoked_at__isnull=False).exists(), "some certificates revoked"


def test_same_seed_gives_the_same_data(shipped):
    call_command("seed_demo", **SMALL)
    first = fingerprint()
    call_command("seed_demo", reset=True, **SMALL)
    assert fingerprint() == first
    call_command("seed_demo", reset=True, **{**SMALL, "seed": 8})
    assert fingerprint() != first


def test_refuses_a_database_with_real_users(shipped):
    User.objects.create_user(email="real.person@example.org", password="x", name="Real Person")
    with pytest.raises(CommandError, match="holds real users"):
        call_command("seed_demo", **SMALL)
    assert not Organisation.objects.exists()
    call_command("seed_demo", allow_real_users=True, **SMALL)
    assert Organisation.objects.count() == 3


def test_refuses_to_build_twice_without_reset(shipped):
    call_command("seed_demo", **SMALL)
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", **SMALL)


def test_needs_the_course(db):
    with pytest.raises(CommandError, match="load_content"):
        call_command("seed_demo", **SMALL)
