"""The help-line table (courses/help.py): every number and link is pinned to the value checked
against the official page, each line names that page and a check no older than 12 months, and
the help box shows every way to reach each line."""

import datetime
import re

import pytest
from django.urls import reverse

from courses.help import CHECKED, HOTLINES, INTERNATIONAL

# The official values, as checked on CHECKED against each line's `source`. Change a value here
# only after checking the official page again, and update CHECKED in courses/help.py.
EXPECTED = {
    "911": {"phone": "911", "text": "", "web": "", "chat": "", "tty": ""},
    "cybertipline": {"phone": "1-800-843-5678", "text": "", "web": "https://report.cybertip.org", "chat": "", "tty": ""},
    "fbi": {"phone": "1-800-CALL-FBI", "text": "", "web": "https://tips.fbi.gov", "chat": "", "tty": ""},
    "take-it-down": {"phone": "", "text": "", "web": "https://takeitdown.ncmec.org", "chat": "", "tty": ""},
    "trafficking-hotline": {
        "phone": "1-888-373-7888", "text": "233733", "web": "",
        "chat": "https://humantraffickinghotline.org/chat", "tty": "711",
    },
    "988": {"phone": "988", "text": "988", "web": "", "chat": "https://988lifeline.org/chat", "tty": ""},
}  # fmt: skip
OFFICIAL_DOMAINS = (
    "911.gov", "missingkids.org", "cybertip.org", "fbi.gov", "ic3.gov", "ncmec.org",
    "humantraffickinghotline.org", "988lifeline.org",
)  # fmt: skip
LETTERS = {**dict.fromkeys("ABC", "2"), **dict.fromkeys("DEF", "3"), **dict.fromkeys("GHI", "4"),
           **dict.fromkeys("JKL", "5"), **dict.fromkeys("MNO", "6"), **dict.fromkeys("PQRS", "7"),
           **dict.fromkeys("TUV", "8"), **dict.fromkeys("WXYZ", "9")}  # fmt: skip


def test_the_help_lines_are_exactly_the_checked_values():
    assert [line["key"] for line in HOTLINES] == list(EXPECTED)
    for line in HOTLINES:
        for field, value in EXPECTED[line["key"]].items():
            assert line[field] == value, (line["key"], field)


def test_each_tel_link_dials_the_number_shown():
    for line in HOTLINES:
        if not line["phone"]:
            continue
        dialled = "".join(LETTERS.get(c, c) for c in line["phone"] if c.isalnum())
        assert line["tel"].lstrip("+") in {dialled, f"1{dialled}"}, line["key"]


def test_every_line_names_an_official_source_checked_within_twelve_months():
    checked = datetime.date.fromisoformat(CHECKED)
    assert 0 <= (datetime.date.today() - checked).days <= 366
    for line in HOTLINES:
        assert line["checked"] == CHECKED
        host = re.sub(r"^https://([^/]+).*$", r"\1", line["source"])
        assert host.endswith(OFFICIAL_DOMAINS), (line["key"], line["source"])


def test_the_trafficking_hotline_states_its_limits():
    line = next(line for line in HOTLINES if line["key"] == "trafficking-hotline")
    notes = " ".join(str(note) for note in line["notes"])
    assert "200" in str(line["what"]) and "Calls" in str(line["what"])
    assert "English and Spanish only" in notes and "not a law-enforcement agency" in notes


def test_988_offers_spanish():
    line = next(line for line in HOTLINES if line["key"] == "988")
    assert "AYUDA" in " ".join(str(note) for note in line["notes"])


def test_every_international_route_names_an_official_https_source():
    assert [c["key"] for c in INTERNATIONAL] == ["uk", "canada", "australia", "ireland"]
    for country in INTERNATIONAL:
        assert country["routes"], country["key"]
        for route in country["routes"]:
            assert route["source"].startswith("https://"), route["name"]
            assert route["phone"] or route["web"], route["name"]
            if route["phone"]:
                assert route["tel"], route["name"]


@pytest.mark.django_db
def test_the_help_box_shows_every_way_to_reach_each_line(client):
    body = client.get(reverse("courses:help")).content.decode()
    for line in HOTLINES:
        for field in ("phone", "text", "chat", "web"):
            if line[field]:
                assert line[field].removeprefix("https://") in body, (line["key"], field)
        if line["tel"]:
            assert f'href="tel:{line["tel"]}"' in body
    assert "TTY: 711" in body and "1-800-CALL-FBI" in body and "AYUDA" in body
    assert reverse("courses:outside_us") in body
