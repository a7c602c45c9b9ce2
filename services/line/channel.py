"""Which office a webhook call is for, and its channel.

The channel's secret and token belong to the office: the notifications area keeps them
(services/notifications/line.py: the office's notification settings, or the environment's
LINE_CHANNEL_SECRET/TOKEN for the default office), and is told who follows the account.
"""

import datetime

from django.utils import timezone
from wagtail.models import Site

from services.notifications.line import credentials, set_following

__all__ = ["credentials", "default_office", "followed", "office_named"]


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


def followed(site, user_id, following, timestamp=None):
    """A follow or unfollow (block) event, at LINE's time for it: a late redelivery of an older
    event never undoes a newer one."""
    at = None
    if isinstance(timestamp, int) and 0 < timestamp < 10**14:
        at = datetime.datetime.fromtimestamp(timestamp / 1000, tz=datetime.UTC)
    set_following(site, user_id, following, at=at or timezone.now())
