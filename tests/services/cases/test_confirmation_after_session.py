"""The e-form's confirmation page once the session that sent the form has ended (issue 14).

It gave 404, so a resident who bookmarked the receipt, or opened it again the next day, was
told the page did not exist. Now it leads to the public tracking view of the reference.
"""

import pytest
from django.test import Client

from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


def test_a_receipt_opened_without_the_session_shows_the_public_tracking_view(client, home_th):
    world = make_world(home_th)
    case, _ = submit(world["form"])
    case.submission.reference = case.reference  # as the wizard stores it with the receipt
    case.submission.save(update_fields=["reference"])
    receipt_url = world["form"].subpage_url("confirmation", reference=case.reference)

    response = Client().get(receipt_url, HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 302 and response["Location"] == f"/t/{case.reference}"
    public = Client().get(receipt_url, follow=True).content.decode()
    assert case.reference in public and "แจ้งซ่อมไฟฟ้าสาธารณะ" in public
    assert "สมหญิง" not in public and "0812345678" not in public  # still no personal data

    # The browser that sent the form still gets its full receipt.
    session = client.session
    session["fb_sent"] = [case.reference]
    session.save()
    assert client.get(receipt_url).status_code == 200

    # A reference that was never issued gets the tracking page's neutral answer, not a 404.
    unknown = world["form"].subpage_url("confirmation", reference="BSR-69-ZZZZZ-Z")
    assert Client().get(unknown, follow=True).status_code == 200
