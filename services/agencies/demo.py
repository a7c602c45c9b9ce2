"""The demo office's outside agencies: the four a Thai municipality passes reports to most.
Idempotent (matched by name): run twice, the same four rows. The addresses are the demo's own
(example.org): nothing leaves the machine.

Two of the works department's accepted cases are passed to the electricity authority, so the
queue, the tracking page and the dashboard show a referral: one waiting for the agency, one the
agency has answered with its own reference and an update. Only once per office."""

from django.contrib.auth import get_user_model

from services.agencies import referrals
from services.agencies.models import Agency, Referral
from services.cases.models import Case, CaseStatus

# (name, e-mail, phone, what officers should know)
STARTER = [
    (
        "การไฟฟ้าส่วนภูมิภาค (PEA) อำเภอเมือง",
        "pea.demo@example.org",
        "1129",
        "สายไฟขาด เสาไฟฟ้าล้ม หม้อแปลงระเบิด ไฟฟ้าดับทั้งซอย (ไฟถนนของเทศบาลเป็นงานกองช่าง)",
    ),
    (
        "การประปาส่วนภูมิภาค (PWA) สาขาเมือง",
        "pwa.demo@example.org",
        "1662",
        "ท่อประปาแตก น้ำไม่ไหล น้ำประปาขุ่น มาตรวัดน้ำชำรุด",
    ),
    (
        "แขวงทางหลวง (กรมทางหลวง)",
        "highways.demo@example.org",
        "1586",
        "ถนนทางหลวงแผ่นดินชำรุด ป้ายจราจรและไฟสัญญาณบนทางหลวง",
    ),
    (
        "สถานีตำรวจภูธรเมือง",
        "police.demo@example.org",
        "191",
        "ปัญหาการจราจร การจอดรถกีดขวาง เหตุที่ต้องใช้อำนาจตำรวจ",
    ),
]


def load(site, out):
    made = 0
    for name, email, phone, note in STARTER:
        _agency, created = Agency.objects.get_or_create(
            site=site, name=name, defaults={"email": email, "phone": phone, "note": note}
        )
        made += created
    out.write(f"Outside agencies: {made} added, {len(STARTER) - made} already there.")
    _refer_two(site, out)


def _refer_two(site, out):
    officer = get_user_model().objects.filter(username="officer.works").first()
    if officer is None or Referral.objects.filter(case__site=site).exists():
        return
    agency = Agency.objects.get(site=site, name=STARTER[0][0])
    cases = Case.objects.filter(
        site=site, department__code="works", status=CaseStatus.ACCEPTED, duplicate_of__isnull=True
    ).order_by("reference")[:2]
    for number, case in enumerate(cases):
        referral, _token = referrals.refer(
            case, officer, agency, note="สายไฟฟ้าแรงต่ำหย่อนต่ำกว่าระดับปลอดภัย เป็นงานของการไฟฟ้า"
        )
        if number:
            referrals.set_reference(referral, f"PEA-{case.reference[-5:]}")
            referrals.post_update(referral, "รับเรื่องแล้ว นัดทีมช่างเข้าตรวจภายใน ๓ วันทำการ")
    out.write(f"Referred to {agency.name}: {len(cases)} demo cases.")
