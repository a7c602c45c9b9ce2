"""The demo municipality's 8 communities (around the demo town's map centre in Chiang Mai) and
the routing rules that send each kind of problem on the complaint form to its division.

Fixed and idempotent: areas by name, rules by service and answer; run twice, same rows. Loaded
before the demo cases (portal/management/commands/load_demo.py), so those are matched and routed.
"""

from services.areas.models import Area, AreaKind, RoutingRule
from services.models import Department, ServicePage

# South-west corner of the town and the size of a community (about 1 km by 1 km): two rows of four.
ORIGIN_LAT, ORIGIN_LON = 18.7793, 98.9673
STEP = 0.009
COMMUNITIES = [  # (Thai name, English name)
    ("ชุมชนริมน้ำ", "Rim Nam Community"),
    ("ชุมชนวัดกลาง", "Wat Klang Community"),
    ("ชุมชนตลาดเก่า", "Talat Kao (Old Market) Community"),
    ("ชุมชนสันป่าข่อย", "San Pa Khoi Community"),
    ("ชุมชนบ้านใหม่", "Ban Mai Community"),
    ("ชุมชนหัวฝาย", "Hua Fai Community"),
    ("ชุมชนทุ่งโฮเต็ล", "Thung Hotel Community"),
    ("ชุมชนป่าตัน", "Pa Tan Community"),
]
# The complaint form's "kind of problem" (forms_builder/starter.py) → department code (services/starter.py).
COMPLAINT_RULES = [
    ("garbage", "health"),
    ("noise", "health"),
    ("road", "works"),
    ("water", "works"),
    ("other", "clerk"),
]


def community_shape(index):
    row, column = divmod(index, 4)
    south, west = round(ORIGIN_LAT + row * STEP, 6), round(ORIGIN_LON + column * STEP, 6)
    north, east = round(south + STEP, 6), round(west + STEP, 6)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def load(site, out):
    for index, (name, name_en) in enumerate(COMMUNITIES):
        Area.objects.update_or_create(
            site=site,
            name=name,
            defaults={"name_en": name_en, "kind": AreaKind.COMMUNITY, "shape": community_shape(index)},
        )
    service = (
        ServicePage.objects.descendant_of(site.root_page)
        .filter(online_form__slug="complaint-form", locale__language_code="th")
        .order_by("id")
        .first()
    )
    departments = {d.code: d for d in Department.objects.filter(site=site)}
    rules = 0
    if service is not None:
        for order, (answer, code) in enumerate(COMPLAINT_RULES, start=1):
            if code in departments:
                RoutingRule.objects.update_or_create(
                    site=site,
                    service=service,
                    field_key="category",
                    answer=answer,
                    area=None,
                    defaults={"department": departments[code], "sort_order": order * 10},
                )
                rules += 1
    out.write(f"  areas: {len(COMMUNITIES)} communities, {rules} routing rules for the complaint form")
