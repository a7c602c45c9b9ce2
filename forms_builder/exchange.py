"""E-forms as versioned JSON files, so offices and installs share them (issue 17).

A file holds one form's definition — title, intro, steps, questions, options, conditions, the
"what happens next" text — in the page's language, and its translations:

    {"format": "portal-form", "version": 1, "exported_at": "...",
     "form": {"language": "th", "title": ..., "intro": ..., "next_steps": ..., "expected_date_label": ...,
              "steps": [<the steps StreamField's raw data: {"type": "step", "id": ..., "value": {...}}>]},
     "translations": [{"language": "en", ...the same keys...}]}

Block ids travel with the steps: a question without a key stores its answers under its block id,
so a shared form keeps the same answer names everywhere it is used.

Reading a file trusts nothing in it. `read_form_file` refuses (with one message a person can act
on) a file over `FORMS_BUILDER_IMPORT_MAX_BYTES` before reading it, malformed JSON, another format
or version, unknown question types, missing keys, over-long text and control characters; then the
steps go through the StreamField's own validation, exactly as if an editor had typed them. Rich
text (the notices, "what happens next") goes through the editor's converter, so only what the
editor itself allows (bold, lists, http(s) links) is kept; every other string is stored as text and
escaped wherever it is shown. `import_new` and `replace_definition` write in one transaction: a
refused file changes nothing. A form residents have already sent or saved answers to is never
overwritten: its keys are their answers' names.
"""

import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.blocks import StreamBlockValidationError
from wagtail.models import Locale

from forms_builder.blocks import FieldStreamBlock
from forms_builder.models import Draft, FormPage, Submission
from forms_builder.slugs import slugify_keep_marks
from portal.typed_text import has_control_characters

FORMAT = "portal-form"
VERSION = 1
DEFAULT_MAX_BYTES = 1_000_000
MAX_STEPS = 40
MAX_QUESTIONS = 200
MAX_TEXT = 5_000  # any one string; the blocks' own limits (255 for a label) are checked after
MAX_DEPTH = 12
DEFINITION_KEYS = ("title", "intro", "next_steps", "expected_date_label", "steps")
BLOCK_ID = re.compile(r"^[0-9a-zA-Z-]{1,64}$")
# Rich text in a definition, with the features the editor offers there (forms_builder.blocks, models).
RICH_TEXT_FEATURES = {
    "next_steps": ["bold", "link", "ul", "ol"],
    "consent.notice": ["bold", "link", "ul"],
    "info.body": ["bold", "italic", "link", "ul", "ol"],
}
_BLOCK_KEY = re.compile(r' data-block-key="[^"]*"')
_EMPTY_PARAGRAPH = re.compile(r"^(<p>\s*</p>)*$")


