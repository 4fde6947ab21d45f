"""The certificate pages pass axe-core (WCAG 2.2 AA) at 1280 and 320 px, never scroll sideways
and never request another host: the public verification pages, the learner's list and the
admins' pages (platform staff and an organisation's)."""

import json

import pytest

from accounts.services import membership_add
from certificates.models import Certificate
from certificates.openbadges import credential_for
from compliance.assignments import assignment_create
from courses.content import course_load
from courses.models import Module
from tests.browser.test_accessibility import audit_page
from tests.certificates.conftest import complete_module
from tests.conftest import FIXTURE_CONTENT, make_user


@pytest.fixture
def cast(transactional_db, settings, live_server, tmp_path):
    from accounts.services import organisation_create

    settings.SITE_URL = live_server.url
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    course_load(root=FIXTURE_CONTENT)
    owner = make_user("owner@school.example", "educator", "Olive Owner")
    org = organisation_create(user=owner, name="Hillside School", kind="school")
    learner = make_user("zoe@example.org", "parent", "Zoë Ñúñez-Øberg")
    membership_add(organisation=org, user=learner)
    assignment_create(
        organisation=org, actor=owner, modules=[Module.objects.get(slug="first-steps")], target="everyone"
    )
    complete_module(learner, "first-steps")
    complete_module(learner, "second-steps")
    staff = make_user("staff@example.org", "other", "Sam Staff")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    return {"learner": learner, "owner": owner, "staff": staff, "org": org}


def upload_credential(certificate):
    def action(page):
        page.get_by_label("Open Badges credential file").set_input_files(
            {
                "name": "badge.json",
                "mimeType": "application/json",
                "buffer": json.dumps(credential_for(certificate)).encode(),
            }
        )
        page.get_by_role("button", name="Check this file").click()

    return action


def bad_code(page):
    page.get_by_label("Certificate code").fill("not a code")
    page.get_by_role("button", name="Check this code").click()


def blank_revocation(page):
    page.get_by_role("button", name="Revoke this certificate").click()


@pytest.mark.parametrize("width", [1280, 320])
def test_every_certificate_page_passes_axe_and_fits_the_screen(browser, live_server, cast, width):
    org_certificate = Certificate.objects.get(organisation=cast["org"])
    platform_certificate = Certificate.objects.filter(organisation__isnull=True).first()
    pages = [
        ("verify", "/verify/", None, None),
        ("verify with a bad code", "/verify/", None, bad_code),
        ("verification result", org_certificate.get_absolute_url(), None, None),
        ("unknown code", "/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ/", None, None),
        ("credential check", "/verify/", None, upload_credential(org_certificate)),
        ("my certificates", "/certificates/", "learner", None),
        ("quiz result with certificates", None, "learner", None),
        ("staff list", "/certificates/manage/", "staff", None),
        ("staff detail", f"/certificates/manage/{platform_certificate.code}/", "staff", None),
        (
            "revoke with errors",
            f"/certificates/manage/{platform_certificate.code}/",
            "staff",
            blank_revocation,
        ),
        ("staff ZIP downloads", "/certificates/manage/exports/", "staff", None),
        ("organisation list", f"/orgs/{cast['org'].slug}/certificates/", "owner", None),
        (
            "organisation detail",
            f"/orgs/{cast['org'].slug}/certificates/{org_certificate.code}/",
            "owner",
            None,
        ),
    ]
    attempt = cast["learner"].quiz_attempts.filter(passed=True).first()
    problems, foreign = [], []
    for label, path, who, action in pages:
        found, requests = audit_page(
            browser, live_server.url, path or attempt.get_absolute_url(), label=label, width=width,
            user=cast[who] if who else None, action=action, status=404 if label == "unknown code" else 200,
        )  # fmt: skip
        problems += found
        foreign += requests
    assert foreign == [], "requests to other hosts"
    assert not problems, "\n".join(problems)
