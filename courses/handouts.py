"""A handout as a one-page US Letter PDF (fpdf2), rendered on demand from its sanitised HTML.

The body is the HTML the loader already rendered and sanitised (courses.markdown): headings,
paragraphs, lists and bold text, which fpdf2's HTML writer lays out. Citations become plain
"[1]" markers and the handout's sources and the help lines are printed under the body, so the
paper copy carries what the web page carries. Text uses DejaVu Sans, the Unicode font bundled
for certificates (certificates/fonts), read as a file: no import crosses the apps' layering.

The test suite checks that every shipped handout fits on one page."""

import logging
import re

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from .help import HOTLINES
from .models import Handout

logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = settings.BASE_DIR / "certificates" / "fonts"
CITATION_RE = re.compile(
    r'<sup class="cite"><a [^>]*><span class="visually-hidden">[^<]*</span>\[(\d+)\]</a></sup>'
)
ATTRIBUTE_RE = re.compile(r'\s(?:class|rel)="[^"]*"')
INK = (33, 37, 41)
MUTED = (90, 98, 106)


def printable_html(body_html: str) -> str:
    """The handout body as simple HTML for fpdf2: citations as [N], no classes or spans."""
    html = CITATION_RE.sub(r" [\1]", body_html)
    html = ATTRIBUTE_RE.sub("", html)
    html = re.sub(r"</?span>", "", html)
    return html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")


def handout_pdf(handout: Handout) -> bytes:
    """The handout as it reads in the active language (pass a localised row)."""
    pdf = FPDF(orientation="P", unit="mm", format="letter")
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "BI", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(handout.title)
    pdf.set_author("OnGuard")
    pdf.set_creator("OnGuard")
    pdf.set_lang(getattr(handout, "language", "") or settings.LANGUAGE_CODE)
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 7, handout.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 9.5)
    pdf.write_html(
        printable_html(handout.body_html),
        font_family="DejaVu",
        tag_styles=None,
        li_prefix_color=INK,
    )
    _footer(pdf, handout)
    return bytes(pdf.output())


def _footer(pdf: FPDF, handout: Handout) -> None:
    pdf.ln(2)
    pdf.set_text_color(*MUTED)
    pdf.set_font("DejaVu", "B", 8)
    pdf.multi_cell(0, 4, _("Where to get help (United States)"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7.5)
    for line in HOTLINES:
        ways = " · ".join(
            part
            for part in (
                line["phone"],
                line["text"] and _("text %s") % line["text"],
                line["web"].removeprefix("https://"),
            )
            if part
        )
        pdf.multi_cell(0, 3.6, f"{line['name']}: {ways}", new_x="LMARGIN", new_y="NEXT")
    if handout.sources:
        pdf.ln(1)
        pdf.set_font("DejaVu", "B", 8)
        pdf.multi_cell(0, 4, _("Sources"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 7)
        for source in handout.sources:
            country = f" ({source['country']})" if source.get("country") else ""
            pdf.multi_cell(
                0, 3.4, f"[{source['number']}] {source['title']}. {source['publisher']}{country}, {source['year']}. {source['url']}",
                new_x="LMARGIN", new_y="NEXT",
            )  # fmt: skip
    reviewed = f" · {_('Last reviewed')} {handout.last_reviewed:%Y-%m-%d}" if handout.last_reviewed else ""
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(0, 3.4, f"OnGuard{reviewed}", new_x="LMARGIN", new_y="NEXT")
