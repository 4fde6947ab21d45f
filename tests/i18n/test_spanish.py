"""OnGuard in Spanish: the browser's language on a first visit, the switcher, a learner's saved
language for pages, e-mails and certificates, translated content with an English fallback, and a
catalog with nothing left in English."""

import re

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.mail import mail_send
from courses.models import Module
from quizzes.models import Draw
from tests.conftest import client_for
from tests.steps import complete_module, form_data

pytestmark = pytest.mark.usefixtures("course")
CATALOG = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
ES = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}


def test_the_catalog_is_fully_translated_with_nothing_fuzzy():
    catalog = polib.pofile(str(CATALOG))
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    assert "nplurals=2" in catalog.metadata["Plural-Forms"]


def test_a_first_visit_follows_the_browsers_language(client):
    page = client.get(reverse("courses:home"), **ES).content.decode()
    assert '<html lang="es">' in page
    assert "Salir de esta página" in page
    assert "Primeros pasos" in page  # the translated module


def test_the_switcher_works_without_javascript_and_goes_back(client):
    response = client.post(reverse("accounts:language"), {"language": "es", "next": "/help/"})
    assert response.status_code == 302 and response.url == "/help/"
    assert '<html lang="es">' in client.get("/help/").content.decode()
    assert (
        client.post(reverse("accounts:language"), {"language": "xx", "next": "https://evil.example/"}).url
        == "/"
    )


