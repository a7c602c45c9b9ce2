"""Working-day deadlines: weekends, Thai public holidays, office closures."""

import datetime

import pytest

from services.cases.models import OfficeClosure
from services.cases.sla import WorkingCalendar


def test_weekend_skipped():
    calendar = WorkingCalendar(closures=set())
    friday = datetime.date(2026, 11, 20)
    assert calendar.add_working_days(friday, 1) == datetime.date(2026, 11, 23)
    assert calendar.add_working_days(friday, 5) == datetime.date(2026, 11, 27)


def test_thai_public_holidays_skipped():
    calendar = WorkingCalendar(closures=set())
    # Songkran 13–15 April 2026 (Mon–Wed): a 1-day promise made on Friday 10 April lands on Thursday.
    assert calendar.add_working_days(datetime.date(2026, 4, 10), 1) == datetime.date(2026, 4, 16)
    # Father's Day 5 Dec 2026 is a Saturday: the substitution holiday Monday 7 Dec is skipped too.
    assert calendar.add_working_days(datetime.date(2026, 12, 4), 1) == datetime.date(2026, 12, 8)


@pytest.mark.django_db
def test_office_closures_skipped(site):
    OfficeClosure.objects.create(site=site, date=datetime.date(2026, 11, 23), reason="งานประเพณีท้องถิ่น")
    calendar = WorkingCalendar(site)
    assert calendar.add_working_days(datetime.date(2026, 11, 20), 1) == datetime.date(2026, 11, 24)


def test_zero_days_means_the_same_day():
    assert WorkingCalendar(closures=set()).add_working_days(datetime.date(2026, 11, 20), 0) == datetime.date(
        2026, 11, 20
    )


def test_working_days_between():
    calendar = WorkingCalendar(closures=set())
    assert calendar.working_days_between(datetime.date(2026, 11, 20), datetime.date(2026, 11, 27)) == 5
    assert calendar.working_days_between(datetime.date(2026, 11, 27), datetime.date(2026, 11, 20)) == 0
