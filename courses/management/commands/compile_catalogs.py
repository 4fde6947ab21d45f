"""Compile the gettext catalogs in locale/ (*.po -> *.mo) with polib, so that setting up needs no
GNU gettext tools: the README's commands run it, and the test suite runs it at its start."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogs_compile(*, quiet: bool = True) -> list[Path]:
    """Compile every .po under LOCALE_PATHS whose .mo is missing or older; returns those made."""
    made = []
    for root in settings.LOCALE_PATHS:
        for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            made.append(mo_path)
    return made


class Command(BaseCommand):
    help = "Compile the translation catalogs in locale/ (no GNU gettext needed)."

    def handle(self, *args, **options):
        made = catalogs_compile()
        self.stdout.write(f"Compiled {len(made)} catalog(s).")
