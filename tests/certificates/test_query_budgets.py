"""Certificate pages run a fixed number of queries, whatever the number of certificates. On
failure `assert_query_count` prints every SQL statement that ran."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import membership_add
from certificates.models import Certificate
from compliance.assignments import assignment_create
from courses.content import course_load
from courses.models import Module, Track
from quizzes.services import attempt_submit, get_quiz
from tests.certificates.conftest import answers, complete_module
from tests.conftest import build_course

SIZES = [pytest.param(1, id="1-module"), pytest.param(30, id="30-modules")]

BUDGETS = {
    # session, user + count(1) + page(1)
    "mine": 4,
    # session, user + count(1) + page with learners(1)
    "manage": 4,
    # session, user + certificate with learner, revoker, replacement(1)
    "manage_detail": 3,
    # session, user + exports(1)
    "exports": 3,
    # anonymous: certificate(1)
    "verify": 1,
    # session, user + organisation with membership(1) + count(1) + page with learners(1)
    "org_manage": 5,
    # session, user + organisation with membership(1) + certificate with learner, revoker, replacement(1)
    "org_manage_detail": 4,
    # the quiz result page's 12 (tests/courses/test_query_budgets.py) + certificates earned(1)
    "result_passed": 13,
}


@pytest.fixture
def sized(request, tmp_path, parent, outsider, staff, org_a, owner):
    modules = request.param
    course_load(root=build_course(tmp_path / "content", modules))
    # The outsider's certificates are issued by School A, which assigned them the track.
    membership_add(organisation=org_a, user=outsider)
    assignment_create(
        organisation=org_a, actor=owner, track=Track.objects.get(slug="parent"), target="everyone"
    )
    for module in Module.objects.all():
        complete_module(parent, module.slug)
        complete_module(outsider, module.slug)
    expected = 2 * (modules + 1)  # every module, and the track
    assert Certificate.objects.count() == expected
    module = Module.objects.get(slug="first-steps")
    quiz = get_quiz(module)
    attempt, _ = attempt_submit(user=parent, quiz=quiz, token=uuid.uuid4(), selected=answers(quiz))
    assert Certificate.objects.filter(organisation=org_a).count() == modules + 1
    return Certificate.objects.filter(user=parent).first(), attempt


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_every_certificate_page_has_a_fixed_query_budget(
    sized, parent, staff, owner, org_a, client, assert_query_count
):
    """One course build per size (30 modules x 2 learners is slow), every page checked on it."""
    certificate, attempt = sized
    pages = [
        ("mine", parent, reverse("certificates:mine")),
        ("result_passed", parent, attempt.get_absolute_url()),
        ("manage", staff, reverse("certificates:manage") + "?status=valid&q=e"),
        ("manage_detail", staff, reverse("certificates:manage_detail", args=[certificate.code])),
        ("exports", staff, reverse("certificates:exports")),
        ("verify", None, reverse("certificates:verify_code", args=[certificate.code])),
        ("org_manage", owner, reverse("certificates:org_manage", args=[org_a.slug]) + "?kind=module"),
        (
            "org_manage_detail",
            owner,
            reverse(
                "certificates:org_manage_detail",
                args=[org_a.slug, Certificate.objects.filter(organisation=org_a).first().code],
            ),
        ),
    ]
    for name, user, url in pages:
        visitor = client_for(user) if user else client
        with assert_query_count(BUDGETS[name]):
            response = visitor.get(url)
        assert response.status_code == 200, name
    result = client_for(parent).get(attempt.get_absolute_url())
    assert b"Download certificate (PDF)" in result.content
