"""The PDF: every name prints as typed (read back from the PDF), markup stays text, both paper
sizes, the verification URL and code are on it, and rendering never touches the network."""

import io
import socket

import pytest
from PIL import Image
from pypdf import PdfReader

from accounts.models import User
from certificates.models import Certificate
from certificates.pdf import certificate_pdf
from tests.certificates.conftest import complete_module

pytestmark = pytest.mark.usefixtures("course")

NAMES = [
    "Zoë Ñúñez-Øberg",
    "Дарья Иванова",
    "Αλέξης Παπαδόπουλος",
    "Łukasz Żółć-Ševčík",
]


def certificate_for(user, name):
    User.objects.filter(pk=user.pk).update(name=name)
    user.refresh_from_db()
    complete_module(user, "first-steps")
    return Certificate.objects.get(user=user, module__slug="first-steps")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("name", NAMES)
def test_names_in_latin_cyrillic_and_greek_print_exactly(parent, name):
    text = text_of(certificate_pdf(certificate_for(parent, name)))
    assert name in text


def test_a_name_typed_with_combining_accents_prints_composed(parent):
    text = text_of(certificate_pdf(certificate_for(parent, "Zoe\u0308")))
    assert "Zoë" in text


def test_the_pdf_holds_the_item_issuer_date_code_and_verification_url(parent):
    certificate = certificate_for(parent, "Pat Parent")
    text = text_of(certificate_pdf(certificate))
    for expected in ["Certificate of completion", "First steps", "OnGuard", certificate.code]:
        assert expected in text
    assert f"https://onguard.example/verify/{certificate.code}/" in text
    assert certificate.completed_at.strftime("%B %Y") in text


def test_markup_and_urls_in_a_name_print_as_plain_text(parent):
    name = '<b>Bob</b> <a href="https://evil.example">click</a> **bold** {{ x }}'
    pdf = certificate_pdf(certificate_for(parent, name))
    assert name in " ".join(text_of(pdf).split())
    assert b"/Annots" not in pdf and b"/URI" not in pdf  # no link was made of it


def test_a_very_long_name_still_fits_on_one_page(parent):
    name = "Maximiliana " * 12
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate_for(parent, name.strip()))))
    assert len(reader.pages) == 1
    assert " ".join(reader.pages[0].extract_text().split()).count("Maximiliana") == 12


@pytest.mark.parametrize("paper, size", [("a4", (297.0, 210.0)), ("letter", (279.4, 215.9))])
def test_landscape_a4_and_letter(parent, paper, size):
    pdf = certificate_pdf(certificate_for(parent, "Pat Parent"), paper=paper)
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    mm = (round(float(box.width) / 72 * 25.4, 1), round(float(box.height) / 72 * 25.4, 1))
    assert mm == size


def test_the_font_is_embedded_so_it_prints_anywhere(parent):
    pdf = certificate_pdf(certificate_for(parent, "Дарья Иванова"))
    assert b"/FontFile2" in pdf and b"DejaVu" in pdf


def test_rendering_never_opens_a_network_connection(parent, monkeypatch):
    certificate = certificate_for(parent, "https://evil.example/track.png")

    def refuse(*args, **kwargs):
        raise AssertionError("network access while rendering")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    logo = io.BytesIO()
    Image.new("RGB", (80, 40), (11, 92, 173)).save(logo, "PNG")
    assert certificate_pdf(certificate, logo=logo.getvalue()).startswith(b"%PDF")


def test_the_same_certificate_renders_the_same_bytes(parent):
    certificate = certificate_for(parent, "Pat Parent")
    assert certificate_pdf(certificate) == certificate_pdf(certificate)
