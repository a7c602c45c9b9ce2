"""Wagtail admin wiring of the performance reporting: the staff dashboard panels on the admin
home, the monthly reports (a ModelViewSet) with their downloads, the form that builds a month
and the usage statistics, and "Province figures" for province viewers.

Everything here is scoped by office: staff read the figures, reports and page views of the
offices they work for; a province viewer reads those of the offices of their province (and
nothing else: no case, no person, no edit); a platform administrator reads every office's.
Another office's report is a 404."""

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
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets import HeaderButton
from wagtail.models import Site

from portal.admin_listings import ViewOnlyViewSet, view_only
from portal.models import Office
from portal.offices import (
    current_office,
    is_platform_admin,
    office_ids,
    office_label,
    offices_for,
    scope,
    viewed_provinces,
    works_for_several,
)
from portal.templatetags.portal_tags import thaidate
from services.agencies import figures as agency_figures
from services.cases.admin_views import can_use_queue, sees_all
from services.cases.models import OPEN_STATUSES, Case, CaseStatus
from services.feedback import figures as feedback_figures
from services.reporting import delays, fixes, monthly, officers, stats
from services.reporting import province as province_figures
from services.reporting.models import MonthlyReport, PageViewCount
from services.reporting.views import DASHBOARD_SECTIONS_HOOK, PeriodForm, month_label, province_table


def _scope_key(user):
    """Figures depend only on which offices and departments a user sees, so officers of one
    department share one cached copy (and an office's copy is never another office's)."""
    offices = office_ids(user)
    office_part = "o*" if offices is None else "o" + "-".join(str(pk) for pk in sorted(offices))
    if sees_all(user):
        return f"{office_part}:all"
    return f"{office_part}:d" + "-".join(str(pk) for pk in sorted(user.departments.values_list("pk", flat=True)))


def staff_figures(user, today=None):
    today = today or timezone.localdate()
    key = stats._key(f"staff-{_scope_key(user)}", today)
    figures = cache.get(key)
    if figures is None:
        figures = stats.compute(scope(Case.objects.visible_to(user), user), today)
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
        cases = scope(Case.objects.visible_to(self.request.user), self.request.user)
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
# without making them superusers) sees their offices' reports and files, and may build a month
# for them; a province viewer reads (never builds) the reports of their province's offices.
def can_build_reports(user):
    return user.has_perm("reporting.view_monthlyreport")


def can_read_province_figures(user):
    return is_platform_admin(user) or bool(viewed_provinces(user))


report_policy = view_only(MonthlyReport, lambda user: can_build_reports(user) or can_read_province_figures(user))


def can_see_reports(user):
    return report_policy.user_has_permission(user, "view")


def report_office_ids(user):
    """Offices whose reports and page views `user` reads: with "Can view monthly report" the
    offices they work for, plus the offices of the provinces they view; None = every office."""
    if is_platform_admin(user):
        return None
    ids = set(office_ids(user) or ()) if can_build_reports(user) else set()
    provinces = viewed_provinces(user)
    if provinces:
        ids.update(Office.objects.filter(province__in=provinces).values_list("site_id", flat=True))
    return frozenset(ids)


def scope_reports(queryset, user, field="site"):
    ids = report_office_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


FIRST_REPORT_MONTH = datetime.date(2000, 1, 1)


class BuildReportForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Site.objects.none(),
        empty_label=None,
        required=False,
        help_text=_("The office whose report to build."),
    )
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("The month to build or rebuild, e.g. 2026-10."),
    )

    def __init__(self, *args, user=None, here=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for(user) if user is not None else Site.objects.none()
        self.fields["office"].label_from_instance = office_label
        self.here = here
        if here is not None:
            self.initial.setdefault("office", here.pk)

    def clean_office(self):
        """Left out (a form posted by a script): the office of the admin's host name, if the
        user works for it."""
        office = self.cleaned_data.get("office")
        if office is None and self.here is not None:
            office = self.fields["office"].queryset.filter(pk=self.here.pk).first()
        if office is None:
            raise forms.ValidationError(_("Choose one of your offices."), code="required")
        return office

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

    def get_base_queryset(self):
        return scope_reports(super().get_base_queryset(), self.request.user).select_related("site")

    @cached_property
    def header_buttons(self):
        buttons = []
        if can_build_reports(self.request.user):
            buttons.append(HeaderButton(_("Build a report"), url=reverse("reports:build"), icon_name="plus"))
        buttons.append(HeaderButton(_("Usage statistics"), url=reverse("reports:statistics"), icon_name="view"))
        return buttons


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
        Column("site", label=_("Office"), accessor=lambda report: office_label(report.site)),
        Column("files", label=_("Files"), accessor=_files),
        Column("created_at", label=_("Built"), accessor=lambda report: thaidate(report.created_at, "datetime")),
    ]
    list_export = ["site", "month", "created_at", "note"]

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
    """Build (or rebuild) one month of one of the user's offices now, in the background, instead
    of waiting for the schedule. Province viewers read reports; they do not build them."""
    if not can_build_reports(request.user):
        raise PermissionDenied
    form = BuildReportForm(request.POST or None, user=request.user, here=current_office(request))
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"].replace(day=1)
        site_id = form.cleaned_data["office"].pk
        transaction.on_commit(
            lambda: async_task("services.reporting.tasks.build_monthly_report", site_id, month.isoformat())
        )
        messages.success(request, _("The report is being built. Refresh this page in a minute."))
        return redirect("reports:index")
    return TemplateResponse(request, "services/dashboard/admin_report_build.html", {"form": form})


