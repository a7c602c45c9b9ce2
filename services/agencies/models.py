"""Outside agencies and the cases passed to them.

A report that is another authority's work (a fallen electricity pole, a burst water main, a
highway's pothole) used to be rejected as "not ours", and the resident was left to start again
elsewhere. Now an officer refers it: the resident keeps one tracking page, the office's clock
stops, and the agency follows the case through a link of its own (`Referral`), with no account.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from services.cases.models import CaseStatus

# 128 random bits, as the resident's tracking link (services.cases.access.LINK_BYTES).
TOKEN_BYTES = 16
TOKEN_PATTERN = "[A-Za-z0-9_-]{22}"  # noqa: S105 - the shape of a secret, not a secret
UPDATE_MAX_LENGTH = 2000
REFERENCE_MAX_LENGTH = 60


def token_digest(token):
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class Agency(models.Model):
    """An authority outside the office that some reports belong to. Each office keeps its own
    list (the provincial electricity office of one district is not another's), so officers refer
    only to their office's agencies."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="agencies",
        help_text=_("The office whose officers refer cases to this agency."),
    )
    name = models.CharField(
        _("name"),
        max_length=160,
        help_text=_("As residents know it, e.g. การไฟฟ้าส่วนภูมิภาค อำเภอเมือง. Residents read it on their tracking page."),
    )
    email = models.EmailField(
        _("e-mail"),
        blank=True,
        help_text=_("Where the link to a referred case is sent. Use a shared inbox the agency reads every day."),
    )
    line_group_id = models.CharField(
        _("LINE group ID"),
        max_length=33,
        blank=True,
        help_text=_(
            "Optional: a LINE group (ID starting with C) the office's LINE Official Account belongs to; the "
            "link is pushed there too. Needs the office's LINE channel; without it only e-mail is sent."
        ),
    )
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, help_text=_("For officers who want to call the agency about a case.")
    )
    note = models.TextField(
        _("note for officers"),
        blank=True,
        help_text=_("What this agency handles and anything officers should know before referring, e.g. office hours."),
    )
    active = models.BooleanField(
        _("offered to officers"),
        default=True,
        help_text=_("Untick to stop new referrals to this agency; cases already referred keep their link."),
    )

    panels = [
        FieldPanel("site", heading=_("Office")),
        FieldPanel("name"),
        FieldPanel("email"),
        FieldPanel("line_group_id"),
        FieldPanel("phone"),
        FieldPanel("note"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("outside agency")
        verbose_name_plural = _("outside agencies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="agency_name_once_per_office")]

    def __str__(self):
        return self.name

    def clean(self):
        group = (self.line_group_id or "").strip()
        if group and not (len(group) == 33 and group[0] in "CR" and all(c in "0123456789abcdef" for c in group[1:])):
            raise ValidationError(
                {"line_group_id": _("A LINE group ID is C followed by 32 letters and digits (0-9, a-f).")}
            )
        self.line_group_id = group
        if not self.email and not group:
            raise ValidationError({"email": _("Give an e-mail address (or a LINE group) to send the agency its link.")})


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True, ended_at__isnull=True)


class Referral(models.Model):
    """One case passed to one agency, and the agency's side of it.

    Why a row of its own: the agency has no account, so what lets it in is a capability link
    whose secret only the agency's message holds; the row keeps only the secret's SHA-256
    (`token_hash`), so a copy of the database opens nothing. The agency's own reference, its
    dates and who referred are what the office needs to chase and to report the agency's own
    time (figures.py). What the agency tells the resident is written on the case's timeline
    (services.cases.workflow.agency_update), not here: the timeline is the one record.
    """

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="referrals")
    agency_name = models.CharField(
        _("agency name"), max_length=160, help_text=_("The agency's name when the case was referred.")
    )
    note = models.TextField(_("note to the agency"), blank=True)
    referred_at = models.DateTimeField(_("referred"), default=timezone.now)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    agency_reference = models.CharField(_("agency's reference"), max_length=REFERENCE_MAX_LENGTH, blank=True)
    last_update_at = models.DateTimeField(_("last update from the agency"), null=True, blank=True)
    done_at = models.DateTimeField(_("done by the agency"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("taken back"), null=True, blank=True, help_text=_("The office took the case back; the link is read-only.")
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-id"]
        constraints = [
            # A case is with one agency at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(done_at__isnull=True, ended_at__isnull=True),
                name="referral_one_open_per_case",
            )
        ]
        indexes = [models.Index(fields=["agency", "referred_at"], name="referral_agency_date")]

    def __str__(self):
        return f"{self.case_id} → {self.agency_name}"

    @staticmethod
    def new_token():
        """(secret, digest): the secret goes in the agency's link and is never stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        return token, token_digest(token)

    def matches(self, token):
        """Constant-time check of `token` against the stored digest."""
        if not token.isascii():
            return False
        return hmac.compare_digest(self.token_hash.encode("ascii"), token_digest(token).encode("ascii"))

    @property
    def is_open(self):
        """The agency may still write: not done, not taken back, and the case still referred."""
        return self.done_at is None and self.ended_at is None and self.case.status == CaseStatus.REFERRED
