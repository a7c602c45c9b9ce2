"""The keys partners use to file requests through the Open311 API.

Only a key's hash is stored, so a key is shown once, when it is issued.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_key(raw):
    """API keys are 32 random bytes: a plain SHA-256 is enough (no dictionary to guess from),
    and it lets a request find its key with one indexed lookup."""
    return hashlib.sha256(raw.encode()).hexdigest()


class Open311Key(models.Model):
    """A key a partner (a LINE bot, a call-centre tool) uses to file requests through the
    Open311 API. Issued by staff in the admin; only its hash is stored, so the key is shown
    once, when it is issued. A key belongs to one office: it files requests into that office
    and reads that office's requests, and is refused on another office's host name."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="open311_keys",
        verbose_name=_("office"),
        help_text=_("The office whose requests this key files and reads."),
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("Who uses this key, e.g. LINE OA of the office"))
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to revoke the key at once."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    requests_filed = models.PositiveIntegerField(_("requests filed"), default=0)

    class Meta:
        db_table = "services_open311key"  # the table it had before the area became its own app
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name, site, user=None):
        """Create a key for `site`'s office; returns (key row, the raw key to show once)."""
        raw = secrets.token_urlsafe(32)
        key = cls.objects.create(site=site, name=name, prefix=raw[:8], key_hash=hash_key(raw), created_by=user)
        return key, raw

    @classmethod
    def lookup(cls, raw):
        """The active key for `raw`, or None."""
        if not raw or len(raw) > 200:
            return None
        return cls.objects.filter(key_hash=hash_key(raw), active=True).first()
