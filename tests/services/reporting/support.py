"""A fixed set of cases with known dates, due dates and ratings, whose figures are worked out by
hand in the tests (see the comments next to each case). Written with tests.factories.CaseFactory,
which dates a case as told (the workflow stamps the time it runs)."""

import datetime
import zoneinfo

from services.cases.models import CaseStatus
from tests.factories import CaseFactory, SubmissionFactory

BKK = zoneinfo.ZoneInfo("Asia/Bangkok")
TODAY = datetime.date(2026, 11, 21)


def at(y, m, d, hh=10, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=BKK)


def make_case(world, n, *, service=True, submitted, status, resolved=None, due=None, rating=None, title=None):
    submission = SubmissionFactory(
        form_page=world["form"] if service else None,
        form_title=title or "แจ้งซ่อมไฟฟ้าสาธารณะ",
        form_snapshot={},
        answers={"details": "ไฟดับ", "phone": "0812345678"},
        location_text="",
        submitted_at=submitted,
    )
    return CaseFactory(
        site=world["site"],
        reference=f"BSR-69-TEST{n}-X",
        submission=submission,
        service=world["service"] if service else None,
        service_title=title or world["service"].title,
        service_title_en="" if title else "Broken streetlight",
        department=world["works"] if service else world["health"],
        status=status,
        submitted_at=submitted,
        resolved_at=resolved,
        closed_at=resolved if status == CaseStatus.CLOSED else None,
        due_date=due,
        rating=rating,
        latitude="18.788345",
        longitude="98.985123",
        location_text="หน้าบ้านเลขที่ 12 ซอย 3",
    )


def fixed_cases(world):
    """Today is 21 Nov 2026: the window is Dec 2025 – Nov 2026."""
    S = CaseStatus
    D = datetime.date
    return [
        # 1: Oct, resolved 3 Oct 00:30 Bangkok (2 Oct in UTC): 2 days, on time, rated 5
        make_case(
            world,
            1,
            submitted=at(2026, 10, 1),
            status=S.RESOLVED,
            resolved=at(2026, 10, 3, 0, 30),
            due=D(2026, 10, 6),
            rating=5,
        ),
        # 2: Oct, 10 days, late, rated 3, since closed
        make_case(
            world,
            2,
            submitted=at(2026, 10, 5),
            status=S.CLOSED,
            resolved=at(2026, 10, 15),
            due=D(2026, 10, 8),
            rating=3,
        ),
        # 3: Nov, 4 days, late (resolved the day after its due date), not rated
        make_case(world, 3, submitted=at(2026, 11, 2), status=S.RESOLVED, resolved=at(2026, 11, 6), due=D(2026, 11, 5)),
        # 4: Nov, still open: backlog
        make_case(world, 4, submitted=at(2026, 11, 10), status=S.IN_PROGRESS, due=D(2026, 11, 13)),
        # 5: Nov, rejected: received, never resolved
        make_case(world, 5, submitted=at(2026, 11, 12), status=S.REJECTED, due=D(2026, 11, 17)),
        # 6: submitted Nov 2025 (before the window), resolved Dec 2025 (in it): 12 days, late, rated 4
        make_case(
            world,
            6,
            submitted=at(2025, 11, 20),
            status=S.RESOLVED,
            resolved=at(2025, 12, 2),
            due=D(2025, 12, 1),
            rating=4,
        ),
        # 7: a request with no service page, health dept: Nov, 1 day, on time, rated 4
        make_case(
            world,
            7,
            service=False,
            title="คำร้องทั่วไป",
            submitted=at(2026, 11, 3),
            status=S.RESOLVED,
            resolved=at(2026, 11, 4),
            due=D(2026, 11, 20),
            rating=4,
        ),
        # 8: old but still waiting for the resident: backlog only
        make_case(world, 8, submitted=at(2025, 6, 1), status=S.WAITING, due=D(2025, 6, 20)),
        # 9: entirely before the window: counts nowhere
        make_case(
            world, 9, submitted=at(2025, 1, 1), status=S.RESOLVED, resolved=at(2025, 2, 1), due=D(2025, 1, 2), rating=1
        ),
    ]
