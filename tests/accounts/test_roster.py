"""Importing people from the lists schools really have (review F4): columns found by their
header in any order, comma, semicolon or tab, UTF-8 with or without BOM, UTF-16 and
Windows-1252, .xlsx workbooks, the Google Workspace and Microsoft 365 user exports, a template to
download, and a preview that says how the list was read. Bad rows are flagged, good rows invited,
nothing half-done."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Invitation
from accounts.roster import decode, header_mapping, read_text, read_upload, sniff_delimiter
from tests.conftest import client_for

GOOGLE = (
    "First Name [Required],Last Name [Required],Email Address [Required],Password [Required],"
    "Org Unit Path [Required],Recovery Email,Work Secondary Email,Department\n"
    "Ana,Silva,ana@school.example,,/Staff/Science,ana.home@mail.example,,\n"
    "Ben,Ode,ben@school.example,,/,,,Maths\n"
)
MICROSOFT = (
    "Block credential,City,Department,Display name,First name,Last name,Title,User principal name,When created\n"
    "False,Leeds,English,Cara Dunn,Cara,Dunn,Teacher,cara@school.example,2024-09-01\n"
)


def people(roster) -> list[tuple[str, str, str]]:
    return [(r.name, r.email, r.group) for r in roster.rows]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_columns_are_found_by_header_in_any_order():
    roster = read_text("Email,Name\nsam@x.org,Sam Lee\n")
    assert people(roster) == [("Sam Lee", "sam@x.org", "")]
    assert [r.line for r in roster.rows] == [2]


def test_first_and_last_name_columns_make_the_name():
    roster = read_text("Last Name,First Name,Email Address,Group\nLee,Sam,sam@x.org,Science\n")
    assert people(roster) == [("Sam Lee", "sam@x.org", "Science")]
    assert roster.mapping.described == [
        ("E-mail address", "Email Address"),
        ("First name", "First Name"),
        ("Last name", "Last Name"),
        ("Group", "Group"),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_comma_semicolon_and_tab_are_detected(delimiter):
    text = (
        delimiter.join(["First Name", "Last Name", "Email"])
        + "\n"
        + delimiter.join(["Sam", "Lee", "s@x.org"])
    )
    assert sniff_delimiter(text) == delimiter
    assert people(read_text(text)) == [("Sam Lee", "s@x.org", "")]


def test_a_quoted_comma_does_not_fool_the_delimiter_guess():
    assert sniff_delimiter('"Lee, Sam";sam@x.org;Science\n') == ";"


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("Zoë Müller,zoe@x.org\n".encode(), "UTF-8"),
        ("\ufeffZoë Müller,zoe@x.org\n".encode(), "UTF-8"),
        ("Zoë Müller,zoe@x.org\n".encode("utf-16"), "UTF-16"),
        ("Zoë Müller,zoe@x.org\n".encode("cp1252"), "Windows-1252"),
    ],
)
def test_utf8_with_or_without_bom_utf16_and_windows_1252_are_read(data, encoding):
    text, found = decode(data)
    assert found == encoding and people(read_text(text)) == [("Zoë Müller", "zoe@x.org", "")]


def test_a_google_workspace_export_is_recognised():
    roster = read_text(GOOGLE)
    assert roster.mapping.source == "Google Workspace user export"
    # Department wins over the organisational unit; a unit of "/" is no group.
    assert people(roster) == [
        ("Ana Silva", "ana@school.example", ""),
        ("Ben Ode", "ben@school.example", "Maths"),
    ]
    assert "Recovery Email" in roster.mapping.ignored


def test_a_google_export_without_department_uses_the_last_part_of_the_unit():
    text = "First Name [Required],Last Name [Required],Email Address [Required],Org Unit Path [Required]\n"
    text += "Ana,Silva,ana@school.example,/Staff/Science\n"
    assert people(read_text(text)) == [("Ana Silva", "ana@school.example", "Science")]


def test_a_microsoft_365_export_is_recognised():
    roster = read_text(MICROSOFT)
    assert roster.mapping.source == "Microsoft 365 user export"
    assert people(roster) == [("Cara Dunn", "cara@school.example", "English")]


def test_an_xlsx_workbook_is_read():
    data = xlsx(
        [["Email Address", "First Name", "Last Name"], ["sam@x.org", "Sam", "Lee"], [None, None, None]]
    )
    roster = read_upload(data)
    assert roster.encoding == "xlsx" and people(roster) == [("Sam Lee", "sam@x.org", "")]


def test_a_broken_workbook_is_refused_with_a_reason():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Excel workbook"):
        read_upload(b"PK\x03\x04 not really a zip")


def test_a_row_that_is_not_a_header_is_read_as_name_email_group():
    assert header_mapping(["Sam", "sam@x.org"]) is None
    assert people(read_text("Sam,sam@x.org,Science\n")) == [("Sam", "sam@x.org", "Science")]


def upload(org, owner, name, data, **extra):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client_for(owner).post(reverse("orgs:invite_bulk", args=[org.slug]), {"file": file, **extra})


def test_a_windows_1252_semicolon_file_from_excel_previews_with_its_mapping(org_a, owner):
    data = "Nachname;Vorname;First Name;Last Name;E-mail;Department\r\n;;Zoë;Müller;zoe@x.org;Science\r\n"
    response = upload(org_a, owner, "staff.csv", data.encode("cp1252"))
    assert [(r.name, r.email, r.group) for r in response.context["preview"].good] == [
        ("Zoë Müller", "zoe@x.org", "Science")
    ]
    content = response.content.decode()
    assert "Windows-1252" in content and "semicolon" in content
    assert "E-mail address" in content and "“E-mail”" in content and "Nachname" in content


def test_an_xlsx_upload_is_invited_on_confirming_without_uploading_again(
    org_a, owner, django_capture_on_commit_callbacks
):
    data = xlsx([["Name", "Email", "Group"], ["Sam Lee", "sam@x.org", "Science"], ["Bad", "nope", ""]])
    preview = upload(org_a, owner, "staff.xlsx", data)
    assert "Excel workbook" in preview.content.decode()
    text = preview.context["text"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            reverse("orgs:invite_bulk", args=[org_a.slug]), {"text": text, "confirm": "1"}, follow=True
        )
    assert list(Invitation.objects.values_list("email", "name", "group__name")) == [
        ("sam@x.org", "Sam Lee", "Science")
    ]
    assert "1 invitation is on its way. 1 row was skipped." in response.content.decode()


def test_the_messages_count_in_words_that_agree(org_a, owner, django_capture_on_commit_callbacks):
    """Review B8: "1 invitations are on their way. 1 rows were skipped."."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            reverse("orgs:invite_bulk", args=[org_a.slug]),
            {"text": "A,a@x.org\nB,b@x.org\nC,nope\n", "confirm": "1"},
            follow=True,
        )
    assert "2 invitations are on their way. 1 row was skipped." in response.content.decode()


def test_an_oversized_file_is_refused(org_a, owner):
    response = upload(org_a, owner, "big.csv", b"a,b@x.org\n" * 120_000)
    assert response.status_code == 200 and "1 MB or smaller" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_template_is_offered_and_reads_back_as_an_empty_list(org_a, owner):
    from django.contrib.staticfiles import finders

    page = client_for(owner).get(reverse("orgs:invite_bulk", args=[org_a.slug])).content.decode()
    assert "/static/files/people-template.csv" in page
    with open(finders.find("files/people-template.csv"), "rb") as f:
        roster = read_upload(f.read())
    assert roster.rows == [] and roster.mapping.header_row
