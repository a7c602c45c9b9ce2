"""Wagtail admin wiring of the performance reporting: the staff dashboard panels on the admin
home, and the monthly reports listing with downloads and usage statistics."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from services.cases.models import OPEN_STATUSES, Case, CaseStatus
from services.reporting.models import MonthlyReport, PageViewCount


def _scope_key(user):
    """Figures depend only on which departments a user sees, so officers of one department
    share one cached copy."""
    from services.cases.admin_views import sees_all

    if sees_all(user):
        return "all"
    return "d" + "-".join(str(pk) for pk in sorted(user.departments.values_list("pk", flat=True)))


def staff_figures(user, today=None):
    from django.core.cache import cache

    from services.reporting import stats

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
    from services.cases.admin_views import can_use_queue

    if can_use_queue(request):
        panels.append(CaseSummaryPanel(request))
        panels.append(DepartmentFiguresPanel(request))


# --- monthly reports and usage statistics -----------------------------------------------------


def can_see_reports(user):
    return user.is_active and (user.is_superuser or user.has_perm("reporting.view_monthlyreport"))


class BuildReportForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("The month to build or rebuild, e.g. 2026-10."),
    )


def reports(request):
    if not can_see_reports(request.user):
        raise PermissionDenied
    form = BuildReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django.db import transaction
        from django_q.tasks import async_task

        month = form.cleaned_data["month"].replace(day=1)
        site_id = _site_id(request)
        transaction.on_commit(
            lambda: async_task("services.reporting.tasks.build_monthly_report", site_id, month.isoformat())
        )
        messages.success(request, _("The report is being built. Refresh this page in a minute."))
        return redirect("dashboard_reports")
    usage_months = sorted({v.month for v in PageViewCount.objects.all()}, reverse=True)[:6]
    usage = list(PageViewCount.objects.filter(month__in=usage_months).order_by("-month", "-views"))
    return render(
        request,
        "services/dashboard/admin_reports.html",
        {
            "reports": MonthlyReport.objects.all()[:36],
            "form": form,
            "usage": usage,
            "usage_totals": _usage_totals(usage),
        },
    )


def _usage_totals(rows):
    totals = {}
    for row in rows:
        totals[row.month] = totals.get(row.month, 0) + row.views
    return sorted(totals.items(), reverse=True)


def _site_id(request):
    from wagtail.models import Site

    site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
    return site.pk


def report_file(request, pk, kind):
    if not can_see_reports(request.user):
        raise PermissionDenied
    report = get_object_or_404(MonthlyReport, pk=pk)
    field = {"pdf": report.pdf, "csv": report.csv}.get(kind)
    if not field:
        raise Http404
    content_type = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
    name = f"report-{report.month:%Y-%m}.{kind}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=content_type)


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_reports(request.user)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/", reports, name="dashboard_reports"),
        path("reports/<int:pk>/<str:kind>/", report_file, name="dashboard_report_file"),
    ]


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(
        _("Reports"), reverse("dashboard_reports"), name="monthly-reports", icon_name="doc-full", order=160
    )


@hooks.register("register_permissions")
def register_report_permissions():
    """Offer "see the monthly reports" on the admin's group editor, so an office can give
    executives the reports without making them superusers."""
    return Permission.objects.filter(content_type__app_label="reporting", codename="view_monthlyreport")
