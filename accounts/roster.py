"""Reading a list of people as schools really have it: a CSV or tab-separated export from a
student-information system, Excel on Windows or a spreadsheet paste, an .xlsx workbook, or the
Google Workspace and Microsoft 365 user exports.

- Columns are found by their header, in any order, under the spellings exports use ("Email
  Address", "E-mail", "User principal name", "First Name [Required]", "Display name",
  "Department", "Org Unit Path" ...). A list without a header row is read as name, e-mail, group.
- The delimiter is whichever of comma, semicolon and tab the first line uses most.
- Bytes are UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark (Excel's
  "Unicode text"), else Windows-1252 (Excel's "CSV" on Windows in Western Europe and the US).

The result is the people as rows (InviteRow, numbered by their line in the file; the invitation
rules in accounts/invitations.py then check them) and how each column was understood, for the preview to show before anything is sent."""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

# The most rows and columns read from a file: the invitation rules refuse more than 2,000 people
# anyway, and no roster needs more columns (a Google Workspace export has about 30).
MAX_ROWS = 5000
MAX_COLUMNS = 100
DELIMITERS = [",", ";", "\t"]

# Header spellings, compared lower-case with everything but letters and digits removed and any
# "[Required]"-style note dropped. The first match in each list wins.
HEADERS = {
    "email": ["email", "emailaddress", "e-mail", "mail", "primaryemail", "workemail", "userprincipalname"],
    "name": ["name", "fullname", "displayname", "staffname", "teachername", "studentname", "parentname"],
    "first_name": ["firstname", "givenname", "first", "forename", "preferredfirstname"],
    "last_name": ["lastname", "surname", "familyname", "last"],
    "group": ["group", "groups", "department", "team", "class", "orgunitpath"],
}
FIELD_LABELS = {
    "email": gettext_lazy("E-mail address"),
    "name": gettext_lazy("Name"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "group": gettext_lazy("Group"),
}


@dataclass
class InviteRow:
    """One person to invite, numbered by their line in the list, with what is wrong with them."""

    line: int
    name: str
    email: str
    group: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class Mapping:
    """Which column holds what: field -> (column index, header as written)."""

    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    header_row: bool = False
    source: str = ""  # "Google Workspace user export", "Microsoft 365 user export" or ""
    ignored: list[str] = field(default_factory=list)

    @property
    def described(self) -> list[tuple[str, str]]:
        """(what, from which column) for the preview, in a fixed order."""
        return [
            (str(FIELD_LABELS[key]), self.columns[key][1])
            for key in ("email", "name", "first_name", "last_name", "group")
            if key in self.columns
        ]


@dataclass
class Roster:
    rows: list[InviteRow]
    mapping: Mapping
    delimiter: str = ","
    encoding: str = ""  # of an uploaded file; empty for pasted text

    @property
    def delimiter_name(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab"}.get(self.delimiter, "")


def _key(header: str) -> str:
    header = re.sub(r"\[[^\]]*\]|\([^)]*\)", "", header)
    return re.sub(r"[^a-z0-9]", "", header.lower())


def header_mapping(cells: list[str]) -> Mapping | None:
    """The mapping a header row gives, or None if the row is not a header (it names no e-mail
    column)."""
    keys = [_key(c) for c in cells]
    found: dict[str, tuple[int, str]] = {}
    for name, spellings in HEADERS.items():
        for spelling in spellings:
            target = _key(spelling)
            if target in keys:
                index = keys.index(target)
                found[name] = (index, cells[index].strip())
                break
    if "email" not in found:
        return None
    if "group" not in found and found.get("name", (None,))[0] == 0 and found["email"][0] == 1:
        # The documented short form, "name, e-mail" over an unnamed third column: the group.
        found["group"] = (2, _("column 3"))
    used = {index for index, _header in found.values()}
    mapping = Mapping(
        columns=found,
        header_row=True,
        ignored=[c.strip() for i, c in enumerate(cells) if i not in used and c.strip()],
    )
    if "userprincipalname" in keys and "displayname" in keys:
        mapping.source = _("Microsoft 365 user export")
    elif any("[required]" in c.lower() for c in cells) and "orgunitpath" in keys:
        mapping.source = _("Google Workspace user export")
    return mapping


def _positional() -> Mapping:
    return Mapping(
        columns={"name": (0, _("column 1")), "email": (1, _("column 2")), "group": (2, _("column 3"))}
    )


def _cell(cells: list[str], mapping: Mapping, key: str) -> str:
    if key not in mapping.columns:
        return ""
    index = mapping.columns[key][0]
    return cells[index].strip() if index < len(cells) else ""


def _group(cells: list[str], mapping: Mapping) -> str:
    value = _cell(cells, mapping, "group")
    if mapping.columns.get("group", (0, ""))[1] and _key(mapping.columns["group"][1]) == "orgunitpath":
        # Google's organisational unit: "/Staff/Science" is the group "Science"; "/" is none.
        parts = [p for p in value.split("/") if p.strip()]
        value = parts[-1].strip() if parts else ""
    return value


def rows_from_cells(table: list[tuple[int, list[str]]]) -> tuple[list[InviteRow], Mapping]:
    """InviteRows from (line number, cells) pairs: the first non-empty row is the header if it
    names an e-mail column, else every row is name, e-mail, group."""
    table = [(n, [c.strip() for c in cells]) for n, cells in table if any(c.strip() for c in cells)]
    mapping = header_mapping(table[0][1]) if table else None
    if mapping is None:
        mapping = _positional()
    else:
        table = table[1:]
    rows = []
    for number, cells in table:
        name = _cell(cells, mapping, "name")
        if not name:
            name = " ".join(
                p for p in (_cell(cells, mapping, "first_name"), _cell(cells, mapping, "last_name")) if p
            )
        rows.append(
            InviteRow(
                line=number, name=name, email=_cell(cells, mapping, "email"), group=_group(cells, mapping)
            )
        )
    return rows, mapping


def sniff_delimiter(text: str) -> str:
    """The delimiter the first non-empty line uses most (comma when none is used)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = re.sub(r'"[^"]*"', "", first)  # quoted cells may hold any delimiter
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_text(text: str) -> Roster:
    """A pasted list or a decoded file. Old Mac line endings (a lone carriage return) count as
    new lines. Raises ValidationError for text that is not CSV at all."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        table = []
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS:
                break
            table.append((number, cells[:MAX_COLUMNS]))
    except csv.Error as exc:
        raise ValidationError(_("This can’t be read as CSV (%s). Check the quotes in it.") % exc) from None
    rows, mapping = rows_from_cells(table)
    return Roster(rows=rows, mapping=mapping, delimiter=delimiter)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for a file's bytes: UTF-8, UTF-16 with a byte-order mark, else
    Windows-1252 (every byte decodes; the five it leaves undefined fall back to Latin-1)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Windows-1252"


def is_xlsx(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def read_xlsx(data: bytes) -> Roster:
    """The first worksheet of an .xlsx workbook (values, not formulas). openpyxl parses its XML
    through defusedxml, and at most MAX_ROWS rows and MAX_COLUMNS columns are read."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError(_("This file can’t be read as an Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        table = []
        for number, values in enumerate(
            sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            table.append((number, ["" if v is None else str(v) for v in values]))
    finally:
        workbook.close()
    rows, mapping = rows_from_cells(table)
    return Roster(rows=rows, mapping=mapping, delimiter="", encoding="xlsx")


def read_upload(data: bytes) -> Roster:
    if is_xlsx(data):
        return read_xlsx(data)
    text, encoding = decode(data)
    roster = read_text(text)
    roster.encoding = encoding
    return roster


def roster_csv(rows: list[InviteRow]) -> str:
    """Rows as the plain `name,email,group` CSV (with its header) that the preview carries to
    the confirming step, whatever the upload looked like."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "group"])
    for row in rows:
        writer.writerow([row.name, row.email, row.group])
    return out.getvalue()
