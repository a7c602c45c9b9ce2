"""The demo's second office: องค์การบริหารส่วนตำบลหนองบัว at http://nongbua.localhost:8000/, made
with create_office as a real office would be, plus its own staff logins, a shared officer who
works for both offices, and a few weeks of requests sent through the same intake as the web form.

Idempotent: the office, the users and the cases are found by host name, username and submission
token, so `load_demo` can run again. Port 8000 is `make run`'s; a request to nongbua.localhost on
any other port still finds the office (its host name is unique), and localhost stays the
municipality.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Site

from forms_builder.fields import build_definition
from forms_builder.intake import hand_over
from forms_builder.models import FormPage, Submission
from portal.demo import DEMO_PASSWORD
from portal.demo_security import give_demo_authenticator
from portal.models import StaffRole
from services.cases import workflow
from services.cases.demo import DETAILS, FIRST, LAST, answers_for
from services.cases.models import Case, CaseStatus
from services.models import Department
from services.offices.going_live import create_office

OFFICE = {
    "name": "องค์การบริหารส่วนตำบลหนองบัว",
    "name_en": "Nong Bua Subdistrict Administrative Organisation",
    "host": "nongbua.localhost",
    "port": 8000,
    "prefix": "NBA",
    "province": "เชียงใหม่",  # the demo municipality's province (home/demo.py, its address)
}
SEED = 2570
COUNT = 15
RESOLVED = 5
TOKEN_PREFIX = "demo-nongbua-"  # noqa: S105 - a submission token prefix, not a secret
WORKS = "works"  # the department the shared officer works for in both offices
# username: (first name, last name, role)
USERS = {
    "nongbua.admin": ("ประภา", "ดูแลดี", StaffRole.OFFICE_ADMIN),
    "nongbua.editor": ("กมล", "เขียนงาม", StaffRole.EDITOR),
    "nongbua.officer": ("สมศักดิ์", "ทำจริง", StaffRole.OFFICER),
}
SHARED_OFFICER = ("shared.officer", "อนันต์", "สองที่")


def load(site, out):
    """`site` is the demo municipality (the default site); the second office is made beside it."""
    office = Site.objects.filter(hostname=OFFICE["host"]).first()
    if office is None:
        office = create_office(
            OFFICE["name"],
            OFFICE["host"],
            OFFICE["prefix"],
            name_en=OFFICE["name_en"],
            province=OFFICE["province"],
            port=OFFICE["port"],
        )
    users = _users(office, site)
    cases = _cases(office, users["nongbua.officer"])
    out.write(f"  second office: {OFFICE['name']} at {office.root_url}/ ({cases} requests)")
    out.write(f"  its logins: {', '.join([*USERS, SHARED_OFFICER[0]])} (password {DEMO_PASSWORD})")


def _user(username, first, last):
    user, created = get_user_model().objects.get_or_create(username=username)
    user.first_name, user.last_name, user.email = first, last, f"{username}@demo.invalid"
    if created:
        user.set_password(DEMO_PASSWORD)
    user.save()
    # The same authenticator key as the municipality's demo staff (README, Demo logins): these
    # people see residents' data too, so two-step sign-in asks them for a code.
    give_demo_authenticator(user)
    return user


def _works(site):
    departments = Department.objects.filter(site=site)
    return departments.filter(code=WORKS).first() or departments.order_by("pk").first()


def _role_group(office, role, department=None):
    groups = Group.objects.filter(office_role__site=office, office_role__role=role)
    if department is not None:
        groups = groups.filter(department_queue__department=department)
    return groups.first()


def _users(office, municipality):
    users = {}
    works = _works(office)
    for username, (first, last, role) in USERS.items():
        user = _user(username, first, last)
        group = _role_group(office, role, works if role == StaffRole.OFFICER else None)
        user.groups.set([group] if group else [])
        users[username] = user
    shared = _user(*SHARED_OFFICER)
    groups = [
        g
        for g in [_role_group(office, StaffRole.OFFICER, works), Group.objects.filter(name="Case officers").first()]
        if g
    ]
    shared.groups.set(groups)
    municipal_works = _works(municipality)
    if municipal_works is not None:
        municipal_works.members.add(shared)
    users[SHARED_OFFICER[0]] = shared
    return users


def _cases(office, officer):
    """About fifteen requests over the last six weeks, a third of them resolved."""
    existing = Case.objects.filter(site=office)
    if Submission.objects.filter(wizard_token__startswith=TOKEN_PREFIX).exists():
        return existing.count()
    forms = list(FormPage.objects.live().descendant_of(office.root_page).filter(locale__language_code="th"))
    if not forms:
        return 0
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    now = timezone.now()
    opened = []
    for index in range(COUNT):
        page = forms[index % len(forms)]
        definition = build_definition(page)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        phone = f"08{rng.randint(0, 99999999):08d}"
        submission = Submission.objects.create(
            form_page=page,
            form_title=page.title,
            form_snapshot=definition,
            answers=answers_for(definition, rng, name, phone, rng.choice(DETAILS)),
            language="th",
            contact_name=name,
            contact_phone=phone,
            location_text=f"หมู่ {rng.randint(1, 9)} ตำบลหนองบัว",
            wizard_token=f"{TOKEN_PREFIX}{index:03d}",
            submitted_at=now - datetime.timedelta(days=rng.randint(1, 42), hours=rng.randint(0, 8)),
        )
        receipt = hand_over(submission)
        submission.reference, submission.expected_date = receipt.reference, receipt.expected_date
        submission.tracking_url = receipt.tracking_url
        submission.save(update_fields=["reference", "expected_date", "tracking_url"])
        opened.append(receipt.reference)
    for reference in opened[:RESOLVED]:
        case = Case.objects.get(reference=reference)
        workflow.change_status(case, CaseStatus.ACCEPTED, officer)
        case.refresh_from_db()
        workflow.change_status(case, CaseStatus.RESOLVED, officer, message="ดำเนินการเรียบร้อยแล้ว ขอบคุณที่แจ้งเรื่อง")
    return len(opened)
