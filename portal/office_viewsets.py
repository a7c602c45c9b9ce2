"""Wagtail admin viewsets of office data, cut to the offices the person works for (issue 17).

Every room that lists office data in the admin (the catalogue's departments and categories, the
case queue's reply templates and closures, payments' household accounts, privacy's retention
rules) uses this one kernel piece rather than its own copy, so a fix to the scoping reaches them
all.

Wagtail's listing asks the viewset's `get_queryset`, but its edit, delete, copy, history, usage
and inspect views fetch the row by primary key from the model's manager, and a snippet chooser
lists and returns every row. So a viewset of office data (`OfficeScopedViewSet`):

- lists only the person's offices' rows (`get_queryset`);
- wraps every URL that carries a `pk` (`scoped_urlpatterns`): another office's row is a 404
  before Wagtail's view runs, whatever view a later Wagtail adds;
- has a chooser (a foreign key to a snippet is edited with it) that lists and returns only the
  person's offices' rows (`OfficeChooserViewSet`);
- edits with a form whose office field offers only the person's offices, and whose choices of
  other office data (a category's department) only those of the chosen office (`OfficeAdminForm`).

Platform administrators and superusers are never narrowed (`office_ids` is None).
"""

from functools import wraps

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.http import Http404
from django.utils.translation import gettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)

from portal.offices import office_ids, offices_for, scope


def has_office(model):
    """True when rows of `model` belong to an office (a `site` field)."""
    return any(field.name == "site" for field in model._meta.get_fields())


def in_offices(model, pk, user, field="site"):
    """True when the row `pk` of `model` belongs to one of `user`'s offices."""
    try:
        return scope(model._default_manager.filter(pk=unquote(str(pk))), user, field).exists()
    except (ValueError, TypeError, ValidationError, OverflowError):  # a tampered pk finds nothing
        return False


def scoped_urlpatterns(patterns, model, field="site"):
    """`patterns` with each view that takes a `pk` refusing (404) another office's row."""
    for pattern in patterns:
        callback = getattr(pattern, "callback", None)
        if callback is not None:
            pattern.callback = _guarded(callback, model, field)
    return patterns


def _guarded(view, model, field):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if "pk" in kwargs and not in_offices(model, kwargs["pk"], request.user, field):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


def scope_choices(form, user):
    """Every choice of office data in `form` (an office, a department, a category…) narrowed to
    the offices `user` works for."""
    ids = office_ids(user)
    for field in form.fields.values():
        if not isinstance(field, ModelChoiceField):
            continue
        model = field.queryset.model
        if model._meta.label == "wagtailcore.Site":
            field.queryset = offices_for(user)
        elif ids is not None and has_office(model):
            field.queryset = field.queryset.filter(site_id__in=sorted(ids))


class OfficeAdminForm(WagtailAdminModelForm):
    """The edit form of an office's snippet: its office and its other choices are the editing
    person's offices' only; with one office, it is preselected."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None:
            return
        scope_choices(self, for_user)
        site = self.fields.get("site")
        if site is not None and not self.instance.pk:
            offices = list(site.queryset[:2])
            if len(offices) == 1:
                site.initial = offices[0].pk

    def clean(self):
        cleaned = super().clean()
        site = cleaned.get("site")
        if site is not None:
            for name, value in cleaned.items():
                if name != "site" and getattr(value, "site_id", site.pk) != site.pk and has_office(type(value)):
                    self.add_error(name, gettext("Choose one of the same office."))
        return cleaned


class _ScopedChooserMixin:
    def get_object_list(self):
        return scope(super().get_object_list(), self.request.user)


class OfficeChooseView(_ScopedChooserMixin, ChooseView):
    pass


class OfficeChooseResultsView(_ScopedChooserMixin, ChooseResultsView):
    pass


class OfficeChosenView(SnippetChosenView):
    def get_object(self, pk):
        return scope(self.model_class.objects.all(), self.request.user).get(pk=pk)


class OfficeChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return scope(super().get_objects(pks), self.request.user)


class OfficeChooserViewSet(SnippetChooserViewSet):
    """The snippet chooser of office data: the person's offices' rows only."""

    choose_view_class = OfficeChooseView
    choose_results_view_class = OfficeChooseResultsView
    chosen_view_class = OfficeChosenView
    chosen_multiple_view_class = OfficeChosenMultipleView


class OfficeScopedViewSet:
    """Mixin for a `SnippetViewSet` whose model has a `site` (see the module docstring).

    Its panels (the viewset's `panels`, else the model's, else `form_fields`) are edited with
    `base_form_class`: `OfficeAdminForm`, or a subclass of it that narrows a choice further."""

    office_field = "site"
    chooser_viewset_class = OfficeChooserViewSet
    base_form_class = OfficeAdminForm

    def get_queryset(self, request):
        return scope(self.model._default_manager.all(), request.user, self.office_field)

    def get_urlpatterns(self):
        return scoped_urlpatterns(super().get_urlpatterns(), self.model, self.office_field)

    def get_edit_handler(self):
        panels = getattr(self, "panels", None) or getattr(self.model, "panels", None)
        if panels is None:
            panels = [FieldPanel(name) for name in self.form_fields]
        return ObjectList(panels, base_form_class=self.base_form_class).bind_to_model(self.model)
