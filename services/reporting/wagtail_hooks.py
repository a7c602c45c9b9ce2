"""Wagtail admin wiring of the performance reporting: the staff dashboard panels on the admin
home, and the monthly reports (a ModelViewSet) with their downloads, the form that builds a
month and the usage statistics."""

import datetime
import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_q.tasks import async_task
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets import HeaderButton
from wagtail.models import Site

from portal.admin_listings import ViewOnlyViewSet, view_only
from portal.templatetags.portal_tags import thaidate
from services.cases.admin_views import can_use_queue, sees_all
from services.cases.models import OPEN_STATUSES, Case, CaseStatus
from services.reporting import stats
from services.reporting.models import MonthlyReport, PageViewCount


def _scope_key(user):
    """Figures depend only on which departments a user sees, so officers of one department
    share one cached copy."""
    if sees_all(user):
        return "all"
    return "d" + "-".join(str(pk) for pk in sorted(user.departments.values_list("pk", flat=True)))


def staff_figures(user, today=None):
    today = today or timezone.localdate()
    key = stats._key(f"staff-{_scope_key(user)}", today)
    figures = cache.get(key)
    if figures is None:
        figures = stats.compute(Case.objects.visible_to(user), today)
        cache.set(key, figures, stats.CACHE_TTL)
    return figures


class CaseSummaryPanel(Component):
    """My departments' queue at a glance: open, overdue, due today, and the latest requests."""

    order = 50
    template_name = "services/dashboard/admin_cases_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        cases = Case.objects.visible_to(self.request.user)
        open_filter = Q(status__in=OPEN_STATUSES)
        counts = cases.aggregate(
            open=Count("pk", filter=open_filter),
            overdue=Count("pk", filter=open_filter & Q(due_date__lt=today) & ~Q(status=CaseStatus.WAITING)),
            due_today=Count("pk", filter=open_filter & Q(due_date=today) & ~Q(status=CaseStatus.WAITING)),
        )
        recent = list(
            cases.select_related("department")
            .only(
                "reference",
                "service_title",
                "service_title_en",
                "status",
                "submitted_at",
                "due_date",
                "department__name",
            )
            .order_by("-submitted_at")[:8]
        )
        return {"counts": counts, "recent": recent, "today": today, "request": self.request}


class DepartmentFiguresPanel(Component):
    """The public dashboard's figures, per department the user may see (last 12 months)."""

    order = 60
    template_name = "services/dashboard/admin_figures_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        figures = staff_figures(self.request.user)
        return {"departments": figures["departments"], "overall": figures["overall"], "request": self.request}


@hooks.register("construct_homepage_panels")
def add_case_panels(request, panels):
    if can_use_queue(request):
        panels.append(CaseSummaryPanel(request))
        panels.append(DepartmentFiguresPanel(request))


# --- monthly reports and usage statistics -----------------------------------------------------


# Reports are built by the scheduled task or the build form, never typed in: whoever has "Can
# view monthly report" (offered on the group editor, so an office can give executives the reports
# without making them superusers) sees them and their files, and may build a month.
report_policy = view_only(MonthlyReport, lambda user: user.has_perm("reporting.view_monthlyreport"))


def can_see_reports(user):
    return report_policy.user_has_permission(user, "view")


FIRST_REPORT_MONTH = datetime.date(2000, 1, 1)


class BuildReportForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("The month to build or rebuild, e.g. 2026-10."),
    )

    def clean_month(self):
        """A month the figures can cover: from January 2000 to this month. A year like 9999 or 1
        would otherwise reach the background task, whose 12-month window cannot be computed."""
        month = self.cleaned_data["month"].replace(day=1)
        if not FIRST_REPORT_MONTH <= month <= timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("Choose a month from January 2000 to this month."), code="out_of_range")
        return month


def _files(report):
    """PDF and CSV links, and why a file is missing (no Thai font on the server)."""
    links = format_html_join(
        " ",
        '<a href="{}">{}</a>',
        (
            (reverse("reports:file", args=[report.pk, kind]), kind.upper())
            for kind in ("pdf", "csv")
            if getattr(report, kind)
        ),
    )
    note = format_html('<p class="help-block help-warning">{}</p>', report.note) if report.note else ""
    return links + note


class ReportIndexView(IndexView):
    template_name = "services/dashboard/admin_reports.html"

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(_("Build a report"), url=reverse("reports:build"), icon_name="plus"),
            HeaderButton(_("Usage statistics"), url=reverse("reports:statistics"), icon_name="view"),
        ]


class MonthlyReportViewSet(ViewOnlyViewSet):
    """The monthly reports for executives: one row per month with its PDF and CSV."""

    model = MonthlyReport
    icon = "doc-full"
    menu_label = _("Reports")
    menu_name = "monthly-reports"
    menu_order = 160
    add_to_admin_menu = True
    index_view_class = ReportIndexView
    list_filter = ["month"]
    list_display = [
        Column("month", label=_("Month"), accessor=lambda report: thaidate(report.month, "long"), sort_key="month"),
        Column("files", label=_("Files"), accessor=_files),
        Column("created_at", label=_("Built"), accessor=lambda report: thaidate(report.created_at, "datetime")),
    ]
    list_export = ["month", "created_at", "note"]

    def get_permissions_to_register(self):
        return Permission.objects.filter(content_type__app_label="reporting", codename="view_monthlyreport")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("build/", build_report, name="build"),
            path("statistics/", usage_statistics, name="statistics"),
            path("<int:pk>/<str:kind>/", report_file, name="file"),
        ]


def _refuse_unless_permitted(view):
    """The reports' own pages (build, usage, files) follow the listing's permission."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not can_see_reports(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@_refuse_unless_permitted
@require_http_methods(["GET", "POST"])
def build_report(request):
    """Build (or rebuild) one month now, in the background, instead of waiting for the schedule."""
    form = BuildReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"].replace(day=1)
        site_id = _site_id(request)
        transaction.on_commit(
            lambda: async_task("services.reporting.tasks.build_monthly_report", site_id, month.isoformat())
        )
        messages.success(request, _("The report is being built. Refresh this page in a minute."))
        return redirect("reports:index")
    return TemplateResponse(request, "services/dashboard/admin_report_build.html", {"form": form})


@_refuse_unless_permitted
def usage_statistics(request):
    """Page views per section and month (the last six months counted)."""
    usage_months = list(PageViewCount.objects.order_by("-month").values_list("month", flat=True).distinct()[:6])
    usage = list(PageViewCount.objects.filter(month__in=usage_months).order_by("-month", "-views"))
    return TemplateResponse(
        request, "services/dashboard/admin_usage.html", {"usage": usage, "usage_totals": _usage_totals(usage)}
    )


def _usage_totals(rows):
    totals = {}
    for row in rows:
        totals[row.month] = totals.get(row.month, 0) + row.views
    return sorted(totals.items(), reverse=True)


def _site_id(request):
    site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
    return site.pk


@_refuse_unless_permitted
def report_file(request, pk, kind):
    report = get_object_or_404(MonthlyReport, pk=pk)
    field = {"pdf": report.pdf, "csv": report.csv}.get(kind)
    if not field:
        raise Http404
    content_type = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
    name = f"report-{report.month:%Y-%m}.{kind}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@hooks.register("register_admin_viewset")
def register_report_viewset():
    return MonthlyReportViewSet("reports")
