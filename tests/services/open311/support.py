"""A streetlight form with real questions (like the demo's) for the Open311 tests."""

from services.open311.models import Open311Key
from tests.services.cases.support import make_world


def field(kind, key, label, required=True, **extra):
    value = {
        "key": key,
        "label": label,
        "help_text": "",
        "required": required,
        "condition": {"field": "", "operator": "eq", "value": ""},
        **extra,
    }
    return {"type": kind, "value": value}


def step(title, fields):
    return {
        "type": "step",
        "value": {
            "title": title,
            "intro": "",
            "condition": {"field": "", "operator": "eq", "value": ""},
            "ends_form": False,
            "fields": fields,
        },
    }


STEPS = [
    step(
        "ไฟที่ชำรุด",
        [
            field(
                "single_choice",
                "problem",
                "อาการ",
                options=[{"value": "off", "label": "ไฟดับ"}, {"value": "flicker", "label": "ไฟกะพริบ"}],
            ),
            field("short_text", "pole_number", "หมายเลขเสา", required=False, max_length=30, is_contact_name=False),
            field("map_location", "location", "ตำแหน่งเสาไฟ"),
            field("date", "noticed", "วันที่พบ", required=False, past_only=False),
        ],
    ),
    step(
        "ผู้แจ้ง",
        [
            field("short_text", "name", "ชื่อ-นามสกุล", is_contact_name=True, max_length=200),
            field("phone", "phone", "โทรศัพท์มือถือ"),
            field("consent", "consent", "ยินยอม", notice="<p>PDPA</p>", version="2569-1"),
        ],
    ),
]


def open311_world(home):
    world = make_world(home)
    form = world["form"]
    form.steps = STEPS
    form.save_revision().publish()
    key, raw = Open311Key.issue("LINE OA", world["site"])
    world["api_key"] = raw
    world["key"] = key
    return world
