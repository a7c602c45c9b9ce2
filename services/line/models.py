"""What the LINE webhook keeps: each event once, and each resident's report in progress.

LINE redelivers an event it believes was lost (and anyone can replay a captured body whose
signature still matches), so an event is stored under its `webhookEventId`, unique per office:
the second delivery finds the row and queues nothing. A chat conversation is one row per
(office, LINE user) while it is open; the task that files it locks that row, so a case is filed
exactly once however often the task runs.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from forms_builder.storage import get_private_storage


class LineEvent(models.Model):
    """One webhook event as LINE sent it, kept so its processing can be queued by id, retried,
    and never done twice."""

    site = models.ForeignKey(Site, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(_("webhook event ID"), max_length=64, help_text=_("LINE's webhookEventId."))
    kind = models.CharField(_("type"), max_length=32, help_text=_("The event type: message, postback, follow…"))
    user_id = models.CharField(_("LINE user"), max_length=33, blank=True)
    payload = models.JSONField(_("event"), help_text=_("The event as LINE sent it."))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("LINE event")
        verbose_name_plural = _("LINE events")
        constraints = [models.UniqueConstraint(fields=["site", "event_id"], name="line_event_once")]

    def __str__(self):
        return f"{self.kind} {self.event_id}"


class Conversation(models.Model):
    """A resident's report by chat while it is being put together: a photo, a location, a
    description and a service, in any order, for `LIFETIME` minutes. When complete it is filed
    through the same intake as the web form and keeps the case it became."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        FILED = "filed", _("Filed as a request")
        CLOSED = "closed", _("Closed without a report")

    site = models.ForeignKey(Site, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    user_id = models.CharField(_("LINE user"), max_length=33)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last message"), default=timezone.now)
    service = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_text = models.CharField(_("address"), max_length=500, blank=True)
    photo = models.FileField(
        _("photo"), storage=get_private_storage, upload_to="line/%Y/%m/", max_length=255, blank=True
    )
    photo_type = models.CharField(_("photo type"), max_length=100, blank=True)
    photo_size = models.PositiveIntegerField(_("photo size"), default=0)
    photo_skipped = models.BooleanField(_("no photo"), default=False)
    nearby_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("open report nearby"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The open report of the same service nearby the resident was told of."),
    )
    file_anyway = models.BooleanField(_("file anyway"), default=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("LINE conversation")
        verbose_name_plural = _("LINE conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "user_id"], condition=models.Q(status="open"), name="line_one_open_conversation"
            )
        ]

    def __str__(self):
        return f"{self.user_id} ({self.get_status_display()})"
