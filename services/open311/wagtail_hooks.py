"""Wagtail admin wiring of the Open311 API: partners' keys as a ModelViewSet (Settings → Open311
API keys). Issuing a key shows it once; revoking is unticking "active" on the key's edit page.

A key belongs to one office: staff issue keys for the offices they work for and see, edit and
revoke only those offices' keys (`portal.offices.scope`); a platform administrator sees all."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Site

from portal.offices import current_office, office_label, offices_for, scope
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


class IssueKeyForm(forms.ModelForm):
    """Who will use the key, and for which office (one of the offices the issuer works for)."""

    class Meta:
        model = Open311Key
        fields = ["name", "site"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = offices_for(for_user) if for_user is not None else Site.objects.none()
        self.fields["site"].label_from_instance = office_label
        self.fields["site"].empty_label = None


class OfficeScoped:
    """A key view that finds only keys of the offices the user works for (404 otherwise)."""

    def get_object(self, *args, **kwargs):
        key = super().get_object(*args, **kwargs)
        if not scope(Open311Key.objects.filter(pk=key.pk), self.request.user).exists():
            raise Http404
        return key


class KeyIndexView(IndexView):
    def get_base_queryset(self):
        return scope(super().get_base_queryset(), self.request.user).select_related("site", "created_by")


class KeyEditView(OfficeScoped, EditView):
    pass


class KeyDeleteView(OfficeScoped, DeleteView):
    pass


class KeyHistoryView(OfficeScoped, HistoryView):
    pass


class KeyUsageView(OfficeScoped, UsageView):
    pass


class IssueKeyView(CreateView):
    """The new key's only appearance: only its hash is stored. The page is not kept by the
    browser or any cache (Cache-Control: no-store), so Back or a shared computer cannot show it
    again."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def get_initial(self):
        office = current_office(self.request)
        if offices_for(self.request.user).filter(pk=office.pk).exists():
            return {**super().get_initial(), "site": office.pk}
        return super().get_initial()

    def form_valid(self, form):
        key, raw = Open311Key.issue(form.cleaned_data["name"], form.cleaned_data["site"], self.request.user)
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
    form_fields = ["name", "site"]  # issuing asks who will use the key, for which office
    index_view_class = KeyIndexView
    add_view_class = IssueKeyView
    edit_view_class = KeyEditView
    delete_view_class = KeyDeleteView
    history_view_class = KeyHistoryView
    usage_view_class = KeyUsageView
    copy_view_enabled = False
    list_filter = ["active"]
    list_display = [
        "name",
        Column("site", label=_("Office"), accessor=lambda key: office_label(key.site)),
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "requests_filed",
        "active",
    ]
    list_export = ["name", "site", "prefix", "created_at", "created_by", "last_used_at", "requests_filed", "active"]

    def get_form_class(self, for_update=False):
        return KeyForm if for_update else IssueKeyForm


@hooks.register("register_admin_viewset")
def register_key_viewset():
    return Open311KeyViewSet("open311-keys")
