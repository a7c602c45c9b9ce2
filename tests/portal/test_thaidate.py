import datetime
import zoneinfo

from django.utils import translation

from portal.templatetags.portal_tags import thaidate


def test_thai_dates_are_in_the_buddhist_era():
    with translation.override("th"):
        assert thaidate(datetime.date(2026, 11, 21)) == "21 พ.ย. 2569"
        assert thaidate(datetime.date(2026, 11, 21), "long") == "21 พฤศจิกายน 2569"


def test_english_dates_are_in_the_common_era():
    with translation.override("en"):
        assert thaidate(datetime.date(2026, 11, 21)) == "21 Nov 2026"
        assert thaidate(datetime.date(2026, 11, 21), "long") == "21 November 2026"


def test_datetimes_are_shown_in_bangkok_time():
    # 20:30 UTC on 31 Dec is already 1 Jan in Bangkok: the year changes too.
    moment = datetime.datetime(2026, 12, 31, 20, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    with translation.override("th"):
        assert thaidate(moment) == "1 ม.ค. 2570"
        assert thaidate(moment, "datetime") == "1 ม.ค. 2570 03:30 น."


def test_empty_values_show_nothing():
    assert thaidate(None) == ""
    assert thaidate("") == ""
