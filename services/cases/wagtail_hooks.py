"""Wagtail admin wiring of the case queue (imported by services/wagtail_hooks.py): the "Cases"
menu item and URLs, and the snippets officers and administrators edit (reply templates, office
closures)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_menu import MenuItemFor
from portal.office_viewsets import OfficeScopedViewSet
from services.cases import admin_views
from services.cases.models import OfficeClosure, ReplyTemplate


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
    ]


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


register_snippet(ReplyTemplateViewSet)
register_snippet(OfficeClosureViewSet)
