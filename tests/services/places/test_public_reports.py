"""Public reports (issue 18, item 1): the list, the report page, the photos and the GeoJSON of
the request's office show public-place reports only, never a resident's personal data, and
filters or boxes that make no sense get a message, never a 500."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from forms_builder.models import SubmissionFile
from services.areas.models import Area
from services.cases.models import Case, CaseEvent, CaseStatus
from services.places import cache as places_cache
from services.places import views
from services.places.public import is_public
from tests.factories import (
    CaseEventFactory,
    CaseFactory,
    FiledCaseFactory,
    OfficeFactory,
    ServiceIndexPageFactory,
    ServicePageFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db

PHOTO_SNAPSHOT = {
    "title": "แจ้งเรื่องร้องเรียน",
    "steps": [
        {
            "title": "เรื่อง",
            "fields": [
                {"key": "details", "label": "รายละเอียด", "type": "long_text"},
                {"key": "photos", "label": "รูปถ่าย", "type": "file_upload", "allowed_types": ["image"]},
                {"key": "id_copy", "label": "สำเนาบัตร", "type": "file_upload", "allowed_types": ["image", "pdf"]},
                {"key": "phone", "label": "โทรศัพท์", "type": "phone"},
            ],
        }
    ],
}
SQUARE = {"type": "Polygon", "coordinates": [[[98.9, 18.7], [99.1, 18.7], [99.1, 18.9], [98.9, 18.9], [98.9, 18.7]]]}


@pytest.fixture
def places(home_th, site):
    index = ServiceIndexPageFactory(parent=home_th, title="บริการ", slug="services")
    light = ServicePageFactory(
        parent=index, title="แจ้งซ่อมไฟฟ้าสาธารณะ", slug="streetlight-repair", public_place=True, publish=True
    )
    permit = ServicePageFactory(parent=index, title="ขออนุญาตก่อสร้าง", slug="building-permit", publish=True)
    area = Area.objects.create(site=site, name="ชุมชนริมน้ำ", name_en="Riverside community", shape=SQUARE)
    return {"site": site, "light": light, "permit": permit, "area": area}


def report(places, **fields):
    """A streetlight report at 18.788345, 98.985123 (a case with a resident's personal data)."""
    values = {
        "service": places["light"],
        "service_title_en": "Streetlight repair",
        "latitude": Decimal("18.788345"),
        "longitude": Decimal("98.985123"),
        "area": places["area"],
        "submission": SubmissionFactory(
            contact_name="สมหญิง ใจดี",
            phone="0812345678",
            contact_email="somying@example.com",
            location_text="หน้าวัดสวนดอก ซอย 3",
            form_snapshot=PHOTO_SNAPSHOT,
            answers={"details": "ไฟดับหน้าบ้านนายสมชาย", "phone": "0812345678"},
        ),
    }
    values.update(fields)
    return CaseFactory(**values)


def test_the_list_shows_public_reports_and_nothing_personal(client, places):
    open_one = report(places, in_progress=True)
    fixed = report(places, resolved=True)
    CaseEventFactory(case=open_one, reply=True, message="ช่างจะเข้าไปซ่อมพรุ่งนี้")
    CaseEventFactory(case=open_one, message="บันทึกภายใน: โทรหาผู้แจ้งแล้ว")
    hidden = [
        report(places, private_report=True),
        report(places, rejected=True),
        report(places, duplicate_of=open_one),
        report(places, service=places["permit"]),
        report(places, closed=True, closed_at=timezone.now() - datetime.timedelta(days=31)),
    ]
    response = client.get("/th/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert open_one.reference in html and fixed.reference in html
    for case in hidden:
        assert case.reference not in html
    assert "แจ้งซ่อมไฟฟ้าสาธารณะ" in html and "Work is under way" not in html
    assert "หน้าวัดสวนดอก ซอย 3" in html and "ชุมชนริมน้ำ" in html
    assert "ช่างจะเข้าไปซ่อมพรุ่งนี้" in html and "บันทึกภายใน" not in html
    assert str(timezone.localdate().year + 543) in html  # Buddhist-Era dates in Thai
    assert "(18.788, 98.985)" in html and "18.788345" not in html
    for secret in ("สมหญิง", "0812345678", "5678", "somying@example.com", "นายสมชาย"):
        assert secret not in html
    assert "2 รายการ" in html or "2 reports" in html or response.context["page_obj"].paginator.count == 2


def test_english_list_names_services_in_english(client, places):
    report(places)
    html = client.get("/en/reports/").content.decode()
    assert "Streetlight repair" in html and "We have your request" in html
    assert "แจ้งซ่อมไฟฟ้าสาธารณะ" not in html.split('id="reports-list-heading"')[1]


def test_english_pages_name_the_community_in_english(client, places):
    case = report(places)
    listing = client.get("/en/reports/").content.decode()
    page = client.get(f"/en/reports/{case.reference}/").content.decode()
    for html in (listing, page):
        assert "Riverside community" in html and "ชุมชนริมน้ำ" not in html  # the filter's option too
    assert "ชุมชนริมน้ำ" in client.get(f"/th/reports/{case.reference}/").content.decode()


def test_another_office_sees_only_its_own_reports(client, places):
    ours = report(places)
    office = OfficeFactory()
    theirs_service = ServicePageFactory(
        parent=ServiceIndexPageFactory(parent=office.home_th, slug="services-2"), public_place=True, publish=True
    )
    theirs = CaseFactory(site=office.site, service=theirs_service, latitude=Decimal("18.7"), longitude=Decimal("99"))
    html = client.get("/th/reports/").content.decode()
    assert ours.reference in html and theirs.reference not in html
    other = client.get("/th/reports/", HTTP_HOST=office.site.hostname).content.decode()
    assert theirs.reference in other and ours.reference not in other
    assert client.get(f"/th/reports/{ours.reference}/", HTTP_HOST=office.site.hostname).status_code == 404
    box = {"bbox": "98.5,18.5,99.5,19.5"}
    refs = [f["properties"]["ref"] for f in client.get("/th/reports.geojson", box).json()["features"]]
    assert refs == [ours.reference]


def test_filters_narrow_the_list(client, places):
    light_open = report(places)
    light_fixed = report(places, resolved=True)
    old = report(places, submitted_at=timezone.now() - datetime.timedelta(days=20))
    elsewhere = report(places, area=None)
    refs = lambda **query: {c.reference for c in client.get("/th/reports/", query).context["page_obj"]}  # noqa: E731
    assert refs(status="resolved") == {light_fixed.reference}
    assert refs(area=places["area"].pk) == {light_open.reference, light_fixed.reference, old.reference}
    assert elsewhere.reference not in refs(area=places["area"].pk)
    assert refs(service=places["permit"].pk) == set()
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert old.reference not in refs(since=since) and light_open.reference in refs(since=since)
    # A Buddhist-Era date is read as the same day.
    thai_since = timezone.localdate() - datetime.timedelta(days=5)
    assert refs(since=thai_since.replace(year=thai_since.year + 543).isoformat()) == refs(since=since)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"service": "abc"}, "Service"),
        ({"status": "rejected"}, "Status"),
        ({"area": "-1"}, "Community"),
        ({"since": "2026-02-31"}, "Reported from"),
        ({"since": "2026-11-20", "until": "2026-11-01"}, "before the start date"),
        ({"service": "1\x00"}, "Service"),
        ({"service": "9" * 40}, "Service"),
    ],
)
def test_bad_filters_are_left_out_with_a_message(client, places, query, words):
    case = report(places)
    response = client.get("/en/reports/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert words in html and "left out" in html
    if "until" not in query:
        assert case.reference in html  # the other filters (none here) still apply
    geo = client.get("/en/reports.geojson", {"bbox": "98,18,99,19", **query})
    assert geo.status_code == 400 and words in geo.json()["error"]


def test_thai_message_for_a_bad_filter(client, places):
    html = client.get("/th/reports/", {"status": "nope"}).content.decode()
    assert "ไม่ได้ใช้ตัวกรองนี้" in html


def test_the_report_page_shows_the_public_timeline_only(client, places):
    case = report(places, in_progress=True)
    CaseEventFactory(case=case, reply=True, message="ช่างจะเข้าไปซ่อมพรุ่งนี้")
    CaseEventFactory(case=case, message="บันทึกภายใน: โทรหาผู้แจ้งแล้ว")
    CaseEventFactory(case=case, kind=CaseEvent.Kind.RESIDENT_REPLY, public=True, message="บ้านเลขที่ 12 ของสมหญิง")
    response = client.get(f"/th/reports/{case.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ช่างจะเข้าไปซ่อมพรุ่งนี้" in html
    for secret in ("บันทึกภายใน", "บ้านเลขที่ 12", "สมหญิง", "0812345678"):
        assert secret not in html
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("trait", ["private_report", "rejected", "merged", "old", "not_public_place"])
def test_the_report_page_is_not_found_unless_public(client, places, trait):
    fields = {
        "private_report": {"private_report": True},
        "rejected": {"rejected": True},
        "merged": {"duplicate_of": report(places)},
        "old": {"resolved": True, "resolved_at": timezone.now() - datetime.timedelta(days=40)},
        "not_public_place": {"service": places["permit"]},
    }[trait]
    case = report(places, **fields)
    assert client.get(f"/th/reports/{case.reference}/").status_code == 404
    assert client.get(f"/th/reports/{case.reference}/photo").status_code == 404
    for hostile in ("%00", "%ED%A0%80", "x" * 300, "BSR-69-%00"):
        assert client.get(f"/th/reports/{hostile}/").status_code == 404


def jpeg_with_gps():
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (18.0, 47.0, 18.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def attach(case, key, data, content_type="image/jpeg"):
    upload = SubmissionFile(
        submission=case.submission, field_key=key, original_name="x.jpg", content_type=content_type, size=len(data)
    )
    upload.file.save("x.jpg", ContentFile(data), save=False)
    upload.save()
    return upload


def test_the_public_photo_is_the_residents_photo_of_the_place_without_metadata(client, places):
    case = report(places)
    attach(case, "photos", jpeg_with_gps())
    html = client.get(f"/th/reports/{case.reference}/").content.decode()
    assert f"/th/reports/{case.reference}/photo" in html
    response = client.get(f"/th/reports/{case.reference}/photo")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as served:
        assert not served.getexif()
    assert b"PhoneMaker" not in response.content


def test_the_lists_cards_load_a_small_copy_of_a_phones_photo(client, places):
    """A card shows the photo at 160 px: a phone's photo of several megabytes must not take
    the slow link the map page's own files need."""
    case = report(places)
    photo = Image.new("RGB", (4000, 3000), (30, 120, 200))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=95)
    attach(case, "photos", out.getvalue())
    html = client.get("/th/reports/").content.decode()
    assert f"/th/reports/{case.reference}/photo?size=thumb" in html
    small = client.get(f"/th/reports/{case.reference}/photo", {"size": "thumb"})
    assert small.status_code == 200 and small["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(small.content)) as served:
        assert max(served.size) == 240
    # The report's own page still links the photo as taken.
    with Image.open(io.BytesIO(client.get(f"/th/reports/{case.reference}/photo").content)) as full:
        assert full.size == (4000, 3000)


def test_an_id_card_copy_is_never_the_public_photo(client, places):
    case = report(places)
    attach(case, "id_copy", jpeg_with_gps())
    assert client.get(f"/th/reports/{case.reference}/photo").status_code == 404
    assert "/photo" not in client.get(f"/th/reports/{case.reference}/").content.decode()


def test_a_file_that_is_no_image_is_not_served(client, places):
    case = report(places)
    attach(case, "photos", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    assert client.get(f"/th/reports/{case.reference}/photo").status_code == 404


def test_the_officers_after_photo_is_shown_once_public(client, places):
    case = report(places, resolved=True)
    case.after_photo.save("after.jpg", ContentFile(jpeg_with_gps()))
    html = client.get(f"/en/reports/{case.reference}/").content.decode()
    assert "After the work" in html
    response = client.get(f"/en/reports/{case.reference}/after-photo")
    assert response.status_code == 200 and b"PhoneMaker" not in response.content


def geojson(client, **params):
    return client.get("/th/reports.geojson", {"bbox": "98.9,18.7,99.1,18.9", **params})


def test_geojson_has_the_reports_in_the_box_and_small_properties(client, places):
    inside = report(places)
    report(places, latitude=Decimal("13.75"), longitude=Decimal("100.5"))  # Bangkok: outside the box
    report(places, private_report=True)
    response = geojson(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "public, max-age=60"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["capped"] is False and data["clipped"] is False
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [98.985, 18.788]}
    assert feature["properties"] == {
        "ref": inside.reference,
        "service": "แจ้งซ่อมไฟฟ้าสาธารณะ",
        "status": "received",
        "date": timezone.localdate(inside.submitted_at).isoformat(),
        "url": f"/th/reports/{inside.reference}/",
    }
    assert data["statuses"]["received"] == str(CaseStatus.RECEIVED.label) or data["statuses"]["received"]
    raw = response.content.decode()
    for secret in ("สมหญิง", "0812345678", "หน้าวัดสวนดอก", "18.788345"):
        assert secret not in raw
    english = client.get("/en/reports.geojson", {"bbox": "98.9,18.7,99.1,18.9"}).json()
    assert english["features"][0]["properties"]["service"] == "Streetlight repair"
    assert english["statuses"]["received"] == "We have your request"


@pytest.mark.parametrize(
    "bbox",
    [
        None,
        "",
        "1,2,3",
        "a,b,c,d",
        "NaN,18,99,19",
        "98,18,inf,19",
        "98,18,99,91",
        "98,-91,99,19",
        "181,18,182,19",
        "99,18,98,19",
        "98,19,99,18",
        "1e400,0,0,0",
        "98,18,99,19\x00",
    ],
)
def test_geojson_refuses_a_box_that_is_not_one(client, places, bbox):
    params = {} if bbox is None else {"bbox": bbox}
    response = client.get("/en/reports.geojson", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_geojson_clips_a_world_box_and_caps_the_features(client, places, monkeypatch):
    for _ in range(4):
        report(places)
    data = client.get("/th/reports.geojson", {"bbox": "-180,-90,180,90"}).json()
    assert data["clipped"] is True and data["bbox"] == [-0.5, -0.5, 0.5, 0.5] and data["features"] == []
    data = client.get("/th/reports.geojson", {"bbox": "88.985,8.788,108.985,28.788"}).json()
    assert data["clipped"] is True and len(data["features"]) == 4  # clipped around its centre: the reports
    monkeypatch.setattr(views, "MAX_FEATURES", 3)
    data = geojson(client).json()
    assert data["capped"] is True and data["limit"] == 3 and len(data["features"]) == 3


@pytest.mark.parametrize("side", ["0.03", "0.3"], ids=["town-box-by-cells", "region-box-by-stripe"])
def test_geojson_holds_the_reports_on_the_boxs_edges_and_none_beyond(client, places, side):
    # Edges on the grid's lines (services.cases.nearby): the cells beside them must be asked for.
    west, south = Decimal("98.97"), Decimal("18.77")
    east, north = west + Decimal(side), south + Decimal(side)
    micro = Decimal("0.000001")
    corners = [(south, west), (north, east), (south, east), (north, west)]
    on_edges = [report(places, latitude=lat, longitude=lng) for lat, lng in corners]
    for lat, lng in ((south - micro, west), (north + micro, east), (south, east + micro), (north, west - micro)):
        report(places, latitude=lat, longitude=lng)
    data = client.get("/th/reports.geojson", {"bbox": f"{west},{south},{east},{north}"}).json()
    assert sorted(f["properties"]["ref"] for f in data["features"]) == sorted(c.reference for c in on_edges)


def test_geojson_filters_like_the_list(client, places):
    fixed = report(places, resolved=True)
    report(places)
    data = geojson(client, status="resolved").json()
    assert [f["properties"]["ref"] for f in data["features"]] == [fixed.reference]


def test_open311_gives_a_public_report_the_point_the_map_shows(client, places):
    case = report(places, latitude=Decimal("18.788551"), longitude=Decimal("98.985500"))
    private = report(places, private_report=True)
    feature = geojson(client).json()["features"][0]
    entries = {e["service_request_id"]: e for e in client.get("/open311/v2/requests.json").json()}
    assert [entries[case.reference]["long"], entries[case.reference]["lat"]] == feature["geometry"]["coordinates"]
    assert feature["geometry"]["coordinates"] == [98.986, 18.789]  # half up, like Open311 always did
    assert "lat" not in entries[private.reference] and "long" not in entries[private.reference]


def _queries(client, url, params=None):
    # A query string: the whole-page cache keeps anonymous pages without one, which would
    # measure the cache instead of the page.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"q": "1", **(params or {})})
    assert response.status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_number_of_reports(client, places):
    first = report(places)
    attach(first, "photos", jpeg_with_gps())
    CaseEventFactory(case=first, reply=True)
    client.get("/th/reports/", {"q": "1"})  # the site, settings and menus warm their caches
    places_cache.reports_changed(first.site_id)  # but not the list's kept count: measure its queries
    few = {
        "list": _queries(client, "/th/reports/"),
        "page": _queries(client, f"/th/reports/{first.reference}/"),
        "geojson": _queries(client, "/th/reports.geojson", {"bbox": "98.9,18.7,99.1,18.9"}),
    }
    for _ in range(29):
        case = report(places)
        attach(case, "photos", jpeg_with_gps())
        CaseEventFactory(case=case, reply=True)
    many = {
        "list": _queries(client, "/th/reports/"),
        "page": _queries(client, f"/th/reports/{first.reference}/"),
        "geojson": _queries(client, "/th/reports.geojson", {"bbox": "98.9,18.7,99.1,18.9"}),
    }
    assert many == few
    assert few["geojson"] <= 3 and few["page"] <= 12 and few["list"] <= 16, few


def test_the_list_is_paged_without_javascript(client, places):
    for _ in range(views.PER_PAGE + 1):
        report(places)
    first = client.get("/en/reports/").content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/en/reports/", {"page": "2"}).context["page_obj"]
    assert len(second.object_list) == 1
    assert client.get("/en/reports/", {"page": "zzz"}).status_code == 200


def test_json_error_is_valid_json_in_thai(client, places):
    body = client.get("/th/reports.geojson", {"bbox": "98,18,99,91"}).content.decode()
    assert json.loads(body)["error"]


def test_a_signed_in_persons_page_is_never_kept_by_shared_caches(client, places, django_user_model):
    case = report(places)
    client.force_login(django_user_model.objects.create_user("somchai", password="x" * 12))  # noqa: S106
    for url in ("/th/reports/", f"/th/reports/{case.reference}/"):
        assert client.get(url)["Cache-Control"] == "private, no-cache"


def test_geojson_is_kept_until_a_case_of_the_office_changes(client, places):
    """The same box asked again is answered without reading cases (services.places.cache); a
    new report, or a report that stops being public, shows in the very next answer."""
    params = {"bbox": "98.9,18.7,99.1,18.9"}
    first = report(places)

    def refs():
        return {f["properties"]["ref"] for f in client.get("/th/reports.geojson", params).json()["features"]}

    assert refs() == {first.reference}
    with CaptureQueriesContext(connection) as captured:
        assert refs() == {first.reference}
    assert not [q for q in captured.captured_queries if "services_case" in q["sql"]]
    second = report(places)
    assert refs() == {first.reference, second.reference}
    first.status = CaseStatus.REJECTED
    first.save()
    assert refs() == {second.reference}


def test_the_lists_count_is_kept_until_a_case_of_the_office_changes(client, places):
    """The count and extent of the reports (a pass over every case of the office) are kept like
    the GeoJSON; a report made private leaves the count, the extent and the list at once."""
    report(places)
    second = report(places, latitude=Decimal("18.801000"))

    def shown():
        response = client.get("/th/reports/", {"service": str(places["light"].pk)})
        return response.context["page_obj"].paginator.count, response.context["extent"]

    assert shown()[0] == 2
    with CaptureQueriesContext(connection) as captured:
        assert shown()[0] == 2
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"] and "services_case" in q["sql"]]
    second.private_report = True
    second.save()
    count, extent = shown()
    assert count == 1 and "18.801" not in extent
    assert second.reference not in client.get("/th/reports/", {"service": str(places["light"].pk)}).content.decode()


def test_a_report_passed_to_an_agency_stays_on_the_map_and_says_to_whom(client, places):
    """A fallen electricity pole passed to the electricity authority is still to be fixed: the
    list, the map, the status filter and the report page keep showing it, with the agency."""
    case = report(places, referred=True, referred_to="การไฟฟ้าส่วนภูมิภาค อำเภอเมือง")
    listed = client.get("/th/reports/").content.decode()
    assert case.reference in listed
    assert "ส่งต่อให้หน่วยงานที่รับผิดชอบแล้ว" in listed and "การไฟฟ้าส่วนภูมิภาค อำเภอเมือง" in listed
    filtered = client.get("/th/reports/", {"status": "referred"})
    assert [c.reference for c in filtered.context["page_obj"]] == [case.reference]
    assert "ส่งต่อให้หน่วยงานที่รับผิดชอบแล้ว" in filtered.content.decode()  # offered in the filter
    data = geojson(client).json()
    assert [f["properties"]["status"] for f in data["features"]] == ["referred"]
    assert data["statuses"]["referred"] == "ส่งต่อให้หน่วยงานที่รับผิดชอบแล้ว"
    english = client.get(f"/en/reports/{case.reference}/").content.decode()
    assert "Passed to the agency responsible" in english and "การไฟฟ้าส่วนภูมิภาค อำเภอเมือง" in english
    page = client.get(f"/th/reports/{case.reference}/").content.decode()
    assert "ส่งต่อให้การไฟฟ้าส่วนภูมิภาค อำเภอเมือง" in page  # the referral's line on the timeline


def test_a_case_referred_through_the_workflow_is_public(client, places):
    """The filed-case factory refers through services.cases.workflow.refer, as an officer does."""
    case = FiledCaseFactory(
        submission=SubmissionFactory(form_snapshot=PHOTO_SNAPSHOT), referred=True, referred_to="การประปาส่วนภูมิภาค"
    )
    Case.objects.filter(pk=case.pk).update(service=places["light"])
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED and case.referred_to == "การประปาส่วนภูมิภาค"
    assert case.events.filter(kind=CaseEvent.Kind.REFERRED, public=True).exists()
    assert is_public(case)
    page = client.get(f"/th/reports/{case.reference}/")
    assert page.status_code == 200 and "ส่งต่อให้การประปาส่วนภูมิภาค" in page.content.decode()
