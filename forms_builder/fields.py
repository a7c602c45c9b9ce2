"""Field types: how each question becomes Django form fields, a stored value, and display text.

The wizard works on a *definition*: plain dicts built from the page's StreamField (and stored
as the submission's snapshot), so a submission can be displayed with the words the resident
saw, whatever editors change later.
"""

import datetime
import difflib
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin

from forms_builder.uploads import ACCEPT
from portal.i18n import ascii_digits
from portal.templatetags.portal_tags import thaidate
from portal.typed_text import DigitsTextField, TypedTextField

THAI_MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]
BE_OFFSET = 543
MOBILE_RE = re.compile(r"^0[689]\d{8}$")
# Fixed lines: 0 + area code (02 Bangkok, 03x, 04x, 05x, 07x) + 7 digits = 9 digits.
LANDLINE_RE = re.compile(r"^0[2-57]\d{7}$")
# Domains most residents use, and what they are mistyped as most often.
COMMON_EMAIL_DOMAINS = [
    "gmail.com",
    "hotmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.co.th",
    "yahoo.co.th",
    "outlook.co.th",
]
TLD_TYPOS = {".con": ".com", ".cmo": ".com", ".cm": ".com", ".om": ".com", ".comm": ".com", ".co.tj": ".co.th"}
POSTCODE_RE = re.compile(r"^\d{5}$")
# (part, label, required, max length)
ADDRESS_PARTS = [
    ("house", _("House number"), True, 30),
    ("moo", _("Moo (village no.)"), False, 10),
    ("soi", _("Soi"), False, 100),
    ("road", _("Road"), False, 100),
    ("subdistrict", _("Sub-district (tambon)"), True, 100),
    ("district", _("District (amphoe)"), True, 100),
    ("province", _("Province"), True, 100),
    ("postcode", _("Postcode"), True, 5),
]


class DigitsMixin:
    """A form field that reads Thai and full-width digits as ASCII ones, through the one helper
    (portal.i18n.ascii_digits) that DigitsTextField uses too."""

    def to_python(self, value):
        return super().to_python(ascii_digits(value))


class DigitsIntegerField(DigitsMixin, forms.IntegerField):
    pass


class DigitsDecimalField(DigitsMixin, forms.DecimalField):
    pass


class DigitsChoiceField(DigitsMixin, forms.TypedChoiceField):
    """A drop-down of numbers (the month) that also takes ๖ or ６ from a hand-made post."""


class TypedEmailField(TypedTextField, forms.EmailField):
    """An e-mail address cleaned like every typed field: invisible characters alone are empty,
    control characters are refused before the address is checked."""


class TickBox(forms.CheckboxInput):
    """A tick box is ticked only when the browser sends its value ("on").

    Django's CheckboxInput reads any text but "false" as ticked, so a consent posted as "0",
    "off" or "no" counted as given (issue 16). Only the values a browser or a plain HTML form
    sends for a ticked box count; anything else, lists included, is "not ticked"."""

    TICKED = {"on", "true", "1", "yes"}

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, bool):
            return value
        return isinstance(value, str) and value.strip().lower() in self.TICKED


def tick_box():
    return forms.BooleanField(required=False, widget=TickBox)


def suggest_email(address):
    """'name@gmail.com' for 'name@gmail.con' or 'name@gmial.com'; None when nothing looks mistyped."""
    local, _at, domain = (address or "").rpartition("@")
    domain = domain.lower()
    if not local or not domain or domain in COMMON_EMAIL_DOMAINS:
        return None
    fixed = domain
    for typo, right in TLD_TYPOS.items():
        if fixed.endswith(typo):
            fixed = fixed[: -len(typo)] + right
            break
    match = difflib.get_close_matches(fixed, COMMON_EMAIL_DOMAINS, n=1, cutoff=0.8)
    if match:
        fixed = match[0]
    return f"{local}@{fixed}" if fixed != domain and (match or fixed.endswith((".com", ".co.th"))) else None


# ---------------------------------------------------------------------------------------------
# The definition: plain data from the StreamField


