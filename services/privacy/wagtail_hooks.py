"""The data protection officer's pages in the Wagtail admin: data-subject requests (find,
export, erase) and the personal-data access log (a ModelViewSet, services/privacy/views.py).

Only superusers and holders of `privacy.handle_personal_data` (the "Data protection officers"
group) see them; everyone else gets 403. Each export and erasure is itself written to the access
log and to the register of data-subject requests.

Offices (issue 17): each office is its own data controller. An officer finds, exports and erases
only what the offices they work for hold (`offices` of services.privacy.personal_data); one who
works for several offices chooses the office each request is for; a platform administrator may
leave it empty and reach every office. The register, the access log and the retention rules list
only the person's offices' rows.
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
from wagtail.admin.panels import FieldPanel
from wagtail.models import Site
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_menu import MenuItemFor
from portal.office_viewsets import OfficeAdminForm, OfficeScopedViewSet
from portal.offices import office_ids, offices_for, scope, works_for_several
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
    office = forms.ModelChoiceField(
        label=gettext_lazy("Office"),
        queryset=Site.objects.none(),
        required=False,
        help_text=gettext_lazy("The office whose records the request is about: each office answers for its own."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["office"]
        field.queryset = offices_for(user)
        if not works_for_several(user):
            del self.fields["office"]  # one office: the request is about it
        elif office_ids(user) is None:
            field.empty_label = gettext_lazy("Every office (platform administrator)")
        else:
            field.required = True

    def offices(self):
        """The site ids the request may reach: the chosen office, else every office of the
        person (None: every office, for a platform administrator)."""
        office = self.cleaned_data.get("office")
        return frozenset([office.pk]) if office is not None else office_ids(self.user)

    def register_office(self):
        """The office the register line is for; None for every office."""
        offices = self.offices()
        return next(iter(offices)) if offices is not None and len(offices) == 1 else None

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
    form = SubjectForm(request.POST or None, user=request.user)
    found = None
    action = request.POST.get("action", "find")
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        kind, value = privacy.classify(identifier)
        masked = privacy.mask_identifier(kind, value)
        note = form.cleaned_data["note"]
        offices, office = form.offices(), form.register_office()
        if action == "export":
            data, count = privacy.export_person(identifier, offices)
            DataSubjectRequest.objects.create(
                site_id=office,
                kind=DataSubjectRequest.Kind.EXPORT,
                identifier_masked=masked,
                submissions=count,
                handled_by=request.user,
                note=note,
            )
            privacy.log_access(request, PersonalDataAccess.Action.SUBJECT_EXPORT, detail=masked, site=office)
            response = HttpResponse(data, content_type="application/zip")
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.zip"'
            return response
        if action == "erase":
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", _("Tick this box to confirm before erasing."))
            else:
                erased = privacy.erase_person(identifier, offices)
                DataSubjectRequest.objects.create(
                    site_id=office,
                    kind=DataSubjectRequest.Kind.ERASE,
                    identifier_masked=masked,
                    submissions=erased.submissions,
                    cases=erased.cases,
                    handled_by=request.user,
                    note=note,
                )
                privacy.log_access(request, PersonalDataAccess.Action.SUBJECT_ERASE, detail=masked, site=office)
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
        found = privacy.find_submissions(identifier, offices)
    context = {
        "form": form,
        "found": found,
        "handled": scope(DataSubjectRequest.objects.select_related("handled_by", "site"), request.user)[:50],
    }
    return render(request, "services/privacy/admin_requests.html", context, status=400 if form.errors else 200)


class RetentionRuleForm(OfficeAdminForm):
    """The service choice offers the services of the editor's offices only (a rule takes its
    office from its service, so the form has no office field)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("service")
        if field is not None and for_user is not None and office_ids(for_user) is not None:
            field.queryset = field.queryset.filter(privacy.page_trees(office_ids(for_user)))


class RetentionRuleViewSet(OfficeScopedViewSet, SnippetViewSet):
    """Services whose personal data is kept longer or shorter than the office's default; each
    office keeps its own (another office's rule is a 404, in the edit views and the chooser)."""

    model = RetentionRule
    icon = "time"
    menu_label = gettext_lazy("Retention rules")
    list_display = ["service", "retention_days", "reason", "site"]
    panels = [FieldPanel("service"), FieldPanel("retention_days"), FieldPanel("reason")]
    base_form_class = RetentionRuleForm

    def get_queryset(self, request):
        return scope(RetentionRule.objects.select_related("service", "site"), request.user)


register_snippet(RetentionRuleViewSet)
