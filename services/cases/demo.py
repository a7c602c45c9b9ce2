"""Demo cases: a year of requests across the demo e-forms, so the queue, the tracking page and
the later dashboards have true things to show.

Every case comes from a real Submission of a demo FormPage (answers filled in against the form's
own definition) and is routed by the real intake rules. Deterministic (its own Random seeded
2569) and idempotent: if the demo cases exist, nothing is added. Rows are bulk-created so
`load_demo` stays quick.

SHOWCASE cases have fixed contact phones and known references (see `showcase_reference`), so
the browser tests and a person trying the demo can follow them: `load_demo` prints their tracking
links (`showcase_link`), and a one-time code can be sent to their phone (0812345678; `make run`'s
SMS stand-in prints it).
"""

import base64
import datetime
import hashlib
import hmac
import random

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from forms_builder.fields import build_definition
from forms_builder.models import FormPage, Submission
from services.cases import access, references, stages
from services.cases.intake import build_case, find_service, open_case
from services.cases.models import (
    ApprovalRole,
    ApprovalRoleKey,
    Case,
    CaseAccess,
    CaseEvent,
    CaseSettings,
    CaseStatus,
    Channel,
    OfficeClosure,
    ReplyTemplate,
    StageStatus,
)
from services.cases.sla import WorkingCalendar, local_date
from services.models import Department

SEED = 2569
COUNT = 360
TOKEN_PREFIX = "demo-case-"  # noqa: S105 - a submission token prefix, not a secret
FORMS = [  # (form slug, weight)
    ("complaint-form", 35),
    ("streetlight-repair-form", 30),
    ("building-permit-form", 10),
    ("food-shop-notification-form", 10),
    ("elderly-allowance-form", 15),
]
FIRST = ["สมชาย", "สมหญิง", "ประยุทธ", "มาลัย", "วิไล", "บุญช่วย", "จันทร์เพ็ญ", "สุรชัย", "ทองใบ", "อำไพ", "Aung", "Mya"]
LAST = ["ใจดี", "ศรีสุข", "บุญมา", "แก้วมณี", "ทองดี", "พรหมมา", "สายบุญ", "Kyaw", "Htun"]
DETAILS = [
    "ไฟถนนดับหน้าบ้าน ตั้งแต่เมื่อวาน",
    "มีขยะตกค้างริมถนนหลายวัน กลิ่นเหม็น",
    "ท่อระบายน้ำอุดตัน น้ำท่วมขังเวลาฝนตก",
    "ถนนเป็นหลุมเป็นบ่อ รถจักรยานยนต์ล้มบ่อย",
    "กิ่งไม้ใหญ่พาดสายไฟ เสี่ยงอันตราย",
    "เสียงดังจากร้านคาราโอเกะหลังเที่ยงคืน",
    "น้ำประปาไหลอ่อน บางวันไม่ไหล",
]
# The complaint form's "kind of problem" (forms_builder/starter.py) each of DETAILS is, so the
# demo's complaints are spread over the kinds as their words say, and the routing rules
# (services/areas/demo.py) visibly send them to different divisions.
COMPLAINT_KIND = dict(zip(DETAILS, ["other", "garbage", "water", "road", "other", "noise", "water"], strict=True))
REPLY_TEMPLATES = [
    (
        "ส่งทีมช่างแล้ว",
        "ส่งทีมช่างออกตรวจสอบพื้นที่แล้ว คาดว่าจะดำเนินการเสร็จภายในกำหนด",
        "A repair team has been sent; we expect to finish on time.",
    ),
    (
        "ขอข้อมูลเพิ่ม",
        "ขอให้ท่านส่งรูปถ่ายหรือระบุจุดที่ชัดเจนขึ้น เพื่อให้เจ้าหน้าที่ดำเนินการได้",
        "Please send a photo or a more precise location so we can act.",
    ),
    ("ดำเนินการเสร็จ", "ดำเนินการเรียบร้อยแล้ว ขอบคุณที่แจ้งเรื่องเข้ามา", "Done. Thank you for telling us."),
    (
        "ไม่อยู่ในอำนาจ",
        "เรื่องนี้อยู่ในความรับผิดชอบของหน่วยงานอื่น เทศบาลได้ส่งต่อเรื่องให้แล้ว",
        "This is another agency's responsibility; we have forwarded it.",
    ),
]
# key: (form slug, final status, rated)
SHOWCASE = {
    "resolved": ("streetlight-repair-form", CaseStatus.RESOLVED),
    "in_progress": ("complaint-form", CaseStatus.IN_PROGRESS),
}
SHOWCASE_PHONE = "0812345678"

