"""Who runs the site and how to reach them: an About page, a Contact page linked from every page
(review F7: "contact us" with no link), and a meta description on every page (B10)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("course")


def test_about_says_who_runs_the_site_and_how_to_reach_them(client, settings):
    settings.SITE_OPERATOR = "Safe Kids Trust"
    settings.SUPPORT_EMAIL = "help@safekids.example"
    content = client.get(reverse("site:about")).content.decode()
    assert "run by Safe Kids Trust" in content and 'href="mailto:help@safekids.example"' in content


def test_contact_gives_an_address_and_points_emergencies_to_911(client, settings):
    settings.SUPPORT_EMAIL = "help@safekids.example"
    content = client.get(reverse("site:contact")).content.decode()
    assert 'href="mailto:help@safekids.example"' in content and "call 911" in content


@pytest.mark.parametrize("path", ["/", "/help/", "/accounts/login/", "/accounts/password/reset/"])
def test_every_page_links_about_and_contact(client, path):
    content = client.get(path).content.decode()
    assert f'href="{reverse("site:contact")}"' in content and f'href="{reverse("site:about")}"' in content


def description(content: str) -> str:
    return re.search(r'<meta name="description" content="([^"]*)">', content).group(1)


def test_every_page_has_a_meta_description_and_modules_use_their_summary(client):
    assert "parents" in description(client.get("/").content.decode())
    module = client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    assert description(module) == "A tiny module for tests."
    lesson = client.get(reverse("courses:lesson", args=["first-steps", "intro"])).content.decode()
    assert description(lesson).endswith(": A tiny module for tests.")


def test_the_pages_refuse_other_methods(client):
    assert client.post(reverse("site:about")).status_code == 405


def test_the_log_in_page_offers_forgot_your_password_once(client):
    """Review B11: crispy printed the password field's help link beside the page's own."""
    content = client.get(reverse("account_login")).content.decode()
    assert content.count(reverse("account_reset_password")) == 1


def test_every_page_warns_that_quick_exit_does_not_clear_history_and_links_to_safer_browsing(client):
    """Review F6: Back after the quick exit still shows the OnGuard page before it."""
    content = client.get("/").content.decode()
    assert "It does not clear your history" in content and 'href="/help/#browse-safely"' in content
    assert 'id="browse-safely"' in client.get("/help/").content.decode()


def test_every_page_carries_the_wordmark(client):
    content = client.get("/").content.decode()
    assert '<svg class="brand-mark"' in content and ">OnGuard</a>" in content