def max_bytes():
    return int(getattr(settings, "FORMS_BUILDER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def question_types():
    return list(FieldStreamBlock.base_blocks)


def clean_rich_text(html, features):
    """`html` as the rich-text editor would store it: unknown elements and attributes, scripts
    and javascript: links dropped, their text kept as text. The same input always gives the same
    output (no random block keys), so an export read back is equal to what was exported."""
    if not html or not html.strip():
        return ""
    converter = ContentstateConverter(features=features)
    cleaned = _BLOCK_KEY.sub("", converter.to_database_format(converter.from_database_format(html)))
    return "" if _EMPTY_PARAGRAPH.match(cleaned) else cleaned


# ---------------------------------------------------------------------------------------------
# Export


def _definition(page):
    steps = []
    # Through the block's own serialiser, so every setting is written (defaults included) the same
    # way an import stores it: what is exported and read back compares equal.
    # Every block is read (list(...)) so none is written back as stored: old-style option lists
    # come out in the current shape, as an import stores them.
    stream_block = FormPage._meta.get_field("steps").stream_block
    value = page.steps
    list(value)
    for step in json.loads(json.dumps(stream_block.get_prep_value(value), cls=DjangoJSONEncoder)):
        for field in step.get("value", {}).get("fields", []):
            for name in ("notice", "body"):
                key = f"{field.get('type')}.{name}"
                if key in RICH_TEXT_FEATURES and name in field.get("value", {}):
                    field["value"][name] = clean_rich_text(field["value"][name], RICH_TEXT_FEATURES[key])
        steps.append(step)
    return {
        "language": page.locale.language_code,
        "title": page.title,
        "intro": page.intro,
        "next_steps": clean_rich_text(page.next_steps, RICH_TEXT_FEATURES["next_steps"]),
        "expected_date_label": page.expected_date_label,
        "steps": steps,
    }


def export_form(page):
    """The file of `page` (its latest saved content, drafts included) and its translations."""
    page = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
    translations = []
    for other in FormPage.objects.translation_of(page).select_related("locale").order_by("locale__language_code"):
        other = other.get_latest_revision_as_object() if other.has_unpublished_changes else other
        translations.append(_definition(other))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "form": _definition(page),
        "translations": translations,
    }


def export_filename(page):
    slug = re.sub(r"[^a-z0-9-]+", "-", page.slug.lower()).strip("-") or "form"
    return f"form-{slug}-{page.pk}.json"


# ---------------------------------------------------------------------------------------------
# Reading a file


class FormFileError(ValidationError):
    """Why a form file was refused, in words for the person who uploaded it: put into words at
    once, in the language the admin speaks to that person while the view runs."""

    def __init__(self, message, code=None):
        super().__init__(str(message), code=code)


def read_form_file(upload):
    """The checked contents of an uploaded file: {"form": definition, "translations": [...]}.

    The size is checked before anything is read, and no more than the limit is ever read."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise FormFileError(
            _("The file is %(size)s; a form file may be at most %(limit)s.")
            % {"size": _megabytes(upload.size), "limit": _megabytes(limit)},
            code="too_big",
        )
    upload.seek(0)
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise FormFileError(_("The file is larger than %(limit)s.") % {"limit": _megabytes(limit)}, code="too_big")
    return parse_form_json(raw)


def _megabytes(size):
    return f"{size / 1_000_000:.1f} MB"


def parse_form_json(raw):
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text)
    except UnicodeDecodeError:
        raise FormFileError(_("The file is not text in UTF-8: it is not a form file."), code="not_json") from None
    except (ValueError, RecursionError):
        raise FormFileError(
            _("The file is not valid JSON. Choose a file made with “Export as JSON”."), code="not_json"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FormFileError(
            _("This is not a form file (its format is not “%(format)s”).") % {"format": FORMAT}, code="format"
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != VERSION:
        raise FormFileError(
            _("This form file is version %(found)s; this install reads version %(version)s.")
            % {"found": str(version)[:20], "version": VERSION},
            code="version",
        )
    _check_strings(data, depth=0)
    form = _check_definition(data.get("form"), _("the form"))
    translations = data.get("translations", [])
    if not isinstance(translations, list) or len(translations) > 10:
        raise FormFileError(_("“translations” must be a list of at most 10 definitions."), code="shape")
    checked = []
    for index, translation in enumerate(translations, start=1):
        checked.append(_check_definition(translation, _("translation %(number)s") % {"number": index}))
    return {"form": form, "translations": [t for t in checked if t["language"] != form["language"]]}


def _check_strings(value, depth):
    """Every string in the file: not too long, no control characters. Nesting kept shallow."""
    if depth > MAX_DEPTH:
        raise FormFileError(_("The file is nested too deeply to be a form file."), code="shape")
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise FormFileError(
                _("A text in the file is %(length)s characters long; at most %(limit)s are allowed: “%(start)s…”")
                % {"length": len(value), "limit": MAX_TEXT, "start": value[:40]},
                code="too_long",
            )
        if has_control_characters(value, multiline=True):
            raise FormFileError(
                _("A text in the file holds control characters (invisible codes): “%(start)s”.")
                % {"start": "".join(ch if ch.isprintable() else "?" for ch in value[:40])},
                code="control_characters",
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, depth + 1)
            _check_strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, depth + 1)


def _missing(where, key):
    return FormFileError(
        _("The file is missing “%(key)s” in %(where)s.") % {"key": key, "where": where}, code="missing"
    )


def _check_definition(definition, where):
    if not isinstance(definition, dict):
        raise _missing(where, "form" if where == _("the form") else "language")
    for key in ("language", *DEFINITION_KEYS):
        if key not in definition:
            raise _missing(where, key)
    for key in ("language", "title", "intro", "next_steps", "expected_date_label"):
        if not isinstance(definition[key], str):
            raise FormFileError(_("“%(key)s” in %(where)s must be text.") % {"key": key, "where": where}, code="shape")
    if not definition["title"].strip():
        raise FormFileError(_("The title in %(where)s is empty.") % {"where": where}, code="missing")
    steps = definition["steps"]
    if not isinstance(steps, list) or not steps:
        raise FormFileError(_("%(where)s has no steps.") % {"where": str(where).capitalize()}, code="shape")
    if len(steps) > MAX_STEPS:
        raise FormFileError(
            _("The file has %(count)s steps; a form may have at most %(limit)s.")
            % {"count": len(steps), "limit": MAX_STEPS},
            code="too_long",
        )
    known = question_types()
    questions = 0
    for number, step in enumerate(steps, start=1):
        step_where = _("step %(number)s of %(where)s") % {"number": number, "where": where}
        _check_block(step, step_where, {"step"})
        value = step["value"]
        for key in ("title", "fields"):
            if key not in value:
                raise _missing(step_where, key)
        if not isinstance(value["fields"], list):
            raise FormFileError(_("The questions of %(where)s must be a list.") % {"where": step_where}, code="shape")
        for field in value["fields"]:
            if not isinstance(field, dict) or field.get("type") not in known:
                found = field.get("type") if isinstance(field, dict) else field
                raise FormFileError(
                    _("Unknown question type “%(type)s” in %(where)s. Known types: %(known)s.")
                    % {"type": str(found)[:60], "where": step_where, "known": ", ".join(known)},
                    code="unknown_type",
                )
            _check_block(field, step_where, set(known))
            for name in ("notice", "body"):
                key = f"{field['type']}.{name}"
                if key in RICH_TEXT_FEATURES and isinstance(field["value"].get(name), str):
                    field["value"][name] = clean_rich_text(field["value"][name], RICH_TEXT_FEATURES[key])
            questions += 1
    if questions > MAX_QUESTIONS:
        raise FormFileError(
            _("The file has %(count)s questions; a form may have at most %(limit)s.")
            % {"count": questions, "limit": MAX_QUESTIONS},
            code="too_long",
        )
    definition = dict(definition)
    definition["language"] = definition["language"][:8]
    definition["next_steps"] = clean_rich_text(definition["next_steps"], RICH_TEXT_FEATURES["next_steps"])
    definition["steps"] = _validated_steps(steps, where)
    return definition


def _check_block(block, where, types):
    if not isinstance(block, dict) or block.get("type") not in types or not isinstance(block.get("value"), dict):
        raise FormFileError(
            _("%(where)s is not in the expected shape (a “type” and a “value”).") % {"where": str(where).capitalize()},
            code="shape",
        )
    if "id" in block and not (isinstance(block["id"], str) and BLOCK_ID.match(block["id"])):
        raise FormFileError(_("A block id in %(where)s is not valid.") % {"where": where}, code="shape")


def _validated_steps(steps, where):
    """The steps through the StreamField's own checks, as if an editor had typed them."""
    stream_block = FormPage._meta.get_field("steps").stream_block
    try:
        value = stream_block.to_python(steps)
        cleaned = stream_block.clean(value)
    except ValidationError as error:
        raise FormFileError(
            _("%(where)s does not pass the form editor's checks: %(problems)s")
            % {"where": str(where).capitalize(), "problems": "; ".join(_messages(error))[:600]},
            code="invalid",
        ) from None
    except (TypeError, ValueError, AttributeError, KeyError, ArithmeticError):
        raise FormFileError(
            _("The steps of %(where)s are not in the expected shape.") % {"where": where}, code="shape"
        ) from None
    return stream_block.get_prep_value(cleaned)


def _messages(error, path=""):
    """The messages of a StreamField validation error, each with where it is (step 1, question 2)."""
    if isinstance(error, StreamBlockValidationError) or hasattr(error, "block_errors"):
        found = [str(m) for m in getattr(error, "non_block_errors", []) or []]
        for index, child in (error.block_errors or {}).items():
            label = f"{path} {index + 1}" if isinstance(index, int) else f"{path} {index}"
            children = child if isinstance(child, list) else [child]
            for item in children:
                found += _messages(item, label.strip())
        return found or [path]
    messages = getattr(error, "messages", None) or [str(error)]
    return [f"{path}: {m}" if path else str(m) for m in messages]


# ---------------------------------------------------------------------------------------------
# Writing


def answers_exist(page):
    """True when residents sent or saved answers to this form or a translation of it."""
    pages = FormPage.objects.filter(translation_key=page.translation_key).values("pk")
    return Submission.objects.filter(form_page__in=pages).exists() or Draft.objects.filter(form_page__in=pages).exists()


def free_slug(parent, base):
    """`base`, or base-2, base-3…: a slug no child of `parent` has."""
    base = (base or "form")[:240]
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _apply(page, definition):
    page.title = definition["title"]
    page.intro = definition["intro"]
    page.next_steps = definition["next_steps"]
    page.expected_date_label = definition["expected_date_label"]
    page.steps = definition["steps"]


def _refused(error):
    found = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
    problems = "; ".join(f"{field}: {' '.join(msgs)}".lstrip(": ") for field, msgs in found)
    return FormFileError(
        _("The form in the file does not pass the page's checks: %(problems)s") % {"problems": problems[:600]},
        code="invalid",
    )


def _save_checked(page, user):
    """A new revision of `page` with the file's content: a draft, as the editor's Save does; the
    live version (if any) stays until an editor publishes."""
    try:
        page.full_clean()
    except ValidationError as error:
        raise _refused(error) from None
    return page.save_revision(user=user, log_action=True)


def _translations(page, parent, checked, user):
    """Create or update the translations the file holds; returns the languages it skipped (no
    translation of the forms index in that language on this site)."""
    skipped = []
    for definition in checked["translations"]:
        locale = Locale.objects.filter(language_code=definition["language"]).first()
        target_parent = parent.get_translation_or_none(locale) if locale else None
        if target_parent is None:
            skipped.append(definition["language"])
            continue
        existing = page.get_translation_or_none(locale)
        translated = existing.specific if existing else page.copy_for_translation(locale).specific
        if existing and translated.has_unpublished_changes:
            translated = translated.get_latest_revision_as_object()
        _apply(translated, definition)
        _save_checked(translated, user)
    return skipped


@transaction.atomic
def import_new(checked, parent, user):
    """A new form page (a draft, for editors to check and publish) under `parent`, a forms
    index. Returns (page, languages skipped)."""
    page = FormPage(live=False)
    _apply(page, checked["form"])
    page.slug = free_slug(parent, slugify_keep_marks(page.title)[:200])
    try:
        parent.add_child(instance=page)  # Page.save runs full_clean
    except ValidationError as error:
        raise _refused(error) from None
    page.save_revision(user=user, log_action=True)
    return page, _translations(page, parent, checked, user)


@transaction.atomic
def replace_definition(checked, page, user):
    """The definition of `page` (and its translations) replaced from the file, saved as a new
    draft revision. Refused when residents have sent or saved answers to it."""
    page = FormPage.objects.select_for_update().get(pk=page.pk)
    if answers_exist(page):
        raise FormFileError(
            _(
                "Residents have already sent or saved answers to “%(title)s”: its definition cannot be replaced, "
                "because their answers are stored under its questions. Import the file as a new form instead."
            )
            % {"title": page.title},
            code="has_submissions",
        )
    current = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
    _apply(current, checked["form"])
    _save_checked(current, user)
    return page, _translations(page, page.get_parent(), checked, user)
