"""Scheduled summaries: the weekly department digest and the monthly figures for executives.
Counts only — the executives' PDF report is the dashboard's (issue 8). Each is keyed by period
and recipient, so a job that runs twice sends nothing new."""

import datetime

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site

from services.cases.models import OPEN_STATUSES, Case, CaseStatus
from services.models.departments import Department
from services.notifications.events import base_url, office_name, staff_addresses
from services.notifications.models import NotificationSettings, NotifyChannel, NotifyEvent
from services.notifications.outbox import record


def _window(start, end):
    """Aware datetimes for [start, end) local dates."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(end, datetime.time(), tzinfo=tz),
    )


def weekly_digest(today=None):
    """For each department with an address: last week's (Monday–Sunday) new and resolved
    requests, what is open and what is overdue now."""
    today = today or timezone.localdate()
    week_start = today - datetime.timedelta(days=today.weekday() + 7)
    start, end = _window(week_start, week_start + datetime.timedelta(days=7))
    iso_year, iso_week, _day = week_start.isocalendar()
    period = f"{iso_week}/{iso_year + 543}"
    counts = Case.objects.values("department").annotate(
        new=Count("id", filter=Q(submitted_at__gte=start, submitted_at__lt=end)),
        resolved=Count("id", filter=Q(resolved_at__gte=start, resolved_at__lt=end)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today) & ~Q(status=CaseStatus.WAITING)),
    )
    by_department = {row["department"]: row for row in counts}
    total = 0
    with translation.override("th"):
        for department in Department.objects.select_related("site"):
            row = by_department.get(department.pk, {"new": 0, "resolved": 0, "open": 0, "overdue": 0})
            values = {
                "department": department.name,
                "period": period,
                **{key: row[key] for key in ("new", "resolved", "open", "overdue")},
                "admin_url": base_url(department.site) + reverse("case_queue"),
                "office": office_name(department.site),
            }
            for channel, recipient in staff_addresses(department, department.site):
                total += bool(
                    record(
                        event=NotifyEvent.DIGEST,
                        channel=channel,
                        recipient=recipient,
                        language="th",
                        values=values,
                        key=f"digest:{department.pk}:{week_start}:{channel}:{recipient}",
                        department=department,
                    )
                )
    return total


def monthly_report(today=None):
    """Last calendar month's figures to each site's executives (notification settings)."""
    today = today or timezone.localdate()
    first_this = today.replace(day=1)
    first_last = (first_this - datetime.timedelta(days=1)).replace(day=1)
    start, end = _window(first_last, first_this)
    period = f"{first_last.month:02d}/{first_last.year + 543}"
    total = 0
    for site in Site.objects.all():
        recipients = NotificationSettings.for_site(site).executive_list()
        if not recipients:
            continue
        cases = Case.objects.filter(site=site)
        figures = cases.aggregate(
            received=Count("id", filter=Q(submitted_at__gte=start, submitted_at__lt=end)),
            resolved=Count("id", filter=Q(resolved_at__gte=start, resolved_at__lt=end)),
            ratings=Count("id", filter=Q(rated_at__gte=start, rated_at__lt=end)),
            average=Avg("rating", filter=Q(rated_at__gte=start, rated_at__lt=end)),
        )
        # Open when the month ended: filed before its end and neither resolved nor closed by then
        # (rejections carry no date, so a case rejected since is counted by its current status).
        open_cases = (
            cases.filter(submitted_at__lt=end)
            .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
            .exclude(status=CaseStatus.REJECTED)
        )
        values = {
            "period": period,
            "received": figures["received"],
            "resolved": figures["resolved"],
            "open": open_cases.count(),
            "overdue": open_cases.filter(due_date__lt=first_this).exclude(status=CaseStatus.WAITING).count(),
            "average_rating": f"{figures['average']:.1f}" if figures["average"] is not None else "-",
            "ratings": figures["ratings"],
            "office": office_name(site),
        }
        for recipient in recipients:
            total += bool(
                record(
                    event=NotifyEvent.MONTHLY,
                    channel=NotifyChannel.EMAIL,
                    recipient=recipient,
                    language="th",
                    values=values,
                    key=f"monthly:{site.pk}:{first_last}:{recipient}",
                    site=site,
                )
            )
    return total
