"""After the two-step code, staff land on the page they asked for, and never on an asset.

Wagtail's admin fetches its icon sprite (`/admin/sprite/?h=…`) on every page, the verify page
too; the sprite's answer is pasted into the page. When that fetch was redirected to the verify
page, the page carried a second code form whose "next" was the sprite, and officers who typed
their code there landed on an SVG shown as an XML error (issue 14, item 1).
"""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser import VIEWPORTS, assert_accessible, demo_code
from tests.security.conftest import current_code

PASSWORD = "portal-demo-2569"


@pytest.mark.django_db
def test_the_sprite_and_other_assets_are_never_remembered_as_next(client, world, otp_required):
    device = TOTPDevice.objects.create(user=world["officer_works"], name="phone", confirmed=True)
    assert client.post("/admin/login/", {"username": "officer.works", "password": PASSWORD}).status_code == 302

    # The icon sprite is served (Wagtail serves it to anyone), not replaced by the verify page.
    sprite = client.get("/admin/sprite/?h=91d88207", headers={"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"})
    assert sprite.status_code == 200 and sprite["Content-Type"].startswith("image/svg+xml")
    # A script's fetch of an admin API is refused, not answered with the verify page.
    fetched = client.get("/admin/cases/", headers={"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"})
    assert fetched.status_code == 403
    # A person opening a page is sent to the code, remembering that page.
    opened = client.get("/admin/cases/", headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
    assert opened.status_code == 302 and opened["Location"] == "/admin/2fa/verify/?next=%2Fadmin%2Fcases%2F"

    # Even a "next" that names an asset (an old bookmark, a crafted link) ends on the dashboard.
    for asset in ("/admin/sprite/?h=91d88207", "/static/css/portal.css", "/admin/jsi18n/", "https://evil.example/"):
        page = client.get("/admin/2fa/verify/", {"next": asset}).content.decode()
        assert f'name="next" value="{asset}"' not in page
    response = client.post("/admin/2fa/verify/", {"token": current_code(device), "next": "/admin/sprite/?h=91d88207"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_page_asked_for_before_the_code_is_where_the_officer_lands(client, world, otp_required):
    device = TOTPDevice.objects.create(user=world["officer_works"], name="phone", confirmed=True)
    client.post("/admin/login/", {"username": "officer.works", "password": PASSWORD})
    response = client.post(
        "/admin/2fa/verify/", {"token": current_code(device), "next": "/admin/cases/?status=received"}
    )
    assert response["Location"] == "/admin/cases/?status=received"


@pytest.mark.browser
def test_officer_signs_in_with_password_and_code_and_lands_on_the_dashboard(live_site, make_page):
    """On the demo site as `make run` serves it (two-step sign-in on, the documented code)."""
    page = make_page(viewport=VIEWPORTS["desktop"])
    page.goto(f"{live_site}/admin/")
    page.locator("#id_username").fill("officer.works")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/2fa/verify/**")
    page.wait_for_load_state("networkidle")  # the icon sprite has been fetched and pasted in
    # One code form only: the sprite is icons, not a second copy of this page.
    assert page.locator("input[name=token]").count() == 1
    assert page.locator("[data-sprite] svg symbol").count() > 10
    assert_accessible(page)
    code = page.get_by_label("รหัส 6 หลักจากแอปยืนยันตัวตน")
    code.fill(demo_code())
    code.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_site}/admin/"
    assert page.locator("main, #main").first.is_visible()
    assert "sprite" not in page.url and page.get_by_role("heading").count() > 0
