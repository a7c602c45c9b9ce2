"""Printable QR posters and sticker sheets that open an e-form: /f/<short code>.

The volunteers' stickers around town (the B-Buddy programme) and the posters at the counter
point at the short link, never at the page's URL, so renaming or moving the form does not
break a single printed code (forms_builder keeps short codes unchangeable).
"""

from django.conf import settings
from wagtail.models import Locale, Site

from portal import qr
from services.pdf_fonts import draw_logo, office_for, thai_pdf

KINDS = ("poster", "stickers")  # A4 poster; A4 sheet of four A6 stickers


def short_url(page, site=None):
    """The printed short link, on the host of the form's own office (BASE_URL for the default
    office, whose host may sit behind another name)."""
    base = settings.BASE_URL if site is None or site.is_default_site else site.root_url
    return f"{base.rstrip('/')}/f/{page.short_code or page.slug}"


def titles(page):
    """(Thai title, English title) of a form page; English from its translation when there is one."""
    english = ""
    locale = Locale.objects.filter(language_code="en").first()
    if locale is not None:
        translation = page.get_translation_or_none(locale)
        if translation is not None:
            english = translation.title
    thai = page.title
    if page.locale.language_code != "th":
        thai_locale = Locale.objects.filter(language_code="th").first()
        original = page.get_translation_or_none(thai_locale) if thai_locale else None
        english, thai = page.title, (original.title if original else page.title)
    return thai, english


def _panel(pdf, x, y, width, height, thai, english, url, office, scale):
    """One poster or sticker: logo, office, service name (Thai, English), QR, the short link."""
    margin = 8 * scale
    logo = 26 * scale
    draw_logo(pdf, office, x=x + (width - logo) / 2, y=y + margin, size=logo)
    cursor = y + margin + logo + 3 * scale
    pdf.set_xy(x + margin, cursor)
    pdf.set_font("Thai", "", 14 * scale)
    pdf.cell(width - 2 * margin, 8 * scale, office.name if office else "", align="C")
    cursor += 10 * scale
    pdf.set_xy(x + margin, cursor)
    pdf.set_font("Thai", "B", 26 * scale)
    pdf.multi_cell(width - 2 * margin, 11 * scale, thai, align="C")
    cursor = pdf.get_y() + 1 * scale
    if english:
        pdf.set_xy(x + margin, cursor)
        pdf.set_font("Thai", "", 17 * scale)
        pdf.multi_cell(width - 2 * margin, 8 * scale, english, align="C")
        cursor = pdf.get_y()
    side = min(width - 2 * margin, (y + height) - cursor - 34 * scale)
    pdf.image(qr.png(url, box_size=12, border=2), x=x + (width - side) / 2, y=cursor + 4 * scale, w=side, h=side)
    cursor += side + 6 * scale
    pdf.set_xy(x + margin, cursor)
    pdf.set_font("Thai", "B", 17 * scale)
    pdf.cell(width - 2 * margin, 8 * scale, "สแกนเพื่อกรอกแบบฟอร์มออนไลน์", align="C")
    pdf.set_xy(x + margin, cursor + 8 * scale)
    pdf.set_font("Thai", "", 13 * scale)
    pdf.cell(width - 2 * margin, 7 * scale, "Scan to open the online form", align="C")
    pdf.set_xy(x + margin, cursor + 15 * scale)
    pdf.set_font("Thai", "", 12 * scale)
    pdf.cell(width - 2 * margin, 7 * scale, url, align="C")


def build_poster(page, kind, request=None):
    """PDF bytes: an A4 poster, or an A4 sheet of four A6 stickers with cutting lines."""
    # The form's own office, whichever host the poster was asked on.
    site = page.get_site() or (Site.find_for_request(request) if request is not None else None)
    office = office_for(site) if site else None
    thai, english = titles(page)
    url = short_url(page, site)
    pdf = thai_pdf(format="A4")
    pdf.set_title(f"QR {thai}")
    pdf.add_page()
    if kind == "poster":
        _panel(pdf, 0, 10, 210, 277, thai, english, url, office, scale=1.0)
    else:
        width, height = 105, 148.5
        pdf.set_draw_color(170, 170, 170)
        pdf.set_dash_pattern(dash=2, gap=2)
        pdf.line(width, 0, width, 297)
        pdf.line(0, height, 210, height)
        pdf.set_dash_pattern()
        for row in range(2):
            for column in range(2):
                _panel(pdf, column * width, row * height, width, height, thai, english, url, office, scale=0.5)
    return bytes(pdf.output())
