"""Wagtail admin wiring of issued documents: the templates as snippets of the editor's offices,
the staff actions on a case, and the document panels on the case pages."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.office_viewsets import OfficeScopedViewSet
from portal.offices import scope
from services.cases import panels as case_panels
from services.documents import letters, panels, views
from services.documents.models import DocumentTemplate, LetterTemplate


@hooks.register("register_admin_urls")
def register_document_urls():
    return [
        path("documents/cases/<int:pk>/", views.staff_action, name="documents_case"),
        path("documents/issued/<int:pk>/pdf/", views.staff_download, name="documents_download"),
        path("documents/cases/<int:pk>/letter/", letters.write_letter, name="documents_letter"),
        path("documents/registers/", letters.registers, name="documents_registers"),
        path("documents/registers/<int:pk>/", letters.register, name="documents_register"),
    ]


class RegistersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or request.user.has_perm(letters.REGISTER_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_registers_menu_item():
    return RegistersMenuItem(
        _("Document registers"),
        reverse("documents_registers"),
        name="document-registers",
        icon_name="list-ol",
        order=910,
    )


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


class LetterTemplateViewSet(OfficeScopedViewSet, SnippetViewSet):
    """Official letter templates of the editor's offices only, as document templates."""

    model = LetterTemplate
    icon = "mail"
    menu_label = _("Letter templates")
    list_display = ["name", "subject", "service", "office_code"]
    search_fields = ["name", "subject", "body"]
    panels = [
        FieldPanel("site", heading=_("Office")),
        FieldPanel("service"),
        FieldPanel("name"),
        FieldPanel("office_code"),
        FieldPanel("subject"),
        FieldPanel("recipient"),
        FieldPanel("reference_to"),
        FieldPanel("enclosures"),
        FieldPanel("body"),
        FieldPanel("closing"),
        FieldPanel("signer_name"),
        FieldPanel("signer_position"),
        FieldPanel("contact"),
    ]

    def get_queryset(self, request):
        return scope(LetterTemplate.objects.select_related("site", "service"), request.user)


register_snippet(LetterTemplateViewSet)

hooks.register(case_panels.STAFF_PANELS, panels.staff_panel)
hooks.register(case_panels.TRACKING_PANELS, panels.tracking_panel)
hooks.register(case_panels.TRACKING_LOOKUP, panels.annotate_lookup)
