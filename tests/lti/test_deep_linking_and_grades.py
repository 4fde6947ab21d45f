"""Deep linking (a teacher picks a module or a track inside the LMS; the LMS receives signed
content items) and grade passback (a learner who launched a module passes its quiz; the LMS's
gradebook receives the score through Assignment and Grade Services), against the test LMS."""

import re
from types import SimpleNamespace

from django.core.management import call_command
from django.test import Client

import lti.tasks
from accounts.models import AuditEvent, User
from lti.grades import scores_send
from lti.models import ScoreLink
from lti.tasks import send_lti_scores
from tests.lti.conftest import lti_launch
from tests.lti.platform import INSTRUCTOR
from tests.steps import complete_module, take_quiz

CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"


def teacher_picker(lms):
    client = Client()
    response = lti_launch(client, lms, message_type="LtiDeepLinkingRequest", sub="teacher-1",
                          email="teacher@district.example", roles=[INSTRUCTOR])  # fmt: skip
    assert response.status_code == 200, response.content[:300]
    ticket = re.search(r'name="ticket" value="([^"]+)"', response.content.decode()).group(1)
    return client, response, ticket


def test_a_teacher_picks_a_module_and_the_lms_receives_a_signed_item(connected, lms):
    client, picker, ticket = teacher_picker(lms)
    assert f"frame-ancestors {lms.url}" in picker.headers["Content-Security-Policy"]
    page = picker.content.decode()
    assert "First steps" in page and "track:parent" in page
    response = client.post("/lti/deep-link/", {"ticket": ticket, "content": "module:first-steps"})
    assert response.status_code == 200
    assert f"form-action 'self' {lms.url}" in response.headers["Content-Security-Policy"]
    assert "data-auto-submit" in response.content.decode()
    jwt_value = re.search(r'name="JWT" value="([^"]+)"', response.content.decode()).group(1)
    claims = lms.verify_tool_jwt(jwt_value, audience=lms.issuer)  # signed with the tool's key
    assert claims["iss"] == lms.client_id
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-opaque-data"
    (item,) = claims[CONTENT_ITEMS]
    assert item["type"] == "ltiResourceLink" and item["custom"] == {"module": "first-steps"}
    assert item["url"] == "http://testserver/lti/launch/"
    assert item["lineItem"]["scoreMaximum"] == 100


def test_a_track_becomes_one_item_per_module(connected, lms):
    client, _picker, ticket = teacher_picker(lms)
    response = client.post("/lti/deep-link/", {"ticket": ticket, "content": "track:parent"})
    jwt_value = re.search(r'name="JWT" value="([^"]+)"', response.content.decode()).group(1)
    items = lms.verify_tool_jwt(jwt_value, audience=lms.issuer)[CONTENT_ITEMS]
    assert [i["custom"]["module"] for i in items] == ["first-steps", "second-steps"]


def test_the_picker_refuses_no_choice_a_forged_choice_and_a_used_ticket(connected, lms):
    client, _picker, ticket = teacher_picker(lms)
    for content in ("", "module:no-such-module", "track:nope", "course:first-steps", "x" * 5000):
        response = client.post("/lti/deep-link/", {"ticket": ticket, "content": content})
        assert response.status_code == 400 and "Choose a module or a track" in response.content.decode()
    assert (
        client.post("/lti/deep-link/", {"ticket": ticket, "content": "module:first-steps"}).status_code == 200
    )
    again = client.post("/lti/deep-link/", {"ticket": ticket, "content": "module:first-steps"})
    assert again.status_code == 400 and "expired" in again.content.decode()
    forged = client.post("/lti/deep-link/", {"ticket": "forged", "content": "module:first-steps"})
    assert forged.status_code == 400


def test_a_passed_quiz_sends_its_score_to_the_lms_gradebook(connected, lms):
    lti_launch(Client(), lms)
    learner = User.objects.get(email="student@district.example")
    assert scores_send() == (0, 0)  # nothing passed yet
    take_quiz(learner, "first-steps", right=False)
    assert scores_send() == (0, 0)  # a fail is not sent
    complete_module(learner, "first-steps")
    assert scores_send() == (1, 0)
    (score,) = lms.scores
    assert score["scoreGiven"] == 100 and score["scoreMaximum"] == 100
    assert score["userId"] == "student-1" and score["gradingProgress"] == "FullyGraded"
    assert score["lineitem"] == "/lineitems/1"
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in lms.token_requests[0]["scope"]
    assert ScoreLink.objects.get().sent_score == 100
    assert scores_send() == (0, 0)  # sent once


def test_the_command_sends_scores_and_a_failure_is_retried_and_audited_once(connected, lms, district):
    lti_launch(Client(), lms)
    learner = User.objects.get(email="student@district.example")
    complete_module(learner, "first-steps")
    good_keys, lms.tool_jwks = lms.tool_jwks, {"keys": []}  # the LMS cannot check our key: 401
    assert scores_send() == (0, 1)
    assert scores_send() == (0, 1)
    link = ScoreLink.objects.get()
    assert link.failures == 2 and "401" in link.last_error
    assert district.audit_events.filter(action=AuditEvent.Action.LTI_SCORE_FAILED).count() == 1
    lms.tool_jwks = good_keys
    call_command("send_lti_scores")
    assert len(lms.scores) == 1 and ScoreLink.objects.get().sent_score == 100


def test_the_task_sends_only_that_learners_scores(connected, lms):
    lti_launch(Client(), lms)
    lti_launch(Client(), lms, sub="student-2", email="other@district.example", name="Oth Student")
    first = User.objects.get(email="student@district.example")
    second = User.objects.get(email="other@district.example")
    complete_module(first, "first-steps")
    complete_module(second, "first-steps")
    send_lti_scores.enqueue(user_id=second.pk)
    assert [s["userId"] for s in lms.scores] == ["student-2"]


def test_no_score_link_without_the_score_scope(connected, lms):
    lti_launch(Client(), lms, lineitem=None)
    assert not ScoreLink.objects.exists()


def test_a_pass_sends_the_score_at_once_only_for_a_learner_from_an_lms(
    connected, lms, parent, monkeypatch, django_capture_on_commit_callbacks
):
    """The learner who launched from the LMS has the score in its gradebook as the quiz is
    graded; a learner who never came from an LMS queues no task at all (the submit stays cheap)."""
    queued = []
    spy = SimpleNamespace(enqueue=lambda **kw: queued.append(kw) or send_lti_scores.enqueue(**kw))
    monkeypatch.setattr(lti.tasks, "send_lti_scores", spy)
    lti_launch(Client(), lms)
    learner = User.objects.get(email="student@district.example")
    with django_capture_on_commit_callbacks(execute=True):
        complete_module(parent, "first-steps")
    assert queued == [] and lms.scores == []
    with django_capture_on_commit_callbacks(execute=True):
        complete_module(learner, "first-steps")
    assert queued == [{"user_id": learner.pk}]
    assert [s["userId"] for s in lms.scores] == ["student-1"]
