"""Helpers for values that come in a Thai and an English version on the same row.

Site settings and departments are not Wagtail pages, so wagtail-localize cannot translate
them; they carry `<field>` (Thai, required) and `<field>_en` (optional) instead. Pages and
snippets use wagtail-localize.
"""

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
