"""The people who follow a public report: residents who said "this is my problem too" instead of
filing it again, anyone who followed it from its page, and the resident of a report merged into
it. They are told of its status changes and public updates, each message with a one-click
unfollow link (services.places.following).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FollowChannel(models.TextChoices):
    """Where a follower is told: the values are the notifications outbox's channel names.

    A LINE user ID only ever comes from LINE itself (the chat's "follow this report" button hands
    over the ID of the user who tapped it); it is never typed on a web form, where anyone could
    enter someone else's. The web follow form offers e-mail and SMS only."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LINE = "line", _("LINE")


class FollowOrigin(models.TextChoices):
    """How a follower came to follow: the first two also reported the problem (they count in
    "N people reported this"), the last did not."""

    ALREADY_REPORTED = "already_reported", _('Reported it too ("already reported here")')
    MERGED_RESIDENT = "merged_resident", _("Filed a report that was merged into this one")
    REPORT_PAGE = "report_page", _("Followed it from the report's page")


REPORTED = [FollowOrigin.ALREADY_REPORTED, FollowOrigin.MERGED_RESIDENT]


class Follower(models.Model):
    """One address that follows one report. Unique per report and address, so following twice
    is following once. No name is asked for or kept: an e-mail address or a mobile number, the
    language to write in, and where the follower came from, so a merge can be undone exactly
    (`came_from`: the merged report that brought them here)."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="followers",
        help_text=_("The report this address is told about."),
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=FollowChannel.choices,
        help_text=_("E-mail, SMS or LINE (only from the office's LINE chat)."),
    )
    address = models.CharField(
        _("address"),
        max_length=254,
        help_text=_(
            "The e-mail address (lower case), the mobile number (10 ASCII digits) or the LINE user ID messages go to."
        ),
    )
    language = models.CharField(
        _("language"), max_length=8, default="th", help_text=_("Messages are written in this language.")
    )
    origin = models.CharField(
        _("how they came"),
        max_length=20,
        choices=FollowOrigin.choices,
        default=FollowOrigin.REPORT_PAGE,
        help_text=_("Whether they reported the problem too (counted once each) or only follow it."),
    )
    came_from = models.ForeignKey(
        "cases.Case",
        verbose_name=_("moved from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The report merged into this one that brought this follower here; undoing the merge sends them back."
        ),
    )
    created_at = models.DateTimeField(_("following since"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["case", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "address"],
                name="follower_once_per_report",
                violation_error_message=_("This address already follows this report."),
            ),
            models.CheckConstraint(condition=~Q(address=""), name="follower_has_address"),
        ]
        indexes = [models.Index(fields=["address"], name="follower_address")]

    def __str__(self):
        return f"{self.case_id} → {self.masked_address()}"

    def masked_address(self):
        """Enough for the person to recognise their address on a page, not enough to harvest it."""
        if self.channel == FollowChannel.EMAIL and "@" in self.address:
            local, _at, domain = self.address.partition("@")
            return f"{local[:2]}***@{domain}"
        return "*" * max(len(self.address) - 4, 0) + self.address[-4:]

    @property
    def reported(self):
        return self.origin in REPORTED
