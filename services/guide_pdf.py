"""A service guide as an A4 PDF, for residents who cannot print a web page (on a phone the
browser's Print command is hidden or missing) and for offices that hand guides out on paper.

It carries what a resident needs at the counter: the title, fee, processing time, steps,
documents to bring and who to contact, in the guide's own language, with the Buddhist-Era date
of the last update on Thai guides. Built on request from the published page (nothing stored);
anonymous downloads are kept by the page cache like any page, until the content changes.
"""

import html
import re

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Site

from portal.templatetags.portal_tags import thaidate
from services.pdf_fonts import draw_logo, office_for, thai_pdf

WIDTH = 180  # mm between the 15 mm margins of A4
LABEL = 58  # mm: "ระยะเวลาดำเนินการทั้งสิ้น" in bold
LINE_ENDS = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6])>", re.IGNORECASE)


def plain_lines(text):
    """Non-empty lines of a text field or of rich text (each paragraph and list item a line)."""
    text = html.unescape(strip_tags(LINE_ENDS.sub("\n", text or "")))
    return [line.strip() for line in text.splitlines() if line.strip()]


def processing_time(page):
    if not page.processing_days:
        return _("Done the same day")
    return ngettext("%(days)s working day", "%(days)s working days", page.processing_days) % {
        "days": page.processing_days
    }


def fee_text(page):
    """The fee as the web page words it (the same template), as plain text."""
    return html.unescape(strip_tags(render_to_string("services/includes/fee.html", {"page": page}))).strip()


def responsible_unit(page):
    department = page.department
    if department is None:
        return _("The municipal office")
    name = department.tr("name")
    return f"{name} · {_('Phone')} {department.phone}" if department.phone else name


def _heading(pdf, text):
    if pdf.get_y() > pdf.h - pdf.b_margin - 30:
        pdf.add_page()  # never a heading alone at the foot of a page
    pdf.ln(3)
    pdf.set_font("Thai", "B", 14)
    pdf.multi_cell(WIDTH, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", "", 12)


def _lines(pdf, lines):
    for line in lines:
        pdf.multi_cell(WIDTH, 6.5, f"– {line}", new_x="LMARGIN", new_y="NEXT")


def _table(pdf, widths, header, rows):
    pdf.set_font("Thai", "", 11)
    with pdf.table(col_widths=widths, width=WIDTH, text_align="LEFT", line_height=6, padding=1.5) as table:
        table.row(header)
        for row in rows:
            table.row([str(value) for value in row])
    pdf.set_font("Thai", "", 12)


def build_guide_pdf(page, site=None):
    """PDF bytes of a published guide, in the guide's language."""
    with translation.override(page.locale.language_code):
        return _build(page, site)


def _build(page, site):
    office = office_for(site) if site else None
    pdf = thai_pdf(page_breaks=True, format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_title(page.title)
    pdf.set_lang(page.locale.language_code)
    pdf.set_creator(office.tr("name") if office else "")
    pdf.add_page()

    draw_logo(pdf, office, x=15, y=13, size=16)
    pdf.set_xy(35, 13)
    pdf.set_font("Thai", "B", 13)
    pdf.multi_cell(WIDTH - 20, 6.5, office.tr("name") if office else "", new_x="LMARGIN", new_y="NEXT")
    if office and office.phone:
        pdf.set_x(35)
        pdf.set_font("Thai", "", 11)
        pdf.multi_cell(WIDTH - 20, 6, f"{_('Phone')} {office.phone}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), 31))

    pdf.set_font("Thai", "B", 20)
    pdf.multi_cell(WIDTH, 10, page.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Thai", "", 12)
    pdf.multi_cell(WIDTH, 6.5, page.summary, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    facts = [(_("Responsible unit"), responsible_unit(page)), (_("Total processing time"), processing_time(page))]
    facts.append((_("Fee"), "\n".join([fee_text(page), *plain_lines(page.fee_note)])))
    for label, value in facts:
        top = pdf.get_y()
        pdf.set_font("Thai", "B", 12)
        pdf.multi_cell(LABEL, 6.5, label, new_x="RIGHT", new_y="TOP")
        pdf.set_font("Thai", "", 12)
        pdf.multi_cell(WIDTH - LABEL, 6.5, value, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), top + 6.5) + 1)

    if page.channels:
        _heading(pdf, _("Where and when"))
        rows = [
            (
                "\n".join(filter(None, [b.value["place"], b.value.get("note")])),
                b.value["days"],
                b.value["hours"],
            )
            for b in page.channels
        ]
        _table(pdf, (90, 50, 40), [_("Place or channel"), _("Days"), _("Hours")], rows)

    if plain_lines(page.conditions):
        _heading(pdf, _("Criteria and conditions"))
        _lines(pdf, plain_lines(page.conditions))

    if page.steps:
        _heading(pdf, _("Steps"))
        rows = [
            (number, b.value["description"], b.value["duration"], b.value["responsible"])
            for number, b in enumerate(page.steps, start=1)
        ]
        _table(pdf, (20, 90, 30, 40), [_("Step"), _("What happens"), _("Duration"), _("Responsible unit")], rows)
        pdf.ln(1)
        pdf.multi_cell(
            WIDTH, 6.5, f"{_('Total processing time')}: {processing_time(page)}", new_x="LMARGIN", new_y="NEXT"
        )

    if page.documents:
        _heading(pdf, _("Documents to bring"))
        rows = [
            (b.value["name"], b.value["originals"], b.value["copies"], b.value.get("note", "")) for b in page.documents
        ]
        _table(pdf, (80, 22, 22, 56), [_("Document"), _("Originals"), _("Copies"), _("Note")], rows)

    if page.complaint_lines():
        _heading(pdf, _("Where to complain"))
        _lines(pdf, page.complaint_lines())

    if page.legal_basis_lines():
        _heading(pdf, _("Legal basis"))
        _lines(pdf, page.legal_basis_lines())

    pdf.ln(4)
    pdf.set_font("Thai", "", 10)
    pdf.set_text_color(90, 90, 90)
    updated = thaidate(page.last_published_at, "long")
    pdf.multi_cell(WIDTH, 5.5, f"{_('Last updated')}: {updated}\n{page.full_url or ''}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def guide_pdf_response(page, request):
    """The guide as a PDF download named after its slug."""
    # The guide's own office's name, logo and phone, whichever host it was asked on (the
    # request's site, already looked up, when it is the guide's: no extra query).
    site = Site.find_for_request(request)
    parts = page.get_url_parts(request)
    if parts is not None and (site is None or parts[0] != site.pk):
        site = Site.objects.filter(pk=parts[0]).first() or site
    content = build_guide_pdf(page, site)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{page.slug}.pdf")
    return response
