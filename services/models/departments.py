"""Departments of the office: who is responsible for a service and whose queue a case lands in."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.i18n import BilingualMixin


class Department(BilingualMixin, models.Model):
    """A unit of the office (กองช่าง, กองสาธารณสุข…). Belongs to one site, because each office
    has its own structure; staff are members, and see that department's cases."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="departments")
    code = models.SlugField(_("code"), max_length=40, help_text=_("Short code used in reports, e.g. works"))
    name = models.CharField(_("name (Thai)"), max_length=200, help_text=_("e.g. กองช่าง"))
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True, help_text=_("Where staff notices for this department go."))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
        help_text=_("Receives escalations of overdue cases."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        blank=True,
        related_name="departments",
        help_text=_("Staff who work this department's queue."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="department_code_unique_per_site")]

    def __str__(self):
        return self.tr("name")
