"""Wagtail admin of the notifications room: the failed deliveries listing (a ModelViewSet with
its resend action, services/notifications/views.py) and the snippets editors use for the
wording."""

from functools import wraps

from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.offices import office_ids, offices_for, scope
from services.notifications.models import NotificationTemplate
from services.notifications.views import failed_deliveries


@hooks.register("register_admin_viewset")
def register_failed_deliveries():
    return failed_deliveries


class TemplateForm(WagtailAdminModelForm):
    """The office choice offers the editor's own offices; only a platform administrator may leave
    it empty (the wording of every office without its own)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("site")
        if field is not None and for_user is not None:
            offices = offices_for(for_user)
            field.queryset = offices
            if office_ids(for_user) is not None:
                field.required = True
                field.empty_label = None
                if not self.instance.pk and len(offices) == 1:
                    field.initial = offices[0].pk


class NotificationTemplateViewSet(SnippetViewSet):
    """Message wording per office: an editor sees and changes only their offices' templates
    (another office's is a 404); platform administrators also keep the platform's wording."""

    model = NotificationTemplate
    icon = "mail"
    menu_label = _("Notification templates")
    list_display = ["event", "language", "subject", "site"]
    list_filter = ["event", "language"]
    search_fields = ["subject", "body"]
    edit_handler = ObjectList(NotificationTemplate.panels, base_form_class=TemplateForm)

    def get_queryset(self, request):
        return scope(NotificationTemplate.objects.select_related("site"), request.user)

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns()
        for pattern in patterns:
            if getattr(pattern, "callback", None) is not None:
                pattern.callback = _office_guard(pattern.callback)
        return patterns


def _office_guard(view):
    """Wagtail's edit, delete, copy, history and usage views fetch by primary key: a template of
    an office the person does not work for is a 404 before the view runs."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if "pk" in kwargs:
            try:
                rows = NotificationTemplate.objects.filter(pk=int(unquote(str(kwargs["pk"]))))
            except (TypeError, ValueError, OverflowError):
                raise Http404 from None
            if not scope(rows, request.user).exists():
                raise Http404
        return view(request, *args, **kwargs)

    return guarded


register_snippet(NotificationTemplateViewSet)
