"""The office's LINE Official Account, as the rest of the portal sees it.

One install serves many offices and each office has its own Messaging API channel: its secret
(to check the webhook's signature) and its token (to reply and push) are kept in the office's
notification settings. The main office (the default site) may instead use the channel given in
the environment (LINE_CHANNEL_SECRET / LINE_CHANNEL_TOKEN), as a one-office install is set up.

Whether a LINE user still follows an office is kept here too (`LineContact`): the webhook
reports follow and unfollow (block) events through `set_following`, and the notifications pick
LINE for a resident only while `is_reachable` says so.

This module is the public API other rooms call (services.line: the webhook, the chat, LINE
Login); they never read the settings or the contact table themselves.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Site

from services.notifications.models import LineContact, NotificationSettings


@dataclass(frozen=True)
class Credentials:
    """An office's Messaging API channel. Either part may be empty when an office administrator
    filled in only one of them: the caller checks the part it needs."""

    secret: str
    token: str

    def __repr__(self):  # never print the secrets into a log or a traceback
        return f"Credentials(secret={'set' if self.secret else 'empty'}, token={'set' if self.token else 'empty'})"


def _site(site):
    """A Site from a Site, its id, or None (the default office, as for rows written before offices)."""
    if site is None or isinstance(site, int | str):
        found = Site.objects.filter(pk=site) if site is not None else Site.objects.filter(is_default_site=True)
        return found.first()
    return site


def credentials(site):
    """The office's own channel (its site settings) when an administrator entered one; else, for
    the main office only, the environment's; else None (the office has no LINE account here).

    An office's own secret and token are never mixed with the environment's: they belong to
    different channels, and a token of one channel cannot reply to another's users."""
    site = _site(site)
    if site is not None:
        own = NotificationSettings.cached_for_site(site)
        secret, token = (own.line_channel_secret or "").strip(), (own.line_channel_token or "").strip()
        if secret or token:
            return Credentials(secret=secret, token=token)
    if site is None or site.is_default_site:
        secret = getattr(settings, "LINE_CHANNEL_SECRET", "") or ""
        token = getattr(settings, "LINE_CHANNEL_TOKEN", "") or ""
        if secret or token:
            return Credentials(secret=secret, token=token)
    return None


def set_following(site, user_id, following, at=None):
    """Record a follow (`following=True`) or an unfollow/block (`False`) event of `user_id` for
    the office. `at` is the event's time (LINE's timestamp): LINE may deliver events late or
    twice, and an older event never undoes a newer one. Safe to call twice and concurrently."""
    site = _site(site)
    if site is None or not user_id:
        return
    at = at or timezone.now()
    blocked_at = None if following else at
    with transaction.atomic():
        contact = LineContact.objects.select_for_update().filter(site=site, user_id=user_id).first()
        if contact is None:
            try:
                with transaction.atomic():  # a savepoint: another worker may have written it just now
                    LineContact.objects.create(site=site, user_id=user_id, blocked_at=blocked_at, changed_at=at)
                    return
            except IntegrityError:
                contact = LineContact.objects.select_for_update().get(site=site, user_id=user_id)
        if contact.changed_at > at:
            return
        contact.blocked_at, contact.changed_at = blocked_at, at
        contact.save(update_fields=["blocked_at", "changed_at"])


def is_reachable(site, user_id):
    """False when the user blocked the office's account (and has not followed it again)."""
    site_id = getattr(site, "pk", site)
    if site_id is None:
        site_id = getattr(_site(None), "pk", None)
    if site_id is None or not user_id:
        return False
    return not LineContact.objects.filter(site_id=site_id, user_id=user_id, blocked_at__isnull=False).exists()