# The office's approval roles (issue 20) as a municipality names them, with the demo users who
# hold them: the ปลัดเทศบาล (portal/demo.py's `palad`) signs the building permit off, the step
# services/demo.py's APPROVAL_STEPS marks.
APPROVAL_ROLES = {
    ApprovalRoleKey.HEAD_OF_DIVISION: ("ผู้อำนวยการกอง", "Division director", []),
    ApprovalRoleKey.DEPUTY_CLERK: ("รองปลัดเทศบาล", "Deputy Municipal Clerk", []),
    ApprovalRoleKey.CLERK: ("ปลัดเทศบาล", "Municipal Clerk", ["palad"]),
    ApprovalRoleKey.MAYOR: ("นายกเทศมนตรี", "Mayor", []),
}
# The building-permit request that waits for the ปลัด's signature (not under TOKEN_PREFIX: the
# year of demo cases is made on its own).
AWAITING_TOKEN = "demo-approval-permit"  # noqa: S105 - a submission token, not a secret

# The demo's channels and their shares (LINE chats are filed by the LINE area's own demo, if any).
DEMO_CHANNELS = [Channel.WEB, Channel.COUNTER, Channel.VOLUNTEER, Channel.PHONE]


def office_of(model, site):
    """{"site": site} where the model's rows belong to one office (issue 17 adds the key)."""
    return {"site": site} if any(field.name == "site" for field in model._meta.get_fields()) else {}


def showcase_reference(key, today=None):
    """The fixed reference of a showcase case (opened today-2 days, so the year is today's)."""
    submitted = showcase_submitted(today)
    return references.generate("BSR", submitted.year, rng=random.Random(f"showcase-{key}"))  # noqa: S311 - demo data


def demo_link(reference):
    """The tracking link (a path) of a demo case. Derived from SECRET_KEY, so it is the same on
    every run of this install's demo (the browser tests and the person trying the demo know it)
    and unknown to anyone without the key; a real case's link is random and never stored."""
    digest = hmac.new(django_settings.SECRET_KEY.encode(), f"demo-link:{reference}".encode(), hashlib.sha256)
    token = base64.urlsafe_b64encode(digest.digest()).decode()[:22]
    return access.link_path(Case(reference=reference), token)


def give_demo_link(case):
    """Store the digest of `demo_link` for a demo case (other areas' demo cases use it too)."""
    token = demo_link(case.reference).rsplit("/", 1)[1]
    CaseAccess.objects.update_or_create(case=case, defaults={"link_hash": access.link_digest(token)})


def showcase_link(key):
    return demo_link(showcase_reference(key))


def showcase_submitted(today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=2)


def answers_for(definition, rng, name, phone, details):
    """Plausible answers for the form's own fields (only simple types: the rest stay empty)."""
    answers = {}
    for step in definition.get("steps", []):
        for spec in step.get("fields", []):
            kind, key = spec.get("type"), spec.get("key")
            if kind == "short_text":
                answers[key] = name if spec.get("is_contact_name") else "หมู่ 3"
            elif kind == "long_text":
                answers[key] = details
            elif kind == "phone":
                answers[key] = phone
            elif kind == "single_choice" and spec.get("options"):
                values = [value for value, *_label in spec["options"]]
                fitting = COMPLAINT_KIND.get(details)
                answers[key] = fitting if key == "category" and fitting in values else values[0]
    return answers


