"""The resident's guide "How to use the online services" and the staff handbook.

Both are templates, not Wagtail pages: they describe the software itself, so they change with the
code (in the same commit as the feature they describe) and are translated in locale/ like the
rest of the interface, while the screenshots in the resident's guide are retaken by the browser
test (tests/e2e/test_resident_guide_screenshots.py) whenever the screens change. An office's own
words for residents (who to call, where the counter is) come from its settings and guides, not
from here.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import get_language

from portal.offices import current_office
from services.help import volunteers

# The guide's screenshots, in order: (name, what it shows). The browser test saves
# static/help/guide/<language>/<name>.png for each.
SCREENSHOTS = ["find", "form", "upload", "save", "sent", "track"]
GUIDE_LANGUAGES = ("th", "en")


def screenshot_urls():
    """The guide's pictures for the page's language (Thai for a language without its own) that
    the browser test has taken: a step without one shows its text alone, never a broken image."""
    language = (get_language() or "th").split("-")[0]
    folder = language if language in GUIDE_LANGUAGES else "th"
    paths = {name: f"help/guide/{folder}/{name}.png" for name in SCREENSHOTS}
    return {name: static(path) for name, path in paths.items() if finders.find(path)}


def resident_guide(request):
    context = {
        "shots": screenshot_urls(),
        "draft_days": settings.FORMS_BUILDER_DRAFT_DAYS,
        "max_upload_mb": settings.FORMS_BUILDER_MAX_UPLOAD_MB,
    }
    return render(request, "services/help/guide.html", context)


def volunteer_list(request):
    """Volunteers of the request's office who agreed to be named, by community, with their
    phones: where the e-form's help box sends a resident whose community it does not know yet.
    Only the office's own (the host's), and never one who withdrew (`Volunteer.objects.shown`)."""
    site = current_office(request)
    found = volunteers.by_language(volunteers.communities(site.pk, request)) if site is not None else []
    return render(request, "services/help/volunteers.html", {"communities": found})


def staff_handbook(request):
    """Mounted by wagtail_hooks under the admin, which checks admin access (and two-step sign-in)."""
    language = "th" if (get_language() or "th").startswith("th") else "en"
    return render(request, "services/help/handbook.html", {"handbook_body": f"services/help/handbook/{language}.html"})
