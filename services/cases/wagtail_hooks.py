"""Wagtail admin wiring of the case queue (imported by services/wagtail_hooks.py): the "Cases"
menu item and URLs, and the snippets officers and administrators edit (reply templates, office
closures)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_menu import MenuItemFor
from portal.office_viewsets import OfficeAdminForm, OfficeScopedViewSet
from portal.offices import office_ids
from services.cases import admin_views, stage_views, stages
from services.cases.models import ApprovalRole, OfficeClosure, ReplyTemplate


@hooks.register("register_admin_menu_item")
def register_cases_menu_item():
    return MenuItemFor(
        _("Cases"), reverse("case_queue"), name="cases", icon_name="tasks", order=150, shown=admin_views.can_use_queue
    )


@hooks.register("register_admin_urls")
def register_case_urls():
    return [
        path("cases/", admin_views.queue, name="case_queue"),
        path("cases/bulk/", admin_views.bulk, name="case_bulk"),
        path("cases/<int:pk>/", admin_views.detail, name="case_detail"),
        path("cases/<int:pk>/receipt/", admin_views.receipt, name="case_receipt"),
        path("cases/<int:pk>/photo/", admin_views.download_photo, name="case_admin_photo"),
        path("cases/<int:pk>/files/<int:file_id>/", admin_views.download_file, name="case_admin_file"),
        path(
            "cases/<int:pk>/records/<int:record_id>/pdf/",
            admin_views.deficiency_record_pdf,
            name="case_admin_deficiency_pdf",
        ),
        path("cases/approvals/", stage_views.approvals, name="case_approvals"),
        path("cases/approvals/<int:pk>/", stage_views.decide, name="case_decide"),
    ]


@hooks.register("register_admin_menu_item")
def register_approvals_menu_item():
    return MenuItemFor(
        _("Awaiting my approval"),
        reverse("case_approvals"),
        name="approvals",
        icon_name="tick-inverse",
        order=151,
        shown=lambda request: stages.is_approver(request.user),
    )


PLACEHOLDER_HELP = _(
    "{reference}, {service}, {due_date} and {department} are replaced by the case's own values, "
    "in the resident's language; officers see the result before they send it."
)


class ReplyTemplateViewSet(OfficeScopedViewSet, SnippetViewSet):
    model = ReplyTemplate
    icon = "comment"
    menu_label = _("Reply templates")
    list_display = ["title", "site"]
    search_fields = ["title", "body", "body_en"]
    # The placeholders are explained where the text is written (services.cases.admin_views.fill_placeholders).
    panels = [
        FieldPanel("site"),
        FieldPanel("title"),
        FieldPanel("body", help_text=PLACEHOLDER_HELP),
        FieldPanel("body_en", help_text=PLACEHOLDER_HELP),
    ]


class OfficeClosureViewSet(OfficeScopedViewSet, SnippetViewSet):
    model = OfficeClosure
    icon = "date"
    menu_label = _("Office closures")
    list_display = ["date", "reason", "site"]
    panels = [FieldPanel("site"), FieldPanel("date"), FieldPanel("reason"), FieldPanel("reason_en")]


def office_staff(site_ids):
    """Active people of these offices: in one of their departments or staff groups."""
    people = get_user_model().objects.filter(is_active=True)
    if site_ids is not None:
        people = people.filter(Q(departments__site_id__in=site_ids) | Q(groups__office_role__site_id__in=site_ids))
    return people.distinct().order_by("first_name", "username")


class ApprovalRoleForm(OfficeAdminForm):
    """Holders are people of the role's own office: another office's staff are never offered,
    and a holder who is not of the chosen office is refused."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "members" in self.fields:
            self.fields["members"].queryset = office_staff(office_ids(for_user))

    def clean(self):
        cleaned = super().clean()
        site, members = cleaned.get("site"), cleaned.get("members")
        if site is not None and members:
            allowed = set(office_staff([site.pk]).values_list("pk", flat=True))
            if any(member.pk not in allowed for member in members):
                self.add_error("members", _("Choose people of this office only."))
        return cleaned


class ApprovalRoleViewSet(OfficeScopedViewSet, SnippetViewSet):
    """Who signs stages off in each office (head of division, deputy clerk, clerk, mayor)."""

    model = ApprovalRole
    icon = "tick-inverse"
    menu_label = _("Approval roles")
    list_display = ["key", "name", "site"]
    base_form_class = ApprovalRoleForm
    panels = [FieldPanel("site"), FieldPanel("key"), FieldPanel("name"), FieldPanel("name_en"), FieldPanel("members")]


register_snippet(ReplyTemplateViewSet)
register_snippet(ApprovalRoleViewSet)
register_snippet(OfficeClosureViewSet)
