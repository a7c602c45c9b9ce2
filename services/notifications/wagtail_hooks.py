"""Wagtail admin of the notifications room: the failed deliveries listing (a ModelViewSet with
its resend action, services/notifications/views.py) and the snippets editors use for the
wording."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from services.notifications.models import NotificationTemplate
from services.notifications.views import failed_deliveries


@hooks.register("register_admin_viewset")
def register_failed_deliveries():
    return failed_deliveries


class NotificationTemplateViewSet(SnippetViewSet):
    model = NotificationTemplate
    icon = "mail"
    menu_label = _("Notification templates")
    list_display = ["event", "language", "subject"]
    list_filter = ["event", "language"]
    search_fields = ["subject", "body"]


register_snippet(NotificationTemplateViewSet)