def build_definition(page):
    """Steps and fields of a FormPage as JSON-safe dicts (also the submission's snapshot)."""
    steps = []
    for step in page.steps:
        if step.block_type != "step":
            continue
        value = step.value
        fields = []
        for field in value["fields"]:
            spec = {"type": field.block_type, "id": field.id}
            for name, item in field.value.items():
                if name == "condition":
                    spec["condition"] = _condition(item)
                elif name == "options":
                    spec["options"] = [[str(o["value"]), str(o["label"])] for o in item]
                elif name in ("notice", "body"):
                    spec[name] = str(item.__html__()) if item else ""
                elif name == "allowed_types":
                    spec[name] = list(item or [])
                elif isinstance(item, Decimal):
                    spec[name] = str(item)
                else:
                    spec[name] = item
            spec["key"] = spec.get("key") or f"f_{field.id.replace('-', '')[:12]}"
            fields.append(spec)
        steps.append(
            {
                "name": step.id,
                "title": value["title"],
                "intro": value["intro"] or "",
                "condition": _condition(value["condition"]),
                "ends_form": bool(value["ends_form"]),
                "fields": fields,
            }
        )
    return {"title": page.title, "steps": steps}


def _condition(value):
    if not value or not value.get("field"):
        return None
    return {"field": value["field"], "operator": value.get("operator") or "eq", "value": value.get("target") or ""}


def condition_met(condition, answers):
    """True when the condition holds for the answers so far (no condition: always)."""
    if not condition:
        return True
    answer = answers.get(condition["field"])
    expected = condition["value"]
    operator = condition["operator"]
    if operator in ("gt", "lte"):
        try:
            number, limit = Decimal(str(answer)), Decimal(expected)
        except (InvalidOperation, TypeError, ValueError):
            return False
        return number > limit if operator == "gt" else number <= limit
    if isinstance(answer, bool):
        matches = ("yes" if answer else "no") == expected
    elif isinstance(answer, list):
        matches = expected in answer
    elif isinstance(answer, dict):
        matches = bool(answer.get("agreed")) == (expected == "yes")
    else:
        matches = answer is not None and str(answer) == expected
    return matches if operator == "eq" else not matches


# ---------------------------------------------------------------------------------------------
# Field types


class FieldType:
    """One kind of question: its form fields (names derived from the key), value and display."""

    #: Sub-field suffixes; "" is the key itself.
    error_message = _("Answer this question.")

    def form_fields(self, spec):
        return {spec["key"]: self.make_field(spec)}

    def make_field(self, spec):
        raise NotImplementedError

    def names(self, spec):
        return list(self.form_fields(spec))

    def value(self, spec, cleaned):
        """The JSON-safe stored value, or None when unanswered."""
        value = cleaned.get(spec["key"])
        return value if value not in ("", None, []) else None

    def display(self, spec, value, files=None):
        return "" if value is None else str(value)


def _text_input(**attrs):
    return forms.TextInput(attrs=attrs)


class ShortText(FieldType):
    """One line: a name, or a number or code typed as text (a bank account, a pole number,
    a soi). Its digits are stored as 0-9 whatever the keyboard (๑๒๓ is 123), so staff search and
    exports find one spelling; prose of several lines (LongText) keeps what was typed."""

    def make_field(self, spec):
        return DigitsTextField(required=False, max_length=spec.get("max_length") or 200)


class LongText(FieldType):
    def make_field(self, spec):
        max_length = spec.get("max_length") or 3000
        return TypedTextField(
            required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": 5, "maxlength": max_length})
        )


class Number(FieldType):
    def make_field(self, spec):
        def limit(name):
            return Decimal(spec[name]) if spec.get(name) not in (None, "") else None

        return DigitsDecimalField(
            required=False,
            max_digits=14,
            decimal_places=2,
            min_value=limit("min_value"),
            max_value=limit("max_value"),
            localize=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20}),
        )

    def value(self, spec, cleaned):
        value = cleaned.get(spec["key"])
        return None if value is None else format(value.normalize(), "f")

    def display(self, spec, value, files=None):
        if value is None:
            return ""
        return f"{value} {spec.get('unit') or ''}".strip()


