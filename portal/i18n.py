"""Helpers for Thai and English values: rows that carry both versions, and Thai digits.

Site settings and departments are not Wagtail pages, so wagtail-localize cannot translate
them; they carry `<field>` (Thai, required) and `<field>_en` (optional) instead. Pages and
snippets use wagtail-localize.
"""

import unicodedata

from django.utils.translation import get_language


def is_thai():
    return (get_language() or "th").split("-")[0] == "th"


class BilingualMixin:
    """Adds `tr(name)`: the English variant when the page is English and it is filled in."""

    def tr(self, name):
        if not is_thai():
            english = getattr(self, f"{name}_en", "")
            if english:
                return english
        return getattr(self, name)


def ascii_digits(value):
    """Thai (๐-๙), full-width (０-９) and other Unicode digits as 0-9; everything else unchanged.

    Every numeric input (dates, numbers, phone, ID, postcode, coordinates, account numbers) and
    every phone link goes through this one function: on a Thai keyboard ๑๒๓ is as much a number
    as 123."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFKC", value)  # full-width digits, + and - become ASCII
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch for ch in value)
