"""The seam for "already reported here": after a step where the resident put a pin on the map,
or answered a single-choice question without a pin (a community picked from a list), the wizard asks the callable named by `settings.FORMS_BUILDER_NEARBY` (a dotted path, or empty
for none) whether there is something to show before the next step.

The form engine knows nothing of cases or areas: the callable gets the request, the form page,
the pin ({"text", "lat", "lng"} as the map question stores it, or None), the answers so far, the
step's questions (`fields`, their specs: which choice is a place is the callable's to know) and
the link that continues the form, and returns None (carry on) or a `NearbyScreen` the wizard renders in place
of the next step. Nothing is lost either way: the answers stay in the session, and the screen's
"continue" link opens the next step.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass
class NearbyScreen:
    """A template and its context; the wizard adds `page` and `continue_url`."""

    template_name: str
    context: dict = field(default_factory=dict)


def get_nearby():
    path = getattr(settings, "FORMS_BUILDER_NEARBY", "")
    return import_string(path) if path else None


def nearby_screen(request, page, location, answers, continue_url, fields=()):
    """The screen to show for this pin or these choices, or None. A failing callable never stops a resident from
    filing: it is logged and the form carries on."""
    hook = get_nearby()
    if hook is None:
        return None
    try:
        screen = hook(
            request=request, page=page, location=location, answers=answers, continue_url=continue_url, fields=fields
        )
    except Exception:
        logger.exception("form %s: the nearby-reports callable failed; the form carries on", page.pk)
        return None
    if screen is not None and not isinstance(screen, NearbyScreen):
        raise TypeError(f"{settings.FORMS_BUILDER_NEARBY} must return a NearbyScreen or None, not {type(screen)!r}")
    return screen
