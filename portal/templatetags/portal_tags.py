"""Template tags every room uses: Buddhist-Era dates, the language switcher, phone links, the
reading options and the "listen" button."""

import datetime
import re

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from pythainlp.tokenize import word_tokenize
from pythainlp.util import thai_strftime

from portal import pagecache, reading
from portal.i18n import ascii_digits, is_thai

register = template.Library()

_FORMATS = {
    # name: (Thai pattern for thai_strftime, Django date format for English)
    "short": ("%-d %b %Y", "j M Y"),
    "long": ("%-d %B %Y", "j F Y"),
    "datetime": ("%-d %b %Y %H:%M น.", "j M Y, H:i"),
}
# Burmese, Khmer and Lao: the Gregorian (common-era) year with the month's full name from the
# catalogue ("21 နိုဝင်ဘာ 2026"). Migrant workers' passports, visas and work permits are dated
# so, Laos and Cambodia date official papers in it (Cambodia adds the Buddhist Era only beside
# the lunar date, and Myanmar reckons its BE one year later than Thailand, so a Thai BE year would
# mislead). Abbreviated months are not used: the libraries have none in Lao and few in Burmese.
_OTHER_FORMATS = {"short": "j F Y", "long": "j F Y", "datetime": "j F Y, H:i"}


@register.filter
def thaidate(value, style="short"):
    """The one date filter: `21 พ.ย. 2569` in Thai (Buddhist Era), `21 Nov 2026` in English,
    `21 နိုဝင်ဘာ 2026` in Burmese, Khmer and Lao (common era, see _OTHER_FORMATS).

    Accepts dates and aware or naive datetimes; datetimes are shown in the site's time zone.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
    elif not isinstance(value, datetime.date):
        return value
    thai_pattern, english_format = _FORMATS.get(style, _FORMATS["short"])
    if style != "datetime" and isinstance(value, datetime.datetime):
        value = value.date()
    if is_thai():
        if not isinstance(value, datetime.datetime):
            value = datetime.datetime.combine(value, datetime.time())
        return thai_strftime(value, thai_pattern)
    if (get_language() or "en").split("-")[0] != "en":
        return formats.date_format(value, _OTHER_FORMATS.get(style, _OTHER_FORMATS["short"]))
    return formats.date_format(value, english_format)


@register.simple_tag(takes_context=True)
def language_links(context):
    """Links to this same page in every language, for the switcher.

    A Wagtail page links to its translation (slugs differ between languages); any other view
    swaps the language prefix of its own URL. A page without a translation links to that
    language's home page rather than to a 404. A URL outside the language prefix (/t/<REF>,
    where receipts' QR codes lead) has no other-language URL: its links are `post` buttons to
    Django's set_language, which remembers the choice in the language cookie for this URL.
    """
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    urls = {}
    if page is not None and hasattr(page, "get_translations"):

        def translations():
            found = page.get_translations(inclusive=True).live().select_related("locale")
            return {translation.locale.language_code: translation.get_url(request) for translation in found}

        host = request.get_host() if request is not None else ""
        urls = pagecache.memo(f"language-links:{host}:{page.pk}", translations, request)
    links = []
    for code, name in settings.LANGUAGES:
        url = urls.get(code)
        if url is None and request is not None:
            url = translate_url(request.get_full_path(), code)
            if page is not None and url == request.get_full_path() and code != current:
                url = f"/{code}/"
        post = page is None and request is not None and url == request.get_full_path() and code != current
        links.append({"code": code, "name": name, "url": url or f"/{code}/", "current": code == current, "post": post})
    return links


# The languages whose script Sarabun lacks: their self-hosted Noto subset (static/fonts/, OFL)
# and its @font-face rules (static/css/fonts-<code>.css) are linked on their own pages only.
SCRIPT_FONTS = {"my": "Myanmar", "km": "Khmer", "lo": "Lao"}


@register.simple_tag
def script_font_links():
    """The stylesheet and a preload of the regular weight for a Burmese, Khmer or Lao page; nothing
    on Thai and English pages, which never download those fonts."""
    code = (get_language() or "").split("-")[0]
    if code not in SCRIPT_FONTS:
        return ""
    return format_html(
        '<link rel="preload" href="{}" as="font" type="font/woff" crossorigin>\n  <link rel="stylesheet" href="{}">',
        static(f"fonts/noto-sans-{code}-400.woff"),
        static(f"css/fonts-{code}.css"),
    )


@register.filter
def tr(obj, name):
    """`{{ office|tr:"name" }}`: the English variant of a bilingual field on English pages."""
    if obj is None:
        return ""
    return obj.tr(name)


# What people write between a number and its extension: "ต่อ 101", "ext. 101", "x101", "#101",
# ",101". Several numbers ("053 123 456, 053 123 457" or "… / …", "… หรือ …") dial the first.
_EXTENSION = re.compile(r"\s*(?:ต่อ|ext(?:ension)?\.?|x|#|,)\s*(?=\d)", re.IGNORECASE)
_ALTERNATIVES = re.compile(r"/|;|,\s*(?=[0+])|\s(?:หรือ|or)\s", re.IGNORECASE)


def dial_string(phone):
    """`0 5312 3456 ต่อ 101` → `053123456,101`: what a phone can dial, or "" if nothing can be.

    A tel: URI may hold only digits, a leading "+" and visual separators; Thai words in it make
    phones refuse the link or dial garbage. The comma is the standard pause before an extension
    (RFC 3966 leaves it to the dialler; Android and iOS both wait, then dial the rest).
    """
    text = _ALTERNATIVES.split(ascii_digits(str(phone or "")), maxsplit=1)[0]
    number, extension = text, ""
    found = _EXTENSION.search(text)
    if found:
        number = text[: found.start()]
        extension = re.match(r"\d+", text[found.end() :]).group(0)
    plus = number.lstrip().startswith("+")
    number = re.sub(r"\D", "", number)
    if plus and number.startswith("660"):
        number = "66" + number[3:]  # "+66 (0)53 …": the trunk 0 is not dialled after +66
    if len(number) < 3:
        return ""
    return ("+" if plus else "") + number + ("," + extension if extension else "")


@register.filter
def phone_link(phone):
    """`{{ office.phone|phone_link }}`: the number as typed (extension words included, so people
    read "ต่อ 101"), linked to a dial string of digits with a pause before the extension."""
    if not phone:
        return ""
    dial = dial_string(phone)
    if not dial:
        return phone
    return format_html('<a href="tel:{}">{}</a>', dial, phone)


_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
# A word longer than this may not fit a narrow column whole; the browser may break it.
LONGEST_KEPT_WORD = 12


@register.filter
def thai_words(text):
    """Keep each Thai word on one line: `{{ step.description|thai_words }}`.

    Browsers break Thai with their own dictionary, which splits compounds a Thai reader keeps
    whole (แบบ/แปลน, ผู้/ออก/แบบ) when a table column is narrow. PyThaiNLP's segmenter knows
    them, so each of its words is wrapped in a span that does not break inside (`.thai-word`,
    portal.css); the breaks left are between words. Text is escaped; not for rich text.
    """
    if text in (None, ""):
        return ""
    parts = []
    for word in word_tokenize(str(text), engine="newmm", keep_whitespace=True):
        if 1 < len(word) <= LONGEST_KEPT_WORD and _THAI_LETTER.search(word):
            parts.append(f'<span class="thai-word">{escape(word)}</span>')
        else:
            parts.append(escape(word))
    return mark_safe("".join(parts))  # noqa: S308 - every word is escaped above


@register.simple_tag(takes_context=True)
def reading_classes(context):
    """`<html class="{% reading_classes %}">`: the visitor's reading choice (portal/reading.py)."""
    request = context.get("request")
    return reading.classes(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def reading_options(context):
    """The header's reading form's rows of buttons (portal/reading.py, `options`)."""
    request = context.get("request")
    return reading.options(request) if request is not None else []


# Where the "listen" button is offered: a service's guide, and a request's tracking page (its
# plain URL and the signed link sent to the resident). Named, not imported: the kernel knows no
# area; the tracking page's template inherits the button from base.html.
LISTEN_PAGE_TYPES = {"services.servicepage"}
LISTEN_URL_NAMES = {"case_track", "case_link"}


@register.simple_tag(takes_context=True)
def listen_offered(context):
    """True on pages that offer "listen" (read aloud by the browser's own speech synthesis)."""
    page = context.get("page")
    if page is not None and getattr(page, "_meta", None) is not None:
        if page._meta.label_lower in LISTEN_PAGE_TYPES:
            return True
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return bool(match is not None and match.url_name in LISTEN_URL_NAMES)
