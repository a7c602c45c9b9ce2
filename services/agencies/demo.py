"""The demo office's outside agencies: the four a Thai municipality passes reports to most.
Idempotent (matched by name): run twice, the same four rows. The addresses are the demo's own
(example.org): nothing leaves the machine."""

from services.agencies.models import Agency

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
