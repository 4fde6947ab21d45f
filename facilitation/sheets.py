"""A session's attendance sheet, as CSV (formula-safe, like the compliance report) and as a
one-or-more-page PDF (fpdf2 and the bundled DejaVu font, like certificates). Names print as
plain text, exactly as typed."""

import csv
import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from accounts.names import printable
from certificates.pdf import FONT_DIR
from compliance.reports import csv_safe

from .models import Attendance, Session


def attendance_rows(session: Session) -> list[Attendance]:
    return list(session.attendances.select_related("user").order_by("user__name", "user_id"))


def _facts(session: Session) -> list[tuple[str, str]]:
    facilitator = session.facilitator
    return [
        (_("Organisation"), session.organisation.name),
        (_("Module"), session.module.title),
        (_("Run by"), (facilitator.name or facilitator.email) if facilitator else ""),
        (_("Date"), formats.date_format(timezone.localtime(session.starts_at), "DATE_FORMAT")),
    ]


def sheet_csv(session: Session, attendances: list[Attendance]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for label, value in _facts(session):
        writer.writerow([csv_safe(label), csv_safe(value)])
    writer.writerow([])
    writer.writerow([_("Name"), _("E-mail"), _("How they signed in"), _("Time")])
    for a in attendances:
        at = timezone.localtime(a.at).strftime("%Y-%m-%d %H:%M")
        writer.writerow([csv_safe(v) for v in (a.user.name, a.user.email, a.get_how_display(), at)])
    return out.getvalue()


def sheet_pdf(session: Session, attendances: list[Attendance]) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Attendance sheet"))
    pdf.set_creator("OnGuard")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, _("Attendance sheet"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for label, value in _facts(session):
        pdf.cell(0, 7, f"{label}: {printable(value)}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, _("Attendees: %(n)d") % {"n": len(attendances)}, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 10)
    with pdf.table(col_widths=(55, 65, 40, 30), markdown=False) as table:
        header = table.row()
        for title in (_("Name"), _("E-mail"), _("How they signed in"), _("Time")):
            header.cell(title)
        for a in attendances:
            row = table.row()
            row.cell(printable(a.user.name))
            row.cell(printable(a.user.email))
            row.cell(str(a.get_how_display()))
            row.cell(timezone.localtime(a.at).strftime("%H:%M"))
    return bytes(pdf.output())
