"""Wagtail admin wiring of the Open311 API: partners' keys as a ModelViewSet (Settings → Open311
API keys). Issuing a key shows it once; revoking is unticking "active" on the key's edit page."""

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet

from services.open311.models import Open311Key


class KeyForm(forms.ModelForm):
    """Name and "active"; a revoked key stays revoked (it may have leaked): issue a new one."""

    class Meta:
        model = Open311Key
        fields = ["name", "active"]

    def clean_active(self):
        active = self.cleaned_data["active"]
        if active and self.instance.pk and not Open311Key.objects.filter(pk=self.instance.pk, active=True).exists():
            raise forms.ValidationError(_("A revoked key stays revoked: issue a new key instead."))
        return active


class IssueKeyView(CreateView):
    """The new key's only appearance: only its hash is stored. The page is not kept by the
    browser or any cache (Cache-Control: no-store), so Back or a shared computer cannot show it
    again."""

    def form_valid(self, form):
        key, raw = Open311Key.issue(form.cleaned_data["name"], self.request.user)
        self.object = key
        response = render(
            self.request,
            "services/open311/key_issued.html",
            {"key": key, "new_key": raw, "index_url": reverse(self.index_url_name)},
        )
        response["Cache-Control"] = "no-store"
        return response


class Open311KeyViewSet(ModelViewSet):
    model = Open311Key
    icon = "key"
    add_to_settings_menu = True
    form_fields = ["name"]  # issuing asks only who will use the key
    add_view_class = IssueKeyView
    copy_view_enabled = False
    list_filter = ["active"]
    list_display = ["name", "prefix", "created_at", "created_by", "last_used_at", "requests_filed", "active"]
    list_export = ["name", "prefix", "created_at", "created_by", "last_used_at", "requests_filed", "active"]

    def get_form_class(self, for_update=False):
        return KeyForm if for_update else super().get_form_class()


@hooks.register("register_admin_viewset")
def register_key_viewset():
    return Open311KeyViewSet("open311-keys")