class Email(FieldType):
    """An address, and a tick box to keep it when it looks like a misspelt common domain
    (the GOV.UK pattern: suggest, keep what was typed, let the person confirm)."""

    def form_fields(self, spec):
        key = spec["key"]
        return {
            key: TypedEmailField(
                required=False,
                max_length=254,
                widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254, "spellcheck": "false"}),
                # One message: EmailField's own validator already checks; a second one repeated it.
                error_messages={"invalid": _("Enter an email address like name@example.com.")},
            ),
            f"{key}__confirm": tick_box(),
        }

    def value(self, spec, cleaned):
        address = cleaned.get(spec["key"]) or None
        suggestion = suggest_email(address)
        if suggestion and not cleaned.get(f"{spec['key']}__confirm"):
            raise ValidationError(
                _("Did you mean %(suggestion)s? Correct the address, or tick the box below if it is right."),
                params={"suggestion": suggestion},
                code="suggestion",
            )
        return address


class Phone(FieldType):
    def make_field(self, spec):
        return ThaiPhoneField(required=False, mobile_only=bool(spec.get("mobile_only")))


def normalise_phone(value):
    """Digits only, +66/66 as 0: '+66 81-234 5678' -> '0812345678', '๐๕๓ ๑๒๓ ๔๕๖' -> '053123456'."""
    digits = re.sub(r"[\s\-().]", "", ascii_digits(value))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    elif digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits


