"""Several offices in two provinces, each with cases whose figures differ, for the reporting
tests of issue 17: the default office (the municipality, province เชียงใหม่), a second office in
the same province and one in ลำพูน. Built with tests.factories (OfficeFactory, CaseFactory)."""

import datetime

from django.utils import timezone

from portal.models import Office
from services.cases.models import CaseStatus
from tests.factories import CaseFactory, OfficeFactory

PROVINCE = "เชียงใหม่"
OTHER_PROVINCE = "ลำพูน"


def days_ago(n, hour=10):
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=n), datetime.time(hour))
    )


def resolved_cases(site, count, *, took_days, rating=None, start=40, due_in=15):
    """`count` cases resolved `took_days` after submission, within the last months."""
    cases = []
    for i in range(count):
        submitted = days_ago(start + i)
        cases.append(
            CaseFactory(
                site=site,
                status=CaseStatus.RESOLVED,
                submitted_at=submitted,
                resolved_at=submitted + datetime.timedelta(days=took_days),
                due_date=(submitted + datetime.timedelta(days=due_in)).date(),
                rating=rating,
                timeline=False,
            )
        )
    return cases


def open_cases(site, count):
    return [
        CaseFactory(site=site, status=CaseStatus.IN_PROGRESS, submitted_at=days_ago(3 + i), timeline=False)
        for i in range(count)
    ]


def offices_world(site):
    """The default office (A) and two more: B in the same province, C in another.

    A: 12 resolved in 2 days (rated 5), 1 open; B: 11 resolved in 20 days (late, rated 2), 4 open;
    C: 3 resolved in 1 day (not enough data), 2 open."""
    Office.objects.filter(site=site).update(province=PROVINCE)
    office_b = OfficeFactory(name="อบต.หนองบัว", hostname="nongbua.localhost", province=PROVINCE, reference_prefix="NBA")
    office_c = OfficeFactory(
        name="อบต.ลำพูนทดสอบ", hostname="lamphun.localhost", province=OTHER_PROVINCE, reference_prefix="LPN"
    )
    a_cases = resolved_cases(site, 12, took_days=2, rating=5) + open_cases(site, 1)
    b_cases = resolved_cases(office_b.site, 11, took_days=20, rating=2) + open_cases(office_b.site, 4)
    c_cases = resolved_cases(office_c.site, 3, took_days=1, rating=4) + open_cases(office_c.site, 2)
    return {
        "a": site,
        "b": office_b.site,
        "c": office_c.site,
        "office_b": office_b,
        "office_c": office_c,
        "a_cases": a_cases,
        "b_cases": b_cases,
        "c_cases": c_cases,
    }
