"""Notifications: what residents and staff are told, by which channel, and whether it arrived.

`Notification` is an outbox. A row is written in the same transaction as the thing it reports
(a case event, a saved draft, a scheduled reminder), so a message can never be lost between the
database and the queue: if the task is never queued or the worker dies, the scheduled retry job
finds the row. A unique idempotency key (what happened + channel + recipient) and an atomic claim
before sending make sure the same message is never sent twice.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from portal.offices import scope


class NotifyEvent(models.TextChoices):
    """Everything the portal tells someone about. The first six go to residents, the next six to
    staff; the next two to the followers of a public report (services.places); the last to the
    resident whose permit request is past its published time (the Licensing Facilitation Act); the
    last to the department head when a resident says a fix did not fix it."""

    RECEIVED = "received", _("Request received")
    STATUS = "status", _("Status changed")
    REPLY = "reply", _("Reply from the office")
    INFO_REQUESTED = "info_requested", _("More information needed")
    CLOSED = "closed", _("Request closed")
    DRAFT_SAVED = "draft_saved", _("Link to continue a saved form")
    TRACKING_CODE = "tracking_code", _("One-time code to open a request")
    NEW_CASE = "new_case", _("New request for the department")
    DUE_TOMORROW = "due_tomorrow", _("Request due tomorrow")
    OVERDUE = "overdue", _("Overdue request (escalation)")
    DIGEST = "digest", _("Weekly department digest")
    MONTHLY = "monthly", _("Monthly report to executives")
    FOLLOWED_STATUS = "followed_status", _("Followed report: status changed")
    FOLLOWED_UPDATE = "followed_update", _("Followed report: public update")
    DELAY_NOTICE = "delay_notice", _("Notice of delay (Licensing Facilitation Act)")
    # To the department head: the resident answered "no" to "Is it fixed?" (issue 21).
    FIX_DISPUTED = "fix_disputed", _("Resident says it is not fixed")


# The placeholders each event's template may use, e.g. {reference}. Values are plain text;
# templates are rendered by substitution only (no template language), so an editor's template
# can never reach code or data beyond these values.
PLACEHOLDERS = {
    NotifyEvent.RECEIVED: ["name", "reference", "service", "tracking_url", "expected_date", "office"],
    NotifyEvent.STATUS: ["name", "reference", "service", "status", "message", "tracking_url", "rating_url", "office"],
    NotifyEvent.REPLY: ["name", "reference", "service", "message", "tracking_url", "office"],
    NotifyEvent.INFO_REQUESTED: ["name", "reference", "service", "message", "tracking_url", "office"],
    NotifyEvent.CLOSED: ["name", "reference", "service", "message", "tracking_url", "rating_url", "office"],
    NotifyEvent.DRAFT_SAVED: ["form", "resume_url", "code", "expires", "office"],
    NotifyEvent.TRACKING_CODE: ["code", "reference", "minutes", "office"],
    NotifyEvent.NEW_CASE: ["reference", "service", "department", "due_date", "admin_url", "office"],
    NotifyEvent.DUE_TOMORROW: ["reference", "service", "department", "due_date", "admin_url", "office"],
    NotifyEvent.OVERDUE: ["reference", "service", "department", "due_date", "days_overdue", "admin_url", "office"],
    NotifyEvent.DIGEST: ["department", "period", "new", "open", "overdue", "resolved", "admin_url", "office"],
    NotifyEvent.MONTHLY: ["period", "received", "resolved", "open", "overdue", "average_rating", "ratings", "office"],
    NotifyEvent.FOLLOWED_STATUS: ["reference", "service", "status", "message", "report_url", "unfollow_url", "office"],
    NotifyEvent.FOLLOWED_UPDATE: ["reference", "service", "message", "report_url", "unfollow_url", "office"],
    NotifyEvent.DELAY_NOTICE: [
        "name",
        "reference",
        "service",
        "days",
        "days_over",
        "stage",
        "expected_date",
        "tracking_url",
        "office",
    ],
    NotifyEvent.FIX_DISPUTED: ["reference", "service", "department", "message", "priority", "admin_url", "office"],
}

PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")

# Areas above notifications (queue booking, local taxes, outside agencies, …) send messages of
# their own kinds. Each registers with this hook a function returning {event name: AreaEvent}.
# Their events then sit in the templates' choices beside the platform's own, so editors reword
# them the same way; the choices are computed, so an area's new event needs no migration here,
# and this room imports none of the areas.
EVENTS_HOOK = "notification_events"


@dataclass(frozen=True)
class AreaEvent:
    """An area's own message: its name for editors, the placeholders its template may use, and
    its built-in wording (lazy translations, as the platform's DEFAULTS)."""

    label: str
    placeholders: tuple
    subject: str
    body: str


def area_events():
    """{event name: AreaEvent} of every area registered with EVENTS_HOOK."""
    found = {}
    for events in hooks.get_hooks(EVENTS_HOOK):
        found.update(events())
    return found


def event_choices():
    return [*NotifyEvent.choices, *((name, event.label) for name, event in area_events().items())]


def placeholders_for(event):
    """The placeholders `event`'s template may use (the platform's events, then the areas')."""
    if event in PLACEHOLDERS:
        return PLACEHOLDERS[event]
    area = area_events().get(event)
    return list(area.placeholders) if area else []


def language_choices():
    """The portal's languages (settings.LANGUAGES): a language switched on needs no migration."""
    return settings.LANGUAGES


class NotifyChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    LINE = "line", _("LINE")


class NotificationTemplate(models.Model):
    """The words of one event's message in one language. Editors change them without a
    developer; when none exists the built-in wording (translated in locale/) is used.

    Each office words its own messages (issue 17): a template belongs to one office's site. One
    with no office is the platform's wording, used by every office that has none of its own for
    that event and language; only platform administrators write those."""

    on_public_pages = False  # staff's own settings: an edit changes no public page (portal.pagecache)

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The office whose messages use this wording. Empty: every office without its own."),
    )
    event = models.CharField(_("event"), max_length=20, choices=event_choices)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=language_choices,
        default="th",
        help_text=_("Residents get the language they filed their request in."),
    )
    subject = models.CharField(
        _("subject"), max_length=200, help_text=_("Email subject. Placeholders such as {reference} are filled in.")
    )
    body = models.TextField(
        _("message"),
        help_text=_(
            "The message for email, SMS and LINE. Placeholders in braces, e.g. {reference}, {tracking_url}; "
            "the list for each event is shown if you use one that does not exist. Keep SMS short."
        ),
    )

    panels = [
        FieldPanel("site"),
        FieldPanel("event"),
        FieldPanel("language"),
        FieldPanel("subject"),
        FieldPanel("body"),
    ]
    CACHE_KEY = "notify-templates:v2"  # keyed by office since issue 17

    class Meta:
        db_table = "services_notificationtemplate"  # the table it had before the area became its own app
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "event", "language"],
                condition=Q(site__isnull=False),
                name="notification_template_unique",
                violation_error_message=_("This office already has a wording for this event and language."),
            ),
            models.UniqueConstraint(
                fields=["event", "language"],
                condition=Q(site__isnull=True),
                name="notification_template_unique_platform",
                violation_error_message=_("There is already a wording for this event and language for every office."),
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} ({self.language})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(self.CACHE_KEY)
        return result

    @classmethod
    def cached_map(cls):
        """{(site id or None, event, language): (subject, body)} through the cache: every
        notification needs its wording and templates change rarely (saving or deleting one clears
        the cache)."""
        found = cache.get(cls.CACHE_KEY)
        if found is None:
            found = {(t.site_id, t.event, t.language): (t.subject, t.body) for t in cls.objects.all()}
            cache.set(cls.CACHE_KEY, found, 3600)
        return found

    @classmethod
    def wording(cls, site_id, event, language):
        """(subject, body) of the office's own template, else the platform's, else None."""
        found = cls.cached_map()
        return found.get((site_id, str(event), language)) or found.get((None, str(event), language))

    def clean(self):
        super().clean()
        allowed = set(placeholders_for(self.event))
        errors = {}

        for field in ("subject", "body"):
            unknown = sorted(set(PLACEHOLDER_RE.findall(getattr(self, field) or "")) - allowed)
            if unknown:
                errors[field] = _("Unknown placeholder %(unknown)s. You can use: %(allowed)s") % {
                    "unknown": ", ".join("{" + name + "}" for name in unknown),
                    "allowed": ", ".join("{" + name + "}" for name in placeholders_for(self.event)),
                }
        if errors:
            raise ValidationError(errors)


