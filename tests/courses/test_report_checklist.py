"""The report-readiness checklist (/help/report-checklist/, issue 19 item 3): what to have ready
before reporting, reachable from the help box and the reporting lessons. It stores nothing: no
form, no named field, a CSP that forbids the page any request; it reads in Spanish and meets the
course's words and reading-level standards. The browser side (no request while typing, print)
is in tests/browser/test_report_checklist.py."""

import re

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from courses import report_checklist as checklist
from courses.content import course_load
from courses.help import HOTLINES
from tests.conftest import SHIPPED_CONTENT, client_for
from tests.content.quality import MAX_GRADE, MIN_EASE_ES, _check_text, ease_es, grade

URL = reverse("courses:report_checklist")
ES = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def every_text(language: str = "en") -> list[str]:
    """Every sentence the page shows from the checklist's own data, in `language`."""
    with translation.override(language):
        return _texts()


def _texts() -> list[str]:
    texts = [str(item["text"]) for item in checklist.IMAGES + checklist.KEEP]
    texts += [f"{note['label']}. {note['hint']}" for note in checklist.NOTES]
    texts += [f"{route['name']}. {route['when']}" for route in checklist.ROUTES]
    return texts


class TestPage:
    def test_anyone_can_open_it_and_it_lists_every_item(self, client, db):
        response = client.get(URL)
        assert response.status_code == 200
        body = main_of(response)
        assert "Getting ready to report: a checklist" in body
        for text in every_text():
            for part in re.split(r"\. ", text):
                assert escape(part.rstrip(".")) in body, part
        for source in checklist.SOURCES:
            assert f'id="source-{source["number"]}"' in body and source["url"] in body

    def test_a_signed_in_learner_sees_the_same_page(self, parent):
        assert "Who to report to" in main_of(client_for(parent).get(URL))

    def test_it_gives_every_number_and_link_from_the_help_lines(self, client, db):
        body = main_of(client.get(URL))
        for key in ["911", "cybertipline", "fbi", "take-it-down", "trafficking-hotline", "988"]:
            line = next(line for line in HOTLINES if line["key"] == key)
            for value in [line["phone"], line["text"], line["web"]]:
                assert value in body, (key, value)
            if line["tel"]:
                assert f'href="tel:{line["tel"]}"' in body
        assert 'href="sms:233733"' in body and "AYUDA" in body  # text lines and 988 in Spanish

    def test_it_says_never_to_keep_images_and_why(self, client, db):
        body = main_of(client.get(URL))
        assert "Never save, screenshot, download, print or forward" in body
        assert "can be a crime" in body and "harmed again" in body
        assert "takeitdown.ncmec.org" in body

    def test_post_is_not_allowed(self, client, db):
        assert client.post(URL).status_code == 405


class TestStoresNothing:
    def test_no_form_inside_the_page_and_no_field_has_a_name(self, client, db):
        body = main_of(client.get(URL))
        assert "<form" not in body
        fields = re.findall(r"<(?:input|textarea|select)\b[^>]*>", body)
        assert len(fields) == len(checklist.NOTES) + 1 + len(checklist.KEEP) + len(checklist.ROUTES)
        for field in fields:
            assert " name=" not in field and " form=" not in field, field
            assert 'autocomplete="off"' in field, field
        # Chrome's enhanced spell check would send typed words to a server.
        assert all('spellcheck="false"' in f for f in fields if f.startswith("<textarea"))

    def test_every_field_has_a_label(self, client, db):
        body = main_of(client.get(URL))
        for field_id in re.findall(r"<(?:input|textarea)\b[^>]*\bid=\"([^\"]+)\"", body):
            assert f'<label for="{field_id}"' in body or f'for="{field_id}"' in body, field_id

    def test_the_csp_forbids_any_request_from_the_page(self, client, db):
        policy = client.get(URL)["Content-Security-Policy"]
        assert "connect-src 'none'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        # Only this page: the rest of the site keeps its own policy.
        assert "connect-src 'self'" in client.get(reverse("courses:help"))["Content-Security-Policy"]

    def test_scripts_are_static_files_loaded_with_defer_and_nothing_inline(self, client, db):
        page = client.get(URL).content.decode()
        assert '<script src="/static/js/report-checklist.js" defer></script>' in page
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
        assert " style=" not in page and "<style" not in page

    def test_the_page_says_nothing_typed_leaves_the_device(self, client, db):
        body = main_of(client.get(URL))
        assert "does not send what you type to OnGuard or to anyone else" in body
        assert "your notes are cleared" in body and "print them or copy them onto paper" in body

    def test_report_links_open_in_a_new_tab_and_say_so(self, client, db):
        body = main_of(client.get(URL))
        links = re.findall(r'<a href="https://[^"]+" target="_blank" rel="noreferrer">.*?</a>', body)
        assert len(links) >= 4
        assert all("(opens in a new tab)" in link for link in links)

    def test_the_script_makes_no_request_and_stores_nothing(self):
        script = (SHIPPED_CONTENT.parent / "static" / "js" / "report-checklist.js").read_text()
        code = "\n".join(line for line in script.splitlines() if not line.strip().startswith("//"))
        for forbidden in ["fetch", "XMLHttpRequest", "sendBeacon", "cookie", "Storage", "WebSocket", "src"]:
            assert forbidden not in code, forbidden

    def test_query_budget_anonymous_and_signed_in(self, client, parent, assert_query_count):
        with assert_query_count(0):  # a visitor: no session, no database
            assert client.get(URL).status_code == 200
        signed_in = client_for(parent)
        with assert_query_count(2):  # session(1) + user(1)
            assert signed_in.get(URL).status_code == 200


