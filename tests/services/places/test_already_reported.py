""" "Already reported here" in the demo's streetlight e-form (a public-place service): a resident
who pins a light that is already reported sees that report before the next step, may follow it
instead of filing it again, or carry on with the answers kept. Reports that are private,
merged, finished, of another service or far away are never offered, and nothing of the person
who reported it is shown."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from wagtail.models import Site

from forms_builder.models import FormPage, Submission
from services.cases.intake import find_service
from services.cases.models import Case, CaseStatus
from services.models.guides import ServicePage
from services.places.models import Follower, FollowOrigin
from tests.factories import FiledCaseFactory, SubmissionFactory
from tests.forms_builder.helpers import Filler

pytestmark = pytest.mark.django_db

# A quiet corner of the demo town, away from the demo's own reports; 0.0001° is about 11 m.
LAT, LNG = Decimal("18.701000"), Decimal("98.901000")
NAME, PHONE = "ประภาพร ลับเฉพาะ", "0865550101"


@pytest.fixture
def streetlight(demo):
    site = Site.objects.get(is_default_site=True)
    page = FormPage.objects.descendant_of(site.root_page).get(
        slug="streetlight-repair-form", locale__language_code="th"
    )
    service = find_service(page, site)
    ServicePage.objects.filter(pk=service.pk).update(public_place=True, nearby_radius=50)
    return page


def report_at(page, north_m=0, **fields):
    lat = LAT + Decimal(north_m / 111_320).quantize(Decimal("0.000001"))
    submission = SubmissionFactory(
        form_page=page, latitude=lat, longitude=LNG, contact_name=NAME, phone=PHONE, location_text="เสาไฟหน้าวัด"
    )
    case = FiledCaseFactory(submission=submission, **fields)
    return case


def pin(client, page, lat=LAT, lng=LNG):
    """The first step of the streetlight form with a pin, as a phone without JavaScript posts it."""
    filler = Filler(client, page)
    client.get(page.url)
    light = filler.definition["steps"][0]["name"]
    response = filler.post(
        light, {"problem": "off", "location__text": "ซอยวัด", "location__lat": str(lat), "location__lng": str(lng)}
    )
    return filler, response


def test_a_pinned_light_already_reported_is_shown_before_the_next_step(client, streetlight):
    existing = report_at(streetlight, north_m=12)
    filler, response = pin(client, streetlight)
    page = response.content.decode()
    assert response.status_code == 200
    assert "มีผู้แจ้งเรื่องนี้ไว้แล้วหรือไม่" in page
    assert existing.reference in page
    assert "ห่างจากหมุดของท่านประมาณ 12 ม." in page
    # Never who reported it.
    assert NAME not in page and PHONE not in page and "เสาไฟหน้าวัด" not in page
    # The date in the Buddhist Era, as every Thai page shows it.
    assert str(existing.submitted_at.year + 543) in page


def test_a_different_problem_continues_with_the_answers_kept_and_files_a_new_report(client, streetlight):
    report_at(streetlight)
    filler, response = pin(client, streetlight)
    who = filler.definition["steps"][1]["name"]
    continue_link = f"{urlsplit(streetlight.url).path}?step={who}"
    assert continue_link in response.content.decode()
    following = client.get(continue_link)
    assert f'value="{who}"' in following.content.decode()  # the contact step, not the pin again
    filler.post(who, {"full_name": "สมชาย ต่างเรื่อง", "phone": "0891112222", "consent": "on"})
    assert filler.post("check").status_code == 302
    filed = Submission.objects.get(contact_name="สมชาย ต่างเรื่อง")
    assert filed.latitude == LAT and filed.answers["problem"] == "off"
    assert Case.objects.filter(submission=filed).exists()


def test_this_is_my_problem_too_follows_it_instead_of_filing(client, streetlight):
    existing = report_at(streetlight)
    cases_before = Case.objects.count()
    filler, response = pin(client, streetlight)
    page = response.content.decode()
    assert f"/reports/{existing.reference}/follow/" in page
    done = client.post(
        f"/th/reports/{existing.reference}/follow/",
        {"contact": "neighbour@example.com", "consent": "on", "reported": "True", "back": f"{streetlight.url}?step=x"},
    )
    assert done.status_code == 200
    text = done.content.decode()
    assert f"/th/reports/{existing.reference}/" in text
    assert "2 คนแจ้งเรื่องนี้" in text and "ท่านติดตามเรื่องนี้แล้ว" in text
    assert Case.objects.count() == cases_before
    follower = Follower.objects.get(case=existing)
    assert follower.address == "neighbour@example.com" and follower.origin == FollowOrigin.ALREADY_REPORTED


def test_shown_once_per_pin(client, streetlight):
    report_at(streetlight)
    filler, first = pin(client, streetlight)
    light = filler.definition["steps"][0]["name"]
    again = filler.post(
        light, {"problem": "off", "location__text": "ซอยวัด", "location__lat": str(LAT), "location__lng": str(LNG)}
    )
    assert "/follow/" in first.content.decode() and "/follow/" not in again.content.decode()


@pytest.mark.parametrize(
    "kind", ["private", "merged", "resolved", "far", "service not public", "no pin", "another service"]
)
def test_reports_never_offered(client, streetlight, kind):
    existing = report_at(streetlight, north_m=80 if kind == "far" else 0)
    lat = LAT
    if kind == "private":
        Case.objects.filter(pk=existing.pk).update(private_report=True)
    elif kind == "merged":
        other = report_at(streetlight, north_m=500)
        Case.objects.filter(pk=existing.pk).update(duplicate_of=other)
    elif kind == "resolved":
        existing = report_at(streetlight, status=CaseStatus.RESOLVED)
        Case.objects.exclude(pk=existing.pk).filter(latitude=LAT).update(status=CaseStatus.RESOLVED)
    elif kind == "service not public":
        ServicePage.objects.update(public_place=False)
    elif kind == "another service":
        Case.objects.filter(pk=existing.pk).update(service=None)
    elif kind == "no pin":
        lat = ""
    filler = Filler(client, streetlight)
    client.get(streetlight.url)
    light = filler.definition["steps"][0]["name"]
    response = filler.post(
        light,
        {
            "problem": "off",
            "location__text": "ซอยวัด",
            "location__lat": str(lat),
            "location__lng": str(LNG) if lat else "",
        },
    )
    assert response.status_code == 200
    assert "/follow/" not in response.content.decode()
    assert existing.reference not in response.content.decode()
