"""Issue 20 §5 on a 320-pixel phone: someone scans a document's QR code and reads its status
page (valid; a revoked one says so with the date and shows nothing personal), then checks the
PDF itself on the upload page: the issued file matches, a copy with one byte changed does not,
and a file that is not a PDF is told so next to the field. axe finds nothing serious anywhere,
and nothing is wider than the screen."""

import json
import os
import subprocess
import sys

import pytest

from tests.browser import ROOT, assert_accessible, demo_server

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
HOLDER = "ศรีสุดา แก้วมณี"  # the demo certificate's holder (services/documents/demo.py): "ศ. ก."

# In the served site's environment: the demo's signed food-shop certificate, and a second one
# issued on the same case and then revoked (as an officer does from the case page).
PREPARE = """
import json, os
from django.contrib.auth import get_user_model
from services.documents import issuing
from services.documents.demo import TOKEN
from services.documents.models import IssuedDocument
valid = IssuedDocument.objects.filter(case__submission__wizard_token=TOKEN, draft=False).order_by("pk").first()
officer = get_user_model().objects.get(username="officer.health")
revoked = issuing.issue(valid.case, valid.template, officer)
issuing.revoke(revoked, officer, "ร้านปิดกิจการ")
with valid.file.open("rb") as handle, open(os.environ["ISSUED_PDF"], "wb") as out:
    out.write(handle.read())
print(json.dumps({"valid": valid.code, "number": valid.number_display, "revoked": revoked.code,
                  "reference": valid.case.reference}))
"""


@pytest.fixture(scope="module")
def documents_site(tmp_path_factory, demo_snapshot, live_site):
    """(base URL, what PREPARE printed, the issued PDF's path) on a copy of the demo of its own.
    Asks for `live_site` because that is what makes the demo snapshot keep a database to copy."""
    folder = tmp_path_factory.mktemp("documents_site")
    with demo_server(folder, demo_snapshot) as (url, database):
        pdf = folder / "issued.pdf"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": database.url,
            "MEDIA_ROOT": str(folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(folder / "private"),
            "ISSUED_PDF": str(pdf),
        }
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", PREPARE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        yield url, json.loads(done.stdout.strip().splitlines()[-1]), pdf


WIDER_THAN_THE_SCREEN = """
() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""))
  .slice(0, 8)
"""


def fits(page):
    """Nothing wider than the screen (the elements that are, when something is)."""
    if page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]:
        return True
    raise AssertionError(f"wider than {NARROW['width']} px on {page.url}: {page.evaluate(WIDER_THAN_THE_SCREEN)}")


def test_the_status_page_of_a_valid_and_a_revoked_document(documents_site, make_page):
    url, issued, _pdf = documents_site
    page = make_page(NARROW, javascript=True, locale="th-TH")
    page.goto(f"{url}/v/{issued['valid']}")
    assert page.url.endswith(f"/th/v/{issued['valid']}")  # the QR's short address, in the reader's language
    main = page.inner_text("main")
    assert "มีผลใช้" in main and issued["number"] in main and "ศ. ก." in main
    assert fits(page)
    assert_accessible(page)

    page.goto(f"{url}/th/v/{issued['revoked']}")
    main = page.inner_text("main")
    assert "เพิกถอนเมื่อ" in main and "ไม่มีผลใช้แล้ว" in main and "25" in main  # the Buddhist-Era date
    for personal in (HOLDER, "ศรีสุดา", "ร้านปิดกิจการ", "ร้านข้าวแกงป้าศรี", issued["reference"]):
        assert personal not in page.content()
    assert fits(page)
    assert_accessible(page)


def test_the_upload_page_tells_a_match_an_edited_copy_and_not_a_pdf(documents_site, make_page, tmp_path):
    url, issued, pdf = documents_site
    page = make_page(NARROW, javascript=True, locale="th-TH")
    page.goto(f"{url}/th/v/")
    assert fits(page)
    assert_accessible(page)

    def check(path):
        page.get_by_label("ไฟล์ PDF ที่ต้องการตรวจสอบ").set_input_files(str(path))
        with page.expect_navigation():
            page.get_by_role("button", name="ตรวจสอบไฟล์ PDF").click()
        return page.inner_text("main")

    main = check(pdf)
    assert "ไฟล์นี้ตรงกับเอกสารที่หน่วยงานออกทุกประการ" in main and issued["number"] in main
    assert fits(page)
    assert_accessible(page)

    edited = bytearray(pdf.read_bytes())
    edited[len(edited) // 2] ^= 0x01
    (tmp_path / "edited.pdf").write_bytes(bytes(edited))
    main = check(tmp_path / "edited.pdf")
    assert "ถูกแก้ไข หรือไม่ได้ออกโดยหน่วยงานนี้" in main
    assert "ไฟล์นี้ตรงกับเอกสารที่หน่วยงานออกทุกประการ" not in main
    assert_accessible(page)

    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a pdf")
    check(tmp_path / "photo.jpg")
    error = page.locator(".field-error .error-message")
    assert error.is_visible() and "PDF" in error.inner_text()
    field = page.get_by_label("ไฟล์ PDF ที่ต้องการตรวจสอบ")
    assert error.get_attribute("id") in (field.get_attribute("aria-describedby") or "")
    assert fits(page)
    assert_accessible(page)
