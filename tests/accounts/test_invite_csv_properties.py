"""The CSV importer, with arbitrary text: it never crashes, never invents a row, and every row it
accepts has a valid, unique e-mail address."""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.invitations import invite_rows_check, invite_rows_parse

cells = st.one_of(
    st.text(max_size=40),
    st.emails().map(str),
    st.sampled_from(['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "<script>alert(1)</script>", ""]),
)
lines = st.lists(st.lists(cells, min_size=0, max_size=4), max_size=25)


def to_csv(rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@given(text=st.text(max_size=400))
def test_any_text_parses_or_is_refused_with_a_reason(text):
    try:
        rows = invite_rows_parse(text)
    except ValidationError:
        return
    assert len(rows) <= text.count("\n") + text.count("\r") + 1


def test_a_lone_carriage_return_is_a_new_line():
    rows = invite_rows_parse("Ann,ann@example.org\rBen,ben@example.org")
    assert [r.email for r in rows] == ["ann@example.org", "ben@example.org"]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=lines)
def test_good_rows_are_valid_unique_addresses_and_nothing_is_lost(org_a, rows):
    parsed = invite_rows_parse(to_csv(rows))
    try:
        preview = invite_rows_check(organisation=org_a, rows=parsed)
    except ValidationError:
        assert len(parsed) > 2000
        return
    assert len(preview.good) + len(preview.bad) == len(parsed)
    emails = [r.email.lower() for r in preview.good]
    assert len(emails) == len(set(emails))
    for row in preview.good:
        validate_email(row.email)
        assert len(row.name) <= 150 and len(row.group) <= 100
    for row in preview.bad:
        assert row.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "line",
    ["Ann,\x00", "Ann,ann\x00@example.org", "An\x00n,ann@example.org", "Ann,ann@example.org,Gr\x00oup"],
)
def test_a_nul_byte_in_an_uploaded_list_is_a_bad_row_not_a_server_error(org_a, line):
    from accounts.invitations import invite_rows_check

    preview = invite_rows_check(organisation=org_a, rows=invite_rows_parse(line))
    assert not preview.good and len(preview.bad) == 1 and preview.bad[0].errors
