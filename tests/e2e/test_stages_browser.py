"""Issue 20 on a phone: the resident's tracking page shows every stage of a building-permit
request and the documents the office still needs; a wrong file is named next to the field and
nothing is lost, the right one goes through. The clerk's "awaiting my approval" list reads on a
320 px phone. Both pass axe (no serious or critical violation).

The demo database the browser tests serve is shared and built once: this test serves its own
copy and adds its cases to it with `seed` (run in that server's environment)."""

import json
import os
import subprocess
import sys

import pytest

from tests.browser import ROOT, VIEWPORTS, assert_accessible, demo_server, staff_sign_in
from tests.forms_builder.helpers import PDF_BYTES

pytestmark = pytest.mark.browser

PHONE_320 = {"width": 320, "height": 640}


def seed():
    """Two requests for the demo's building permit, filed through the real intake (its signing
    step marked as needing the clerk, as an editor would): one whose
    application lacks the plans (a record of missing documents), one at the clerk's sign-off
    with officer.works holding the clerk's role. Prints their references and the first's
    tracking link as JSON."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415 - run inside the seeded server's settings
    from wagtail.models import Site  # noqa: PLC0415 - as above

    from forms_builder.models import FormPage  # noqa: PLC0415 - as above
    from services.cases import access, stages  # noqa: PLC0415 - as above
    from services.cases.intake import find_service  # noqa: PLC0415 - as above
    from services.cases.models import ApprovalRole, StageStatus  # noqa: PLC0415 - as above
    from tests.factories import FiledCaseFactory, SubmissionFactory  # noqa: PLC0415 - as above

    site = Site.objects.get(is_default_site=True)
    form = FormPage.objects.descendant_of(site.root_page).filter(slug="building-permit-form").first()
    officer = get_user_model().objects.get(username="officer.works")
    # The editor says the permit's signing step needs the clerk's sign-off (the demo's guide does not).
    service = find_service(form, site)
    service.steps = [
        ("step", {**item["value"], "approval_role": "clerk" if "ลงนาม" in item["value"]["description"] else ""})
        for item in service.steps.raw_data
    ]
    service.save()
    waiting = FiledCaseFactory(submission=SubmissionFactory(form_page=form, phone="0810000001"))
    assert waiting.stages.exists(), "the demo's building-permit guide publishes its steps"
    stages.record_deficiencies(
        waiting, [{"name": "แบบแปลนและรายการประกอบแบบแปลน", "problem": "missing"}], "ขอแบบแปลนที่วิศวกรลงนาม", officer
    )
    role, _created = ApprovalRole.objects.get_or_create(site=site, key="clerk", defaults={"name": "ปลัดเทศบาล"})
    role.members.add(officer)
    signing = FiledCaseFactory(submission=SubmissionFactory(form_page=form, phone="0810000002"))
    while not signing.stages.filter(status=StageStatus.AWAITING_APPROVAL).exists():
        stages.move(signing, officer)
    token = access.issue_link(waiting)
    seeded = {"waiting": waiting.reference, "link": access.link_path(waiting, token), "signing": signing.reference}
    sys.stdout.write(json.dumps(seeded) + "\n")


def run_seed(database, tmp_dir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database.url,
        "MEDIA_ROOT": str(tmp_dir / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_dir / "private"),
    }
    out = subprocess.run(  # noqa: S603 - our own manage.py with a fixed command
        [sys.executable, "manage.py", "shell", "-c", "from tests.e2e.test_stages_browser import seed; seed()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def seeded_site(tmp_path_factory, demo_snapshot, live_site):
    """(base URL, seeded references) of a server of its own. Asks for `live_site` because that is
    what makes the demo snapshot keep a whole database to copy (as test_already_reported_browser)."""
    tmp_dir = tmp_path_factory.mktemp("stages_site")
    with demo_server(tmp_dir, demo_snapshot) as (url, database):
        yield url, run_seed(database, tmp_dir)


def test_the_resident_sees_the_stages_and_uploads_the_missing_plans_on_a_phone(seeded_site, make_page):
    site, seeded = seeded_site
    page = make_page(VIEWPORTS["phone"], javascript=False)
    page.goto(f"{site}{seeded['link']}")
    stages = page.locator("#stages")
    text = stages.inner_text()
    assert "ขั้นตอนของคำขอ" in text
    assert "นายช่างตรวจสถานที่ก่อสร้าง" in text and "ชำระค่าธรรมเนียมและรับใบอนุญาต" in text
    assert "หยุดนับเวลาจนกว่าจะได้รับเอกสารจากท่าน" in text  # the clock is paused
    assert "ใช้ไปแล้ว" in text and "45 วันทำการ" in text  # the total against the published time
    assert "แบบแปลนและรายการประกอบแบบแปลน" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]

    files = page.get_by_label("เอกสารที่ขาด")
    files.set_input_files({"name": "แบบแปลน.pdf", "mimeType": "application/pdf", "buffer": b"MZ not a pdf at all"})
    with page.expect_navigation():
        page.get_by_role("button", name="ส่งเอกสาร").click()
    assert "แบบแปลน.pdf" in page.locator("#id_files__upload-error").inner_text()
    assert "แบบแปลนและรายการประกอบแบบแปลน" in page.locator("#stages").inner_text()  # still asked for

    page.get_by_label("เอกสารที่ขาด").set_input_files(
        {"name": "แบบแปลน.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="ส่งเอกสาร").click()
    assert "ได้รับเอกสารของท่านแล้ว" in page.inner_text("main")
    assert page.locator("#missing").count() == 0
    assert "ขณะนี้: คาดว่าเสร็จภายใน" in page.locator("#stages").inner_text()

    checked = make_page(VIEWPORTS["phone"])
    checked.goto(f"{site}/t/{seeded['waiting']}")
    assert checked.locator("#stages").is_visible()
    assert_accessible(checked)


def test_the_clerks_approval_list_reads_on_a_320_px_phone(seeded_site, make_page):
    site, seeded = seeded_site
    page = make_page(PHONE_320)
    staff_sign_in(page, site, "officer.works", then="/admin/cases/approvals/")
    card = page.locator(".case-approval-card", has_text=seeded["signing"])
    assert card.count() == 1
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_320["width"]
    assert_accessible(page)

    card.get_by_role("link").click()
    page.get_by_label("ส่งกลับ").check()
    with page.expect_navigation():
        page.get_by_role("button", name="บันทึกผลการพิจารณา").click()
    assert page.locator("#id_reason-error").is_visible()  # a reason is required, next to the field
    page.get_by_label("อนุมัติ", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="บันทึกผลการพิจารณา").click()
    assert page.locator(".case-approval-card", has_text=seeded["signing"]).count() == 0
