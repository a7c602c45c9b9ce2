"""Which LINE channel answers for an office, and how the webhook finds the office.

The channel's secret and token belong to the office (services.notifications keeps them with the
office's notification settings; the default office may use LINE_CHANNEL_SECRET/TOKEN from the
environment). `credentials(site)` and `set_following(site, user, following)` are the
notifications area's (services/notifications/line.py).
"""

from dataclasses import dataclass

from django.conf import settings
from wagtail.models import Site

try:
    from services.notifications.line import credentials as office_credentials
    from services.notifications.line import set_following
except ImportError:  # FALLBACK until services/notifications/line.py lands: env channel, no follow state
    office_credentials = None
    set_following = None


@dataclass(frozen=True)
class Credentials:
    secret: str
    token: str


def credentials(site):
    """The office's channel (`.secret`, `.token`), or None when it has none configured."""
    if office_credentials is not None:
        found = office_credentials(site)
        return found if found is not None and found.secret and found.token else None
    # FALLBACK (see the import above): only the default office, from the environment.
    if site is not None and site.is_default_site and settings.LINE_CHANNEL_SECRET and settings.LINE_CHANNEL_TOKEN:
        return Credentials(settings.LINE_CHANNEL_SECRET, settings.LINE_CHANNEL_TOKEN)
    return None


def following(site, user_id, now_following):
    """Tell the notifications area the resident followed (or unfollowed, or blocked) the account."""
    if set_following is not None:
        set_following(site, user_id, now_following)


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
