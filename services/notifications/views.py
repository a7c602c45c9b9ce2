"""Failed deliveries, in the Wagtail admin: a read-only `ModelViewSet` listing of the outbox
rows that did not arrive (filters and spreadsheet export from Wagtail), with "Resend" on each
failed or undeliverable row.

Scoped like the case queue: officers see their departments' deliveries, notices with no
department (monthly report, saved-form links) only those who see every queue
(`Notification.objects.visible_to`) — and only ever of the offices the person works for (issue
17): another office's row is not listed, and resending it is a 404.
"""

from functools import partial

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView

from portal.admin_listings import TemplateColumn, ViewOnlyViewSet, view_only
from portal.admin_menu import MenuItemFor
from portal.offices import office_label, works_for_several
from services.cases.admin_views import can_use_queue, sees_all
from services.notifications.channels import BLOCKED, NOT_A_MOBILE, NOT_CONFIGURED, get_channel
from services.notifications.models import Notification
from services.notifications.outbox import resend as resend_notification

S = Notification.Status
PROBLEMS = [S.FAILED, S.UNDELIVERABLE]


def why_not_delivered(row):
    """The Status column in staff's words. A channel the site has no gateway for is not the
    resident's fault: "SMS not set up on this site", never "invalid address"."""
    channel = row.get_channel_display()
    if not get_channel(row.channel).is_configured(row.site):
        return _("%(channel)s not set up on this site") % {"channel": channel}
    if NOT_CONFIGURED in row.last_error:
        return _("%(channel)s was not set up when this was sent; it is now: resend it") % {"channel": channel}
    if row.status != S.UNDELIVERABLE:
        return row.get_status_display()
    if NOT_A_MOBILE in row.last_error:
        return _("Not a mobile number: SMS needs one")
    if BLOCKED in row.last_error:
        return _("The resident blocked the office's LINE account: not sent")
    return _("Invalid address")


def deliveries_for(user):
    """Department scoping: officers see their departments' deliveries; notices with no
    department (monthly report, saved-form links) only those who see every queue."""
    return Notification.objects.visible_to(user)


class DeliveryFilterSet(WagtailFilterSet):
    """The "Show" filter: all problems (the default), failed, undeliverable, or waiting to retry (pending
    rows that have already failed once)."""

    show = django_filters.ChoiceFilter(
        label=_l("Show"),
        choices=[
            ("failed", S.FAILED.label),
            ("undeliverable", _l("Undeliverable")),
            ("retrying", _l("Waiting to retry")),
        ],
        empty_label=_l("All problems"),
        method="filter_show",
    )

    class Meta:
        model = Notification
        fields = []

    def filter_show(self, queryset, name, value):
        if value == "retrying":
            return queryset.filter(status=S.PENDING)
        return queryset.filter(status=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("show"):
            queryset = queryset.filter(status__in=PROBLEMS)
        return queryset


def can_see_deliveries(user):
    """Whoever works a case queue; officers see their departments' deliveries (deliveries_for)."""
    return sees_all(user) or user.departments.exists()


view_only(Notification, can_see_deliveries)

# A cell drawn by templates/services/notifications/cells/<name>.html (a link, a Buddhist-Era
# date, the resend form).
DeliveryCell = partial(TemplateColumn, folder="services/notifications/cells", with_form=True)


class DeliveryIndexView(IndexView):
    template_name = "services/notifications/failed.html"
    page_title = _l("Failed deliveries")

    def get_base_queryset(self):
        # Problems and rows waiting to retry after a failure; the filter narrows to one of them.
        rows = deliveries_for(self.request.user).filter(
            Q(status__in=PROBLEMS) | (Q(status=S.PENDING) & ~Q(last_error=""))
        )
        return rows.select_related("case", "department", "site")

    @cached_property
    def columns(self):
        columns = super().columns
        if works_for_several(self.request.user):
            # A shared officer (or a platform administrator) always knows whose delivery it is.
            label = _l("Office")
            columns = [
                *columns,
                Column("office", label=label, accessor=lambda row: office_label(row.site) if row.site_id else ""),
            ]
        return columns

    def order_queryset(self, queryset):
        if self.ordering:
            return super().order_queryset(queryset)
        return queryset.order_by("-created_at", "-id")

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return super().no_results_message
        return _("Nothing has failed. Every message was delivered or is still being tried.")


class FailedDeliveryViewSet(ViewOnlyViewSet):
    """The "Failed deliveries" listing: messages to residents and staff that could not be delivered."""

    model = Notification
    name = "notification_failed"
    url_prefix = "notifications/failed"
    icon = "warning"
    menu_label = _l("Failed deliveries")
    menu_name = "failed-deliveries"
    menu_order = 160
    add_to_admin_menu = True
    index_view_class = DeliveryIndexView
    filterset_class = DeliveryFilterSet
    list_display = [
        DeliveryCell("when", _l("When"), sort_key="created_at"),
        DeliveryCell("case", _l("Case")),
        Column("event", label=_l("Event"), accessor="get_event_display"),
        Column("channel", label=_l("Channel"), accessor="get_channel_display"),
        Column("recipient", label=_l("Recipient"), accessor="masked_recipient"),
        Column("why", label=_l("Status"), accessor=why_not_delivered),
        Column("attempts", label=_l("Attempts")),
        DeliveryCell("error", _l("Error")),
        DeliveryCell("resend", _l("Resend")),
    ]
    # The recipient only masked, as on the page: the export is for counting and chasing, not
    # a list of residents' addresses.
    list_export = ["created_at", "case.reference", "get_event_display", "get_channel_display", "masked_recipient"]
    list_export += ["get_status_display", "attempts", "last_error"]
    export_headings = {
        "created_at": _l("When"),
        "case.reference": _l("Case"),
        "get_event_display": _l("Event"),
        "get_channel_display": _l("Channel"),
        "masked_recipient": _l("Recipient"),
        "get_status_display": _l("Status"),
        "attempts": _l("Attempts"),
        "last_error": _l("Error"),
    }

    # Whoever works a case queue; `can_use_queue` costs no query of its own on every admin page.
    menu_item_class = partial(MenuItemFor, shown=can_use_queue)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("<int:pk>/resend/", resend, name="resend")]


@require_POST
def resend(request, pk):
    if not can_use_queue(request):
        raise PermissionDenied
    notification = get_object_or_404(deliveries_for(request.user), pk=pk)
    if resend_notification(notification):
        messages.success(request, _("Queued again. It will be sent within a minute."))
    else:
        messages.error(request, _("This delivery cannot be resent."))
    return HttpResponseRedirect(failed_deliveries.menu_url)


failed_deliveries = FailedDeliveryViewSet()
