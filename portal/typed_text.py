"""What a person types, cleaned the same way in every form before it is validated or stored.

Issue 16's hostile test found names made only of zero-width spaces accepted as filled, control
characters and line breaks stored in one-line fields, and Thai digits crashing a comparison.
Every form field a resident (or an officer) types into is one of the fields below, so one place
decides:

- digits: Thai (๐-๙), full-width (０-９) and other Unicode digits become 0-9 where a number is
  expected (`DigitsTextField`, and `portal.i18n.ascii_digits` for code that reads raw input);
- invisible characters (zero-width space and joiners, BOM, soft hyphen, direction marks) around
  or instead of text do not count as text: a value made only of them is empty;
- control characters are refused with a message next to the field; line breaks and tabs are
  allowed only in fields of several lines.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.i18n import ascii_digits

INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE_EDGES = re.compile(f"^[\\s{INVISIBLE}]+|[\\s{INVISIBLE}]+$")
MULTILINE_ALLOWED = {"\n", "\r", "\t"}


def is_blank(value):
    """True for None, "" and text made only of whitespace and invisible characters."""
    return not _INVISIBLE_EDGES.sub("", value or "")


def trim(value):
    """`value` without whitespace or invisible characters at either end ("" when nothing else)."""
    return _INVISIBLE_EDGES.sub("", value or "")


def has_control_characters(value, multiline=False):
    """True when `value` holds a control character (Unicode category Cc: NUL, ESC, DEL, …).

    Line breaks and tabs count as control characters in a one-line field: a name or a phone
    number with a line break in it breaks CSV exports, e-mail headers and SMS texts."""
    allowed = MULTILINE_ALLOWED if multiline else set()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value or "")


CONTROL_MESSAGE = {
    False: _("Type this on one line, without line breaks or special control characters."),
    True: _("Remove the special control characters from this text."),
}


class TypedTextField(forms.CharField):
    """A CharField for what people type: trimmed of invisible characters, blank when nothing
    visible is left (so `required` means something), no control characters.

    One line unless given a Textarea widget (or `multiline=True`)."""

    def __init__(self, *args, multiline=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.multiline = isinstance(self.widget, forms.Textarea) if multiline is None else multiline

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str):
            value = trim(value)
            if not value:
                return self.empty_value
        return value

    def validate(self, value):
        super().validate(value)
        if isinstance(value, str) and has_control_characters(value, self.multiline):
            raise ValidationError(CONTROL_MESSAGE[self.multiline], code="control_characters")


class DigitsTextField(TypedTextField):
    """A TypedTextField whose digits are read as ASCII ones (codes, account and house numbers)."""

    def to_python(self, value):
        return super().to_python(ascii_digits(value))
