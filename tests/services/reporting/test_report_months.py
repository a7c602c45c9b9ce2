"""Building a monthly report from the admin (issue 16): a month the figures cannot cover (year 1,
year 9999, before the portal existed, the future) is refused next to the box, in the page's
language, instead of being queued for a task that cannot compute it."""

import pytest
from django.contrib.auth import get_user_model

from services.reporting.models import MonthlyReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, site, settings):
    settings.OTP_REQUIRED = False  # two-step sign-in is tested on its own
    client.force_login(get_user_model().objects.create_superuser("boss", password="portal-demo-2569"))
    return client


def test_months_out_of_range_are_refused_next_to_the_box(admin_client, django_capture_on_commit_callbacks):
    for month in ("9999-12", "0001-01", "1999-12", "2999-01"):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            response = admin_client.post("/admin/reports/build/", {"month": month}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, month
        assert "Choose a month from January 2000 to this month." in response.content.decode(), month
        assert not queued
    for month in ("2569-02-31", "0000-00", "9999-99", "\x00"):
        response = admin_client.post("/admin/reports/build/", {"month": month}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and "Enter a valid date" in response.content.decode(), month
    thai = admin_client.post("/admin/reports/build/", {"month": "9999-12"}, HTTP_ACCEPT_LANGUAGE="th")
    assert "เลือกเดือนตั้งแต่มกราคม 2543 ถึงเดือนปัจจุบัน" in thai.content.decode()
    assert not MonthlyReport.objects.exists()
