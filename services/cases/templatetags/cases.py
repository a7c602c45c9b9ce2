"""Template helpers of the case queue: accessible form fields, QR codes for receipts, and the
panels other rooms add to the case pages (services.cases.panels)."""

from django import template
from django.utils.html import format_html_join

from portal import qr
from services.cases import panels

register = template.Library()


@register.filter
def described_widget(field):
    """The field's widget with aria-describedby pointing at its hint and error, so screen
    readers announce them with the control."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def qr_svg(data, label=""):
    """An inline SVG QR code (no images, no JavaScript, prints sharply)."""
    return qr.svg(data, border=2, label=label)


@register.simple_tag(takes_context=True)
def case_panels(context, hook_name, case):
    """Every panel registered for `hook_name` ("case_staff_panels", "case_tracking_panels"),
    rendered in order with this page's context."""
    found = panels.panels(hook_name, case, context.get("request"))
    return format_html_join("", "{}", ((panel.render_html(context),) for panel in found))


@register.filter
def problem_of(record, item):
    """What is wrong with one document of a record of missing documents, in the page's language."""
    return record.problem_label(item)
