"""The admin screens around forms_builder.exchange: "Export as JSON" on a form page, "Import
form" (a new form under a forms index the user may add pages to) and "Replace from JSON" on a
form page nobody has answered yet.

Who may do what is Wagtail's page permissions, nothing else: exporting and replacing need the
right to edit that form page, importing the right to add pages under the chosen forms index.
Office editors hold those rights on their own site's tree only, so offices stay apart.
"""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from forms_builder import exchange
from forms_builder.models import FormIndexPage, FormPage


def addable_indexes(user):
    """Forms indexes `user` may add a form page under, by title."""
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "add")
    return FormIndexPage.objects.filter(pk__in=pages.values("pk")).select_related("locale").order_by("title", "pk")


class IndexChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        site = obj.get_site()
        where = site.site_name or site.hostname if site else obj.get_parent().title
        return f"{obj.title} — {where} ({obj.locale.language_code})"


class FormFileForm(forms.Form):
    file = forms.FileField(
        label=_("Form file (JSON)"),
        help_text=_("A file made with “Export as JSON”, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked = exchange.read_form_file(upload)
        return upload


class ImportForm(FormFileForm):
    parent = IndexChoiceField(
        queryset=FormIndexPage.objects.none(),
        label=_("Add the form to"),
        help_text=_("The list of online forms the new form goes in. It is created as a draft for you to check."),
        empty_label=None,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = addable_indexes(user)


def _edit_page(user, page_id):
    page = get_object_or_404(FormPage, id=page_id)
    if not page.permissions_for_user(user).can_edit():
        raise PermissionDenied
    return page


def export_view(request, page_id):
    page = _edit_page(request.user, page_id)
    body = json.dumps(exchange.export_form(page), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exchange.export_filename(page)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _skipped_note(request, skipped):
    if skipped:
        messages.warning(
            request,
            _("Translations not imported (this site has no forms index in that language): %(languages)s")
            % {"languages": ", ".join(skipped)},
        )


def import_view(request):
    if not addable_indexes(request.user).exists():
        raise PermissionDenied
    initial = {"parent": request.GET.get("parent", "")[:12]}
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            page, skipped = exchange.import_new(form.checked, form.cleaned_data["parent"], request.user)
        except exchange.FormFileError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request, _("Form “%(title)s” imported as a draft: check it, then publish.") % {"title": page.title}
            )
            _skipped_note(request, skipped)
            return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "forms_builder/exchange/import.html",
        {"form": form, "page": None, "action": reverse("forms_builder_import")},
        status=400 if form.is_bound else 200,
    )


def replace_view(request, page_id):
    page = _edit_page(request.user, page_id)
    form = FormFileForm(request.POST or None, request.FILES or None)
    has_answers = exchange.answers_exist(page)
    if request.method == "POST" and form.is_valid():
        try:
            exchange.replace_definition(form.checked, page, request.user)
        except exchange.FormFileError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("The definition of “%(title)s” was replaced and saved as a draft: check it, then publish.")
                % {"title": page.title},
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "forms_builder/exchange/import.html",
        {
            "form": form,
            "page": page,
            "has_answers": has_answers,
            "action": reverse("forms_builder_replace", args=[page.pk]),
        },
        status=400 if form.is_bound else 200,
    )
