"""Page slugs that keep Thai vowels and tone marks, and the ASCII short codes of QR stickers.

Django's slugify and validate_unicode_slug (and Wagtail's slug script) keep only letters and
digits, so ขอใช้ loses its ไม้โท and ออนไลน์ its การันต์: a different word, and one the server
then refused. Thai marks (Unicode categories Mn and Mc) are part of the word and are kept.
"""

import re
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

WORD_CATEGORIES = ("L", "N", "Mn", "Mc")


def _is_word_character(char):
    category = unicodedata.category(char)
    return char in "-_" or category[0] in "LN" or category in WORD_CATEGORIES


def slugify_keep_marks(value):
    """Lower-case words joined by hyphens; letters, digits and combining marks are kept."""
    value = unicodedata.normalize("NFC", str(value)).lower()
    kept = "".join(char for char in value if char.isspace() or _is_word_character(char))
    return re.sub(r"[-\s]+", "-", kept).strip("-_")[:255]


def validate_slug_keeping_marks(value):
    if not value or not all(_is_word_character(char) for char in value):
        raise ValidationError(
            _("Use letters, digits and hyphens (-) only in the address, without spaces or other signs."),
            code="invalid",
        )


validate_short_code = RegexValidator(
    r"^[A-Za-z0-9-]{2,60}\Z",
    _("Use 2 to 60 English letters, digits or hyphens (-), e.g. HALL-24."),
    code="invalid",
)

# No 0/O, 1/I/L: codes are read aloud over the phone and typed by elderly residents.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def random_code(length=8):
    """A code of CODE_ALPHABET letters: six for a form's short link, eight to resume a draft."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
