"""Personal Data Protection Act B.E. 2562: retention rules, the access log, data-subject requests.

Kept apart from the case models (another room's): nothing here changes a case's shape; it
records who looked at a case's personal data, how long a service's personal data is kept, and
which data-subject requests the data protection officer handled.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

DPO_GROUP = "Data protection officers"


@register_setting(icon="lock")
class PrivacySettings(BaseSiteSetting):
    """The office's default retention period. One install may serve several offices, each with
    its own policy, so it belongs to the Wagtail Site rather than to settings."""

    default_retention_days = models.PositiveIntegerField(
        _("keep personal data for (days after closing)"),
        default=2 * 365,
        help_text=_(
            "After a case is closed for this many days its personal data is removed automatically; "
            "the statistics stay. Services can have their own period (Retention rules)."
        ),
    )

    class Meta:
        db_table = "services_privacysettings"  # the table it had before the area became its own app
        verbose_name = _("personal data protection")


class RetentionRule(models.Model):
    """A service whose records must be kept longer or shorter than the office's default (a
    building permit is kept for years; a streetlight report need not be).

    Each office is its own data controller under the PDPA (issue 17), so a rule belongs to the
    office whose service it is: `site` is set from the service's site when saved, and the admin
    lists and edits only the rules of the offices the person works for."""

    on_public_pages = False  # staff's own settings: an edit changes no public page (portal.pagecache)

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        help_text=_("The office whose service this is (taken from the service)."),
    )
    service = models.OneToOneField(
        "services.ServicePage",
        on_delete=models.CASCADE,
        related_name="retention_rule",
        verbose_name=_("service"),
        help_text=_("The service guide this period applies to."),
    )
    retention_days = models.PositiveIntegerField(
        _("keep personal data for (days after closing)"),
        help_text=_("730 days is two years. Ask the data protection officer before shortening it."),
    )
    reason = models.CharField(
        _("reason"), max_length=255, blank=True, help_text=_("The law or regulation behind this period, if any.")
    )

    class Meta:
        db_table = "services_retentionrule"  # the table it had before the area became its own app
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(retention_days__gte=1), name="retention_days_positive")
        ]

    def __str__(self):
        return f"{self.service} ({self.retention_days})"

    def save(self, *args, **kwargs):
        if self.service_id:
            self.site = self.service.get_site()
        super().save(*args, **kwargs)


class AppendOnlyModel(models.Model):
    """A record that is written once: updates and deletes are refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{self._meta.verbose_name} records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self._meta.verbose_name} records are append-only.")


class PersonalDataAccess(AppendOnlyModel):
    """One staff member opening one case's personal data (page, file, receipt) or exporting cases.

    The reference is copied so the line still reads right after a case is anonymised."""

    class Action(models.TextChoices):
        VIEW = "view", _("Opened the case")
        FILE = "file", _("Downloaded a resident's file")
        PHOTO = "photo", _("Downloaded the after photo")
        RECEIPT = "receipt", _("Printed the receipt")
        EXPORT = "export", _("Exported the queue")
        SUBJECT_EXPORT = "subject_export", _("Exported a person's data")
        SUBJECT_ERASE = "subject_erase", _("Erased a person's data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("case")
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "For lines without a case (a queue export, a person's data): the office the staff member acted for. "
            "A line about a case belongs to the case's office."
        ),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        db_table = "services_personaldataaccess"  # the table it had before the area became its own app
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "at"], name="pda_case_at"),
            models.Index(fields=["user", "at"], name="pda_user_at"),
        ]
        permissions = [("handle_personal_data", _("Can read the access log and handle data-subject requests"))]

    def __str__(self):
        return f"{self.username} {self.action} {self.reference}"

    def case_reference(self):
        """The case's reference, or the copy kept once the case is gone (listing and export)."""
        return self.case.reference if self.case_id else self.reference


class DataSubjectRequest(AppendOnlyModel):
    """A data-subject request the office handled (access or erasure), as evidence that it did.

    The person's identifier is stored masked: the register must not become another copy of
    the personal data it was asked to remove."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Access (export)")
        ERASE = "erase", _("Erasure (anonymise)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The office whose records the request covered; empty: every office (a platform administrator)."),
    )
    identifier_masked = models.CharField(_("person"), max_length=60)
    submissions = models.PositiveIntegerField(_("submissions found"), default=0)
    cases = models.PositiveIntegerField(_("cases affected"), default=0)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("handled by")
    )
    note = models.CharField(_("note"), max_length=255, blank=True, help_text=_("e.g. the letter's number"))
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        db_table = "services_datasubjectrequest"  # the table it had before the area became its own app
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.kind} {self.identifier_masked}"


class Anonymisation(models.Model):
    """Marks a case whose personal data has been removed, so the retention task is idempotent
    and the statistics can say how many cases were anonymised and why."""

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Retention period ended")
        ERASURE = "erasure", _("Erasure requested by the person")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="anonymisation", verbose_name=_("case")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        db_table = "services_anonymisation"  # the table it had before the area became its own app
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")

    def __str__(self):
        return f"{self.case_id} {self.reason}"
