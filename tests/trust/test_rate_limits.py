"""Rate limits count the right thing (H2, M1, L5): each visitor behind the documented proxy has
their own bucket, a visitor cannot pick one, failed log-ins also count per account, the Django
admin's log-in is allauth's, and production shares the counters between workers."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.checks import cache_is_shared, proxy_count_is_set
from tests.conftest import make_user

LOGIN = reverse("account_login")
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()


def visitor(address: str) -> Client:
    """A browser at `address`, reaching the app through nginx on 127.0.0.1."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)


def log_in(client: Client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_one_abuser_behind_the_proxy_does_not_lock_out_everyone(db):
    victim = make_user("victim@example.org")
    abuser = visitor("203.0.113.66")
    for n in range(36):  # the review's 36 failures for 36 unknown accounts
        log_in(abuser, f"nobody{n}@example.org", "wrong")
    assert not logged_in(abuser) and log_in(abuser, "nobody@example.org", "x").status_code in (200, 429)
    someone_else = visitor("198.51.100.7")
    log_in(someone_else, victim.email, PASSWORD)
    assert logged_in(someone_else)


def test_the_abuser_cannot_escape_their_bucket_by_forging_x_forwarded_for(db):
    make_user("target@example.org")
    for n in range(12):
        # nginx appends the real address; whatever the visitor sent stays on the left.
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.66")
        log_in(client, f"nobody{n}@example.org", "wrong")
    response = log_in(visitor("203.0.113.66"), "target@example.org", PASSWORD)
    assert "_auth_user_id" not in response.client.session
    assert "Too many failed login attempts" in response.content.decode() or response.status_code == 429


def test_without_a_proxy_setting_x_forwarded_for_is_ignored(db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    from config.clientip import client_ip

    request = Client().get("/healthz").wsgi_request
    request.META["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    assert client_ip(request) == request.META["REMOTE_ADDR"]


def test_five_wrong_passwords_lock_that_account_only(db):
    make_user("guessed@example.org")
    other = make_user("other@example.org")
    attacker = visitor("203.0.113.66")
    for _ in range(5):
        log_in(attacker, "guessed@example.org", "wrong")
    response = log_in(attacker, "guessed@example.org", PASSWORD)
    assert not logged_in(attacker) and "Too many failed login attempts" in response.content.decode()
    log_in(attacker, other.email, PASSWORD)
    assert logged_in(attacker)


def test_certificate_checks_are_limited_per_visitor_behind_the_proxy(db, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    url = reverse("certificates:verify_code", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ"])
    busy = visitor("203.0.113.66")
    for _ in range(3):
        assert busy.get(url).status_code == 404
    assert busy.get(url).status_code == 429
    assert visitor("198.51.100.7").get(url).status_code == 404


# --- The Django admin's log-in (M1) ----------------------------------------------------------


@pytest.fixture
def platform_staff(db):
    user = make_user("platform@example.org")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_the_admin_log_in_page_sends_visitors_to_the_site_log_in(client, platform_staff):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_passwords_posted_to_the_admin_log_in_are_never_checked(client, platform_staff):
    for n in range(40):
        client.post("/admin/login/", {"username": platform_staff.email, "password": f"wrong{n}"})
    response = client.post("/admin/login/", {"username": platform_staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert not logged_in(client)


def test_staff_reach_the_admin_through_the_rate_limited_log_in(platform_staff):
    client = visitor("203.0.113.5")
    for _ in range(5):
        client.post(f"{LOGIN}?next=/admin/", {"login": platform_staff.email, "password": "wrong"})
    client.post(f"{LOGIN}?next=/admin/", {"login": platform_staff.email, "password": PASSWORD})
    assert not logged_in(client)
    cache.clear()
    response = client.post(f"{LOGIN}?next=/admin/", {"login": platform_staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/admin/"
    # Signed in, but platform staff without two-step sign-in set it up before the admin opens.
    assert client.get("/admin/").url == reverse("mfa_activate_totp")


def test_a_signed_in_learner_cannot_open_the_admin(client, parent):
    client.force_login(parent)
    assert client.get("/admin/login/").status_code == 403


# --- Other log-in edges ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["account_login", "account_signup", "account_reset_password"])
def test_an_unparseable_next_is_ignored_not_a_500(client, db, path):
    response = client.get(reverse(path) + "?next=http://%5Bx")
    assert response.status_code == 200


def test_an_unparseable_next_after_log_in_goes_to_the_default_page(client, parent):
    response = client.post(LOGIN + "?next=http://%5Bx", {"login": parent.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("courses:my_learning")


def test_logging_out_with_an_unparseable_next_is_not_a_500(client, parent):
    client.force_login(parent)
    response = client.post(reverse("account_logout"), {"next": "http://[2001:cdba::3257:9652/"})
    assert response.status_code == 302 and not logged_in(client)


def test_password_reset_for_an_unknown_address_mails_nobody(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "stranger@example.org"})
    assert response.status_code == 302 and mail.outbox == []


# --- Production settings ---------------------------------------------------------------------


def test_deploy_check_warns_about_a_per_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in cache_is_shared(None)] == ["accounts.W001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}}
    assert cache_is_shared(None) == []


def test_deploy_check_warns_when_no_proxy_count_is_set(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert [w.id for w in proxy_count_is_set(None)] == ["accounts.W002"]
    settings.TRUSTED_PROXY_COUNT = 1
    assert proxy_count_is_set(None) == []