class ThaiPhoneField(DigitsTextField):
    """A Thai mobile (10 digits, 06/08/09) or, unless mobile_only, a fixed line (9 digits with its
    area code, e.g. 053123456): many elderly residents have only a home line. SMS needs a mobile.
    python-stdnum has no Thai phone numbers, hence the two patterns above."""

    widget = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": 20})

    def __init__(self, mobile_only=False, **kwargs):
        self.mobile_only = mobile_only
        super().__init__(max_length=20, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        digits = normalise_phone(value)
        if MOBILE_RE.match(digits) or (not self.mobile_only and LANDLINE_RE.match(digits)):
            return digits
        if self.mobile_only:
            raise ValidationError(
                _("Enter a 10-digit mobile number starting 06, 08 or 09, like 0812345678: SMS messages need a mobile.")
            )
        raise ValidationError(
            _(
                "Enter a Thai phone number: a 10-digit mobile like 0812345678, or a 9-digit home or office "
                "line with its area code like 053123456."
            )
        )


class NationalId(FieldType):
    def make_field(self, spec):
        return ThaiNationalIdField(required=False)

    def display(self, spec, value, files=None):
        return pin.format(value) if value else ""


class ThaiNationalIdField(DigitsTextField):
    """13 digits with the check digit, checked by python-stdnum's stdnum.th.pin."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20})

    def __init__(self, **kwargs):
        super().__init__(max_length=20, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return pin.validate(value)
        except StdnumError:
            raise ValidationError(
                _("Enter the 13-digit number on the ID card; the last digit did not check out.")
            ) from None


class Date(FieldType):
    """Day, month and a Buddhist Era year: the way Thai residents write dates on paper."""

    def form_fields(self, spec):
        key = spec["key"]
        return {
            f"{key}__day": DigitsIntegerField(
                required=False,
                min_value=1,
                max_value=31,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2, "class": "fb-w2"}),
            ),
            f"{key}__month": DigitsChoiceField(
                required=False, coerce=int, choices=[("", "—"), *THAI_MONTHS], empty_value=None
            ),
            f"{key}__year": DigitsIntegerField(
                required=False,
                min_value=2400,
                max_value=2800,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "class": "fb-w4"}),
                error_messages={
                    "min_value": _("Enter the year in the Buddhist Era, e.g. 2510."),
                    "max_value": _("Enter the year in the Buddhist Era, e.g. 2510."),
                },
            ),
        }

    def value(self, spec, cleaned):
        key = spec["key"]
        parts = [cleaned.get(f"{key}__{p}") for p in ("day", "month", "year")]
        if all(p is None for p in parts):
            return None
        if any(p is None for p in parts):
            raise ValidationError(_("Enter the day, the month and the year."))
        day, month, year = parts
        try:
            date = datetime.date(year - BE_OFFSET, month, day)
        except ValueError:
            raise ValidationError(_("This date does not exist; check the day and month.")) from None
        if spec.get("past_only") and date > datetime.date.today():
            raise ValidationError(_("The date must be today or earlier."))
        if spec.get("min_age"):
            check_min_age(date, int(spec["min_age"]))
        return date.isoformat()

    def display(self, spec, value, files=None):
        if not value:
            return ""
        try:
            return thaidate(datetime.date.fromisoformat(value), "long")
        except ValueError:
            return value


def next_fiscal_year_start(today=None):
    """1 October after today: the Thai fiscal year that a registration made today pays from."""
    today = today or datetime.date.today()
    return datetime.date(today.year + (1 if today >= datetime.date(today.year, 10, 1) else 0), 10, 1)


def check_min_age(birth_date, years, today=None):
    """Age rules for allowances count on 1 October of the fiscal year (Ministry of Interior
    regulation B.E. 2552): one may register when turning `years` by then."""
    cutoff = next_fiscal_year_start(today)
    latest_birth = cutoff.replace(year=cutoff.year - years)
    if birth_date > latest_birth:
        raise ValidationError(
            _(
                "Only people aged %(years)s by %(cutoff)s can register: born on %(latest)s or earlier. "
                "Check the year of birth (Buddhist Era)."
            )
            % {"years": years, "cutoff": thaidate(cutoff, "long"), "latest": thaidate(latest_birth, "long")}
        )


class SingleChoice(FieldType):
    error_message = _("Choose one option.")

    def make_field(self, spec):
        return forms.ChoiceField(required=False, choices=spec.get("options") or [], widget=forms.RadioSelect)

    def display(self, spec, value, files=None):
        return dict(spec.get("options") or []).get(value, value or "")


class MultipleChoice(FieldType):
    error_message = _("Choose at least one option.")

    def make_field(self, spec):
        return forms.MultipleChoiceField(
            required=False, choices=spec.get("options") or [], widget=forms.CheckboxSelectMultiple
        )

    def value(self, spec, cleaned):
        return list(cleaned.get(spec["key"]) or []) or None

    def display(self, spec, value, files=None):
        labels = dict(spec.get("options") or [])
        return ", ".join(labels.get(v, v) for v in value or [])


class Checkbox(FieldType):
    error_message = _("Tick the box to continue.")

    def make_field(self, spec):
        return tick_box()

    def value(self, spec, cleaned):
        return True if cleaned.get(spec["key"]) else None

    def display(self, spec, value, files=None):
        return gettext("Yes") if value else gettext("No")


class Address(FieldType):
    """Parts of a Thai address, each one line; house numbers, moo, soi and postcode are typed
    with Thai digits as often as not and stored as 0-9."""

    error_message = _("Enter the address.")

    def form_fields(self, spec):
        key = spec["key"]
        fields = {}
        for part, _label, _required, max_length in ADDRESS_PARTS:
            attrs = {"maxlength": max_length}
            if part == "postcode":
                attrs.update(inputmode="numeric", autocomplete="postal-code")
            fields[f"{key}__{part}"] = DigitsTextField(
                required=False, max_length=max_length, widget=_text_input(**attrs)
            )
        return fields

    def value(self, spec, cleaned):
        key = spec["key"]
        value = {part: cleaned.get(f"{key}__{part}") or "" for part, *_rest in ADDRESS_PARTS}
        if not any(value.values()):
            return None
        missing = [str(label) for part, label, required, _m in ADDRESS_PARTS if required and not value[part]]
        if missing:
            raise ValidationError(_("Also enter: %(parts)s.") % {"parts": ", ".join(missing)})
        if not POSTCODE_RE.match(value["postcode"]):
            raise ValidationError(_("The postcode has 5 digits, e.g. 50000."))
        return value

    def display(self, spec, value, files=None):
        if not value:
            return ""
        is_thai = gettext("Moo") == "หมู่"
        pieces = [value.get("house", "")]
        labels = (
            [
                ("moo", "หมู่ "),
                ("soi", "ซอย"),
                ("road", "ถนน"),
                ("subdistrict", "ตำบล"),
                ("district", "อำเภอ"),
                ("province", "จังหวัด"),
            ]
            if is_thai
            else [
                ("moo", "Moo "),
                ("soi", "Soi "),
                ("road", ""),
                ("subdistrict", ""),
                ("district", ""),
                ("province", ""),
            ]
        )
        for part, prefix in labels:
            if value.get(part):
                pieces.append(f"{prefix}{value[part]}")
        pieces.append(value.get("postcode", ""))
        return " ".join(p for p in pieces if p)


class KeepUploadsField(forms.MultipleChoiceField):
    """Ids of this filling's already-uploaded files the resident keeps (choices are only theirs)."""

    widget = forms.CheckboxSelectMultiple


class FileUpload(FieldType):
    """The `<key>__upload` input takes new files (handled by the wizard before validation);
    `<key>` holds the ids of accepted files, offered only from this filling's own uploads."""

    error_message = _("Upload at least one file.")

    def form_fields(self, spec):
        key = spec["key"]
        return {
            f"{key}__upload": forms.FileField(
                required=False, widget=MultipleFileInput(attrs={"accept": accept_for(spec)})
            ),
            key: KeepUploadsField(required=False, choices=[]),
        }

    def value(self, spec, cleaned):
        ids = list(cleaned.get(spec["key"]) or [])
        if len(ids) > int(spec.get("max_files") or 1):
            raise ValidationError(
                _("Upload at most %(count)s files here; untick the ones you do not need.")
                % {"count": spec.get("max_files")}
            )
        return ids or None

    def display(self, spec, value, files=None):
        names = [f.original_name for f in files or [] if f.field_key == spec["key"]]
        return ", ".join(names)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


def accept_for(spec):
    return ",".join(ACCEPT[t] for t in spec.get("allowed_types") or [] if t in ACCEPT)


class MapLocation(FieldType):
    """A pin (latitude/longitude, set by the Leaflet map when JavaScript runs) or typed words.

    The typed description alone is enough: the map is an enhancement for phones that can.
    """

    error_message = _("Describe the place, or put a pin on the map.")

    def form_fields(self, spec):
        key = spec["key"]
        coord = {"inputmode": "decimal", "maxlength": 20, "class": "fb-coord"}
        return {
            f"{key}__text": TypedTextField(
                required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500})
            ),
            f"{key}__lat": CoordinateField(
                required=False,
                min_value=-90,
                max_value=90,
                widget=_text_input(**coord),
                error_messages=_coordinate_errors(_("Latitude"), 90, "18.788300"),
            ),
            f"{key}__lng": CoordinateField(
                required=False,
                min_value=-180,
                max_value=180,
                widget=_text_input(**coord),
                error_messages=_coordinate_errors(_("Longitude"), 180, "98.985300"),
            ),
        }

    def value(self, spec, cleaned):
        key = spec["key"]
        text = cleaned.get(f"{key}__text") or ""
        lat, lng = cleaned.get(f"{key}__lat"), cleaned.get(f"{key}__lng")
        if lat is None and lng is not None:
            raise ValidationError(_("Latitude: enter it too, or clear the longitude box."))
        if lng is None and lat is not None:
            raise ValidationError(_("Longitude: enter it too, or clear the latitude box."))
        if not text and lat is None:
            return None
        return {"text": text, "lat": None if lat is None else str(lat), "lng": None if lng is None else str(lng)}

    def display(self, spec, value, files=None):
        if not value:
            return ""
        parts = [value.get("text") or ""]
        if value.get("lat"):
            parts.append(f"({value['lat']}, {value['lng']})")
        return " ".join(p for p in parts if p)


