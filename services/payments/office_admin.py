"""Office scoping for a Wagtail `SnippetViewSet`/`ModelViewSet` of office data (issue 17).

The listing is narrowed by the viewset's `get_queryset`, but Wagtail's edit, delete, copy,
history, usage and inspect views fetch the object by its primary key from the model's default
manager. Rather than subclassing each of them, `scoped_urlpatterns` wraps every URL of the viewset
that carries a `pk`: an object outside the person's offices is a 404 before Wagtail's view runs,
whatever view a later Wagtail adds. `OfficeFormMixin` limits a form's office choice to the
person's offices (and preselects it when they work for one).
"""

from functools import wraps

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from wagtail.admin.forms import WagtailAdminModelForm

from portal.offices import offices_for, scope


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
        if callback is None:
            continue
        pattern.callback = _guarded(callback, model, field)
    return patterns


def _guarded(view, model, field):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if "pk" in kwargs and not in_offices(model, kwargs["pk"], request.user, field):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class OfficeFormMixin:
    """A model form whose `site` field offers only the editing person's offices."""

    office_field = "site"

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get(self.office_field)
        if field is not None and for_user is not None:
            offices = offices_for(for_user)
            field.queryset = offices
            if not self.instance.pk and len(offices) == 1:
                field.initial = offices[0].pk


class OfficeAdminForm(OfficeFormMixin, WagtailAdminModelForm):
    pass
