"""A certificate as a one-page landscape PDF (fpdf2, pure Python), rendered on demand.

- Text uses the bundled DejaVu Sans (certificates/fonts/): Latin, Greek and Cyrillic names print
  as typed. Names are NFC-normalised so decomposed accents sit on their letters.
- Everything is printed as plain text: a name holding markup or a URL stays literal (no markdown,
  no links), and nothing here can reach the network (images are passed as bytes, never paths
  or URLs).
- The layout fits inside both A4 (297 x 210 mm) and US Letter (279.4 x 215.9 mm) landscape;
  `paper` picks the page size, the content is centred on it.
- The QR code (segno) is drawn as vector rectangles: crisp at any print size.

Rendering takes about 0.1 s (docs/certificates.md has the measurement), so PDFs are not stored:
each download renders from the certificate's snapshot.
"""

import io
import logging
from pathlib import Path

import segno
from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from accounts.languages import writing_to
from accounts.names import printable

from .models import Certificate

# fontTools logs every font subset at INFO: a dozen lines per PDF drowns the app's own logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(__file__).parent / "fonts"
PAPER = {"a4": (297.0, 210.0), "letter": (279.4, 215.9)}
# The common area of A4 and Letter landscape, less a margin: the layout lives in here.
BOX_W, BOX_H = 279.4 - 2 * 14, 210.0 - 2 * 14
INK = (33, 37, 41)
ACCENT = (11, 92, 173)
MUTED = (90, 98, 106)


def certificate_pdf(certificate: Certificate, *, paper: str = "a4", logo: bytes | None = None) -> bytes:
    """The certificate as PDF bytes, in its holder's language (accounts.languages), whoever asks
    for it. `logo` is an image's bytes (the issuing organisation's)."""
    with writing_to(certificate.user):
        return _render(certificate, paper=paper, logo=logo)


def _render(certificate: Certificate, *, paper: str, logo: bytes | None) -> bytes:
    width, height = PAPER[paper]
    pdf = FPDF(orientation="L", unit="mm", format=(height, width))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Certificate %(code)s") % {"code": certificate.code})
    pdf.set_author(certificate.issuer_name)
    pdf.set_creator("OnGuard")
    pdf.set_lang(translation.get_language() or "en")
    pdf.set_creation_date(certificate.issued_at)
    pdf.add_page()
    _Layout(pdf, certificate, left=(width - BOX_W) / 2, top=(height - BOX_H) / 2, logo=logo).draw()
    return bytes(pdf.output())


def _plain(text: str) -> str:
    """NFC, without direction overrides or line breaks, and with a visible mark for any glyph the
    font lacks (fpdf2 would drop it silently): accounts.names refuses these at entry, this covers
    names stored before."""
    return printable(text)


def _date(moment) -> str:
    return formats.date_format(moment, "j F Y")


class _Layout:
    def __init__(self, pdf: FPDF, certificate: Certificate, *, left: float, top: float, logo: bytes | None):
        self.pdf, self.c, self.left, self.top, self.logo = pdf, certificate, left, top, logo

    def draw(self) -> None:
        pdf, c = self.pdf, self.c
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(1.2)
        pdf.rect(self.left, self.top, BOX_W, BOX_H)
        pdf.set_line_width(0.3)
        pdf.rect(self.left + 3, self.top + 3, BOX_W - 6, BOX_H - 6)

        y = self.top + 12
        if self.logo:
            pdf.image(
                io.BytesIO(self.logo), x=self.left + BOX_W / 2 - 20, y=y, w=40, h=16, keep_aspect_ratio=True
            )
            y += 20
        self.line(_plain(c.issuer_name), y, size=13, style="B", color=MUTED)
        y += 12
        self.line(_("Certificate of completion"), y, size=28, style="B", color=ACCENT)
        y += 18
        self.line(_("This certifies that"), y, size=13, color=MUTED)
        y += 9
        y = self.fitted(_plain(c.learner_name), y, size=30, style="B")
        y += 4
        completed = _("has completed the track") if c.is_track else _("has completed the module")
        self.line(completed, y, size=13, color=MUTED)
        y += 9
        y = self.fitted(_plain(c.title), y, size=20, style="B")
        y += 3
        self.line(_("on %(date)s") % {"date": _date(c.completed_at)}, y, size=13, color=MUTED)

        self.signatory()
        self.facts()
        self.qr_code()

    def line(self, text: str, y: float, *, size: float, style: str = "", color=INK) -> None:
        self.pdf.set_font("DejaVu", style, size)
        self.pdf.set_text_color(*color)
        self.pdf.set_xy(self.left + 10, y)
        self.pdf.cell(BOX_W - 20, size * 0.5, text, align="C")

    def fitted(self, text: str, y: float, *, size: float, style: str) -> float:
        """Shrink a long name or title to one line down to 16 pt, then wrap. Returns the y
        below it."""
        pdf, width = self.pdf, BOX_W - 40
        while size > 16:
            pdf.set_font("DejaVu", style, size)
            if pdf.get_string_width(text) <= width:
                break
            size -= 1
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*INK)
        pdf.set_xy(self.left + 20, y)
        pdf.multi_cell(width, size * 0.45, text, align="C", max_line_height=size * 0.45)
        return pdf.get_y() + 2

    def signatory(self) -> None:
        c, pdf = self.c, self.pdf
        if not c.signatory_name:
            return
        x, y = self.left + 16, self.top + BOX_H - 34
        pdf.set_draw_color(*INK)
        pdf.line(x, y, x + 70, y)
        pdf.set_text_color(*INK)
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_xy(x, y + 2)
        pdf.cell(80, 5, _plain(c.signatory_name))
        if c.signatory_title:
            pdf.set_font("DejaVu", "", 10)
            pdf.set_xy(x, y + 7)
            pdf.cell(80, 5, _plain(c.signatory_title))

    def facts(self) -> None:
        c, pdf = self.c, self.pdf
        rows = [_("Issued: %(date)s") % {"date": _date(c.issued_at)}]
        if c.expires_at:
            rows.append(_("Valid until: %(date)s") % {"date": _date(c.expires_at)})
        rows.append(_("Certificate code: %(code)s") % {"code": c.code})
        rows.append(_("Verify at:"))
        rows.append(c.verify_url)
        pdf.set_text_color(*MUTED)
        y = self.top + BOX_H - 16 - 5 * len(rows)
        for row in rows:
            pdf.set_font("DejaVu", "", 9)
            pdf.set_xy(self.left + BOX_W - 149, y)
            pdf.cell(95, 5, row, align="R")
            y += 5

    def qr_code(self) -> None:
        """The verification URL as a QR code, drawn module by module (runs merged per row)."""
        qr = segno.make(self.c.verify_url, error="m", micro=False)
        rows = [list(row) for row in qr.matrix]
        size = 38.0
        step = size / len(rows)
        x0, y0 = self.left + BOX_W - 12 - size, self.top + BOX_H - 12 - size
        pdf = self.pdf
        pdf.set_fill_color(0, 0, 0)
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    pdf.rect(x0 + start * step, y0 + r * step, (c - start) * step, step, style="F")
                else:
                    c += 1
