"""An archived office's public site: readable, with a notice, and closed to new requests.

When the platform archives an office (`Office.archived_at`), residents may still read its pages
and follow their requests (/t/<REF>), and its staff may still sign in and read; but nothing new
is filed: every public form, payment or API submission on its host is answered 410 Gone with
the same notice, which says (in Thai and English) who now takes residents' requests: the
province's offices, and the default office of the install with its contacts.

Whether the request's host is archived is kept in the page memo (portal.pagecache), so the
check costs no query per request; archiving or restoring an office invalidates it (apps.py).
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.shortcuts import render
from wagtail.models import Site

from portal import pagecache
from portal.models import Office

# Paths an archived office keeps answering POSTs on: signing in and out, the language switch,
# tracking (residents follow and answer their open requests), and the admin.
STILL_OPEN = ("/t/", "/i18n/", "/accounts/login/", "/accounts/logout/", "/track/")


def archived_notice(request):
    """What the notice says about the request's office, or None when it is not archived."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None

    def find():
        site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
        office = Office.objects.filter(site=site, archived_at__isnull=False).first() if site else None
        if office is None:
            return None
        # The office details are home's site setting; the kernel names it rather than import home.
        office_settings = apps.get_model("home", "OfficeSettings")
        default = Site.objects.filter(is_default_site=True).exclude(pk=site.pk).first()
        contact = office_settings.for_site(default) if default is not None else None
        return {
            "name": office_settings.for_site(site).name or site.site_name,
            "archived_at": office.archived_at,
            "province": office.province,
            "contact_name": contact.name if contact else "",
            "contact_name_en": (contact.name_en or contact.name) if contact else "",
            "contact_phone": contact.phone if contact else "",
            "contact_email": contact.email if contact else "",
            "contact_url": default.root_url if default is not None else "",
        }

    return pagecache.memo(f"archived:{host}", find, request)


def office_changed(sender, **kwargs):
    """Archiving or restoring an office changes every page of its host (the notice) and whether
    it takes requests: neither the memo nor a kept page may outlive it (connected in apps.py)."""
    pagecache.invalidate(pagecache.CONTENT)


def _still_open(path):
    if path.startswith(f"/{settings.ADMIN_PATH}/"):
        return True
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            path = path[len(code) + 1 :]
            break
    return path.startswith(STILL_OPEN)


class ArchivedOfficeMiddleware:
    """Puts the notice on the request (base.html shows it) and refuses new submissions (410)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The health check must answer when the database is down or not migrated: it reports that.
        notice = None if request.path == "/healthz" else archived_notice(request)
        request.archived_office = notice
        if notice is not None and request.method not in ("GET", "HEAD", "OPTIONS") and not _still_open(request.path):
            return render(request, "portal/archived.html", {"notice": notice}, status=410)
        return self.get_response(request)
