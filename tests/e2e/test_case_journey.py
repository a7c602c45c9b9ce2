"""The whole journey through the real stack (Django test client): a resident reports a broken
streetlight through the demo e-form → the case lands in the works division's queue (and not in
health's) → the officer accepts, replies and resolves with an after-photo → the resident sees
each step at /t/<REFERENCE> and rates it.

The browser version of the resident's side is tests/e2e/test_case_tracking_browser.py.
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import Site

from forms_builder.models import FormPage, Submission
from services.cases.models import Case
from tests.forms_builder.helpers import Filler

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def photo():
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (250, 250, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("after.jpg", out.getvalue(), content_type="image/jpeg")


def test_resident_submits_officer_handles_resident_follows_and_rates(demo, client, django_user_model):
    # 1. The resident files the streetlight form.
    page = FormPage.objects.descendant_of(Site.objects.get(is_default_site=True).root_page).get(
        slug="streetlight-repair-form", locale__language_code="th"
    )  # the demo municipality's (the demo's second office has one too)
    filler = Filler(client, page)
    assert client.get(page.url).status_code == 200
    light, who = (s["name"] for s in filler.definition["steps"])
    filler.post(
        light, {"problem": "off", "location__text": "หน้าบ้านเลขที่ 99 ซอย 7", "location__lat": "", "location__lng": ""}
    )
    filler.post(who, {"full_name": "ทดสอบ เส้นทางเต็ม", "phone": "089 111 2468", "consent": "on"})
    response = filler.post("check")
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = Submission.objects.get(contact_name="ทดสอบ เส้นทางเต็ม")
    reference = submission.reference
    assert re.fullmatch(r"BSR-\d\d-[0-9A-Z]{5}-[0-9A-Z]", reference)
    receipt = client.get(response["Location"]).content.decode()
    assert reference in receipt and f"/t/{reference}" in receipt

    track = f"/t/{reference}"
    public = client.get(track).content.decode()
    assert "ได้รับเรื่องของคุณแล้ว" in public and "แจ้งซ่อมไฟฟ้าสาธารณะ" in public

    # 2. It is in the works division's queue, not in health's.
    case = Case.objects.get(reference=reference)
    assert case.department.code == "works"
    staff = client.__class__()
    staff.force_login(django_user_model.objects.get(username="officer.health"))
    link = f'href="/admin/cases/{case.pk}/"'
    assert link not in staff.get("/admin/cases/", {"q": reference}).content.decode()
    staff.force_login(django_user_model.objects.get(username="officer.works"))
    assert link in staff.get("/admin/cases/", {"status": "received"}).content.decode()

    # 3. The officer accepts, replies, resolves with a photo; the resident sees each step.
    url = f"/admin/cases/{case.pk}/"

    def act(data, files=None):
        case.refresh_from_db()
        result = staff.post(url, {**data, "version": case.version, **(files or {})})
        assert result.status_code == 302, result.content.decode()[:3000]

    act({"action": "status", "status": "accepted"})
    assert "เจ้าหน้าที่รับเรื่องของคุณแล้ว" in client.get(track).content.decode()
    act({"action": "reply", "reply": "ทีมช่างจะเข้าซ่อมวันพรุ่งนี้ช่วงเช้า", "public": "on"})
    assert "ทีมช่างจะเข้าซ่อมวันพรุ่งนี้ช่วงเช้า" in client.get(track).content.decode()
    act({"action": "reply", "reply": "ขอเบอร์บ้านที่ถูกต้องของคุณด้วย"})  # not ticked public: the resident's only
    assert "ขอเบอร์บ้านที่ถูกต้องของคุณด้วย" not in client.get(track).content.decode()
    act({"action": "note", "note": "ต้องใช้รถกระเช้า"})
    assert "รถกระเช้า" not in client.get(track).content.decode()
    act({"action": "status", "status": "in_progress"})
    act({"action": "status", "status": "resolved", "message": "เปลี่ยนหลอดไฟแล้ว"}, {"after_photo": photo()})
    public = client.get(track).content.decode()
    assert "ดำเนินการเรียบร้อยแล้ว" in public and "เปลี่ยนหลอดไฟแล้ว" in public
    assert "ทดสอบ เส้นทางเต็ม" not in public and "0891112468" not in public

    # 4. The resident opens the tracking link from their receipt, sees the photo and rates, once.
    assert client.post(track, {"secret": "2468"}, follow=True).status_code == 400  # phone digits open nothing
    link = re.search(rf'href="http://testserver(/t/{reference}/[A-Za-z0-9_-]{{22}})"', receipt).group(1)
    verified = client.get(link, follow=True).content.decode()
    assert "ขอเบอร์บ้านที่ถูกต้องของคุณด้วย" in verified
    assert "หน้าบ้านเลขที่ 99 ซอย 7" in verified
    assert client.get(f"{track}/photo").status_code == 200
    # The satisfaction questionnaire on the tracking page; its "overall" is the case's rating.
    assert f"/th/feedback/case/{reference}/" in verified
    questionnaire = f"/th/feedback/case/{reference}/"
    answers = {"ease": "5", "speed": "4", "staff": "5", "overall": "5", "comment": "ซ่อมไวมาก"}
    assert client.post(questionnaire, answers).status_code == 200
    case.refresh_from_db()
    assert (case.rating, case.rating_comment) == (5, "ซ่อมไวมาก")
    assert "ซ่อมไวมาก" not in client.post(questionnaire, {**answers, "overall": "1"}).content.decode()
    case.refresh_from_db()
    assert case.rating == 5