def load(site, out):
    settings = CaseSettings.for_site(site)
    settings.reference_prefix = "BSR"
    settings.default_department = Department.objects.filter(site=site, code="clerk").first()
    settings.save()
    for title, body, body_en in REPLY_TEMPLATES:
        ReplyTemplate.objects.update_or_create(
            title=title, **office_of(ReplyTemplate, site), defaults={"body": body, "body_en": body_en}
        )
    OfficeClosure.objects.update_or_create(
        site=site,
        date=datetime.date(2026, 11, 25),
        defaults={"reason": "งานประเพณีลอยกระทงของเทศบาล", "reason_en": "Municipal Loy Krathong festival"},
    )
    ensure_approval_roles(site)
    ensure_awaiting_approval(site, out)
    if Submission.objects.filter(wizard_token__startswith=TOKEN_PREFIX).exists():
        out.write(f"  cases: demo cases already there ({Case.objects.filter(site=site).count()})")
        return

    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, never a real reference
    pages = {p.slug: p for p in FormPage.objects.descendant_of(site.root_page).filter(slug__in=[s for s, _ in FORMS])}
    forms = [(pages[slug], weight) for slug, weight in FORMS if slug in pages]
    if not forms:
        out.write("  cases: no demo forms, skipped")
        return
    definitions = {page.pk: build_definition(page) for page, _ in forms}
    services = {page.pk: find_service(page) for page, _ in forms}
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["admin", "officer.works", "officer.health", "volunteer"])
    }
    staff_by_department = {
        d.pk: list(d.members.all()) for d in Department.objects.filter(site=site).prefetch_related("members")
    }
    calendar = WorkingCalendar(site)
    now = timezone.now()
    tz = timezone.get_current_timezone()

    plans = []
    for index in range(COUNT):
        page = rng.choices([p for p, _ in forms], weights=[w for _, w in forms])[0]
        days_ago = int(rng.triangular(0, 365, 20))
        day = local_date(now) - datetime.timedelta(days=days_ago)
        moment = datetime.datetime.combine(day, datetime.time(rng.randint(7, 20), rng.randint(0, 59)), tz)
        plans.append(
            {"page": page, "submitted": min(moment, now - datetime.timedelta(minutes=5)), "key": f"{index:04d}"}
        )
    for key, (slug, _status) in SHOWCASE.items():
        if slug in pages:
            day = showcase_submitted()
            plans.append(
                {
                    "page": pages[slug],
                    "submitted": datetime.datetime.combine(day, datetime.time(9, 30), tz),
                    "key": key,
                    "showcase": key,
                }
            )

    submissions = []
    for plan in plans:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        phone = SHOWCASE_PHONE if plan.get("showcase") else f"0{rng.choice('689')}{rng.randint(0, 99999999):08d}"
        channel = rng.choices(DEMO_CHANNELS, weights=[60, 20, 15, 5])[0] if not plan.get("showcase") else "web"
        filed_by = None
        if channel in (Channel.COUNTER, Channel.PHONE):
            filed_by = users.get("officer.works") or users.get("admin")
        elif channel == Channel.VOLUNTEER:
            filed_by = users.get("volunteer") or users.get("admin")
        if channel != Channel.WEB and filed_by is None:
            channel = Channel.WEB
        page = plan["page"]
        details = rng.choice(DETAILS)
        submissions.append(
            Submission(
                form_page=page,
                form_title=page.title,
                form_snapshot=definitions[page.pk],
                answers=answers_for(definitions[page.pk], rng, name, phone, details),
                language="th",
                channel=channel,
                filed_by=filed_by,
                contact_name=name,
                contact_phone=phone,
                location_text=f"หมู่ {rng.randint(1, 8)} ตำบลบ้านสวน",
                wizard_token=f"{TOKEN_PREFIX}{plan['key']}",
                submitted_at=plan["submitted"],
            )
        )
    submissions = Submission.objects.bulk_create(submissions)

    cases, timelines = [], []
    seen = set()
    for plan, submission in zip(plans, submissions, strict=True):
        page = plan["page"]
        case = build_case(
            submission, site=site, settings=settings, calendar=calendar, service=services[page.pk], rng=rng
        )
        if plan.get("showcase"):
            case.reference = showcase_reference(plan["showcase"])
        while case.reference in seen:
            case.reference = references.generate("BSR", local_date(case.submitted_at).year, rng=rng)
        seen.add(case.reference)
        events = simulate(case, plan, rng, calendar, staff_by_department, now)
        submission.reference, submission.expected_date = case.reference, case.due_date
        submission.tracking_url = f"/t/{case.reference}"
        cases.append(case)
        timelines.append(events)
    Submission.objects.bulk_update(submissions, ["reference", "expected_date", "tracking_url"])
    cases = Case.objects.bulk_create(cases)
    rows = []
    for case, events in zip(cases, timelines, strict=True):
        for event in events:
            event.case = case
            rows.append(event)
    CaseEvent.objects.bulk_create(rows, batch_size=1000)
    showcase = {showcase_reference(key) for key in SHOWCASE}
    for case in cases:
        if case.reference in showcase:
            give_demo_link(case)
    overdue = sum(1 for c in cases if c.is_overdue())
    rated = sum(1 for c in cases if c.rating)
    out.write(
        f"  cases: {len(cases)} over 12 months ({overdue} overdue, {rated} rated); showcase phone {SHOWCASE_PHONE}"
    )
    for key in SHOWCASE:
        out.write(f"  showcase {key}: {showcase_link(key)}")


