"""Fail when a Thai or English UI string has no translation (run after makemessages in CI)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Exit non-zero when any catalogue for th or en has an empty or fuzzy entry."

    def add_arguments(self, parser):
        parser.add_argument("--fill-english", action="store_true", help="Copy msgid into empty English msgstr first.")

    def handle(self, *args, **options):
        problems = []
        for code, _ in settings.LANGUAGES:
            for po_path in Path(settings.LOCALE_PATHS[0], code, "LC_MESSAGES").glob("*.po"):
                catalogue = polib.pofile(str(po_path))
                if code == "en" and options["fill_english"]:
                    self._fill_english(catalogue)
                    catalogue.save()
                for entry in catalogue:
                    if entry.obsolete:
                        continue
                    translated = entry.msgstr_plural and all(entry.msgstr_plural.values()) or entry.msgstr
                    if not translated or entry.fuzzy:
                        problems.append(f"{po_path}: {entry.msgid[:70]!r}")
        if problems:
            raise CommandError("Untranslated UI strings:\n" + "\n".join(problems))
        self.stdout.write("every UI string is translated")

    @staticmethod
    def _fill_english(catalogue):
        """English msgids are already English: the English catalogue repeats them."""
        for entry in catalogue:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            if entry.msgid_plural:
                if not all(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            elif not entry.msgstr:
                entry.msgstr = entry.msgid
