"""The offices an install hosts, and which staff group works for which office.

One install serves many offices (a province, or the national programme, hosts them all). An
office is a Wagtail `Site`: its host name, its page tree and its site settings. What only the
platform may decide about an office (its province, whether it is archived) sits here rather than
in a site setting its own editors can change. Who works for an office is said by auth groups:
each group an office uses is tied to that office and a role, so "which offices may this person
see" is one query over their groups (see `portal.offices`).
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site


class Office(models.Model):
    """An office hosted by this install. Offices are archived, never deleted, once they hold
    residents' requests: a request must stay readable for as long as the law keeps it."""

    site = models.OneToOneField(Site, primary_key=True, on_delete=models.CASCADE, related_name="office")
    province = models.CharField(
        _("province"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("The province the office is in, in Thai (e.g. เชียงใหม่): the province dashboard groups by it."),
    )
    archived_at = models.DateTimeField(
        _("archived"),
        null=True,
        blank=True,
        help_text=_("When set, the office's site no longer takes requests; its staff can still read them."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["site__site_name"]

    def __str__(self):
        return str(self.site.site_name or self.site.hostname)

    @property
    def is_archived(self):
        return self.archived_at is not None


class StaffRole(models.TextChoices):
    """What a group does. Office roles belong to one office; the last two sit above offices."""

    OFFICE_ADMIN = "office_admin", _("Office administrator")
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")
    OFFICER = "officer", _("Case officer")
    VOLUNTEER = "volunteer", _("Volunteer")
    PROVINCE_VIEWER = "province_viewer", _("Province viewer")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


ABOVE_OFFICES = (StaffRole.PROVINCE_VIEWER, StaffRole.PLATFORM_ADMIN)


class StaffGroup(models.Model):
    """Ties an auth group to the office it works for and its role there. A person in groups of
    two offices (a shared officer) works for both. Groups with no row here grant permissions but
    no office: their members see no office's data."""

    group = models.OneToOneField(Group, primary_key=True, on_delete=models.CASCADE, related_name="office_role")
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_groups",
        help_text=_("The office this group works for. Empty only for roles above offices."),
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    province = models.CharField(
        _("province"),
        max_length=60,
        blank=True,
        help_text=_("For province viewers: the province whose offices' figures the group may read."),
    )

    class Meta:
        verbose_name = _("staff group")
        verbose_name_plural = _("staff groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(site__isnull=False) | models.Q(role__in=[r.value for r in ABOVE_OFFICES]),
                name="staff_group_office_role_has_office",
            ),
        ]

    def __str__(self):
        return f"{self.group.name} ({self.get_role_display()})"