def ensure_approval_roles(site):
    """The office's approval roles and their demo holders (idempotent: by office and role)."""
    User = get_user_model()
    for key, (name, name_en, holders) in APPROVAL_ROLES.items():
        role, _ = ApprovalRole.objects.update_or_create(site=site, key=key, defaults={"name": name, "name_en": name_en})
        role.members.add(*User.objects.filter(username__in=holders))


def ensure_awaiting_approval(site, out):
    """One building-permit request filed through the real intake (so it has the guide's stages)
    and moved by the works officer to the stage that needs the ปลัด's signature: the holder's
    "awaiting my approval" list has it. Made once (by its submission token)."""
    if Submission.objects.filter(wizard_token=AWAITING_TOKEN).exists():
        return
    page = FormPage.objects.descendant_of(site.root_page).filter(slug="building-permit-form").first()
    service = find_service(page, site) if page is not None else None
    if service is None or not any(block.value.get("approval_role") for block in service.steps):
        return
    definition = build_definition(page)
    rng = random.Random(f"{SEED}-approval")  # noqa: S311 - deterministic demo data
    name, phone = "ทองใบ แก้วมณี", "0898765432"
    submission = Submission.objects.create(
        form_page=page,
        form_title=page.title,
        form_snapshot=definition,
        answers=answers_for(definition, rng, name, phone, "ขออนุญาตก่อสร้างบ้านพักอาศัย 2 ชั้น"),
        language="th",
        channel=Channel.WEB,
        contact_name=name,
        contact_phone=phone,
        location_text="หมู่ 3 ตำบลบ้านสวน",
        wizard_token=AWAITING_TOKEN,
        submitted_at=timezone.now() - datetime.timedelta(days=14),
    )
    receipt = open_case(submission)
    case = Case.objects.get(reference=receipt.reference)
    officer = get_user_model().objects.filter(username="officer.works").first()
    for _step in range(case.stages.count()):
        stage = stages.move(case, officer)
        if stage.status == StageStatus.AWAITING_APPROVAL:
            break
    out.write(f"  cases: building permit {case.reference} awaits the ปลัดเทศบาล's approval (user palad)")


def _at(moment, rng, working_days, calendar):
    day = calendar.add_working_days(local_date(moment), working_days)
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 16), rng.randint(0, 59)), tz)