def _coordinate_errors(box, limit, example):
    """Without the map, the boxes are typed: every message names the box it is about."""
    return {
        "invalid": format_lazy(_("{box}: enter a number in degrees, e.g. {example}."), box=box, example=example),
        "min_value": format_lazy(_("{box}: enter a number from -{limit} to {limit}."), box=box, limit=limit),
        "max_value": format_lazy(_("{box}: enter a number from -{limit} to {limit}."), box=box, limit=limit),
    }


class CoordinateField(DigitsDecimalField):
    """Degrees, rounded to 6 decimals (about 10 cm) rather than refused for having more."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and value.is_finite() and value.as_tuple().exponent < -6:
            value = value.quantize(Decimal("0.000001"))
        return value


class Consent(FieldType):
    error_message = _("Tick the box to agree to the privacy notice; we cannot take the request without it.")

    def make_field(self, spec):
        return tick_box()

    def value(self, spec, cleaned):
        if not cleaned.get(spec["key"]):
            return None
        return {"agreed": True, "version": spec.get("version") or ""}

    def display(self, spec, value, files=None):
        if not value:
            return gettext("No")
        return gettext("Agreed (notice version %(version)s)") % {"version": value.get("version", "")}


class Info(FieldType):
    def form_fields(self, spec):
        return {}

    def value(self, spec, cleaned):
        return None


FIELD_TYPES = {
    "short_text": ShortText(),
    "long_text": LongText(),
    "number": Number(),
    "email": Email(),
    "phone": Phone(),
    "national_id": NationalId(),
    "date": Date(),
    "single_choice": SingleChoice(),
    "multiple_choice": MultipleChoice(),
    "checkbox": Checkbox(),
    "address": Address(),
    "file_upload": FileUpload(),
    "map_location": MapLocation(),
    "consent": Consent(),
    "info": Info(),
}


def field_type(spec):
    return FIELD_TYPES[spec["type"]]


# ---------------------------------------------------------------------------------------------
# One step as a Django form


class StepForm(forms.Form):
    """The questions of one step. Built per request from the definition.

    Every Django field is optional; whether an answer is needed is decided in clean(), after
    conditions: a hidden question is neither required, validated nor stored.
    """

    spec = None  # set on the subclass the wizard builds

    def __init__(self, *args, prior=None, pending=None, upload_errors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prior = prior or {}
        self.upload_errors = upload_errors or {}
        self.answers = {}
        self.visible_keys = set()
        pending = pending or {}
        for spec in self.spec["fields"]:
            if spec["type"] == "file_upload":
                self.fields[spec["key"]].choices = [
                    (str(p.pk), p.original_name) for p in pending.values() if p.field_key == spec["key"]
                ]
            for name in field_type(spec).form_fields(spec):
                field = self.fields[name]
                field.label = spec.get("label", "")
                field.widget.attrs.setdefault("class", "")

    @classmethod
    def for_step(cls, step):
        """A subclass with the step's fields declared, as Django forms expect."""
        attrs = {"spec": step}
        for spec in step["fields"]:
            attrs.update(field_type(spec).form_fields(spec))
        return type("StepForm", (cls,), attrs)

    def clean(self):
        cleaned = super().clean()
        answers = dict(self.prior)
        for spec in self.spec["fields"]:
            kind = field_type(spec)
            names = list(kind.form_fields(spec))
            if not names:
                continue
            if not condition_met(spec.get("condition"), answers):
                # Hidden: drop whatever was typed and whatever was wrong with it.
                for name in names:
                    self._errors.pop(name, None)
                    cleaned.pop(name, None)
                continue
            self.visible_keys.add(spec["key"])
            first = names[0] if spec["type"] != "file_upload" else f"{spec['key']}__upload"
            for message in self.upload_errors.get(spec["key"], []):
                self.add_error(f"{spec['key']}__upload", message)
            if any(name in self._errors for name in names):
                continue
            try:
                value = kind.value(spec, cleaned)
            except ValidationError as error:
                self.add_error(first, error)
                continue
            if value is None and spec.get("required"):
                if f"{spec['key']}__upload" not in self._errors:
                    self.add_error(first, kind.error_message)
                continue
            if value is not None:
                answers[spec["key"]] = value
                self.answers[spec["key"]] = value
        return cleaned

    def field_errors(self, spec):
        """All messages for one question, whichever of its inputs they belong to."""
        errors = []
        for name in field_type(spec).form_fields(spec):
            errors.extend(self.errors.get(name, []))
        return errors


def display_answers(definition, answers, files=None):
    """[(step title, [(label, display value), ...]), ...] for the steps that have answers."""
    result = []
    for step in definition.get("steps", []):
        rows = []
        for spec in step["fields"]:
            if spec["type"] == "info" or spec["key"] not in answers:
                continue
            value = answers[spec["key"]]
            rows.append((spec.get("label", spec["key"]), field_type(spec).display(spec, value, files)))
        if rows:
            result.append((step["title"], rows))
    return result