def test_a_learner_s_choice_is_saved_and_wins_over_the_browser(parent):
    client = client_for(parent)
    client.post(reverse("accounts:language"), {"language": "es", "next": "/"})
    parent.refresh_from_db()
    assert parent.language == "es"
    page = client.get(reverse("courses:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page


def test_an_untranslated_module_shows_in_english_with_a_notice_and_lang_marked():
    from django.test import Client

    page = Client().get(reverse("courses:module", args=["second-steps"]), **ES).content.decode()
    assert (
        "todavía no está traducida" in page or "aún no está traducida" in page or "no está traducida" in page
    )
    assert re.search(r'<h1 lang="en">Second steps</h1>', page)


def test_a_translated_lesson_and_quiz_read_in_spanish(parent):
    parent.language = "es"
    parent.save(update_fields=["language"])
    client = client_for(parent)
    lesson = client.get(reverse("courses:lesson", args=["first-steps", "intro"])).content.decode()
    assert "fingen ser jóvenes" in lesson and 'lang="en"' not in lesson.split("<main", 1)[1]
    quiz = client.get(reverse("quizzes:quiz", args=["first-steps"])).content.decode()
    assert "¿Qué es lo más preocupante?" in quiz and "El secreto" in quiz
    draw = Draw.objects.get(user=parent)
    result = client.post(
        reverse("quizzes:quiz", args=["first-steps"]), form_data(client, right=False, draw=draw), follow=True
    ).content.decode()
    assert "Los regalos importan, pero el secreto importa más." in result


def test_e_mails_are_written_in_the_recipient_s_language(parent, outsider, settings):
    settings.SITE_URL = "https://onguard.example"
    parent.language = "es"
    parent.save(update_fields=["language"])
    complete_module(parent, "first-steps")
    certificate = parent.certificates.get()
    for user in (parent, outsider):
        mail_send(
            template="certificates/email/expiry_notice",
            to=user.email,
            context={
                "user": user,
                "items": [{"certificate": certificate, "renew_url": "/"}],
                "mine_url": "/",
            },
            language=user.language,
        )
    spanish, english = mail.outbox[-2], mail.outbox[-1]
    assert spanish.subject != english.subject
    assert "certificado" in spanish.subject.lower() and "certificate" in english.subject.lower()


# Every page type a Spanish-speaking parent meets: no English from the templates may remain.
PAGES = [
    ("courses:home", []),
    ("courses:module", ["first-steps"]),
    ("courses:lesson", ["first-steps", "intro"]),
    ("quizzes:quiz", ["first-steps"]),
    ("courses:my_learning", []),
    ("courses:help", []),
    ("courses:report_checklist", []),
    ("accounts:profile", []),
    ("certificates:mine", []),
    ("courses:glossary", []),
    ("courses:practice", ["first-talk"]),
    ("courses:practice_play", ["first-talk"]),
    ("courses:handouts", []),
    ("courses:handout", ["family-sheet"]),
    ("courses:how_made", []),
    ("courses:warning_signs", []),
    ("certificates:verify", []),
    ("courses:outside_us", []),
]


def _english_leaks(page: str) -> list[str]:
    """Catalog sentences that appear in the page still in English (longer than a few words, so
    that names like "OnGuard" or "CyberTipline" are not counted)."""
    body = page.split("<main", 1)[1]
    text = re.sub(r"<[^>]+>", " ", body)
    text = " ".join(text.split())
    leaks = []
    for entry in polib.pofile(str(CATALOG)):
        msgid = entry.msgid
        if "%" in msgid or "<" in msgid or len(msgid.split()) < 4:
            continue
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        if msgid in text and msgid != translated:
            leaks.append(msgid)
    return leaks


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_no_english_leaks_into_a_spanish_page(parent, name, args):
    parent.language = "es"
    parent.save(update_fields=["language"])
    response = client_for(parent).get(reverse(name, args=args))
    assert response.status_code == 200
    assert _english_leaks(response.content.decode()) == []


def test_no_english_leaks_into_a_finished_practice_or_a_certificate(parent):
    """The pages a Spanish-speaking parent reaches after doing something: a practice debrief,
    a certificate's list, its public verification page."""
    parent.language = "es"
    parent.save(update_fields=["language"])
    client = client_for(parent)
    play = reverse("courses:practice_play", args=["first-talk"])
    for step, (node, key) in enumerate([("hello", "b"), ("tells", "c"), ("secret", "a"), ("evidence", "d")]):
        client.post(play, {"step": step, "node": node, "choice": key})
    complete_module(parent, "first-steps")
    certificate = parent.certificates.get(module__slug="first-steps")
    for url in (play, reverse("certificates:mine"), certificate.get_absolute_url()):
        page = client.get(url).content.decode()
        assert _english_leaks(page) == [], url
        assert 'lang="en"' not in page.split("<main", 1)[1], url


def test_a_spanish_speaking_admin_s_dashboard_leaks_no_english(org_a, owner, member):
    from tests.steps import assign

    owner.language = "es"
    owner.save(update_fields=["language"])
    assign(org_a, owner, slugs=["first-steps"], conversations=["first-talk"])
    for name in ("compliance:dashboard", "compliance:assignments", "compliance:assignment_new"):
        page = client_for(owner).get(reverse(name, args=[org_a.slug])).content.decode()
        assert _english_leaks(page) == [], name
        assert "First steps" not in page.split("<main", 1)[1], name


def test_the_leak_check_catches_english(parent):
    response = client_for(parent).get(reverse("courses:help"))
    assert _english_leaks(response.content.decode()) != []
    assert Module.objects.filter(slug="first-steps").exists()


def test_the_shipped_glossary_handouts_and_warning_signs_read_in_spanish(client, db):
    from courses.content import course_load
    from tests.conftest import SHIPPED_CONTENT

    course_load(root=SHIPPED_CONTENT)
    glossary = client.get(reverse("courses:glossary"), **ES).content.decode()
    assert "material de abuso sexual infantil" in glossary.lower()
    signs = client.get(reverse("courses:warning_signs"), **ES).content.decode()
    assert 'lang="en"' not in signs.split("<main", 1)[1] and "señales" in signs.lower()
    handouts = client.get(reverse("courses:handouts"), **ES).content.decode()
    assert "amenaza" in handouts.lower()
    assert "Guía rápida para el personal escolar" in handouts
    staff = client.get(reverse("courses:handout", args=["staff-disclosure-and-reporting-card"]), **ES)
    staff = staff.content.decode().split("<main", 1)[1]
    assert "No prometa guardar el secreto." in staff and 'lang="en"' not in staff
    made = client.get(reverse("courses:how_made"), **ES).content.decode().split("<main", 1)[1]
    assert "Cómo se hizo este curso" in made and 'lang="en"' not in made
    assert "Sextorsión: qué es y qué hacer en la primera hora" in made  # the sources' modules


def test_the_shipped_handouts_print_in_spanish(client, db):
    import io

    from pypdf import PdfReader

    from courses.content import course_load
    from tests.conftest import SHIPPED_CONTENT

    course_load(root=SHIPPED_CONTENT)
    for slug, words in [
        ("staff-disclosure-and-reporting-card", "No prometa guardar el secreto."),
        ("if-someone-threatens-to-share-a-picture", "No estás en problemas."),
    ]:
        pdf = client.get(reverse("courses:handout_pdf", args=[slug]), **ES).content
        reader = PdfReader(io.BytesIO(pdf))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        assert len(reader.pages) == 1, slug
        assert words in text, slug
        assert "Dónde pedir ayuda" in text or "ayuda" in text.lower(), slug


def test_a_chat_in_a_spanish_text_is_announced_in_spanish(db):
    from django.utils import translation

    from courses.markdown import render_full

    source = "```chat\n< Maya: hola\n> Jay: hola\n```\nUn dato.[^1]"
    with translation.override("es"):
        html = render_full(source)[0]
    assert 'aria-label="Chat entre Maya y Jay"' in html and "> dijo</span>" in html
    assert '<span class="visually-hidden">fuente </span>[1]' in html
    with translation.override("en"):
        english = render_full(source)[0]
    assert 'aria-label="Chat between Maya and Jay"' in english
