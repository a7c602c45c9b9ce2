"""The data protection officer's pages in the Wagtail admin: data-subject requests (find,
export, erase) and the personal-data access log (a ModelViewSet, services/privacy/views.py).

Only superusers and holders of `privacy.handle_personal_data` (the "Data protection officers"
group) see them; everyone else gets 403. Each export and erasure is itself written to the access
log and to the register of data-subject requests.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_menu import MenuItemFor
from services.privacy import personal_data as privacy
from services.privacy.models import DataSubjectRequest, PersonalDataAccess, RetentionRule
from services.privacy.views import access_log, is_dpo


def _require_dpo(request):
    if not is_dpo(request.user):
        raise PermissionDenied


@hooks.register("register_admin_menu_item")
def register_privacy_menu_item():
    return MenuItemFor(
        gettext_lazy("Data protection"),
        reverse("privacy_requests"),
        name="privacy",
        icon_name="lock",
        order=900,
        shown=lambda request: is_dpo(request.user),
    )


@hooks.register("register_admin_viewset")
def register_access_log():
    return access_log


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [
        path("privacy/requests/", data_subject_requests, name="privacy_requests"),
    ]


class SubjectForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("National ID, phone number or e-mail of the person"),
        max_length=254,
        help_text=gettext_lazy("Exactly as the person gave it; spaces and dashes do not matter."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the register (e.g. the letter's number)"), max_length=255, required=False
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked the person's identity and the request is in writing"), required=False
    )

    def clean_identifier(self):
        value = self.cleaned_data["identifier"]
        if privacy.classify(value) is None:
            raise forms.ValidationError(
                _("Enter a 13-digit national ID, a phone number starting with 0, or an e-mail address.")
            )
        return value


def data_subject_requests(request):
    """Find everything about a person; export it as a ZIP, or erase it (anonymise their cases)."""
    _require_dpo(request)
    form = SubjectForm(request.POST or None)
    found = None
    action = request.POST.get("action", "find")
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        kind, value = privacy.classify(identifier)
        masked = privacy.mask_identifier(kind, value)
        note = form.cleaned_data["note"]
        if action == "export":
            data, count = privacy.export_person(identifier)
            DataSubjectRequest.objects.create(
                kind=DataSubjectRequest.Kind.EXPORT,
                identifier_masked=masked,
                submissions=count,
                handled_by=request.user,
                note=note,
            )
            privacy.log_access(request, PersonalDataAccess.Action.SUBJECT_EXPORT, detail=masked)
            response = HttpResponse(data, content_type="application/zip")
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.zip"'
            return response
        if action == "erase":
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", _("Tick this box to confirm before erasing."))
            else:
                erased = privacy.erase_person(identifier)
                DataSubjectRequest.objects.create(
                    kind=DataSubjectRequest.Kind.ERASE,
                    identifier_masked=masked,
                    submissions=erased.submissions,
                    cases=erased.cases,
                    handled_by=request.user,
                    note=note,
                )
                privacy.log_access(request, PersonalDataAccess.Action.SUBJECT_ERASE, detail=masked)
                messages.success(
                    request,
                    _(
                        "Personal data removed from %(submissions)s submissions (%(cases)s cases anonymised), "
                        "%(drafts)s saved drafts, %(sessions)s unfinished forms and %(notifications)s other messages."
                    )
                    % {
                        "submissions": erased.submissions,
                        "cases": erased.cases,
                        "drafts": erased.drafts,
                        "sessions": erased.sessions,
                        "notifications": erased.notifications,
                    },
                )
                return redirect("privacy_requests")
        found = privacy.find_submissions(identifier)
    context = {
        "form": form,
        "found": found,
        "handled": DataSubjectRequest.objects.select_related("handled_by")[:50],
    }
    return render(request, "services/privacy/admin_requests.html", context, status=400 if form.errors else 200)


class RetentionRuleViewSet(SnippetViewSet):
    """Services whose personal data is kept longer or shorter than the office's default."""

    model = RetentionRule
    icon = "time"
    menu_label = gettext_lazy("Retention rules")
    list_display = ["service", "retention_days", "reason"]


register_snippet(RetentionRuleViewSet)
