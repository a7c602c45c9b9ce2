"""The tie between an office's officer group and the department whose queue it works."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentGroup(models.Model):
    """The officer group of one department. Membership is kept in step both ways by a signal
    (services/offices/signals.py): whoever is put in the group becomes a member of the department
    (so the case queue, which scopes by `Department.members`, shows them its cases), and leaves it
    when taken out. An office administrator manages officers with Wagtail's ordinary group
    screens."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="department_queue")
    department = models.OneToOneField(
        "services.Department",
        on_delete=models.CASCADE,
        related_name="officer_group",
        help_text=_("The department whose queue the group's members work."),
    )

    class Meta:
        verbose_name = _("department's officer group")
        verbose_name_plural = _("departments' officer groups")

    def __str__(self):
        return self.group.name
