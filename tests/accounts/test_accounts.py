"""Sign-up with a certificate name and role, log-in by e-mail, profile, password reset, admin."""

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import User


@pytest.fixture
def signup_data():
    return {
        "name": "Дарья Иванова",
        "email": "daria@example.org",
        "password1": "a long safe password 42",
        "password2": "a long safe password 42",
        "role": "educator",
    }


def test_sign_up_keeps_name_and_role_and_sends_verification(client, db, signup_data):
    response = client.post(reverse("account_signup"), signup_data)
    assert response.status_code == 302
    user = User.objects.get(email="daria@example.org")
    assert (user.name, user.role, user.recommended_audience) == ("Дарья Иванова", "educator", "educator")
    assert len(mail.outbox) == 1 and "daria@example.org" in mail.outbox[0].to


def test_sign_up_returns_to_the_page_the_learner_came_from(client, db, signup_data, course):
    lesson = reverse("courses:lesson", args=["first-steps", "intro"])
    response = client.post(f"{reverse('account_signup')}?next={lesson}", {**signup_data, "next": lesson})
    assert response.url == lesson


def test_sign_up_errors_keep_what_was_typed(client, db, signup_data):
    response = client.post(reverse("account_signup"), {**signup_data, "password2": "different"})
    assert response.status_code == 200
    assert "Дарья Иванова".encode() in response.content
    assert not User.objects.exists()


def test_sign_up_refuses_an_unknown_role_and_an_over_long_name(client, db, signup_data):
    client.post(reverse("account_signup"), {**signup_data, "role": "admin"})
    client.post(reverse("account_signup"), {**signup_data, "name": "x" * 151})
    assert not User.objects.exists()


def test_log_in_by_email(client, parent):
    response = client.post(
        reverse("account_login"), {"login": "parent@example.org", "password": "a-long-test-password"}
    )
    assert response.status_code == 302 and response.url == reverse("courses:my_learning")


def test_profile_changes_name_and_role(parent_client, parent):
    response = parent_client.post(
        reverse("accounts:profile"), {"name": "Αλέξης Παπαδόπουλος", "role": "educator"}
    )
    assert response.status_code == 302
    parent.refresh_from_db()
    assert (parent.name, parent.role) == ("Αλέξης Παπαδόπουλος", "educator")


def test_profile_needs_log_in(client, db):
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_profile_shows_errors_and_saves_nothing(parent_client, parent):
    response = parent_client.post(reverse("accounts:profile"), {"name": "", "role": "educator"})
    assert response.status_code == 200
    parent.refresh_from_db()
    assert parent.role == "parent"


def test_password_reset_sends_a_mail(client, parent):
    client.post(reverse("account_reset_password"), {"email": "parent@example.org"})
    assert len(mail.outbox) == 1 and "parent@example.org" in mail.outbox[0].to


def test_email_is_the_login_and_unique(db):
    User.objects.create_user(email="a@example.org", password="x", name="A")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="a@example.org", password="x", name="B")


def test_admin_can_add_a_user(client, db):
    admin = User.objects.create_superuser(email="admin@example.org", password="pw", name="Admin")
    client.force_login(admin)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:courses_module_changelist")).status_code == 200
