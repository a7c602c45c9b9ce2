"""'Book the visit' on the tracking page of an open request whose service is booked by visit; the
booking made from it is tied to the request (staff see the reference in the day list)."""

import re

import pytest

from services.booking.models import Booking
from services.cases import references
from tests.factories import CaseFactory
from tests.services.booking.factories import BookableServiceFactory

pytestmark = pytest.mark.django_db


def test_the_tracking_page_offers_the_booking_and_it_is_tied_to_the_case(client, bookable, open_day):
    case = CaseFactory(service=bookable.service, reference=references.generate("BSR", 2026))
    page = client.get(f"/t/{case.reference}").content.decode()
    link = re.search(r'href="(/th/booking/\d+/\?case=[^"]+)"', page)
    assert link, "no booking link on the tracking page"
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert case.reference in form
    token = re.search(r'name="case" value="([^"]+)"', form).group(1)
    response = client.post(
        f"/th/booking/{bookable.pk}/",
        {
            "case": token,
            "day": open_day.isoformat(),
            "slot": f"{open_day.isoformat()}T10:00",
            "name": "สมหญิง ใจดี",
            "phone": "0812345678",
        },
    )
    assert response.status_code == 302
    assert Booking.objects.get().case == case


def test_no_panel_for_a_service_without_visits_or_a_closed_request(client, bookable):
    other = CaseFactory(
        service=BookableServiceFactory(active=False).service, reference=references.generate("BSR", 2026)
    )
    closed = CaseFactory(service=bookable.service, closed=True, reference=references.generate("BSR", 2026))
    for case in (other, closed):
        assert "/booking/" not in client.get(f"/t/{case.reference}").content.decode()


def test_a_forged_case_token_ties_nothing(client, bookable, open_day):
    case = CaseFactory(service=bookable.service, reference=references.generate("BSR", 2026))
    client.post(
        f"/th/booking/{bookable.pk}/",
        {
            "case": f"{case.pk}:forged",
            "day": open_day.isoformat(),
            "slot": f"{open_day.isoformat()}T10:00",
            "name": "ก ข",
            "phone": "0812345678",
        },
    )
    assert Booking.objects.get().case is None


def test_the_requester_finds_their_name_and_phone_filled_in_and_a_stranger_does_not(client, bookable, open_day):
    case = CaseFactory(service=bookable.service, reference=references.generate("BSR", 2026))
    case.submission.contact_name, case.submission.contact_phone = "ZQ นางสมหญิง", "0899999999"
    case.submission.save(update_fields=["contact_name", "contact_phone"])
    page = client.get(f"/t/{case.reference}").content.decode()
    link = re.search(r'href="(/th/booking/\d+/\?case=[^"]+)"', page).group(1).replace("&amp;", "&")
    stranger = client.get(link).content.decode()  # anyone with the reference sees the link
    assert case.reference in stranger and "ZQ นางสมหญิง" not in stranger and "0899999999" not in stranger
    session = client.session
    session["verified_cases"] = [case.pk]  # the requester proved it is theirs (link or code)
    session.save()
    own = client.get(link).content.decode()
    assert 'value="ZQ นางสมหญิง"' in own and "0899999999" in own
