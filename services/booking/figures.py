"""The queue's figures in the monthly report (services.reporting.monthly's `monthly_report_sections`
hook): per service, the month's bookings, visits served, bookings not turned up and that share,
and walk-in tickets. Cancelled bookings are not counted: the place went back to the queue."""

from django.db.models import Count, Q

from services.booking.models import Booking, BookingStatus
from services.reporting import stats
from services.reporting.monthly import Section

TITLE = "การจองคิวรับบริการ ณ สำนักงาน"
HEADER = ["บริการ", "จองออนไลน์", "บัตรคิวหน้าเคาน์เตอร์", "รับบริการแล้ว", "ไม่มาตามนัด", "สัดส่วนไม่มาตามนัด (%)"]
WIDTHS = (60, 22, 26, 22, 22, 28)


def no_show_share(no_show, online):
    return round(100 * no_show / online, 1) if online else None


def monthly_section(site, month):
    """One Section for `site`'s `month` (its first day)."""
    online = Q(kind=Booking.Kind.ONLINE)
    rows = (
        Booking.objects.filter(site=site, date__gte=month, date__lt=stats.add_months(month, 1))
        .exclude(status=BookingStatus.CANCELLED)
        .values("service_title")
        .annotate(
            online=Count("pk", filter=online),
            walk_in=Count("pk", filter=Q(kind=Booking.Kind.WALK_IN)),
            served=Count("pk", filter=Q(status=BookingStatus.SERVED)),
            no_show=Count("pk", filter=online & Q(status=BookingStatus.NO_SHOW)),
        )
        .order_by("service_title")
    )
    table = [
        [
            row["service_title"] or "ไม่ระบุบริการ",
            row["online"],
            row["walk_in"],
            row["served"],
            row["no_show"],
            no_show_share(row["no_show"], row["online"]),
        ]
        for row in rows
    ]
    if table:
        totals = [sum(row[i] for row in table) for i in range(1, 5)]
        table.append(["รวม", *totals, no_show_share(totals[3], totals[0])])
    return [Section(title=TITLE, header=HEADER, rows=table, widths=WIDTHS)]
