"""Fail when a UI string has no translation (run after makemessages in CI).

Four kinds of gap fail the check, for every language in settings.LANGUAGES: an empty or fuzzy
entry in the project's own catalogues; a translation whose placeholders (%(name)s, %s, {reference})
differ from the msgid's, which would raise or print a hole at run time; in a resident-only language
(Burmese, Khmer, Lao: the admin stays Thai/English), a project string of the Thai catalogue that
the language's catalogue lacks (`make messages` refreshes only th and en); and a
message of Django, Wagtail or another library a Thai resident or staff member meets (a form's
"too long" error, the admin's "The page could not be saved…") that the library's Thai catalogue
leaves untranslated and the project's catalogue does not fill. The project's catalogue wins over
the libraries' (LOCALE_PATHS comes first, also in the JavaScript catalogues), so the fill lives in
locale/ and its msgids in portal/upstream_messages.py / .js, where makemessages finds them. A
library upgrade that adds strings therefore shows up here, in `make check`.
"""

import ast
import re
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
# What residents meet of Django in a form: field and validator errors, and the
# month names the dates in Burmese, Khmer and Lao are written with (portal/i18n.py). Sources are
# the location comments of Django's English catalogue; None takes the whole catalogue.
RESIDENT_SOURCES = ("forms/", "core/validators.py")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
RESIDENT_CATALOGUES = [
    ("django.conf", "django", RESIDENT_SOURCES),
    ("formtools", "django", None),  # the e-form wizard
]
# The languages whose libraries' gaps the project fills, and which libraries. English needs none:
# msgids are English. Thai is also the admin's language, so every library it meets is filled; the
# resident-only languages need what residents' pages show (their JavaScript catalogues are the
# admin's only, so they have no djangojs catalogue).
UPSTREAM_GAP_LANGUAGES = {
    "th": None,  # UPSTREAM_CATALOGUES, read when checked so a test can replace it
    "my": RESIDENT_CATALOGUES,
    "km": RESIDENT_CATALOGUES,
    "lo": RESIDENT_CATALOGUES,
}
# The admin's languages (WAGTAILADMIN_PERMITTED_LANGUAGES): the others must carry every project
# string of the Thai catalogue except the admin-only library fills of upstream_messages.py.
ADMIN_LANGUAGES = ("th", "en")
UPSTREAM_LIST = Path(__file__).resolve().parents[2] / "upstream_messages.py"

# Python %-placeholders (named, positional, %%) and str.format ones ({reference}), as written.
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]|%")
BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


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


def _from_sources(entry, sources):
    if sources is None:
        return True
    return (
        entry.msgid in MONTH_NAMES
        and not entry.msgctxt
        or any(path.startswith(sources) for path, _line in entry.occurrences)
    )


def upstream_gaps(language, project_locale, catalogues=None):
    """Yield (module, domain, entry) for each library message untranslated in ``language`` everywhere.

    A library's English catalogue lists all its msgids; its own catalogue for the language and
    then the project's (``project_locale``) may translate each. A library's translation that
    lists alternatives is no translation. ``catalogues`` are (module, domain[, sources]) rows,
    UPSTREAM_CATALOGUES by default; `sources` limits a catalogue to the messages from those files.
    """
    catalogues = [(*row, None)[:3] for row in (UPSTREAM_CATALOGUES if catalogues is None else catalogues)]

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
    for module, domain, _sources in catalogues:
        if domain == "django":
            shared |= translated_in(locale_dir(module) / language / "LC_MESSAGES" / "django.po")
    project = {}
    for module, domain, sources in catalogues:
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
            if entry.obsolete or not _from_sources(entry, sources):
                continue
            if _key(entry) not in own and _key(entry) not in project[domain]:
                project[domain].add(_key(entry))  # reported once, under the first library that has it
                yield module, domain, entry


def placeholders(text):
    """The placeholders of `text` as a sorted list: what a translation must keep."""
    return sorted(PERCENT.findall(text) + BRACES.findall(text))


def broken_placeholders(entry):
    """Whether a translation adds, drops or mistypes a placeholder of its msgid. A plural form may
    leave out the number ("one item"), never write one the msgid lacks."""
    if entry.msgid_plural:
        allowed = set(placeholders(entry.msgid) + placeholders(entry.msgid_plural))
        return any(not set(placeholders(text)) <= allowed for text in entry.msgstr_plural.values() if text)
    if not entry.msgstr or ("python-format" not in entry.flags and "%" not in entry.msgid):
        return (
            bool(entry.msgstr)
            and BRACES.findall(entry.msgid) != []
            and (sorted(BRACES.findall(entry.msgid)) != sorted(BRACES.findall(entry.msgstr)))
        )
    return placeholders(entry.msgid) != placeholders(entry.msgstr)


def upstream_list_keys(path=UPSTREAM_LIST):
    """The (context, msgid, plural) of every library message listed in upstream_messages.py."""
    keys = set()
    for call in ast.walk(ast.parse(Path(path).read_text())):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            continue
        args = [arg.value if isinstance(arg, ast.Constant) else None for arg in call.args]
        if call.func.id == "gettext_noop":
            keys.add(("", args[0], ""))
        elif call.func.id == "ngettext_lazy":
            keys.add(("", args[0], args[1]))
        elif call.func.id == "pgettext_lazy":
            keys.add((args[0], args[1], ""))
        elif call.func.id == "npgettext_lazy":
            keys.add((args[0], args[1], args[2]))
    return keys


def missing_project_strings(language, project_locale):
    """The Thai catalogue's project strings that ``language``'s catalogue lacks or leaves empty."""
    reference = Path(project_locale, "th", "LC_MESSAGES", "django.po")
    own = Path(project_locale, language, "LC_MESSAGES", "django.po")
    if not reference.exists():
        return []
    translated = {_key(e) for e in polib.pofile(str(own)) if _translated(e)} if own.exists() else set()
    admin_only = upstream_list_keys()
    return [
        e
        for e in polib.pofile(str(reference))
        if not e.obsolete and _key(e) not in admin_only and _key(e) not in translated
    ]


class Command(BaseCommand):
    help = (
        "Exit non-zero when any catalogue of a language in settings.LANGUAGES has an empty or fuzzy entry or a "
        "broken placeholder, when Burmese/Khmer/Lao lack a string of the Thai catalogue, or when a Django/Wagtail "
        "message their libraries leave untranslated is not translated in locale/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fill-english", action="store_true", help="Copy msgid into empty English msgstr first.")

    def handle(self, *args, **options):
        problems = []
        project_locale = settings.LOCALE_PATHS[0]
        for code, _ in settings.LANGUAGES:
            for po_path in Path(project_locale, code, "LC_MESSAGES").glob("*.po"):
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
                    elif broken_placeholders(entry):
                        problems.append(f"{po_path}: placeholders differ from the msgid in {entry.msgid[:70]!r}")
            if code not in ADMIN_LANGUAGES:
                for entry in missing_project_strings(code, project_locale):
                    problems.append(
                        f"locale/{code}/LC_MESSAGES/django.po lacks {entry.msgid[:70]!r} (in the Thai catalogue)"
                    )
        languages = dict(settings.LANGUAGES)
        for code, catalogues in UPSTREAM_GAP_LANGUAGES.items():
            if code not in languages:
                continue
            for module, domain, entry in upstream_gaps(code, project_locale, catalogues):
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