def simulate(case, plan, rng, calendar, staff_by_department, now):
    """Walk the case through a believable life up to today; returns its (unsaved) timeline."""
    submitted = case.submitted_at
    events = [CaseEvent(kind=CaseEvent.Kind.CREATED, public=True, created_at=submitted)]
    staff = staff_by_department.get(case.department_id) or []
    officer = staff[0] if staff else None
    age = (now - submitted).days
    processing = max((case.due_date - local_date(submitted)).days, 1)
    showcase = plan.get("showcase")

    def move(to, when, message="", public=True):
        if when > now:
            return False
        events.append(
            CaseEvent(
                kind=CaseEvent.Kind.STATUS,
                public=public,
                actor=officer,
                from_status=case.status,
                to_status=to,
                message=message,
                created_at=when,
            )
        )
        case.status = to
        return True

    # Recent requests are still open; some of the last two months' are stuck (overdue).
    stop_at = None
    if not showcase:
        if age <= 3:
            stop_at = rng.choice(
                [CaseStatus.RECEIVED, CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS]
            )
        elif age <= 60 and rng.random() < 0.3:
            stop_at = rng.choice([CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.IN_PROGRESS])
    if stop_at == CaseStatus.RECEIVED:
        return events
    # Late cases: about one in six runs past its deadline.
    speed = rng.choice([0.2, 0.4, 0.6, 0.8, 1.0, 1.6]) if not showcase else 0.3
    accepted_at = _at(submitted, rng, rng.choice([0, 1]), calendar)
    if rng.random() < 0.05 and not showcase:
        if move(CaseStatus.REJECTED, accepted_at, "เรื่องนี้ซ้ำกับคำร้องที่ยื่นไว้แล้ว", True):
            case.reject_reason = "duplicate"
            case.public_reason = "เรื่องนี้ซ้ำกับคำร้องที่ยื่นไว้แล้ว"
            closed = accepted_at + datetime.timedelta(days=3)
            if move(CaseStatus.CLOSED, closed, "ปิดเรื่อง (ซ้ำ)"):
                case.closed_at = closed
                case.public_reason = "ปิดเรื่อง (ซ้ำ)"
        return events
    if not move(CaseStatus.ACCEPTED, accepted_at):
        return events
    case.assignee = officer
    started = accepted_at + datetime.timedelta(hours=rng.randint(1, 30))
    if stop_at == CaseStatus.ACCEPTED or not move(CaseStatus.IN_PROGRESS, started):
        return events
    if rng.random() < 0.5 or showcase:
        events.append(
            CaseEvent(
                kind=CaseEvent.Kind.REPLY,
                public=True,  # the office's general "the team is on its way", ticked public
                for_resident=True,
                actor=officer,
                message=REPLY_TEMPLATES[0][1],
                created_at=started + datetime.timedelta(minutes=5),
            )
        )
    if rng.random() < 0.3:
        events.append(
            CaseEvent(
                kind=CaseEvent.Kind.NOTE,
                public=False,
                actor=officer,
                message="โทรนัดผู้ร้องแล้ว",
                created_at=started + datetime.timedelta(minutes=10),
            )
        )
    if showcase == "in_progress" or stop_at == CaseStatus.IN_PROGRESS:
        return events
    if rng.random() < 0.08 and age < 20:
        if move(CaseStatus.WAITING, started + datetime.timedelta(hours=2), REPLY_TEMPLATES[1][1]):
            case.waiting_since = local_date(started)
        return events
    resolved_at = _at(submitted, rng, max(int(processing * speed * 5 / 7), 0), calendar)
    if showcase:
        resolved_at = now - datetime.timedelta(hours=3)
    if not move(CaseStatus.RESOLVED, resolved_at, REPLY_TEMPLATES[2][1]):
        return events
    case.resolved_at = resolved_at
    if showcase:
        return events
    if rng.random() < 0.65:
        rated_at = resolved_at + datetime.timedelta(hours=rng.randint(2, 72))
        if rated_at < now:
            late = case.due_date < local_date(resolved_at)
            case.rating = rng.choices(
                [1, 2, 3, 4, 5], weights=[3, 4, 10, 30, 53] if not late else [15, 20, 30, 20, 15]
            )[0]
            case.rating_comment = rng.choice(["", "", "รวดเร็วมาก ขอบคุณค่ะ", "เจ้าหน้าที่สุภาพ", "ช้าไปหน่อย"])
            case.rated_at = rated_at
            events.append(
                CaseEvent(kind=CaseEvent.Kind.RATED, public=False, message=str(case.rating), created_at=rated_at)
            )
    closed_at = resolved_at + datetime.timedelta(days=rng.randint(3, 14))
    if move(CaseStatus.CLOSED, closed_at, "ปิดเรื่องเรียบร้อย"):
        case.closed_at = closed_at
        case.public_reason = "ปิดเรื่องเรียบร้อย"
    return events
