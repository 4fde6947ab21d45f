"""The facilitator's pages and the attendees' join page: who may open them (anonymous, outsider,
plain member, facilitator, admin), wrong methods, forged ids, query budgets that do not grow
with attendees, and the attendance sheets."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.services import membership_add, membership_set_role
from courses.models import Module, ModuleProgress
from facilitation.models import Attendance, Session
from facilitation.services import attendance_join, session_create, session_end
from tests.conftest import client_for, make_user


@pytest.fixture
def module(course):
    return Module.objects.get(slug="first-steps")


@pytest.fixture
def session(org_a, owner, module):
    start = timezone.now() - timedelta(minutes=5)
    return session_create(
        organisation=org_a,
        actor=owner,
        module=module,
        facilitator=owner,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )


@pytest.fixture
def facilitator(org_a, owner):
    user = make_user("fay@school-a.org", "educator", "Fay Facilitator")
    membership, _ = membership_add(organisation=org_a, user=user)
    membership_set_role(actor=org_a.memberships.get(user=owner), membership=membership, role="facilitator")
    return user


def urls(org, session):
    args = [org.slug, session.key]
    return {
        "list": reverse("facilitation:list", args=[org.slug]),
        "new": reverse("facilitation:new", args=[org.slug]),
        "detail": reverse("facilitation:detail", args=args),
        "present": reverse("facilitation:present", args=[*args, 1]),
        "csv": reverse("facilitation:sheet_csv", args=args),
        "pdf": reverse("facilitation:sheet_pdf", args=args),
    }


def test_anonymous_is_sent_to_log_in(org_a, session):
    for url in [*urls(org_a, session).values(), reverse("facilitation:join")]:
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_outsider_gets_404_and_plain_member_403(org_a, session, member, admin_b):
    for url in urls(org_a, session).values():
        assert client_for(admin_b).get(url).status_code == 404, url
        assert client_for(member).get(url).status_code == 403, url
    assert (
        client_for(member).post(reverse("facilitation:end", args=[org_a.slug, session.key])).status_code
        == 403
    )
    assert (
        client_for(admin_b).post(reverse("facilitation:end", args=[org_a.slug, session.key])).status_code
        == 404
    )
    session.refresh_from_db()
    assert session.ended_at is None


def test_a_session_key_forged_under_another_organisation_is_404(org_a, org_b, session, admin_b):
    assert (
        client_for(admin_b).get(reverse("facilitation:detail", args=[org_b.slug, session.key])).status_code
        == 404
    )


def test_facilitator_runs_sessions_but_sees_nothing_else_of_the_admin_area(org_a, session, facilitator):
    client = client_for(facilitator)
    for url in urls(org_a, session).values():
        assert client.get(url).status_code == 200, url
    for name in ("compliance:dashboard", "orgs:members", "orgs:settings", "compliance:report"):
        assert client.get(reverse(name, args=[org_a.slug])).status_code == 403, name


def test_facilitator_can_only_name_themself_as_the_one_running_it(org_a, owner, facilitator, module):
    client = client_for(facilitator)
    owner_membership = org_a.memberships.get(user=owner)
    data = {"module": module.pk, "starts_at": "2030-01-01T10:00", "minutes": 60}
    response = client.post(
        reverse("facilitation:new", args=[org_a.slug]), {**data, "facilitator": owner_membership.key}
    )
    assert response.status_code == 200 and not Session.objects.exists()
    mine = org_a.memberships.get(user=facilitator)
    response = client.post(reverse("facilitation:new", args=[org_a.slug]), {**data, "facilitator": mine.key})
    created = Session.objects.get()
    assert (
        response.status_code == 302
        and created.facilitator == facilitator
        and created.created_by == facilitator
    )


def test_new_session_refuses_oversized_windows(org_a, owner, module):
    membership = org_a.memberships.get(user=owner)
    data = {
        "module": module.pk,
        "facilitator": membership.pk,
        "starts_at": "2030-01-01T10:00",
        "minutes": 100000,
    }
    assert client_for(owner).post(reverse("facilitation:new", args=[org_a.slug]), data).status_code == 200
    assert not Session.objects.exists()


def test_roster_ticks_members_and_refuses_forged_keys(org_a, owner, member, admin_b, session):
    client = client_for(owner)
    url = reverse("facilitation:detail", args=[org_a.slug, session.key])
    outsider_key = admin_b.memberships.get().key
    response = client.post(url, {"attendees": [outsider_key]})
    assert response.status_code == 200 and not session.attendances.exists()
    member_key = org_a.memberships.get(user=member).key
    assert client.post(url, {"attendees": [member_key]}).status_code == 302
    assert list(session.attendances.values_list("user", "how")) == [(member.pk, "roster")]


def test_end_is_post_only_and_credits_once(org_a, owner, member, session):
    client = client_for(owner)
    attendance_join(user=member, code=session.code)
    url = reverse("facilitation:end", args=[org_a.slug, session.key])
    assert client.get(url).status_code == 405
    client.post(url)
    client.post(url)  # a double click
    progress = ModuleProgress.objects.get(user=member)
    assert progress.completed_at is not None and progress.facilitated_by == owner
    assert member.certificates.count() == 1


def test_detail_page_query_budget_does_not_grow_with_attendees(org_a, owner, session, assert_query_count):
    client = client_for(owner)
    url = reverse("facilitation:detail", args=[org_a.slug, session.key])
    client.get(url)
    # Django session, user, membership + organisation, the session, its attendances, the roster's
    # members (once to tick the attendees, once to list them)
    with assert_query_count(7) as first:
        assert client.get(url).status_code == 200
    for i in range(5):
        user = make_user(f"m{i}@school-a.org")
        membership_add(organisation=org_a, user=user)
        attendance_join(user=user, code=session.code)
    with assert_query_count(len(first.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Joined with the code") == 5


def test_presenter_view_query_budget_and_steps(org_a, owner, session, assert_query_count):
    client = client_for(owner)
    url = reverse("facilitation:present", args=[org_a.slug, session.key, 1])
    client.get(url)
    # Django session, user, membership, the session, lessons, conversations, quiz + scenarios +
    # questions + choices
    with assert_query_count(10):
        response = client.get(url)
    assert session.code in response.content.decode()
    assert client.get(reverse("facilitation:present", args=[org_a.slug, session.key, 999])).status_code == 404
    assert client.get(reverse("facilitation:present", args=[org_a.slug, session.key, 0])).status_code == 404


def presenter_pages(client, org, session):
    pages = []
    n = 1
    while True:
        response = client.get(reverse("facilitation:present", args=[org.slug, session.key, n]))
        if response.status_code == 404:
            return pages
        pages.append(response.content.decode())
        n += 1


def test_presenter_shows_discussion_prompts_and_reveals_quiz_feedback_without_javascript(
    org_a, owner, session
):
    pages = presenter_pages(client_for(owner), org_a, session)
    assert any("presenter-discussion" in p for p in pages)
    questions = [
        i
        for i, p in enumerate(pages)
        if "presenter-question" in p and "presenter-step presenter-question" in p
    ]
    assert questions
    first = questions[0]
    assert "Best answer." not in pages[first] and "Reveal feedback" in pages[first]
    assert "Best answer." in pages[first + 1] and "presenter-feedback" in pages[first + 1]
    assert all('rel="next"' in p for p in pages[:-1]) and 'rel="next"' not in pages[-1]


def test_presenter_view_in_spanish(org_a, owner, session):
    client = client_for(owner)
    owner.language = "es"
    owner.save()
    pages = presenter_pages(client, org_a, session)
    assert any("Pantalla 1 de" in p for p in pages)


def test_attendance_sheets(org_a, owner, member, session):
    member.name = "=HYPERLINK(evil)"
    member.save()
    attendance_join(user=member, code=session.code)
    client = client_for(owner)
    response = client.get(reverse("facilitation:sheet_csv", args=[org_a.slug, session.key]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["'=HYPERLINK(evil)", member.email, "Joined with the code"] == rows[-1][:3]
    assert rows[1] == ["Module", "First steps"]
    response = client.get(reverse("facilitation:sheet_pdf", args=[org_a.slug, session.key]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_join_page_joins_and_explains_wrong_codes(org_a, member, session):
    client = client_for(member)
    url = reverse("facilitation:join")
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "ZZZZZZ"})
    assert response.status_code == 400 and "No session is open with this code" in response.content.decode()
    assert client.post(url, {"code": "x" * 5000}).status_code == 400
    response = client.post(url, {"code": session.code}, follow=True)
    assert "You have joined" in response.content.decode()
    assert Attendance.objects.filter(session=session, user=member, how="code").exists()


def test_join_is_rate_limited_per_account(org_a, member, session):
    client = client_for(member)
    url = reverse("facilitation:join")
    for _ in range(10):
        assert client.post(url, {"code": "ZZZZZZ"}).status_code == 400
    response = client.post(url, {"code": session.code})
    assert response.status_code == 429 and not session.attendances.exists()


def test_outsider_cannot_join_with_a_real_code(org_a, admin_b, session):
    response = client_for(admin_b).post(reverse("facilitation:join"), {"code": session.code})
    assert response.status_code == 400 and not session.attendances.exists()


def test_member_page_links_sessions_only_for_those_who_can_run_them(org_a, member, facilitator):
    url = reverse("compliance:detail", args=[org_a.slug])
    assert "Facilitated sessions" not in client_for(member).get(url).content.decode()
    assert "Facilitated sessions" in client_for(facilitator).get(url).content.decode()


def test_admin_can_make_a_member_a_facilitator_on_the_members_page(org_a, owner, member):
    key = org_a.memberships.get(user=member).key
    client_for(owner).post(reverse("orgs:member_role", args=[org_a.slug, key]), {"role": "facilitator"})
    assert Membership.objects.get(user=member).role == "facilitator"


def test_ended_session_detail_shows_no_roster(org_a, owner, session):
    session_end(session=session)
    content = (
        client_for(owner).get(reverse("facilitation:detail", args=[org_a.slug, session.key])).content.decode()
    )
    assert "End the session" not in content and "Save attendance" not in content


def test_session_list_query_budget_does_not_grow_with_sessions(org_a, owner, module, assert_query_count):
    client = client_for(owner)
    url = reverse("facilitation:list", args=[org_a.slug])
    start = timezone.now()
    # Django session, user, membership + organisation, count for the paginator, the page's sessions
    for n in (1, 4):
        while Session.objects.count() < n:
            session_create(
                organisation=org_a,
                actor=owner,
                module=module,
                facilitator=owner,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
        with assert_query_count(5):
            response = client.get(url)
        assert response.content.decode().count("First steps") == n


def test_owner_sets_the_quiz_policy_on_the_settings_page(org_a, owner):
    client = client_for(owner)
    url = reverse("orgs:settings", args=[org_a.slug])
    assert "Facilitated sessions need each attendee" in client.get(url).content.decode()
    data = {"name": org_a.name, "kind": org_a.kind, "facilitated_needs_quiz": "on"}
    assert client.post(url, data).status_code == 302
    org_a.refresh_from_db()
    assert org_a.facilitated_needs_quiz is True
