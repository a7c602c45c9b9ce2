"""Areas and routing rules in the Wagtail admin, cut to the offices the editing person works for
by the kernel's `OfficeScopedViewSet` (as departments are), and the GeoJSON import of areas."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from portal.office_viewsets import OfficeScopedViewSet
from services.areas.forms import AreaForm, ImportForm, RoutingRuleForm
from services.areas.models import Area, RoutingRule
from services.areas.routing import rule_problem, service_definition


class AreaIndexView(IndexView):
    """The listing, with the GeoJSON import beside "Add"."""

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("areas.add_area"):
            buttons.append(HeaderButton(_("Import GeoJSON"), url=reverse("areas_import"), icon_name="upload"))
        return buttons


class AreaViewSet(OfficeScopedViewSet, SnippetViewSet):
    model = Area
    icon = "site"
    menu_label = gettext_lazy("Areas")
    add_to_admin_menu = True
    menu_order = 320
    base_form_class = AreaForm
    index_view_class = AreaIndexView
    list_display = ["name", "name_en", "kind", "site"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]
    panels = [FieldPanel("site"), FieldPanel("name"), FieldPanel("name_en"), FieldPanel("kind"), FieldPanel("shape")]


def _condition(rule):
    return f"{rule.field_key} = {rule.answer}" if rule.field_key else _("Any answer")


def _where(rule):
    if rule.area_id is not None:
        return rule.area.display_name
    return rule.area_name or _("Anywhere")


def _state(rule):
    problem = rule._problem if hasattr(rule, "_problem") else rule_problem(rule)
    return _("Broken, skipped: %(why)s") % {"why": problem} if problem else _("Working")


class RoutingRuleIndexView(IndexView):
    """The listing says of each rule whether it works; each service's form is read once per
    page, however many rules name it."""

    def get_table(self, object_list):
        definitions = {}
        for rule in object_list:
            if rule.service_id not in definitions:
                definitions[rule.service_id] = service_definition(rule.service)
            rule._problem = rule_problem(rule, definitions[rule.service_id], definition_known=True)
        return super().get_table(object_list)


class RoutingRuleViewSet(OfficeScopedViewSet, SnippetViewSet):
    model = RoutingRule
    icon = "arrow-right-full"
    menu_label = gettext_lazy("Routing rules")
    add_to_admin_menu = True
    menu_order = 330
    base_form_class = RoutingRuleForm
    index_view_class = RoutingRuleIndexView
    list_display = [
        "sort_order",
        "service",
        Column("condition", label=gettext_lazy("Answer"), accessor=_condition),
        Column("where", label=gettext_lazy("Area"), accessor=_where),
        "department",
        Column("state", label=gettext_lazy("State"), accessor=_state),
    ]
    panels = [
        FieldPanel("site"),
        FieldPanel("service", widget=forms.Select),
        FieldPanel("condition"),
        FieldPanel("area"),
        FieldPanel("department"),
        FieldPanel("sort_order"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("service", "service__online_form", "department", "area", "site")
            .order_by("site", "sort_order", "id")
        )


register_snippet(AreaViewSet)
register_snippet(RoutingRuleViewSet)


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("areas/import/", import_areas, name="areas_import")]


def import_areas(request):
    """Upload a GeoJSON file of areas: all of it is saved, or nothing (with every problem listed)."""
    if not request.user.has_perm("areas.add_area") or not request.user.has_perm("areas.change_area"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            created, updated = form.save()
        messages.success(
            request,
            _("Areas imported: %(created)s new, %(updated)s updated.") % {"created": created, "updated": updated},
        )
        return redirect("wagtailsnippets_areas_area:list")
    status = 400 if form.errors else 200
    return render(request, "areas/import.html", {"form": form}, status=status)
