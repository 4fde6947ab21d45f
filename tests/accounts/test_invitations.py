"""Inviting by e-mail, by a pasted or uploaded CSV (with a preview of bad rows), resending,
revoking, and accepting as a new or an existing user, never as another account."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.invitations import InviteRow, invitations_create
from accounts.models import AuditEvent, Invitation, User
from tests.conftest import client_for, make_user

CSV = """name,email,group
Sam Lee,sam@school-a.org,Science
Kim Park,kim@school-a.org,
Bad Row,not-an-email,
Sam Again,SAM@school-a.org,
Mo Member,member@school-a.org,
"""


def invite(org, actor, *emails):
    rows = [InviteRow(line=i, name="", email=e) for i, e in enumerate(emails, 1)]
    return invitations_create(organisation=org, actor=actor, rows=rows)


def test_inviting_one_address_mails_a_link_after_commit(org_a, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(owner).post(
            reverse("orgs:invitations", args=[org_a.slug]), {"name": "Sam", "email": "sam@school-a.org"}
        )
        assert len(mail.outbox) == 0  # nothing is sent inside the transaction
    assert response.status_code == 302 and len(callbacks) == 1
    invitation = Invitation.objects.get()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@school-a.org"]
    assert f"http://127.0.0.1:8000/invitations/{invitation.token}/" in mail.outbox[0].body
    assert invitation.sent_at is not None
    assert AuditEvent.objects.filter(action="invite", target="sam@school-a.org").exists()


def test_inviting_a_member_or_a_bad_address_saves_nothing(org_a, owner, member):
    client = client_for(owner)
    for email in ("member@school-a.org", "MEMBER@school-a.org", "nope"):
        response = client.post(reverse("orgs:invitations", args=[org_a.slug]), {"email": email})
        assert response.status_code == 200 and "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_the_csv_preview_lists_each_bad_row_and_why_and_sends_nothing(org_a, owner, member):
    response = client_for(owner).post(reverse("orgs:invite_bulk", args=[org_a.slug]), {"text": CSV})
    preview = response.context["preview"]
    assert [r.email for r in preview.good] == ["sam@school-a.org", "kim@school-a.org"]
    reasons = {r.line: r.errors for r in preview.bad}
    assert "not a valid e-mail address" in reasons[4][0]
    assert reasons[5] == ["a duplicate of line 2"]
    assert reasons[6] == ["already a member"]
    assert not Invitation.objects.exists() and not mail.outbox


def test_confirming_the_csv_invites_the_good_rows_only_from_a_task(
    org_a, owner, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            reverse("orgs:invite_bulk", args=[org_a.slug]), {"text": CSV, "confirm": "1"}
        )
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "kim@school-a.org",
        "sam@school-a.org",
    ]
    assert Invitation.objects.get(email="sam@school-a.org").group.name == "Science"
    assert sorted(m.to[0] for m in mail.outbox) == ["kim@school-a.org", "sam@school-a.org"]


def test_an_uploaded_csv_file_is_read_too(org_a, owner):
    upload = SimpleUploadedFile(
        "staff.csv", "\ufeffZoë Ñúñez,zoe@school-a.org\n".encode(), content_type="text/csv"
    )
    response = client_for(owner).post(reverse("orgs:invite_bulk", args=[org_a.slug]), {"file": upload})
    assert [(r.name, r.email) for r in response.context["preview"].good] == [
        ("Zoë Ñúñez", "zoe@school-a.org")
    ]


def test_an_already_invited_address_is_a_bad_row(org_a, owner):
    invite(org_a, owner, "sam@school-a.org")
    response = client_for(owner).post(
        reverse("orgs:invite_bulk", args=[org_a.slug]), {"text": "Sam,sam@school-a.org"}
    )
    assert "already invited" in response.context["preview"].bad[0].errors[0]


def test_an_empty_list_is_an_error(org_a, owner):
    response = client_for(owner).post(reverse("orgs:invite_bulk", args=[org_a.slug]), {"text": "\n\n"})
    assert response.status_code == 200 and response.context["form"].errors


def test_a_new_user_signs_up_on_the_spot_and_joins(org_a, owner, client):
    (invitation,) = invite(org_a, owner, "new@school-a.org")
    url = reverse("invitations:accept", args=[invitation.token])
    assert b"Create my account and join" in client.get(url).content
    response = client.post(
        url,
        {"name": "Nia New", "password1": "a long safe password 42", "password2": "a long safe password 42"},
    )
    assert response.status_code == 302 and response.url == reverse("courses:my_learning")
    user = User.objects.get(email="new@school-a.org")
    assert user.name == "Nia New" and user.role == "educator"
    assert org_a.memberships.filter(user=user, role="member").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(reverse("courses:my_learning")).status_code == 200  # logged in


def test_a_weak_password_creates_no_account(org_a, owner, client):
    (invitation,) = invite(org_a, owner, "new@school-a.org")
    url = reverse("invitations:accept", args=[invitation.token])
    response = client.post(url, {"name": "Nia", "password1": "123", "password2": "123"})
    assert response.status_code == 200 and not User.objects.filter(email="new@school-a.org").exists()


def test_an_existing_user_logs_in_then_joins(org_a, owner, client):
    user = make_user("Kim@School-A.org", "educator", "Kim")
    (invitation,) = invite(org_a, owner, "kim@school-a.org")
    url = reverse("invitations:accept", args=[invitation.token])
    assert b"Log in to join" in client.get(url).content
    client.force_login(user)
    assert client.post(url).status_code == 302
    assert org_a.memberships.filter(user=user).exists()


def test_another_account_cannot_use_the_invitation(org_a, owner, outsider):
    (invitation,) = invite(org_a, owner, "sam@school-a.org")
    url = reverse("invitations:accept", args=[invitation.token])
    assert client_for(outsider).post(url).status_code == 403
    assert not org_a.memberships.filter(user=outsider).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize("close", ["expire", "revoke"])
def test_an_expired_or_revoked_invitation_does_not_work(org_a, owner, client, close):
    (invitation,) = invite(org_a, owner, "sam@school-a.org")
    if close == "expire":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        client_for(owner).post(reverse("orgs:invitation_revoke", args=[org_a.slug, invitation.token]))
    url = reverse("invitations:accept", args=[invitation.token])
    response = client.post(
        url, {"name": "Sam", "password1": "a long safe password 42", "password2": "a long safe password 42"}
    )
    assert response.status_code == 410 and not User.objects.filter(email="sam@school-a.org").exists()


def test_resending_refreshes_the_expiry_and_mails_again(org_a, owner, django_capture_on_commit_callbacks):
    (invitation,) = invite(org_a, owner, "sam@school-a.org")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(reverse("orgs:invitation_resend", args=[org_a.slug, invitation.token]))
    invitation.refresh_from_db()
    assert invitation.is_open and len(mail.outbox) == 1


def test_an_unknown_token_is_404(client, db):
    assert client.get(reverse("invitations:accept", args=["nope"])).status_code == 404


def test_invitation_list_query_budget_is_the_same_for_few_and_many(org_a, owner, assert_query_count):
    client = client_for(owner)
    url = reverse("orgs:invitations", args=[org_a.slug])
    # session, user, organisation with membership, groups for the form, count, page of invitations
    for n in (2, 60):
        Invitation.objects.all().delete()
        invite(org_a, owner, *[f"p{i}@school-a.org" for i in range(n)])
        with assert_query_count(6):
            assert client.get(url).status_code == 200


def test_csv_parsing_skips_the_header_and_blank_lines_and_reads_quoted_names():
    from accounts.invitations import invite_rows_parse

    rows = invite_rows_parse('Name,E-mail\n\n"Lee, Sam", sam@x.org ,Science\nkim@x.org\n')
    assert [(r.line, r.name, r.email, r.group) for r in rows] == [
        (3, "Lee, Sam", "sam@x.org", "Science"),
        (4, "kim@x.org", "", ""),
    ]


def test_a_row_without_an_email_is_a_bad_row(org_a, owner):
    response = client_for(owner).post(reverse("orgs:invite_bulk", args=[org_a.slug]), {"text": "kim@x.org"})
    assert response.context["preview"].bad[0].errors == ["no e-mail address"]


def test_too_many_rows_at_once_is_an_error(org_a, owner):
    text = "".join(f"P{i},p{i}@x.org\n" for i in range(2001))
    response = client_for(owner).post(reverse("orgs:invite_bulk", args=[org_a.slug]), {"text": text})
    assert response.status_code == 200 and "at most 2000" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_sign_up_that_loses_a_race_for_the_address_is_asked_to_log_in(org_a, owner, client, monkeypatch):
    """Six simultaneous sign-ups on one link (review L4): the winners' account exists by the time a
    loser creates its own; the loser gets the log-in page, not a 500."""
    from accounts import invitation_views
    from accounts.invitations import invitation_sign_up

    (invitation,) = invite(org_a, owner, "race@school-a.org")

    def lose_the_race(**kwargs):
        make_user("race@school-a.org", name="The Winner")
        return invitation_sign_up(**kwargs)

    monkeypatch.setattr(invitation_views, "invitation_sign_up", lose_the_race)
    response = client.post(
        reverse("invitations:accept", args=[invitation.token]),
        {"name": "Nia New", "password1": "a long safe password 42", "password2": "a long safe password 42"},
    )
    assert response.status_code == 409 and "Log in" in response.content.decode()
    assert User.objects.filter(email__iexact="race@school-a.org").count() == 1
    assert "_auth_user_id" not in client.session


def test_plain_text_invitations_are_not_html_escaped(org_a, owner, django_capture_on_commit_callbacks):
    """Review L6: `St Mary&#x27;s &amp; …` in subjects and bodies."""
    org_a.name = "St Mary's & St John's School"
    org_a.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create(
            organisation=org_a, actor=owner, rows=[InviteRow(line=1, name="Siobhán O'Neil", email="s@x.org")]
        )
    (message,) = mail.outbox
    assert message.subject.startswith("St Mary's & St John's School invites you")
    assert "Hello Siobhán O'Neil," in message.body and "&#x27;" not in message.body
    html = message.alternatives[0][0]
    assert "St Mary&#x27;s &amp; St John&#x27;s" in html  # the HTML part stays escaped