class TestContent:
    def test_every_citation_names_a_listed_source_and_every_source_is_cited(self):
        numbers = {source["number"] for source in checklist.SOURCES}
        cited = set(sum(checklist.CITES.values(), []))
        for item in checklist.IMAGES + checklist.NOTES + checklist.KEEP + checklist.ROUTES:
            cited |= set(item["cite"])
        assert cited == numbers
        assert all(source["url"].startswith("https://") for source in checklist.SOURCES)

    def test_the_words_follow_the_course_s_standards(self):
        problems: list[str] = []
        for text in every_text():
            _check_text("report checklist", text, problems)
        assert problems == []

    def test_english_reads_at_the_course_s_level(self):
        assert grade("\n\n".join(every_text())) <= MAX_GRADE

    def test_spanish_reads_at_the_course_s_level(self):
        texts = every_text("es")
        assert "El niño o la niña" in "\n".join(texts)
        assert ease_es("\n\n".join(texts)) >= MIN_EASE_ES


class TestLinks:
    def test_the_help_box_on_every_lesson_links_to_it(self, client, course):
        lesson = client.get(reverse("courses:lesson", args=["first-steps", "intro"])).content.decode()
        help_box = lesson[lesson.index('id="help-box"') :]
        assert f'href="{URL}"' in help_box
        assert f'href="{URL}"' in client.get(reverse("courses:help")).content.decode()

    def test_the_reporting_lessons_link_to_it_in_english_and_spanish(self, client, db):
        course_load(root=SHIPPED_CONTENT)
        lessons = [
            ("responding-and-reporting", "preserving-evidence-safely", True),
            ("responding-and-reporting", "where-to-report", True),
            ("sextortion", "the-first-hour", True),
            ("for-schools", "your-duty-to-report", False),  # no Spanish edition yet
        ]
        for module, lesson, spanish in lessons:
            url = reverse("courses:lesson", args=[module, lesson])
            body = main_of(client.get(url))
            assert f'<a href="{URL}" rel="noopener noreferrer">report checklist</a>' in body, lesson
            if spanish:
                body = main_of(client.get(url, **ES))
                assert f'<a href="{URL}" rel="noopener noreferrer">lista para reportar</a>' in body, lesson


class TestSpanish:
    def test_it_reads_in_spanish_with_the_spanish_help_routes(self, client, db):
        response = client.get(URL, **ES)
        page = response.content.decode()
        assert '<html lang="es">' in page
        body = main_of(response)
        assert "Prepararse para reportar: una lista" in body
        assert "Nunca guarde, capture, descargue, imprima ni reenvíe" in body
        assert "Lo que escriba se queda en este aparato" in body
        assert "Imprimir mi lista" in body
        assert "AYUDA" in body and "español" in body  # 988's Spanish line, the Hotline's languages
        assert "Getting ready to report" not in body and "Who to report to" not in body