@_refuse_unless_permitted
def usage_statistics(request):
    """Page views per section and month (the last six months counted) of the offices the user
    reads reports of, each office's on its own."""
    counts = scope_reports(PageViewCount.objects.all(), request.user)
    usage_months = list(counts.order_by("-month").values_list("month", flat=True).distinct()[:6])
    usage = list(
        counts.filter(month__in=usage_months).select_related("site").order_by("site__site_name", "-month", "-views")
    )
    offices = {}
    for row in usage:
        offices.setdefault(row.site_id, {"label": office_label(row.site), "rows": []})["rows"].append(row)
    return TemplateResponse(
        request,
        "reporting/admin_usage.html",
        {
            "offices": [
                {**office, "totals": _usage_totals(office["rows"])}
                for office in sorted(offices.values(), key=lambda o: o["label"])
            ],
            "several": works_for_several(request.user) or len(offices) > 1,
        },
    )


def _usage_totals(rows):
    totals = {}
    for row in rows:
        totals[row.month] = totals.get(row.month, 0) + row.views
    return sorted(totals.items(), reverse=True)


@_refuse_unless_permitted
def report_file(request, pk, kind):
    report = get_object_or_404(scope_reports(MonthlyReport.objects.all(), request.user), pk=pk)
    field = {"pdf": report.pdf, "csv": report.csv}.get(kind)
    if not field:
        raise Http404
    content_type = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
    name = f"report-{report.month:%Y-%m}.{kind}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@hooks.register("register_admin_viewset")
def register_report_viewset():
    return MonthlyReportViewSet("reports")


# --- province figures (province viewers and platform administrators) -------------------------

REPORT_MONTHS_SHOWN = 3


def readable_provinces(user):
    """The provinces whose figures `user` may read here, in order: every province with offices
    for a platform administrator, the provinces they view for a province viewer."""
    if is_platform_admin(user):
        return [name for name, _offices in province_figures.provinces()]
    return sorted(viewed_provinces(user))


def province_figures_view(request):
    """The province dashboard's table, and each office's latest monthly reports, read-only."""
    if not can_read_province_figures(request.user):
        raise PermissionDenied
    provinces = readable_provinces(request.user)
    province = request.GET.get("province") or (provinces[0] if provinces else "")
    if province and province not in provinces:
        raise Http404
    form = PeriodForm(request.GET if "months" in request.GET else None)
    months = form.months_or_default()
    context = {"provinces": provinces, "province": province, "form": form, "figures": None}
    figures = province_figures.figures(province, months) if province else None
    if figures is not None:
        ids = [row["site_id"] for row in figures["offices"]]
        names = {row["site_id"]: row["office"] for row in figures["offices"]}
        cutoff = stats.add_months(stats.month_start(timezone.localdate()), -REPORT_MONTHS_SHOWN)
        reports = list(
            MonthlyReport.objects.filter(site_id__in=ids, month__gte=cutoff)
            .only("pk", "site_id", "month", "pdf", "csv")
            .order_by("-month")
        )
        for report in reports:
            report.office = names[report.site_id]
        reports.sort(key=lambda r: (r.office.casefold(), -r.month.toordinal()))
        context.update(province_table(request, figures, keep={"province": province}), reports=reports)
    return TemplateResponse(request, "reporting/admin_province.html", context)


class ProvinceFiguresMenuItem(MenuItem):
    def is_shown(self, request):
        return can_read_province_figures(request.user)


@hooks.register("register_admin_urls")
def register_province_figures_url():
    return [path("province-figures/", province_figures_view, name="province_figures")]


@hooks.register("register_admin_menu_item")
def register_province_figures_menu_item():
    return ProvinceFiguresMenuItem(
        _("Province figures"), reverse("province_figures"), name="province-figures", icon_name="table", order=165
    )


# Requests past their published time, listed in the monthly report (issue 20).
hooks.register(monthly.SECTIONS_HOOK, delays.delayed_cases_section)

# Fixes confirmed, disputed and flagged, and referrals to outside agencies, per department
# (issue 21), on the public dashboard and in the monthly report.
hooks.register(DASHBOARD_SECTIONS_HOOK, fixes.dashboard_sections)
hooks.register(monthly.SECTIONS_HOOK, fixes.monthly_sections)


# Cases passed to outside agencies, per agency, with the agency's own time (issue 21 §3): the
# agencies room computes them; reporting, above it, shows them.
def agency_dashboard_sections(site):
    return [monthly.Section(*agency_figures.dashboard_table(site))]


def agency_monthly_sections(site, month):
    return [monthly.Section(*agency_figures.monthly_table(site, month))]


hooks.register(DASHBOARD_SECTIONS_HOOK, agency_dashboard_sections)
hooks.register(monthly.SECTIONS_HOOK, agency_monthly_sections)


class OfficersMenuItem(MenuItem):
    def is_shown(self, request):
        return officers.can_read(request.user)


@hooks.register("register_admin_urls")
def register_officers_url():
    return [path("reports/officers/", officers.officers_view, name="officer_figures")]


@hooks.register("register_reports_menu_item")
def register_officers_menu_item():
    return OfficersMenuItem(
        _("Officers' figures"), reverse("officer_figures"), name="officer-figures", icon_name="user", order=900
    )


# Satisfaction, users against the office's target, the channel mix per month and per community,
# and volunteers' requests (issue 22 §5): the feedback room computes them; reporting shows them.
def _month_label(month):
    return month_label(month.strftime("%Y-%m"))


def feedback_dashboard_sections(site):
    return [monthly.Section(*table) for table in feedback_figures.dashboard_tables(site, _month_label)]


def feedback_monthly_sections(site, month):
    return [monthly.Section(*table) for table in feedback_figures.monthly_tables(site, month, _month_label)]


hooks.register(DASHBOARD_SECTIONS_HOOK, feedback_dashboard_sections)
hooks.register(monthly.SECTIONS_HOOK, feedback_monthly_sections)