@register_setting(icon="mail")
class NotificationSettings(BaseSiteSetting):
    """Who receives the office-wide notices. Per site, because each office has its own executives."""

    executive_emails = models.TextField(
        _("executives' email addresses"),
        blank=True,
        help_text=_("One address per line. They receive the monthly summary of requests."),
    )
    staff_line_to = models.CharField(
        _("staff LINE group or user ID"),
        max_length=64,
        blank=True,
        help_text=_(
            "Optional. New requests, reminders and escalations are also pushed to this LINE group or user "
            "(an ID starting with C or U, from your LINE Official Account)."
        ),
    )

    line_channel_secret = models.CharField(
        _("LINE channel secret"),
        max_length=64,
        blank=True,
        help_text=_(
            "From the LINE Developers console: your Official Account's Messaging API channel, tab “Basic "
            "settings”, “Channel secret”. Lets the portal check that chat messages really come from LINE. "
            "Leave empty to use the install's channel (main office only)."
        ),
    )
    line_channel_token = models.CharField(
        _("LINE channel access token"),
        max_length=255,
        blank=True,
        help_text=_(
            "Same channel, tab “Messaging API”, “Channel access token (long-lived)”. Residents' updates, "
            "replies and codes are sent to LINE with it. Keep it secret: anyone holding it can write to your "
            "followers as your office."
        ),
    )

    panels = [
        FieldPanel("executive_emails"),
        FieldPanel("staff_line_to"),
        MultiFieldPanel(
            [FieldPanel("line_channel_secret"), FieldPanel("line_channel_token")],
            heading=_("LINE Official Account"),
        ),
    ]

    class Meta:
        db_table = "services_notificationsettings"  # the table it had before the area became its own app
        verbose_name = _("notification settings")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(f"notify-settings:{self.site_id}")

    @classmethod
    def cached_for_site(cls, site):
        """Read on every new request's staff notice: cached, cleared on save."""
        key = f"notify-settings:{site.pk}"
        found = cache.get(key)
        if found is None:
            found = cls.for_site(site)
            cache.set(key, found, 3600)
        return found

    def executive_list(self):
        return [line.strip() for line in (self.executive_emails or "").splitlines() if line.strip()]


