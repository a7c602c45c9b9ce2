"""A link to someone's request or fee opened without the right to see it gets a page in the
visitor's language that says what to do, never Django's bare English "403 Forbidden"."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [("th", "ท่านไม่สามารถเปิดหน้านี้ได้", "/th/track/"), ("en", "You cannot open this page", "/en/track/")],
)
def test_an_unknown_case_invoice_link_explains_in_the_visitors_language(client, site, language, heading, link):
    client.cookies["django_language"] = language
    response = client.get("/t/BSR-69-ZZZZZ-Z/invoices/INV-1/")
    assert response.status_code == 403
    page = response.content.decode()
    assert heading in page and "Forbidden" not in page
    assert f'href="{link}"' in page
