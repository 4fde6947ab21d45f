"""A parent's certificate, as a new user would meet it: she passes the last quiz of the parent
track, is offered the certificate at once, downloads the PDF; an employer opens the verification
URL printed under its QR code, without logging in, and checks her Open Badge file too."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from courses.content import course_load
from tests.certificates.conftest import complete_module
from tests.conftest import FIXTURE_CONTENT, make_user


@pytest.fixture
def loaded(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    course_load(root=FIXTURE_CONTENT)


def test_parent_passes_the_track_downloads_the_pdf_and_an_employer_verifies_it(page, browser, loaded):
    base = page.base_url
    parent = make_user("zoe@example.org", "parent", "Zoë Ñúñez-Øberg")
    complete_module(parent, "first-steps")  # the track's first module, done on an earlier day

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("zoe@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()

    # The last module of the parent track: two lessons, then the quiz.
    page.goto(base + "/modules/second-steps/")
    page.get_by_role("link", name="Start").click()
    page.get_by_role("button", name="Mark complete and continue").click()
    page.get_by_role("button", name="Mark complete and go to the quiz").click()
    page.get_by_label("The secrecy").check()
    page.get_by_label("Stay calm").check()
    page.get_by_label("Keep evidence").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("You passed")).to_be_visible()

    # Offered at once: the track's certificate among them.
    offered = page.locator(".certificate-earned")
    expect(offered.get_by_role("heading", name=re.compile("Well done: you earned"))).to_be_visible()
    expect(offered).to_contain_text("For parents")
    with page.expect_download() as download_info:
        offered.get_by_role("link", name=re.compile(r"Download certificate \(PDF\)\W+For parents")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        text = PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text()
    assert "Zoë Ñúñez-Øberg" in text and "For parents" in text
    # The URL printed under the QR code (the QR code encodes the same string).
    verify_url = re.search(r"(http://\S+/verify/[0-9A-Z-]{19}/)", text).group(1)
    certificate = Certificate.objects.get(user=parent, track__slug="parent")
    assert verify_url == certificate.verify_url

    # My certificates lists it with its share link.
    page.get_by_role("link", name="All my certificates").click()
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    expect(page.get_by_text(verify_url)).to_be_visible()
    with page.expect_download() as badge_info:
        page.get_by_role("link", name=re.compile(r"Open Badge \(\.json\)\W+For parents")).click()
    badge_path = badge_info.value.path()

    # An employer, not logged in, opens the URL from the QR code.
    employer = browser.new_context(viewport={"width": page.viewport_size["width"], "height": 900})
    visit = employer.new_page()
    visit.goto(verify_url)
    expect(visit.get_by_role("heading", name="Certificate check")).to_be_visible()
    expect(visit.locator("#certificate-status")).to_contain_text("Valid")
    expect(visit.get_by_text("Zoë Ñúñez-Øberg")).to_be_visible()
    expect(visit.locator(".certificate-facts")).to_contain_text("For parents")
    expect(visit.get_by_role("link", name="Log in")).to_be_visible()  # still anonymous
    assert visit.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # ... and checks the Open Badge file she sent.
    visit.goto(base + "/verify/")
    visit.get_by_label("Open Badges credential file").set_input_files(badge_path)
    visit.get_by_role("button", name="Check this file").click()
    expect(visit.get_by_text("Valid signature")).to_be_visible()

    # Typing the code by hand, sloppily, finds it too.
    visit.goto(base + "/verify/")
    visit.get_by_label("Certificate code").fill(certificate.code.lower().replace("-", " "))
    visit.get_by_role("button", name="Check this code").click()
    expect(visit).to_have_url(re.compile(re.escape(f"/verify/{certificate.code}/")))
    expect(visit.locator("#certificate-status")).to_contain_text("Valid")
    employer.close()