class LineContact(models.Model):
    """Whether a LINE user still follows an office's Official Account.

    LINE tells the webhook when someone adds the account (follow) and when they block it
    (unfollow). A blocked account cannot push to them, and they asked not to hear from us: their
    cases stay as they are, but no message is pushed until they follow again (the outbox records
    the notice as undeliverable with the reason, for staff to see, instead of retrying a push LINE
    will not deliver). One row per office and user (the unique constraint): the same person may
    follow one office and block another, and a redelivered event must not make a second row.
    No row means LINE never told us anything: such a user is reachable (they filed by chat or
    linked a case with LINE Login, so they know the account)."""

    site = models.ForeignKey("wagtailcore.Site", verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    user_id = models.CharField(_("LINE user"), max_length=33)
    blocked_at = models.DateTimeField(
        _("blocked"),
        null=True,
        blank=True,
        help_text=_("When the user blocked the office's account; empty while they follow it."),
    )
    changed_at = models.DateTimeField(
        _("last change"),
        default=timezone.now,
        help_text=_("When LINE saw the last follow or block: an older event delivered late does not undo a newer one."),
    )

    class Meta:
        verbose_name = _("LINE contact")
        verbose_name_plural = _("LINE contacts")
        constraints = [models.UniqueConstraint(fields=["site", "user_id"], name="line_contact_unique")]

    def __str__(self):
        return self.user_id


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Department scoping, as for cases: staff see their departments' deliveries; "view all
        cases" means every department of the offices the person works for (issue 17), and a
        platform administrator sees every office's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        rows = (
            self
            if user.is_superuser or user.has_perm("cases.view_all_cases")
            else self.filter(department__members=user)
        )
        return scope(rows, user)

    def due(self, now=None, lease_seconds=300):
        """Rows a worker should (re)try now: pending and due, or claimed by a worker that has not
        finished within the lease (it crashed or was killed)."""
        now = now or timezone.now()
        stale = now - timezone.timedelta(seconds=lease_seconds)
        return self.filter(
            Q(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Notification.Status.SENDING, claimed_at__lt=stale)
        )


class Notification(models.Model):
    """One message to one recipient over one channel (the outbox row)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up retrying)")
        UNDELIVERABLE = "undeliverable", _("Undeliverable (invalid address)")

    event = models.CharField(_("event"), max_length=20, choices=event_choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NotifyChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="th")
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("message"))
    idempotency_key = models.CharField(
        max_length=200,
        unique=True,
        help_text=_(
            "What happened + channel + a keyed hash of the recipient (never the address itself): "
            "the same message is never sent twice."
        ),
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The office that sent it: whose staff see it, whose wording and links it used."),
    )
    case_event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        help_text=_("Whose staff see this delivery on the failed deliveries page."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    link = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_(
            "The page the message's button opens on LINE (the tracking page); its secret is removed once sent."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "services_notification"  # the table it had before the area became its own app
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notification_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["department", "status"], name="notification_dept_status"),
            models.Index(fields=["site", "status"], name="notification_site_status"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.masked_recipient()}"

    def masked_recipient(self):
        """Enough of the address for staff to recognise it, not enough to harvest it."""
        value = self.recipient
        if self.channel == NotifyChannel.EMAIL and "@" in value:
            local, _at, domain = value.partition("@")
            return f"{local[:2]}***@{domain}"
        if len(value) > 4:
            return "*" * (len(value) - 4) + value[-4:]
        return value
