"""Names that can't mislead (review L9): bidi overrides, line breaks, control and invisible
characters are refused where names are typed; characters the certificate font cannot print are
refused with a message naming them; and names stored before this print visibly, never with a
character silently dropped."""

import pytest
from django.urls import reverse

from accounts.models import Invitation, User
from accounts.names import name_problems, printable
from tests.conftest import client_for

SIGNUP = {"email": "n@example.org", "password1": "a long safe password 42", "password2": "a long safe password 42", "role": "parent"}  # fmt: skip

MISLEADING = [
    "\u202eevil\u202c gnp.exe",  # right-to-left override
    "Name\r\nBcc: victim@example.com",
    "Tab\there",
    "\u200b=1+1",  # zero-width space
    "Isolate \u2067x\u2069",
    "Line\u2028separator",
]


@pytest.mark.parametrize("name", MISLEADING)
def test_misleading_characters_are_refused_at_sign_up(client, db, name):
    response = client.post(reverse("account_signup"), {**SIGNUP, "name": name})
    assert response.status_code == 200 and "cannot contain" in response.content.decode()
    assert not User.objects.filter(email="n@example.org").exists()


@pytest.mark.parametrize("name", MISLEADING)
def test_misleading_characters_are_refused_on_the_profile(parent_client, parent, name):
    response = parent_client.post(reverse("accounts:profile"), {"name": name, "role": "parent"})
    assert response.status_code == 200 and "cannot contain" in response.content.decode()
    parent.refresh_from_db()
    assert parent.name == "Pat Parent"


def test_an_emoji_the_certificate_font_lacks_is_refused_with_a_clear_message(parent_client, parent):
    response = parent_client.post(reverse("accounts:profile"), {"name": "😀🔥 Emoji Name", "role": "parent"})
    body = response.content.decode()
    assert response.status_code == 200 and "cannot print" in body and "🔥" in body
    parent.refresh_from_db()
    assert parent.name == "Pat Parent"


@pytest.mark.parametrize(
    "name", ["Siobhán O'Neil", "Zoë Ñúñez-Łukasz", "Αλέξανδρος", "Иван Петров", "Anne-Marie d'Arc"]
)
def test_real_names_in_latin_greek_and_cyrillic_are_accepted(parent_client, parent, name):
    response = parent_client.post(reverse("accounts:profile"), {"name": name, "role": "parent"})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.name == name


def test_organisation_and_signatory_names_are_checked_too(org_a, owner):
    response = client_for(owner).post(
        reverse("orgs:settings", args=[org_a.slug]),
        {"name": "\u202eloohcS", "kind": "school", "certificate_signatory_title": "Head\r\nBcc: x"},
    )
    form = response.context["form"]
    assert response.status_code == 200 and {"name", "certificate_signatory_title"} <= set(form.errors)


def test_an_invitee_s_name_is_checked_at_sign_up(org_a, owner, client):
    from accounts.invitations import InviteRow, invitations_create

    (invitation,) = invitations_create(
        organisation=org_a, actor=owner, rows=[InviteRow(line=1, name="", email="inv@school-a.org")]
    )
    response = client.post(
        reverse("invitations:accept", args=[invitation.token]),
        {
            "name": "\u202eevil",
            "password1": "a long safe password 42",
            "password2": "a long safe password 42",
        },
    )
    assert response.status_code == 200 and "cannot contain" in response.content.decode()
    assert not User.objects.filter(email="inv@school-a.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_the_checker_names_each_problem():
    assert name_problems("Pat Parent") == []
    assert name_problems("a\u202eb") and name_problems("🔥")


def test_a_name_stored_before_the_check_prints_visibly():
    # Bidi and line breaks are neutralised; a glyph the font lacks becomes a visible mark.
    assert printable("\u202eevil\u202c gnp.exe") == "evil gnp.exe"
    assert printable("Name\r\nBcc: x") == "Name Bcc: x"
    assert printable("😀🔥 Emoji") == "😀\ufffd Emoji"
