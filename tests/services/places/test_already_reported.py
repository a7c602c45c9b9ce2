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
from services.areas.models import Area
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


def test_a_report_passed_to_an_outside_agency_is_still_offered(client, streetlight):
    """A pole the office passed to the electricity authority is still down: a neighbour is shown
    it (and can follow it) rather than filing it again."""
    existing = report_at(streetlight, north_m=5, status=CaseStatus.REFERRED)
    assert existing.status == CaseStatus.REFERRED
    _filler, response = pin(client, streetlight)
    page = response.content.decode()
    assert "มีผู้แจ้งเรื่องนี้ไว้แล้วหรือไม่" in page and existing.reference in page


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


# -- a community picked from a list instead of a pin --------------------------------------------

RIVERSIDE, MARKET = "ชุมชนริมน้ำ", "ชุมชนตลาดเก่า"  # two of the demo's communities (services.areas.demo)


@pytest.fixture(params=["name"])
def community_form(streetlight, request):
    """The streetlight form with an optional "community" question on its first step, whose
    options are named as the office's areas are (value a code, label the area's name)."""
    raw = list(streetlight.steps.raw_data)
    first = raw[0]
    first["value"]["fields"].append(
        {
            "type": "single_choice",
            "value": {
                "key": "community",
                "label": "ชุมชน",
                "help_text": "",
                "required": False,
                "options": [
                    {"value": f"c{index}", "label": getattr(area, request.param)}
                    for index, area in enumerate(Area.objects.filter(site__is_default_site=True).order_by("pk"))
                ],
            },
        }
    )
    streetlight.steps = raw
    streetlight.save()
    return streetlight


def in_community(page, name, **fields):
    """An open public report filed in the community `name` (its pin far from the form's pin)."""
    case = report_at(page, **fields)
    Case.objects.filter(pk=case.pk).update(area=Area.objects.get(site__is_default_site=True, name=name))
    return case


def community_value(filler, name):
    """The stored value of the community question's option labelled `name` ("" for none)."""
    [spec] = [spec for spec in filler.definition["steps"][0]["fields"] if spec["key"] == "community"]
    return {label: value for value, label in spec["options"]}.get(name, "")


def pick(client, page, community):
    """The first step with a community picked and no pin, as a phone without JavaScript posts it."""
    filler = Filler(client, page)
    client.get(page.url)
    value = community_value(filler, community)
    light = filler.definition["steps"][0]["name"]
    response = filler.post(
        light,
        {"problem": "off", "location__text": "ซอยวัด", "location__lat": "", "location__lng": "", "community": value},
    )
    return filler, response


def test_a_picked_community_shows_its_open_reports_of_the_service_and_not_anothers(client, community_form):
    riverside = [in_community(community_form, RIVERSIDE) for _ in range(6)]
    market = in_community(community_form, MARKET)
    finished = in_community(community_form, RIVERSIDE, status=CaseStatus.RESOLVED)
    _filler, response = pick(client, community_form, RIVERSIDE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "มีผู้แจ้งเรื่องนี้ในชุมชนของท่านไว้แล้วหรือไม่" in page and RIVERSIDE in page
    newest_five = sorted(riverside, key=lambda c: (c.submitted_at, c.pk), reverse=True)[:5]
    shown = [case.reference for case in riverside if case.reference in page]
    assert sorted(shown) == sorted(case.reference for case in newest_five)  # up to 5, newest first
    assert market.reference not in page and finished.reference not in page
    assert NAME not in page and PHONE not in page and "เสาไฟหน้าวัด" not in page  # never who reported it


def test_following_a_report_of_the_community_instead_of_filing(client, community_form):
    existing = in_community(community_form, RIVERSIDE)
    cases_before = Case.objects.count()
    _filler, response = pick(client, community_form, RIVERSIDE)
    assert f"/reports/{existing.reference}/follow/" in response.content.decode()
    done = client.post(
        f"/th/reports/{existing.reference}/follow/",
        {"contact": "0819998888", "consent": "on", "reported": "True", "back": f"{community_form.url}?step=x"},
    )
    assert done.status_code == 200 and "ท่านติดตามเรื่องนี้แล้ว" in done.content.decode()
    assert Case.objects.count() == cases_before
    assert Follower.objects.get(case=existing).origin == FollowOrigin.ALREADY_REPORTED


def test_a_different_problem_in_the_community_continues_with_the_answers_kept(client, community_form):
    in_community(community_form, RIVERSIDE)
    filler, response = pick(client, community_form, RIVERSIDE)
    who = filler.definition["steps"][1]["name"]
    continue_link = f"{urlsplit(community_form.url).path}?step={who}"
    assert continue_link in response.content.decode()
    assert f'value="{who}"' in client.get(continue_link).content.decode()
    filler.post(who, {"full_name": "สมชาย ต่างเรื่อง", "phone": "0891112222", "consent": "on"})
    assert filler.post("check").status_code == 302
    filed = Submission.objects.get(contact_name="สมชาย ต่างเรื่อง")
    assert filed.answers["community"] == community_value(filler, RIVERSIDE) != ""
    assert filed.answers["problem"] == "off"
    # No pin, yet the case is in the community picked: its queue, rules and public filter see it.
    assert Case.objects.get(submission=filed).area.name == RIVERSIDE


def test_no_pin_and_no_community_shows_nothing(client, community_form):
    existing = in_community(community_form, RIVERSIDE)
    filler, response = pick(client, community_form, "")
    page = response.content.decode()
    assert response.status_code == 200
    assert existing.reference not in page and "/follow/" not in page
    assert f'value="{filler.definition["steps"][1]["name"]}"' in page  # straight on to the next step


def test_another_community_shows_its_own_reports_only(client, community_form):
    riverside = in_community(community_form, RIVERSIDE)
    market = in_community(community_form, MARKET)
    _filler, response = pick(client, community_form, MARKET)
    page = response.content.decode()
    assert market.reference in page and riverside.reference not in page


@pytest.mark.parametrize("community_form", ["name_en"], indirect=True)
def test_options_named_in_english_find_the_community_too(client, community_form):
    """An English form's options carry the communities' English names (Area.name_en)."""
    area = Area.objects.get(site__is_default_site=True, name=RIVERSIDE)
    existing = in_community(community_form, RIVERSIDE)
    _filler, response = pick(client, community_form, area.name_en)
    page = response.content.decode()
    assert area.name_en and existing.reference in page and "/follow/" in page
