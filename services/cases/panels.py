"""Extension points of the case pages: other rooms add panels without cases importing them.

The case room sits below payments, notifications and privacy (see README, Architecture), so it
cannot import them; yet an officer's case page shows the case's invoices and a resident's
tracking page shows the fees to pay. Instead of an ``{% include %}`` of another room's template,
the case pages ask Wagtail's hook registry for panels:

``case_staff_panels``
    ``fn(case, request)`` returns a :class:`CasePanel` (or ``None`` to show nothing) for the
    officer's case page in the admin, shown between the case's facts and its answers.
``case_tracking_panels``
    ``fn(case, request)`` likewise for the resident's public tracking page, shown between the
    summary and the timeline. The panel is rendered with the page's context (``verified``,
    ``csrf_token``, ``request``), since what a resident may do depends on them.
``case_tracking_lookup``
    ``fn(queryset)`` returns the tracking page's one lookup queryset, annotated with what a
    panel needs (payments adds ``has_invoices``, an EXISTS), so the page of a case without a
    fee costs no extra query. It must not filter or join rows: a mistyped reference has to cost
    what a known one does.

A room registers from its own ``wagtail_hooks.py``. Wagtail imports every app's
``wagtail_hooks`` the first time any hook is asked for, public requests included, so the
tracking page sees the registrations without the admin having been opened. An office without
payments simply has no panel.
"""

from wagtail import hooks
from wagtail.admin.ui.components import Component

STAFF_PANELS = "case_staff_panels"
TRACKING_PANELS = "case_tracking_panels"
TRACKING_LOOKUP = "case_tracking_lookup"


class CasePanel(Component):
    """A block of another room's HTML on a case page: a template, its own context, and an
    ``order`` (lower first) so panels from several rooms stand in a fixed sequence.

    The template sees the page's context (``case``, ``request``, ``verified``, ``csrf_token`` …)
    overlaid with the panel's own ``context``."""

    def __init__(self, template_name, context=None, order=100):
        self.template_name = template_name
        self.context = context or {}
        self.order = order

    def get_context_data(self, parent_context=None):
        data = parent_context.flatten() if hasattr(parent_context, "flatten") else dict(parent_context or {})
        data.update(self.context)
        return data


def panels(hook_name, case, request):
    """The panels the registered hooks give for this case, in their ``order``."""
    found = [fn(case, request) for fn in hooks.get_hooks(hook_name)]
    return sorted((panel for panel in found if panel is not None), key=lambda panel: panel.order)


def tracking_lookup(queryset):
    """The tracking page's lookup queryset with every ``case_tracking_lookup`` hook applied."""
    for fn in hooks.get_hooks(TRACKING_LOOKUP):
        queryset = fn(queryset)
    return queryset
