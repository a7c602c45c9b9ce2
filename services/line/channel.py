"""Which office a webhook call is for, and its channel.

The channel's secret and token belong to the office: the notifications area keeps them
(services/notifications/line.py: the office's notification settings, or the environment's
LINE_CHANNEL_SECRET/TOKEN for the default office), and is told who follows the account.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from wagtail.models import Site

from portal import pagecache
from services.notifications.line import credentials, set_following

__all__ = ["credentials", "default_office", "followed", "office_named", "webhook_office"]


def default_office():
    return Site.objects.filter(is_default_site=True).first()


def office_named(name):
    """The office of `/line/webhook/<office>/`: its host name (as in Sites), or its site id."""
    name = (name or "").strip().lower()
    if not name or len(name) > 255:
        return None
    if name.isascii() and name.isdigit():
        return Site.objects.filter(pk=int(name)).first()
    return Site.objects.filter(hostname__iexact=name).order_by("pk").first()


@dataclass(frozen=True)
class WebhookOffice:
    """What the webhook needs of an office: which one, and its channel secret."""

    site_id: int
    secret: str

    def __repr__(self):  # never print the secret into a log or a traceback
        return f"WebhookOffice(site_id={self.site_id})"


def _webhook_office(name):
    site = default_office() if name is None else office_named(name)
    if site is None or (name is not None and site.is_default_site):
        # The default office answers at /line/webhook/ only, with the environment's channel.
        return None
    channel = credentials(site)
    if channel is None or not channel.secret:
        return None
    return WebhookOffice(site_id=site.pk, secret=channel.secret)


# Offices found for webhook URLs, per process, for one content version. Every LINE request asked
# the database for the office and the shared cache for its settings (a third of the webhook's
# time); the answer changes only when a Site or a site setting is saved, which replaces the
# content version (portal.pagecache; a new office's first settings row too: apps.py), seen by
# every process within PAGE_CACHE_VERSION_SECONDS. Only offices that exist are kept, and at most
# OFFICES_KEPT names: the URL is anyone's to make up.
OFFICES_KEPT = 256
_kept = {"now": (None, {})}  # (content version, {(name, environment's secret): WebhookOffice})


def webhook_office(name=None):
    """The office of `/line/webhook/` (name None: the default office, with the environment's
    channel) or `/line/webhook/<name>/`, and its channel secret; None when there is no such
    office or it has no channel here (the webhook answers 404)."""
    try:
        version = pagecache.version(pagecache.CONTENT)
    except Exception:  # noqa: BLE001 - the shared cache is down: slower, never refused
        return _webhook_office(name)
    kept_version, offices = _kept["now"]
    if kept_version != version:
        # A new dict, swapped in whole: a thread still holding the old version's dict writes there.
        offices = {}
        _kept["now"] = (version, offices)
    key = (None if name is None else name.strip().lower(), getattr(settings, "LINE_CHANNEL_SECRET", ""))
    office = offices.get(key)
    if office is None:
        office = _webhook_office(name)
        if office is not None and len(offices) < OFFICES_KEPT:
            offices[key] = office
    return office


def channel_settings_created(sender, instance, created, **kwargs):
    """The page cache leaves a site setting's first row alone (made with its defaults by the
    page that reads it); one made with a LINE channel already in it must end the kept offices."""
    if created and ((instance.line_channel_secret or "").strip() or (instance.line_channel_token or "").strip()):
        pagecache.invalidate(pagecache.CONTENT)


def followed(site, user_id, following, timestamp=None):
    """A follow or unfollow (block) event, at LINE's time for it: a late redelivery of an older
    event never undoes a newer one."""
    at = None
    if isinstance(timestamp, int) and 0 < timestamp < 10**14:
        at = datetime.datetime.fromtimestamp(timestamp / 1000, tz=datetime.UTC)
    set_following(site, user_id, following, at=at or timezone.now())
