"""The province dashboard with 200 offices (issue 17 item 7): the same three queries as with
two, and the time it takes (printed; run with -s to read it). Offices share one page tree here:
the figures only read each office's Site and Office rows and cases."""

import datetime
import time
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from forms_builder.models import Submission
from portal.models import Office
from services.cases.models import Case, CaseStatus
from services.reporting import province as province_figures

pytestmark = pytest.mark.django_db
OFFICES = 200
CASES_PER_OFFICE = 60
PROVINCE = "นครราชสีมา"


def build(home_th, count, per_office, province, prefix):
    sites = Site.objects.bulk_create(
        Site(hostname=f"{prefix}{i}.localhost", port=80, root_page=home_th, site_name=f"อบต.ทดสอบ {i:03d}")
        for i in range(count)
    )
    Office.objects.bulk_create(Office(site=site, province=province) for site in sites)
    now = timezone.now()
    submissions, cases = [], []
    for s, site in enumerate(sites):
        for i in range(per_office):
            submitted = now - datetime.timedelta(days=5 + (i * 7 + s) % 300)
            resolved = submitted + datetime.timedelta(days=(i + s) % 20) if i % 4 else None
            submission = Submission(
                form_title="แจ้งซ่อมไฟฟ้าสาธารณะ",
                form_snapshot={},
                answers={},
                wizard_token=uuid.uuid4().hex,
                submitted_at=submitted,
            )
            submissions.append(submission)
            cases.append(
                Case(
                    site=site,
                    reference=f"{prefix}{s:03d}-{i:04d}",
                    submission=submission,
                    service_title="แจ้งซ่อมไฟฟ้าสาธารณะ",
                    status=CaseStatus.RESOLVED if resolved else CaseStatus.IN_PROGRESS,
                    submitted_at=submitted,
                    resolved_at=resolved,
                    due_date=(submitted + datetime.timedelta(days=10)).date(),
                    rating=(i % 5) + 1 if resolved else None,
                )
            )
    Submission.objects.bulk_create(submissions, batch_size=2000)
    Case.objects.bulk_create(cases, batch_size=2000)
    return sites


def test_province_figures_of_200_offices_take_three_queries(home_th):
    build(home_th, 2, CASES_PER_OFFICE, "ลำพูน", "T")
    with CaptureQueriesContext(connection) as two:
        assert len(province_figures.compute("ลำพูน")["offices"]) == 2
    build(home_th, OFFICES, CASES_PER_OFFICE, PROVINCE, "S")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as many:
        figures = province_figures.compute(PROVINCE)
    elapsed = time.perf_counter() - started
    assert len(figures["offices"]) == OFFICES
    assert len(many) == len(two) == 3
    assert all(row["enough_data"] and row["median_days"] is not None for row in figures["offices"])
    print(f"\nprovince figures: {OFFICES} offices, {OFFICES * CASES_PER_OFFICE} cases: {elapsed:.3f} s")  # noqa: T201 - the measurement, read with -s
    # Generous for a shared CI machine; a few hundred ms on a laptop.
    assert elapsed < 5
