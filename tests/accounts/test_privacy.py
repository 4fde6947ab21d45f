"""A learner can take all their data away, and delete their account after re-entering the
password."""

import json
import uuid

import pytest
from django.urls import reverse

from accounts.models import User
from certificates.models import Certificate
from courses.models import Lesson, LessonProgress, Module, ModuleProgress
from courses.services import lesson_complete
from quizzes.models import Answer, Attempt
from quizzes.services import attempt_submit, get_quiz, quiz_questions

pytestmark = pytest.mark.usefixtures("course")


def complete_module(user):
    module = Module.objects.get(slug="first-steps")
    for lesson in module.lessons.all():
        lesson_complete(user=user, lesson=lesson)
    quiz = get_quiz(module)
    right = {q.pk: {c.pk for c in q.choices.all() if c.correct} for q in quiz_questions(quiz)}
    attempt_submit(user=user, quiz=quiz, token=uuid.uuid4(), selected=right)


@pytest.fixture
def history(parent):
    lesson_complete(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    quiz = get_quiz(Module.objects.get(slug="first-steps"))
    selected = {q.pk: {q.choices.all()[0].pk} for q in quiz_questions(quiz)}
    attempt_submit(user=parent, quiz=quiz, token=uuid.uuid4(), selected=selected)


def test_export_holds_profile_progress_and_attempts(parent_client, history):
    response = parent_client.post(reverse("accounts:data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="onguard-my-data-')
    data = json.loads(response.content)
    assert data["profile"]["email"] == "parent@example.org" and data["profile"]["name"] == "Pat Parent"
    assert data["lessons_completed"][0]["lesson"] == "intro"
    assert data["modules"][0]["module"] == "first-steps"
    attempt = data["quiz_attempts"][0]
    assert attempt["module"] == "first-steps" and len(attempt["answers"]) == 2
    assert attempt["answers"][0]["chosen"]


def test_export_is_post_only_and_private(parent_client, client):
    assert parent_client.get(reverse("accounts:data_export")).status_code == 405
    assert client.post(reverse("accounts:data_export")).status_code == 302


def test_wrong_password_deletes_nothing(parent_client, parent, history):
    response = parent_client.post(reverse("accounts:delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200 and "That password is not right." in response.content.decode()
    assert User.objects.filter(pk=parent.pk).exists() and Attempt.objects.exists()


def test_unticked_confirmation_deletes_nothing(parent_client, parent):
    parent_client.post(reverse("accounts:delete"), {"password": "a-long-test-password"})
    assert User.objects.filter(pk=parent.pk).exists()


def test_delete_removes_account_progress_and_attempts_and_logs_out(parent_client, parent, history):
    response = parent_client.post(
        reverse("accounts:delete"), {"password": "a-long-test-password", "confirm": "on"}, follow=True
    )
    assert b"Your account and your learning records have been deleted." in response.content
    assert not User.objects.filter(pk=parent.pk).exists()
    assert not LessonProgress.objects.exists() and not ModuleProgress.objects.exists()
    assert not Attempt.objects.exists() and not Answer.objects.exists()
    assert parent_client.get(reverse("courses:my_learning")).status_code == 302


def test_export_lists_certificates(parent_client, parent):
    complete_module(parent)
    data = json.loads(parent_client.post(reverse("accounts:data_export")).content)
    assert [c["item"] for c in data["certificates"]] == ["First steps"]
    assert (
        data["certificates"][0]["status"] == "valid"
        and data["certificates"][0]["name_printed"] == "Pat Parent"
    )


def test_deleted_accounts_certificates_verify_as_withdrawn_without_the_name(parent_client, parent, client):
    complete_module(parent)
    code = Certificate.objects.get(user=parent).code
    parent_client.post(reverse("accounts:delete"), {"password": "a-long-test-password", "confirm": "on"})
    certificate = Certificate.objects.get(code=code)
    assert certificate.user is None and certificate.status == "withdrawn"
    body = client.get(reverse("certificates:verify_code", args=[code])).content.decode()
    assert "Withdrawn" in body and "closed their account" in body and "Pat Parent" not in body


def test_delete_page_needs_log_in(client):
    assert client.get(reverse("accounts:delete")).status_code == 302


def test_privacy_page_says_what_is_kept(client):
    body = client.get(reverse("accounts:privacy")).content.decode()
    assert "What we keep, and why" in body and "No analytics" in body and "How long" in body
