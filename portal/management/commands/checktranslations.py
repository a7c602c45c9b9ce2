"""Fail when a UI string has no translation (run after makemessages in CI).

Two kinds of gap fail the check: an empty or fuzzy entry in the project's own catalogues, and a
message of Django, Wagtail or another library a Thai resident or staff member meets (a form's
"too long" error, the admin's "The page could not be saved…") that the library's Thai catalogue
leaves untranslated and the project's catalogue does not fill. The project's catalogue wins over
the libraries' (LOCALE_PATHS comes first, also in the JavaScript catalogues), so the fill lives in
locale/ and its msgids in portal/upstream_messages.py / .js, where makemessages finds them. A
library upgrade that adds strings therefore shows up here, in `make check`.
"""

from importlib import import_module
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# (module whose locale/ holds the catalogue, domain): the libraries whose messages reach a Thai
# page or the Wagtail admin in Thai. django.contrib.admin is installed but not routed, and
# wagtail.locales is replaced by wagtail_localize.locales, so neither is listed.
UPSTREAM_CATALOGUES = [
    ("django.conf", "django"),  # forms, validators, model fields, pagination, dates
    ("django.contrib.auth", "django"),
    ("django.contrib.contenttypes", "django"),
    ("django.contrib.sessions", "django"),
    ("formtools", "django"),  # the e-form wizard
    ("wagtail", "django"),
    ("wagtail.admin", "django"),
    ("wagtail.admin", "djangojs"),
    ("wagtail.snippets", "django"),
    ("wagtail.documents", "django"),
    ("wagtail.images", "django"),
    ("wagtail.users", "django"),
    ("wagtail.sites", "django"),
    ("wagtail.search", "django"),
    ("wagtail.embeds", "django"),
    ("wagtail.contrib.settings", "django"),
    ("wagtail.contrib.redirects", "django"),
    ("wagtail_localize", "django"),
    ("wagtail_localize", "djangojs"),
    ("wagtail_localize.locales", "django"),  # Settings → Locales
]
# The languages whose libraries' gaps the project fills. English needs none: msgids are English.
UPSTREAM_GAP_LANGUAGES = ["th"]


def _key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _translated(entry):
    if entry.obsolete or entry.fuzzy:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _lists_alternatives(entry):
    """Wagtail's Thai has glossary lines for translations ("Save" → "เซฟ,เก็บข้อมูล"): a comma the
    English lacks marks a translation no one should see on a button."""
    texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
    return "," not in entry.msgid + (entry.msgid_plural or "") and any("," in text for text in texts)


def upstream_gaps(language, project_locale):
    """Yield (module, domain, entry) for each library message untranslated in ``language`` everywhere.

    A library's English catalogue lists all its msgids; its own catalogue for the language and
    then the project's (``project_locale``) may translate each. A library's translation that
    lists alternatives is no translation.
    """

    def translated_in(po_path, library=True):
        if not po_path.exists():
            return set()
        return {
            _key(e) for e in polib.pofile(str(po_path)) if _translated(e) and not (library and _lists_alternatives(e))
        }

    def locale_dir(module):
        return Path(import_module(module).__file__).parent / "locale"

    # Server-side messages of all apps share one merged catalogue, so a message another library
    # translates is no gap; a JavaScript catalogue holds only its own package's and the project's.
    shared = set()
    for module, domain in UPSTREAM_CATALOGUES:
        if domain == "django":
            shared |= translated_in(locale_dir(module) / language / "LC_MESSAGES" / "django.po")
    project = {}
    for module, domain in UPSTREAM_CATALOGUES:
        source = locale_dir(module) / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not source.exists():
            continue
        if domain not in project:
            project[domain] = translated_in(
                Path(project_locale, language, "LC_MESSAGES", f"{domain}.po"), library=False
            )
        own = (
            shared
            if domain == "django"
            else translated_in(locale_dir(module) / language / "LC_MESSAGES" / f"{domain}.po")
        )
        for entry in polib.pofile(str(source)):
            if not entry.obsolete and _key(entry) not in own and _key(entry) not in project[domain]:
                project[domain].add(_key(entry))  # reported once, under the first library that has it
                yield module, domain, entry


class Command(BaseCommand):
    help = (
        "Exit non-zero when any catalogue for th or en has an empty or fuzzy entry, or when a Django/Wagtail "
        "message left untranslated in Thai by its library is not translated in locale/."
    )

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
        for code in UPSTREAM_GAP_LANGUAGES:
            for module, domain, entry in upstream_gaps(code, settings.LOCALE_PATHS[0]):
                listing = "portal/upstream_messages.js" if domain == "djangojs" else "portal/upstream_messages.py"
                problems.append(
                    f"{module} leaves {entry.msgid[:70]!r} untranslated in {code} ({domain}): "
                    f"list it in {listing} and translate it in locale/{code}/LC_MESSAGES/{domain}.po"
                )
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
