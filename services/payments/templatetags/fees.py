"""Template tags of fee payments: the PromptPay QR, amounts in baht and billing months."""

import datetime

from django import template
from django.utils import formats
from pythainlp.util import thai_strftime

from portal import qr
from portal.i18n import is_thai

register = template.Library()


@register.simple_tag
def promptpay_qr(payload, label=""):
    """The PromptPay QR as inline SVG (no image request, prints sharply, works without JS)."""
    return qr.svg(payload, css_class="promptpay-qr", label=label)


@register.filter
def baht(value):
    """1234.5 -> 1,234.50"""
    try:
        return f"{value:,.2f}"
    except (TypeError, ValueError):
        return value


@register.filter
def thaimonth(value):
    """A billing month: `พฤศจิกายน 2569` in Thai (Buddhist Era), `November 2026` in English."""
    if not isinstance(value, datetime.date):
        return value
    if is_thai():
        return thai_strftime(datetime.datetime.combine(value, datetime.time()), "%B %Y")
    return formats.date_format(value, "F Y")
