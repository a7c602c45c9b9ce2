"""Wagtail admin of the notifications room (imported by services/wagtail_hooks.py): the failed
deliveries page with its resend action, and the snippets editors use for the wording."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from services.cases.admin_views import can_use_queue
from services.notifications.channels import NOT_A_MOBILE, NOT_CONFIGURED, get_channel
from services.notifications.models import Notification, NotificationTemplate
from services.notifications.outbox import resend as resend_notification

S = Notification.Status
PROBLEMS = [S.FAILED, S.UNDELIVERABLE]
FILTERS = {
    "problems": PROBLEMS,
    "failed": [S.FAILED],
    "undeliverable": [S.UNDELIVERABLE],
    "retrying": [S.PENDING],
}

FILTER_LABELS = {
    "problems": _("All problems"),
    "failed": S.FAILED.label,
    "undeliverable": _("Undeliverable"),
    "retrying": _("Waiting to retry"),
}


def why_not_delivered(row):
    """The Status column in staff's words. A channel the site has no gateway for is not the
    resident's fault: "SMS not set up on this site", never "invalid address"."""
    channel = row.get_channel_display()
    if not get_channel(row.channel).is_configured():
        return _("%(channel)s not set up on this site") % {"channel": channel}
    if NOT_CONFIGURED in row.last_error:
        return _("%(channel)s was not set up when this was sent; it is now: resend it") % {"channel": channel}
    if row.status != S.UNDELIVERABLE:
        return row.get_status_display()
    if NOT_A_MOBILE in row.last_error:
        return _("Not a mobile number: SMS needs one")
    return _("Invalid address")


def deliveries_for(request):
    """Department scoping: officers see their departments' deliveries; notices with no
    department (monthly report, saved-form links) only those who see every queue."""
    return Notification.objects.visible_to(request.user)


def failed_list(request):
    if not can_use_queue(request):
        raise PermissionDenied
    shown = request.GET.get("show", "problems")
    shown = shown if shown in FILTERS else "problems"
    rows = deliveries_for(request).filter(status__in=FILTERS[shown])
    if shown == "retrying":
        rows = rows.exclude(last_error="")
    rows = rows.select_related("case", "department").order_by("-created_at", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    for row in page.object_list:
        row.why = why_not_delivered(row)
    return render(
        request,
        "services/notifications/failed.html",
        {"page_obj": page, "shown": shown, "filters": [(key, FILTER_LABELS[key]) for key in FILTERS]},
    )


@require_POST
def resend(request, pk):
    if not can_use_queue(request):
        raise PermissionDenied
    notification = get_object_or_404(deliveries_for(request), pk=pk)
    if resend_notification(notification):
        messages.success(request, _("Queued again. It will be sent within a minute."))
    else:
        messages.error(request, _("This delivery cannot be resent."))
    return HttpResponseRedirect(reverse("notification_failed"))


class DeliveriesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_use_queue(request)


@hooks.register("register_admin_menu_item")
def register_deliveries_menu_item():
    return DeliveriesMenuItem(
        _("Failed deliveries"), reverse("notification_failed"), name="failed-deliveries", icon_name="warning", order=160
    )


@hooks.register("register_admin_urls")
def register_notification_urls():
    return [
        path("notifications/failed/", failed_list, name="notification_failed"),
        path("notifications/<int:pk>/resend/", resend, name="notification_resend"),
    ]


class NotificationTemplateViewSet(SnippetViewSet):
    model = NotificationTemplate
    icon = "mail"
    menu_label = _("Notification templates")
    list_display = ["event", "language", "subject"]
    list_filter = ["event", "language"]
    search_fields = ["subject", "body"]


register_snippet(NotificationTemplateViewSet)
