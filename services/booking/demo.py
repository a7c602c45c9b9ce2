"""Demo queue booking: the municipality's three counters, the services residents book a visit
for, and a morning's bookings on the next open days, made through the same `queue.book` as the
resident's form (so numbers, references and places are real). The demo's case officers run the
counter queue.

Idempotent: counters are found by office and letter, services by guide; bookings are made only
when the office has none (a second run, on any day, adds nothing).
"""

import random

from django.contrib.auth.models import Group, Permission

from services.booking import queue
from services.booking.models import BookableService, Booking, BookingSettings, Counter
from services.booking.slots import Calendar
from services.cases.demo import FIRST, LAST
from services.models import ServicePage

SEED = 2571
# letter: (Thai name, English name, people per slot, the guides' slugs booked there)
COUNTERS = {
    "A": (
        "ช่อง 1 งานทะเบียนและสวัสดิการ",
        "Counter 1, registration and welfare",
        3,
        ["elderly-allowance", "disability-allowance"],
    ),
    "B": ("ช่อง 2 กองคลัง รับชำระภาษี", "Counter 2, Finance Division: taxes", 2, ["land-building-tax", "signboard-tax"]),
    "C": ("ช่อง 3 กองช่าง ขออนุญาตก่อสร้าง", "Counter 3, Works Division: permits", 1, ["building-permit"]),
}
NOTES = {
    "elderly-allowance": "บัตรประชาชนตัวจริง สมุดบัญชีเงินฝากธนาคาร",
    "disability-allowance": "บัตรประชาชนและบัตรประจำตัวคนพิการ สมุดบัญชีเงินฝากธนาคาร",
    "land-building-tax": "ใบแจ้งการประเมินภาษี (ภ.ด.ส.6) หรือเลขบัญชีภาษี",
    "signboard-tax": "ภาพถ่ายป้ายและขนาดป้าย หรือใบแจ้งการประเมิน (ภ.ป.3)",
    "building-permit": "แบบแปลนอาคาร โฉนดที่ดิน และเลขที่คำร้อง",
}
BOOKINGS_PER_DAY = 6
# The demo's case officers work the counters too (the municipality's groups are the demo's own;
# an office made with create_office gives its officer groups this permission itself).
COUNTER_STAFF_GROUP = "Case officers"


def load(site, out):
    BookingSettings.for_site(site)  # Monday to Friday, 08:30-16:30, lunch 12-13, 30-minute slots
    services = _services(site, _counters(site))
    _counter_staff()
    made = _bookings(site, services)
    days = sorted({str(day) for day in Booking.objects.filter(site=site).values_list("date", flat=True)})
    out.write(
        f"  queue booking: {len(services)} services at {len(COUNTERS)} counters, "
        f"{made} bookings made ({', '.join(days[:2]) or 'none'}); /th/booking/ and Admin → Counter queue"
    )


def _counters(site):
    counters = {}
    for letter, (name, name_en, capacity, _slugs) in COUNTERS.items():
        counter, _created = Counter.objects.get_or_create(
            site=site, letter=letter, defaults={"name": name, "name_en": name_en, "capacity": capacity}
        )
        counters[letter] = counter
    return counters


def _services(site, counters):
    guides = ServicePage.objects.descendant_of(site.root_page).filter(locale__language_code="th")
    services = []
    for letter, (_name, _name_en, _capacity, slugs) in COUNTERS.items():
        for slug in slugs:
            guide = guides.filter(slug=slug).first()
            if guide is None:
                continue
            service, _created = BookableService.objects.get_or_create(
                service=guide, defaults={"counter": counters[letter], "note": NOTES.get(slug, "")}
            )
            services.append(service)
    return services


def _counter_staff():
    group = Group.objects.filter(name=COUNTER_STAFF_GROUP).first()
    if group is not None:
        group.permissions.add(Permission.objects.get(content_type__app_label="booking", codename="manage_queue"))


def _bookings(site, services):
    """A morning's bookings on each of the next two open days (today's only in slots not yet begun)."""
    if not services or Booking.objects.filter(site=site).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    calendar = Calendar(site)
    made = 0
    for day in calendar.open_days()[:2]:
        starts = [start for start in calendar.starts() if not calendar.is_past(day, start)]
        for index in range(min(BOOKINGS_PER_DAY, len(starts))):
            service = services[index % len(services)]
            try:
                queue.book(
                    calendar,
                    service,
                    day,
                    starts[index],
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    phone=f"08{rng.randint(0, 99999999):08d}",
                )
            except queue.BookingError:
                continue  # a slot that began while the demo loaded: the others are enough
            made += 1
    return made
