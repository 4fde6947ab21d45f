"""Names that can't mislead: what a person may type as their own name, an organisation's or a
signatory's, which all print on certificates (review L9).

Refused: control characters (line breaks, tabs, NUL), bidirectional overrides and isolates that
make text display in an order other than the stored one (U+202E turns "exe.gnp" around), and
invisible format characters such as the zero-width space, except the zero-width (non-)joiners
that some scripts need. Also refused, with the characters named: anything the certificate font
(DejaVu Sans, certificates/fonts/) cannot draw, because the PDF would silently drop it.

`printable()` neutralises names stored before these rules, at print time."""

import unicodedata
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FONT_DIR = Path(__file__).resolve().parent.parent / "certificates" / "fonts"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
JOINERS = {"\u200c", "\u200d"}  # needed inside words in Persian, Indic scripts and emoji sequences
MISSING_GLYPH = "\ufffd"


def _misleading(char: str) -> bool:
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):
        return True
    return category == "Cf" and char not in JOINERS


@lru_cache(maxsize=1)
def certificate_font_characters() -> frozenset[int]:
    """Code points every certificate font can draw (the regular and the bold face)."""
    from fontTools.ttLib import TTFont

    faces = [set(TTFont(FONT_DIR / name).getBestCmap()) for name in FONT_FILES]
    return frozenset(set.intersection(*faces))


def _unprintable(char: str) -> bool:
    return not char.isspace() and ord(char) not in certificate_font_characters() and char not in JOINERS


def name_problems(value: str) -> list[str]:
    """Plain-language reasons `value` cannot be used as a name (empty when it can)."""
    problems = []
    if any(_misleading(char) for char in value):
        problems.append(
            _(
                "Names cannot contain line breaks, tabs, invisible characters or direction "
                "marks that change the order letters are shown in."
            )
        )
    missing = "".join(dict.fromkeys(c for c in value if not _misleading(c) and _unprintable(c)))
    if missing:
        problems.append(
            _("Certificates cannot print these characters, so please leave them out: %(chars)s")
            % {"chars": " ".join(missing)}
        )
    return problems


def name_validate(value: str) -> None:
    """A model and form field validator."""
    if problems := name_problems(value):
        raise ValidationError(problems, code="misleading_name")


def printable(value: str) -> str:
    """`value` as the certificate prints it: NFC, misleading characters removed (line breaks
    become spaces), and any character the font lacks shown as U+FFFD instead of vanishing."""
    text = unicodedata.normalize("NFC", value or "")
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif _misleading(char):
            continue
        elif _unprintable(char):
            out.append(MISSING_GLYPH)
        else:
            out.append(char)
    return " ".join("".join(out).split())
