"""The seam for "Need help?": every step of an e-form shows who helps with it, and the form
engine does not know who that is. It asks the callable named by `settings.FORMS_BUILDER_HELP`
(a dotted path, or empty for none) once per rendered step, with the request and the form page,
and shows the `HelpBox` it returns (a template and its context, rendered here) under the step,
or nothing.

The callable must cost a small constant of queries whatever the form's size: it runs on every
step. A failing callable never stops a resident from filing: it is logged and the step renders
without the box.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass
class HelpBox:
    """What the step template includes: `template_name` rendered with `context` added."""

    template_name: str
    context: dict = field(default_factory=dict)


def get_helper():
    path = getattr(settings, "FORMS_BUILDER_HELP", "")
    return import_string(path) if path else None


def help_box(request, page):
    """The box's HTML for a step of `page`, or ""."""
    helper = get_helper()
    if helper is None:
        return ""
    try:
        box = helper(request=request, page=page)
    except Exception:
        logger.exception("form %s: the help callable failed; the step shows no help box", page.pk)
        return ""
    if box is None:
        return ""
    if not isinstance(box, HelpBox):
        raise TypeError(f"{settings.FORMS_BUILDER_HELP} must return a HelpBox or None, not {type(box)!r}")
    return render_to_string(box.template_name, box.context, request=request)
