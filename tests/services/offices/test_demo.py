"""The demo's second office: อบต.หนองบัว at nongbua.localhost beside the municipality."""

import io

from django.contrib.auth import get_user_model
from django.test import RequestFactory
from wagtail.models import Site

from portal.demo import DEMO_PASSWORD
from portal.offices import current_office, office_ids
from services.cases.models import Case, CaseStatus
from services.models import Department
from services.offices import demo as offices_demo


def test_both_demo_offices_serve_with_their_own_staff_and_requests(demo, site):
    offices_demo.load(site, io.StringIO())  # load_demo runs it last; running it again changes nothing
    out = io.StringIO()
    offices_demo.load(site, out)

    nongbua = Site.objects.get(hostname="nongbua.localhost")
    assert Site.objects.filter(hostname="nongbua.localhost").count() == 1
    requests = RequestFactory()
    assert current_office(requests.get("/", HTTP_HOST="nongbua.localhost:8000")) == nongbua
    assert current_office(requests.get("/", HTTP_HOST="localhost:8000")) == site
    assert nongbua.office.province == "เชียงใหม่"

    cases = Case.objects.filter(site=nongbua)
    assert 12 <= cases.count() <= 20
    assert cases.filter(status=CaseStatus.RESOLVED).count() >= 3
    assert all(case.reference.startswith("NBA-") for case in cases)

    users = {u.username: u for u in get_user_model().objects.filter(username__contains="officer")}
    for username in ("nongbua.admin", "nongbua.editor", "nongbua.officer", "shared.officer"):
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert username in out.getvalue()
    assert office_ids(get_user_model().objects.get(username="nongbua.admin")) == frozenset({nongbua.pk})
    shared = users["shared.officer"]
    assert office_ids(shared) == frozenset({site.pk, nongbua.pk})
    works = Department.objects.filter(code="works", members=shared)
    assert set(works.values_list("site", flat=True)) == {site.pk, nongbua.pk}
    assert Department.objects.filter(site=nongbua, members=users["nongbua.officer"]).exists()
