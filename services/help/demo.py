"""The demo municipality's volunteers named in the help box: one or two in each demo community
(services/areas/demo.py), all agreed on one day, one of them the demo's volunteer account, and
one who withdrew (kept as the record, never shown). Idempotent (matched by community and phone):
run twice, the same rows. The numbers are made up for the demo."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from services.areas.models import Area
from services.help.models import Volunteer

AGREED = timezone.make_aware(datetime.datetime(2026, 6, 1, 9, 0))
CONSENT = "หนังสือยินยอมเผยแพร่ชื่อและเบอร์โทร ฉบับที่ 1"
# (community's Thai name, volunteer's name, phone, demo account or "", withdrew)
VOLUNTEERS = [
    ("ชุมชนริมน้ำ", "บุญมี อาสา", "0860000101", "volunteer", False),
    ("ชุมชนริมน้ำ", "ป้าสมศรี ใจดี (อสม.)", "0860000102", "", False),
    ("ชุมชนวัดกลาง", "ลุงประยูร มีสุข", "0860000103", "", False),
    ("ชุมชนตลาดเก่า", "น้องฝน แสงทอง", "0860000104", "", False),
    ("ชุมชนสันป่าข่อย", "พี่แดง คำมา", "0860000105", "", False),
    ("ชุมชนบ้านใหม่", "ยายบัวผัน ศรีเมือง (อสม.)", "0860000106", "", False),
    ("ชุมชนหัวฝาย", "นายเอก รักถิ่น", "0860000107", "", False),
    ("ชุมชนทุ่งโฮเต็ล", "พี่นก ใจงาม", "0860000108", "", False),
    ("ชุมชนป่าตัน", "ลุงสม ทองดี", "0860000109", "", False),
    ("ชุมชนป่าตัน", "นางสาวเก่ง ขยันดี", "0860000110", "", True),
]


def load(site, out):
    areas = {area.name: area for area in Area.objects.filter(site=site)}
    users = get_user_model().objects
    made = 0
    for community, name, phone, username, withdrew in VOLUNTEERS:
        area = areas.get(community)
        if area is None:
            continue
        _row, created = Volunteer.objects.get_or_create(
            site=site,
            community=area,
            phone=phone,
            defaults={
                "name": name,
                "user": users.filter(username=username).first() if username else None,
                "opted_in_at": AGREED,
                "consent_note": CONSENT,
                "withdrawn_at": AGREED + datetime.timedelta(days=90) if withdrew else None,
            },
        )
        made += created
    out.write(f"  help box: {made} volunteers added by community, {len(VOLUNTEERS) - made} already there")
