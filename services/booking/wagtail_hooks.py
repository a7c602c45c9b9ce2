"""Queue booking in the admin and in other rooms' pages, all through hooks:

- snippets: the office's counters and the services booked by visit (office-scoped viewsets);
- the counter queue (day list, marks, walk-in tickets) under its own menu item, for people with
  the "run the counters' queue" permission (offered on the group edit page);
- the case tracking page's "book the inspection" panel (services.cases.panels), its lookup
  annotated with the service's booking so a case without one costs no query;
- the monthly report's table of bookings (services.reporting.monthly.SECTIONS_HOOK);
- the reminder the day before as a message editors reword (services.notifications' EVENTS_HOOK).
"""

from django.contrib.auth.models import Permission
from django.db.models import OuterRef, Subquery
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_menu import MenuItemFor
from portal.office_viewsets import OfficeAdminForm, OfficeScopedViewSet
from portal.offices import office_ids, scope
from services.booking import admin_views, figures, tasks
from services.booking.models import BookableService, Counter
from services.booking.views import case_token
from services.cases.models import OPEN_STATUSES
from services.cases.panels import TRACKING_LOOKUP, TRACKING_PANELS, CasePanel
from services.notifications.models import EVENTS_HOOK
from services.privacy.personal_data import page_trees
from services.reporting.monthly import SECTIONS_HOOK


@hooks.register("register_admin_urls")
def register_booking_urls():
    return [
        path("booking/", admin_views.day_list, name="booking_day"),
        path("booking/<int:pk>/mark/", admin_views.mark, name="booking_mark"),
        path("booking/walk-in/", admin_views.walk_in, name="booking_walk_in"),
        path("booking/<int:pk>/ticket/", admin_views.ticket, name="booking_ticket"),
    ]


@hooks.register("register_admin_menu_item")
def register_booking_menu_item():
    return MenuItemFor(
        gettext_lazy("Counter queue"),
        reverse("booking_day"),
        name="booking",
        icon_name="time",
        order=160,
        shown=admin_views.shows_menu,
    )


@hooks.register("register_permissions")
def register_booking_permissions():
    return Permission.objects.filter(content_type__app_label="booking", codename="manage_queue")


class CounterViewSet(OfficeScopedViewSet, SnippetViewSet):
    model = Counter
    icon = "group"
    menu_label = gettext_lazy("Counters")
    list_display = ["name", "letter", "capacity", "active", "site"]
    panels = [
        FieldPanel("site"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("letter"),
        FieldPanel("capacity"),
        FieldPanel("active"),
    ]


class BookableServiceForm(OfficeAdminForm):
    """The service choice offers the guides of the editor's offices only; the counter, only their
    counters (OfficeAdminForm). The office is taken from the guide."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("service")
        if field is not None and for_user is not None and office_ids(for_user) is not None:
            field.queryset = field.queryset.filter(page_trees(office_ids(for_user)))


class BookableServiceViewSet(OfficeScopedViewSet, SnippetViewSet):
    """Which services need a visit and at which counter: one row per guide."""

    model = BookableService
    icon = "date"
    menu_label = gettext_lazy("Services booked by visit")
    list_display = ["service", "counter", "active", "site"]
    panels = [FieldPanel("service"), FieldPanel("counter"), FieldPanel("active"), FieldPanel("note")]
    base_form_class = BookableServiceForm

    def get_queryset(self, request):
        return scope(BookableService.objects.select_related("service", "counter", "site"), request.user)


register_snippet(CounterViewSet)
register_snippet(BookableServiceViewSet)


@hooks.register(TRACKING_LOOKUP)
def annotate_bookable(queryset):
    return queryset.annotate(
        booking_service_id=Subquery(
            BookableService.objects.filter(service=OuterRef("service"), active=True, counter__active=True).values("pk")[
                :1
            ]
        )
    )


@hooks.register(TRACKING_PANELS)
def booking_panel(case, request):
    """'Book the inspection' on an open request whose service is booked by visit."""
    service_id = getattr(case, "booking_service_id", None)
    if not service_id or case.status not in OPEN_STATUSES:
        return None
    return CasePanel(
        "booking/case_panel.html",
        {"booking_url": f"{reverse('booking_book', args=[service_id])}?case={case_token(case)}"},
        order=150,
    )


@hooks.register(SECTIONS_HOOK)
def booking_report_section(site, month):
    return figures.monthly_section(site, month)


hooks.register(EVENTS_HOOK, tasks.notification_events)
