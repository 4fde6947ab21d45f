"""A Spanish-speaking parent, in a real browser whose language is Spanish: the home page, a lesson,
a quiz with its feedback, My learning, a certificate and the help page, all in Spanish (the
shipped course's parent track is translated), lang="es" on every page, and axe clean."""

import re

import pytest
from playwright.sync_api import expect

from courses.content import course_load
from tests.browser.test_accessibility import scan
from tests.conftest import SHIPPED_CONTENT, make_user


@pytest.fixture
def parent_es(transactional_db):
    course_load(root=SHIPPED_CONTENT)
    return make_user("sofia@example.org", "parent", "Sofía Ñúñez")


@pytest.fixture
def tab(browser, live_server, parent_es):
    context = browser.new_context(
        viewport={"width": 375, "height": 900},
        locale="es-MX",
        extra_http_headers={"Accept-Language": "es-MX,es"},
        bypass_csp=True,  # to inject axe; the page itself is unchanged
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def check(page, label: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "es", label
    assert scan(page, label) == []


def test_a_spanish_speaking_parent_reads_answers_and_gets_help_in_spanish(tab):
    base = tab.base_url
    tab.goto(base + "/")
    expect(tab.get_by_role("link", name="Salir de esta página")).to_be_visible()
    check(tab, "home")
    tab.goto(base + "/accounts/login/?next=/modules/sextortion/")
    tab.get_by_label("Correo electrónico").fill("sofia@example.org")
    tab.get_by_label("Contraseña").fill("a-long-test-password")
    tab.get_by_role("button", name="Iniciar sesión").click()
    expect(tab).to_have_url(re.compile("/modules/sextortion/$"))
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Sextorsión")
    check(tab, "module")
    tab.get_by_role("link", name=re.compile("Empezar|Comenzar|Iniciar")).first.click()
    expect(tab.locator(".lesson-body")).to_be_visible()
    assert tab.locator(".untranslated-note").count() == 0
    check(tab, "lesson")
    tab.goto(base + "/modules/sextortion/quiz/")
    for fieldset in tab.locator("fieldset.question").all():
        fieldset.locator("label.form-check-label").first.click()
    tab.get_by_role("button", name="Enviar mis respuestas").click()
    expect(tab.get_by_role("heading", name="Su resultado")).to_be_visible()
    check(tab, "result")
    tab.goto(base + "/my-learning/")
    check(tab, "my learning")
    tab.goto(base + "/help/")
    expect(tab.get_by_text("oprima 2", exact=False).first).to_be_visible()
    check(tab, "help")


def test_practice_a_certificate_and_the_about_pages_read_in_spanish(tab, parent_es):
    from certificates.models import Certificate
    from tests.steps import complete_module

    base = tab.base_url
    tab.goto(base + "/accounts/login/?next=/practice/threat-to-share/")
    tab.get_by_label("Correo electrónico").fill("sofia@example.org")
    tab.get_by_label("Contraseña").fill("a-long-test-password")
    tab.get_by_role("button", name="Iniciar sesión").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Su hijo dice que alguien lo está amenazando")
    assert tab.locator(".untranslated-note").count() == 0
    check(tab, "practice intro")
    tab.get_by_role("link", name="Empezar la conversación").click()
    expect(tab.get_by_text("Oye. ¿Puedo hablar contigo?")).to_be_visible()
    tab.get_by_role("button", name=re.compile("Aquí estoy. Ven, siéntate.")).click()
    expect(tab.get_by_text("Me dieron una hora.")).to_be_visible()
    check(tab, "practice turn")

    complete_module(parent_es, "sextortion")
    certificate = Certificate.objects.get(user=parent_es, module__slug="sextortion")
    tab.goto(base + "/certificates/")
    expect(
        tab.get_by_role("heading", name="Sextorsión: qué es y qué hacer en la primera hora")
    ).to_be_visible()
    check(tab, "certificates")
    tab.goto(base + certificate.get_absolute_url())
    expect(tab.get_by_text("Sofía Ñúñez")).to_be_visible()
    expect(tab.get_by_text("Sextorsión: qué es y qué hacer en la primera hora")).to_be_visible()
    check(tab, "verification")

    tab.goto(base + "/about/how-this-course-was-made/")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Cómo se hizo este curso")
    check(tab, "how this course was made")
    tab.goto(base + "/handouts/staff-disclosure-and-reporting-card/")
    expect(tab.get_by_text("No prometa guardar el secreto.")).to_be_visible()
    check(tab, "staff handout")
