"""Volunteers a resident may call, named in the "Need help?" box (issue 22, item 2).

Volunteers (อาสาสมัคร) help neighbours fill in e-forms. The box may name one only when that
person agreed to have their name and phone shown on the office's website: publishing a phone
number is processing personal data, and consent is the ground for it (PDPA §19), so a row says
when they agreed (`opted_in_at`) and when they withdrew (`withdrawn_at`). Only rows with the
first and without the second are ever shown (`Volunteer.objects.shown()`).

Withdrawing keeps the row: it is the office's record that the person agreed, and until when,
should a resident ask why a number was on the site. Their name and phone go when they ask for
erasure (services.privacy's erasure reaches them, services.help.volunteers.erase_person) or
when an administrator deletes the row.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from forms_builder.fields import normalise_phone
from services.areas.models import AreaKind

# Areas a volunteer can be listed for: the places residents live in, not a works zone.
COMMUNITY_KINDS = (AreaKind.COMMUNITY, AreaKind.VILLAGE)
NAME_MAX = 120


class VolunteerQuerySet(models.QuerySet):
    def shown(self):
        """Volunteers the public may see: agreed, not withdrawn, with a community, and (when they
        have an account) still an active one."""
        return self.filter(
            opted_in_at__isnull=False,
            withdrawn_at__isnull=True,
            community__isnull=False,
        ).filter(Q(user__isnull=True) | Q(user__is_active=True))


class Volunteer(models.Model):
    """A volunteer who agreed to be named, with their phone, in the help box of one community."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="volunteers",
        help_text=_("The office whose residents this volunteer helps."),
    )
    name = models.CharField(
        _("name"),
        max_length=NAME_MAX,
        help_text=_("As residents should see it, e.g. ป้าสมศรี ใจดี (อสม. หมู่ 3). Shown on the website."),
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        help_text=_("The number residents call, shown on the website. Thai digits are fine."),
    )
    community = models.ForeignKey(
        "areas.Area",
        verbose_name=_("community"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="volunteers",
        limit_choices_to={"kind__in": COMMUNITY_KINDS},
        help_text=_("The community or village the volunteer helps. Residents whose request lies there see them first."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_listings",
        help_text=_(
            "Optional: the volunteer's own account, if they file forms for residents. "
            "When the account is made inactive, they are no longer shown."
        ),
    )
    opted_in_at = models.DateTimeField(
        _("agreed to be shown"),
        null=True,
        blank=True,
        help_text=_(
            "When the volunteer agreed to have their name and phone on the website. "
            "Leave empty until they agree: only volunteers with this date are shown."
        ),
    )
    consent_note = models.CharField(
        _("how they agreed"),
        max_length=200,
        blank=True,
        help_text=_("E.g. signed consent form no. 12/2569, or consent text version 1. For the office's record."),
    )
    withdrawn_at = models.DateTimeField(
        _("withdrew"),
        null=True,
        blank=True,
        help_text=_(
            "When the volunteer asked to be taken off the website. From then on they are never shown; "
            "the row stays as the record of their consent. Delete it to remove their name and phone too."
        ),
    )

    objects = VolunteerQuerySet.as_manager()

    panels = [
        FieldPanel("site", heading=_("Office")),
        FieldPanel("name"),
        FieldPanel("phone"),
        # A plain choice of the office's communities and villages (the areas' chooser would offer zones).
        FieldPanel("community", widget=forms.Select),
        FieldPanel("user"),
        MultiFieldPanel(
            [FieldPanel("opted_in_at"), FieldPanel("consent_note"), FieldPanel("withdrawn_at")],
            heading=_("Consent"),
        ),
    ]

    class Meta:
        verbose_name = _("volunteer in the help box")
        verbose_name_plural = _("volunteers in the help box")
        ordering = ["community__name", "name"]
        constraints = [
            # One listing per person and community while it is in force; a withdrawn row may
            # stay beside a new agreement.
            models.UniqueConstraint(
                fields=["community", "phone"],
                condition=Q(withdrawn_at__isnull=True),
                name="volunteer_listed_once_per_community",
            )
        ]

    def __str__(self):
        return self.name or str(_("(erased)"))

    def save(self, *args, **kwargs):
        """The phone as digits (0XXXXXXXXX), however it was written: the tel: link and the
        erasure's search by phone both need that."""
        if self.phone:
            self.phone = normalise_phone(self.phone)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        now = timezone.now()
        errors = {}
        if self.opted_in_at and self.opted_in_at > now:
            errors["opted_in_at"] = _("The day they agreed cannot be in the future.")
        if self.withdrawn_at and self.opted_in_at and self.withdrawn_at < self.opted_in_at:
            errors["withdrawn_at"] = _("They cannot withdraw before they agreed.")
        if self.community_id and self.site_id and self.community.site_id != self.site_id:
            errors["community"] = _("Choose one of the same office.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_shown(self):
        return bool(self.opted_in_at and not self.withdrawn_at and self.community_id)
