"""Wagtail admin wiring of issued documents: the templates as snippets of the editor's offices,
the staff actions on a case, and the document panels on the case pages."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.office_viewsets import OfficeScopedViewSet
from portal.offices import scope
from services.cases import panels as case_panels
from services.documents import panels, views
from services.documents.models import DocumentTemplate


@hooks.register("register_admin_urls")
def register_document_urls():
    return [
        path("documents/cases/<int:pk>/", views.staff_action, name="documents_case"),
        path("documents/issued/<int:pk>/pdf/", views.staff_download, name="documents_download"),
    ]


class DocumentTemplateViewSet(OfficeScopedViewSet, SnippetViewSet):
    """Document templates of the offices the editor works for only (listing, edit views,
    chooser): another office's template is a 404 (portal.office_viewsets)."""

    model = DocumentTemplate
    icon = "doc-full"
    menu_label = _("Document templates")
    list_display = ["title", "kind", "service", "validity_days"]
    list_filter = ["kind"]
    search_fields = ["title", "body"]
    panels = [
        FieldPanel("site", heading=_("Office")),
        FieldPanel("service"),
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("validity_days"),
        FieldPanel("signer_title"),
    ]

    def get_queryset(self, request):
        return scope(DocumentTemplate.objects.select_related("site", "service"), request.user)


register_snippet(DocumentTemplateViewSet)

hooks.register(case_panels.STAFF_PANELS, panels.staff_panel)
hooks.register(case_panels.TRACKING_PANELS, panels.tracking_panel)
hooks.register(case_panels.TRACKING_LOOKUP, panels.annotate_lookup)
