"""A building-permit world for the stage tests (issue 20): the case-queue world's service given
the steps and documents of a permit guide, the clerk's sign-off on its third step, and the
office's clerk (ปลัด) holding that role."""

from services.cases.models import ApprovalRole
from tests.factories import StaffFactory
from tests.services.cases.support import make_world

STEPS = [
    ("step", {"description": "ยื่นคำขอ เจ้าหน้าที่ตรวจความครบถ้วน", "duration": "1 วัน", "responsible": "งานธุรการ"}),
    ("step", {"description": "นายช่างตรวจสถานที่ก่อสร้าง", "duration": "๗ วัน", "responsible": "กองช่าง"}),
    (
        "step",
        {
            "description": "เสนอปลัดลงนามใบอนุญาต",
            "duration": "ภายในสองวัน",
            "duration_days": 2,
            "responsible": "สำนักปลัด",
            "approval_role": "clerk",
        },
    ),
    ("step", {"description": "ออกใบอนุญาตก่อสร้าง", "duration": "1 วัน", "responsible": "กองช่าง"}),
]
DOCUMENTS = [
    ("document", {"name": "สำเนาบัตรประจำตัวประชาชน", "originals": 0, "copies": 1, "note": ""}),
    ("document", {"name": "แบบแปลนและรายการประกอบแบบแปลน", "originals": 0, "copies": 5, "note": ""}),
    ("document", {"name": "สำเนาโฉนดที่ดิน", "originals": 0, "copies": 1, "note": ""}),
]


def permit_world(home):
    world = make_world(home)
    service = world["service"]
    service.title = "ขออนุญาตก่อสร้างอาคาร"
    service.steps = STEPS
    service.documents = DOCUMENTS
    service.processing_days = 11
    service.save()
    clerk = StaffFactory(username="clerk", first_name="ประเสริฐ", last_name="ปลัด")
    role = ApprovalRole.objects.create(site=world["site"], key="clerk", name="ปลัดเทศบาล")
    role.members.add(clerk)
    world.update(clerk=clerk, role=role)
    return world
