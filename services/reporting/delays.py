"""The monthly report's list of requests past their published time (Licensing Facilitation Act
B.E. 2558): every case of the office that got a delay notice during the month, with how late it
was and how many notices went out. Registered on the report's `monthly_report_sections` hook."""

from django.db.models import Count, Max

from portal.templatetags.portal_tags import thaidate
from services.cases.models import DelayNotice
from services.reporting import stats
from services.reporting.monthly import Section, month_end


def delayed_cases_section(site, month):
    start, end = stats.month_start(month), month_end(month)
    rows = (
        DelayNotice.objects.filter(case__site=site, sent_on__gte=start, sent_on__lte=end)
        .values("case__reference", "case__service_title", "case__due_date", "case__status")
        .annotate(notices=Count("pk"), days_over=Max("days_over"))
        .order_by("-days_over", "case__reference")
    )
    return [
        Section(
            title="เรื่องที่เกินระยะเวลาที่ประกาศ (พ.ร.บ. การอำนวยความสะดวกฯ พ.ศ. 2558)",
            header=["เลขที่คำร้อง", "เรื่อง", "ครบกำหนด", "เกิน (วัน)", "แจ้งผู้ขอ (ครั้ง)"],
            rows=[
                [
                    row["case__reference"],
                    row["case__service_title"],
                    thaidate(row["case__due_date"], "long"),
                    row["days_over"],
                    row["notices"],
                ]
                for row in rows
            ],
            widths=(38, 70, 30, 22, 30),
        )
    ]
