"""The personal-data access log in the Wagtail admin: a read-only `ModelViewSet` listing (who
opened which case's personal data, newest first), with Wagtail's filters (action, date range),
search by reference or user name, and spreadsheet export for the data protection officer.

Only superusers and holders of `privacy.handle_personal_data` (the "Data protection officers"
group) open it; everyone else gets 403. Nobody adds, edits or deletes a line: the log is
append-only (services.privacy.models.AppendOnlyModel and the database triggers). Each officer
reads only the lines of the offices they work for (a platform administrator: every office's).
"""

from functools import partial

from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView

from portal.admin_listings import TemplateColumn, ViewOnlyViewSet, view_only
from portal.offices import office_ids, office_label, works_for_several
from services.privacy.models import PersonalDataAccess
from services.privacy.personal_data import access_lines

PERMISSION = "privacy.handle_personal_data"


def line_office(entry):
    site = entry.case.site if entry.case_id else entry.site
    return office_label(site) if site is not None else ""


def is_dpo(user):
    return user.is_active and (user.is_superuser or user.has_perm(PERMISSION))


# The data protection officer reads the log; nobody writes it by hand.
view_only(PersonalDataAccess, is_dpo)


class AccessLogIndexView(IndexView):
    template_name = "services/privacy/admin_access_log.html"
    page_title = _("Personal data access log")

    def get_base_queryset(self):
        # Only the lines of the offices this officer works for (issue 17): each office is its
        # own data controller and reads its own log.
        rows = PersonalDataAccess.objects.filter(access_lines(office_ids(self.request.user)))
        return rows.select_related("case", "case__site", "site")

    @cached_property
    def columns(self):
        columns = super().columns
        if works_for_several(self.request.user):
            columns = [*columns, Column("office", label=_("Office"), accessor=line_office)]
        return columns

    def search_queryset(self, queryset):
        """A reference (the case's, or the one copied before it was anonymised) or a user name,
        matched whole: the log is read to answer "who opened BSR-69-…" or "what did this
        officer open", not browsed by fragments."""
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()[:100]
        return queryset.filter(
            Q(case__reference__iexact=query) | Q(reference__iexact=query) | Q(username__iexact=query)
        )

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return super().no_results_message
        return _("Nothing recorded yet.")


# A cell drawn by templates/services/privacy/cells/<name>.html (a Buddhist-Era date, the
# reference kept after anonymisation).
AccessLogCell = partial(TemplateColumn, folder="services/privacy/cells", object_name="entry")


class AccessLogViewSet(ViewOnlyViewSet):
    """The "Personal data access log", reached from the data protection pages (no menu item of its
    own: the "Data protection" menu item opens the data-subject requests, which link here)."""

    model = PersonalDataAccess
    name = "privacy_access_log"
    url_prefix = "privacy/access-log"
    icon = "lock"
    add_to_admin_menu = False
    index_view_class = AccessLogIndexView
    search_fields = ["case__reference", "reference", "username"]  # see AccessLogIndexView.search_queryset
    list_filter = ["action", "at"]
    list_display = [
        AccessLogCell("when", _("When"), sort_key="at"),
        Column("username", label=_("User")),
        Column("action", label=_("Action"), accessor="get_action_display"),
        Column("case", label=_("Case"), accessor="case_reference"),
        Column("detail", label=_("Detail")),
        AccessLogCell("ip_address", _("IP address")),
    ]
    list_export = ["at", "username", "get_action_display", "case_reference", "detail", "ip_address"]
    export_headings = {
        "at": _("When"),
        "username": _("User"),
        "get_action_display": _("Action"),
        "case_reference": _("Case"),
        "detail": _("Detail"),
        "ip_address": _("IP address"),
    }


access_log = AccessLogViewSet()
