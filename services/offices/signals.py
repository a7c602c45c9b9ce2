"""Receivers (connected in OfficesConfig.ready): officer groups are department queues, a new
department of an office that went live gets its officer group, and an office that holds
residents' requests is never deleted."""

from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from portal.models import StaffGroup, StaffRole
from services.cases.models import Case
from services.offices.going_live import ensure_officer_group
from services.offices.models import DepartmentGroup


def _set_membership(links, user_ids, add):
    for link in links:
        if add:
            link.department.members.add(*user_ids)
        else:
            link.department.members.remove(*user_ids)


def officer_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed on User.groups, from either side (user.groups.add, group.user_set.add, the
    admin's user and group forms): whoever joins an officer group becomes a member of its
    department, whoever leaves it stops being one. Clearing is caught before it happens, when the
    rows to undo are still there."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    add = action == "post_add"
    if not reverse:  # instance is a user; pk_set holds group ids
        if action == "pre_clear":
            pk_set = set(instance.groups.values_list("pk", flat=True))
        links = DepartmentGroup.objects.filter(group_id__in=pk_set or ()).select_related("department")
        _set_membership(links, [instance.pk], add)
    else:  # instance is a group; pk_set holds user ids
        links = list(DepartmentGroup.objects.filter(group=instance).select_related("department"))
        if not links:
            return
        if action == "pre_clear":
            pk_set = set(instance.user_set.values_list("pk", flat=True))
        _set_membership(links, list(pk_set or ()), add)


def department_created(sender, instance, created, raw=False, **kwargs):
    """A department added later to an office that went live with create_office (it has an
    office administrators group) gets its officer group too."""
    if not created or raw:
        return
    if StaffGroup.objects.filter(site_id=instance.site_id, role=StaffRole.OFFICE_ADMIN).exists():
        ensure_officer_group(instance)


def refuse_deleting_office_with_cases(sender, instance, **kwargs):
    """An office's site that holds residents' requests is archived, never deleted (the requests
    must stay readable as long as the law keeps them)."""
    cases = Case.objects.filter(site=instance)
    if cases.exists():
        raise ProtectedError(
            _("%(office)s holds residents' requests: archive the office instead of deleting it.")
            % {"office": instance.site_name or instance.hostname},
            set(cases[:10]),
        )
