"""Wagtail admin wiring of the Open311 API: issuing and revoking partners' keys."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from services.open311.models import Open311Key


def can_manage_keys(user):
    return user.is_active and (user.is_superuser or user.has_perm("open311.add_open311key"))


class IssueKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Who will use the key"), max_length=120, help_text=_("e.g. LINE OA of the office, call centre")
    )


def api_keys(request):
    if not can_manage_keys(request.user):
        raise PermissionDenied
    form = IssueKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _key, new_key = Open311Key.issue(form.cleaned_data["name"], request.user)
        form = IssueKeyForm()
    response = render(
        request,
        "services/dashboard/admin_api_keys.html",
        {"keys": Open311Key.objects.select_related("created_by"), "form": form, "new_key": new_key},
    )
    response["Cache-Control"] = "no-store"  # the new key is on this page once
    return response


@require_POST
def revoke_key(request, pk):
    if not can_manage_keys(request.user):
        raise PermissionDenied
    Open311Key.objects.filter(pk=pk).update(active=False)
    messages.success(request, _("The key is revoked: requests using it are refused from now on."))
    return redirect("dashboard_api_keys")


class KeysMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_keys(request.user)


@hooks.register("register_admin_urls")
def register_key_urls():
    return [
        path("open311-keys/", api_keys, name="dashboard_api_keys"),
        path("open311-keys/<int:pk>/revoke/", revoke_key, name="dashboard_api_key_revoke"),
    ]


@hooks.register("register_settings_menu_item")
def register_keys_menu_item():
    return KeysMenuItem(_("Open311 API keys"), reverse("dashboard_api_keys"), name="open311-keys", icon_name="key")


@hooks.register("register_permissions")
def register_key_permissions():
    """Offer "issue API keys" on the admin's group editor."""
    return Permission.objects.filter(content_type__app_label="open311", codename="add_open311key")
