"""Users and groups in the admin, for office administrators.

An office administrator (a member of a group with the role "office administrator") manages the
people of their own office: they list and edit only users who are in a group of that office,
and only that office's groups; they can put a person only in their office's groups, never make
anyone a superuser, never hand out a group of another office or a role above offices. A person
who is also in another office's group (a shared officer) keeps that membership untouched.
Platform administrators see everyone. Wagtail's users and groups viewsets are swapped for these
in PortalConfig.ready() (its documented `user_viewset` / `group_viewset` seam).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.models import Site
from wagtail.users.views import groups as wagtail_groups
from wagtail.users.views import users as wagtail_users

from portal.models import ABOVE_OFFICES, StaffGroup, StaffRole
from portal.offices import is_platform_admin

User = get_user_model()


def administered_office_ids(user):
    """Sites this person is office administrator of; None for platform administrators."""
    if is_platform_admin(user):
        return None
    cached = getattr(user, "_administered_office_ids", None)
    if cached is None:
        cached = frozenset(
            StaffGroup.objects.filter(group__user=user, role=StaffRole.OFFICE_ADMIN).values_list("site_id", flat=True)
        )
        user._administered_office_ids = cached
    return cached


def manageable_groups(user):
    """Groups this person may see, edit and hand out."""
    ids = administered_office_ids(user)
    if ids is None:
        return Group.objects.all()
    return Group.objects.filter(office_role__site__in=ids).exclude(office_role__role__in=ABOVE_OFFICES)


def manageable_users(user):
    """Users this person may see and edit: members of their offices' groups."""
    ids = administered_office_ids(user)
    if ids is None:
        return User._default_manager.all()
    return User._default_manager.filter(
        pk__in=User._default_manager.filter(groups__in=manageable_groups(user)).values("pk")
    )


class ScopedObjectMixin:
    """Edit, delete and history of one row: another office's row is not found (404)."""

    def scoped_queryset(self):
        raise NotImplementedError

    def get_object(self, *args, **kwargs):
        # Wagtail's generic views take no argument here, Django's (copy) take a queryset.
        obj = super().get_object(*args, **kwargs)
        if not self.scoped_queryset().filter(pk=obj.pk).exists():
            raise Http404
        return obj


def office_user_form(form_class, user):
    """`form_class` (Wagtail's user form) cut to what `user` may grant."""
    platform = is_platform_admin(user)
    superuser = user.is_superuser
    groups = manageable_groups(user)

    class OfficeUserForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not superuser:
                self.fields.pop("is_superuser", None)
            if "groups" in self.fields:
                self.fields["groups"].queryset = groups.order_by("name")
                if not platform:
                    self.fields["groups"].required = True
                    self.fields["groups"].error_messages["required"] = _(
                        "Choose at least one group of your office: a person in none of its groups is not your office's."
                    )

        def clean_groups(self):
            chosen = list(self.cleaned_data.get("groups") or [])
            if self.instance.pk and not platform:
                # Memberships this person may not see (another office's) stay as they are.
                chosen += list(self.instance.groups.exclude(pk__in=groups.values("pk")))
            return chosen

    OfficeUserForm.__name__ = form_class.__name__
    return OfficeUserForm


class UserFormMixin:
    def get_form_class(self):
        return office_user_form(super().get_form_class(), self.request.user)


class OfficeUserFilterSet(wagtail_users.UserFilterSet):
    """The "group" filter offers only the groups one manages: another office's group names
    (its departments) are its own business."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["group"].queryset = manageable_groups(request.user)


class UserIndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=manageable_users(self.request.user).values("pk"))


class UserCreateView(UserFormMixin, wagtail_users.CreateView):
    pass


class UserEditView(UserFormMixin, ScopedObjectMixin, wagtail_users.EditView):
    def scoped_queryset(self):
        return manageable_users(self.request.user)


class UserDeleteView(ScopedObjectMixin, wagtail_users.DeleteView):
    def scoped_queryset(self):
        return manageable_users(self.request.user)


class UserHistoryView(ScopedObjectMixin, wagtail_users.HistoryView):
    def scoped_queryset(self):
        return manageable_users(self.request.user)


class UserCopyView(UserFormMixin, ScopedObjectMixin, generic.CopyView):
    """ "Copy" starts a new user from an existing one: only from one's own office's users."""

    def scoped_queryset(self):
        return manageable_users(self.request.user)


class OfficeUserViewSet(wagtail_users.UserViewSet):
    filterset_class = OfficeUserFilterSet
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    copy_view_class = UserCopyView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    history_view_class = UserHistoryView


# -- Groups ------------------------------------------------------------------------------------


def office_group_form(form_class, user):
    """Wagtail's group form; for an office administrator, with the office and role the new
    group works as (a group an office administrator makes always belongs to their office)."""
    ids = administered_office_ids(user)
    if ids is None:
        return form_class

    class OfficeGroupForm(form_class):
        office = forms.ModelChoiceField(
            label=_("Office"),
            queryset=Site.objects.filter(pk__in=ids).order_by("site_name"),
            empty_label=None,
            help_text=_("The office this group works for."),
        )
        role = forms.ChoiceField(
            label=_("Role"),
            choices=[(value, label) for value, label in StaffRole.choices if value not in ABOVE_OFFICES],
            initial=StaffRole.EDITOR,
            help_text=_("What the group's members do for the office."),
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # No one grants what they do not hold: an office administrator ticking "can handle
            # personal data" or "can add sites" would give their office more than the platform
            # gave it. What the group already holds stays offered (and kept) as it is.
            held = Q(group__user=user) | Q(user=user)
            if self.instance.pk:
                held |= Q(group=self.instance)
            permissions = self.fields.get("permissions")
            if permissions is not None:
                permissions.queryset = permissions.queryset.filter(pk__in=Permission.objects.filter(held).values("pk"))
            existing = StaffGroup.objects.filter(group_id=self.instance.pk).first() if self.instance.pk else None
            if existing is not None:
                self.fields["office"].initial = existing.site_id
                self.fields["role"].initial = existing.role

        @transaction.atomic
        def save(self, commit=True):
            group = super().save(commit=commit)
            if group.pk is None:
                return group
            StaffGroup.objects.update_or_create(
                group=group, defaults={"site": self.cleaned_data["office"], "role": self.cleaned_data["role"]}
            )
            return group

    return OfficeGroupForm


class GroupFormMixin:
    def get_form_class(self):
        return office_group_form(super().get_form_class(), self.request.user)


class GroupIndexView(wagtail_groups.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=manageable_groups(self.request.user).values("pk"))


class GroupCreateView(GroupFormMixin, wagtail_groups.CreateView):
    pass


class GroupEditView(GroupFormMixin, ScopedObjectMixin, wagtail_groups.EditView):
    def scoped_queryset(self):
        return manageable_groups(self.request.user)


class GroupDeleteView(ScopedObjectMixin, wagtail_groups.DeleteView):
    def scoped_queryset(self):
        return manageable_groups(self.request.user)


class OfficeGroupViewSet(wagtail_groups.GroupViewSet):
    index_view_class = GroupIndexView
    add_view_class = GroupCreateView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView
