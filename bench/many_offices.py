"""The Django side of `python -m bench.offices`: add offices and cases to a bench database, and
measure inside the process (the staff queue, tracking, query counts, create_office).

    python -m bench.many_offices add-offices N       sites, home pages, settings, departments, staff
    python -m bench.many_offices add-cases N         N cases spread over every office (COPY)
    python -m bench.many_offices measure SAMPLES     queue, tracking, query counts (JSON on stdout)
    python -m bench.many_offices create-office K     K real create_office calls, timed (JSON)

Run with the bench site's environment (DJANGO_SETTINGS_MODULE, DATABASE_URL): bench/offices.py
does. Offices here are made the cheap way — a Site, a home page, the settings and four
departments — because what 1,000 offices cost a request is the number of sites and rows, not
their guides; `create-office` then times the real `create_office` with those 1,000 present.
"""

import datetime
import json
import os
import random
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 - after django.setup()
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Locale, Page, Site  # noqa: E402

from forms_builder.models import FormPage  # noqa: E402
from home.models import HomePage, OfficeSettings  # noqa: E402
from portal.models import Office, StaffGroup, StaffRole  # noqa: E402
from services.cases import references  # noqa: E402
from services.cases import views as views_tracking  # noqa: E402
from services.cases.models import Case, CaseSettings, CaseStatus, Channel  # noqa: E402
from services.models import Department  # noqa: E402
from services.offices.going_live import create_office  # noqa: E402

DEPARTMENTS = [("clerk", "สำนักปลัด"), ("finance", "กองคลัง"), ("works", "กองช่าง"), ("health", "กองสาธารณสุข")]
# Mostly closed, as a real queue after three years; a status or channel added later gets none.
STATUS_SHARE = {
    "received": 5,
    "accepted": 5,
    "in_progress": 10,
    "waiting": 2,
    "resolved": 8,
    "rejected": 3,
    "closed": 67,
}
STATUSES = list(CaseStatus.values)
STATUS_WEIGHTS = [STATUS_SHARE.get(status, 0) for status in STATUSES]
CHANNEL_SHARE = {"web": 60, "counter": 20, "volunteer": 15, "phone": 5}
CHANNELS = list(Channel.values)
CHANNEL_WEIGHTS = [CHANNEL_SHARE.get(channel, 0) for channel in CHANNELS]
PASSWORD = "bench-offices-2569"  # noqa: S105 - a throwaway benchmark database


def office_prefix(number):
    """Two to six Latin letters, unique per office: B + the number in base 26."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = chr(ord("A") + digit) + letters
        if number == 0:
            break
    return ("B" + letters.rjust(3, "A"))[:6]


def bench_offices():
    return Site.objects.filter(hostname__endswith=".bench.localhost")


def add_offices(count):
    """`count` offices with a home page, settings, departments and one officer each."""
    root = Page.get_first_root_node()
    thai = Locale.objects.get(language_code="th")
    User = get_user_model()
    have = bench_offices().count()
    # What create_office gives an office's officer groups: the admin, and the reply templates.
    officer_permissions = list(
        Permission.objects.filter(
            Q(content_type__app_label="wagtailadmin", codename="access_admin")
            | Q(content_type__app_label="cases", codename="view_replytemplate")
        )
    )
    start = time.perf_counter()
    for number in range(have, have + count):
        with transaction.atomic():
            name = f"องค์การบริหารส่วนตำบลทดสอบ {number:04d}"
            home = root.add_child(instance=HomePage(title=name, slug=f"bench-{number:04d}", locale=thai))
            site = Site.objects.create(
                hostname=f"office{number:04d}.bench.localhost", port=80, root_page=home, site_name=name
            )
            Office.objects.filter(site=site).update(province=f"จังหวัดทดสอบ {number % 77:02d}")
            OfficeSettings.objects.update_or_create(site=site, defaults={"name": name})
            departments = [Department(site=site, code=code, name=label) for code, label in DEPARTMENTS]
            Department.objects.bulk_create(departments)
            CaseSettings.objects.update_or_create(
                site=site, defaults={"reference_prefix": office_prefix(number), "default_department": departments[0]}
            )
            officer = User.objects.create_user(f"bench.officer.{number:04d}", password=PASSWORD)
            group = Group.objects.create(name=f"{name}: officers")
            group.permissions.set(officer_permissions)
            StaffGroup.objects.create(group=group, site=site, role=StaffRole.OFFICER)
            officer.groups.add(group)
            departments[2].members.add(officer)
    return {"offices_added": count, "seconds": round(time.perf_counter() - start, 1)}


def add_cases(count):
    """`count` cases spread evenly over the bench offices (COPY; see bench_queue for why)."""
    offices = list(bench_offices().order_by("pk"))
    if not offices:
        raise SystemExit("add offices first")
    form = FormPage.objects.filter(locale__language_code="th").order_by("pk").first()
    departments = {}
    for department in Department.objects.filter(site__in=offices).prefetch_related("members"):
        departments.setdefault(department.site_id, []).append(
            (department.pk, [member.pk for member in department.members.all()])
        )
    prefixes = dict(CaseSettings.objects.filter(site__in=offices).values_list("site_id", "reference_prefix"))
    rng = random.Random(2569)  # noqa: S311 - benchmark data
    now = timezone.now()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM forms_builder_submission")
        first_submission = cursor.fetchone()[0] + 1
        cursor.execute("SELECT coalesce(max(id), 0) FROM services_case")
        first_case = cursor.fetchone()[0] + 1
    snapshot = json.dumps({"title": "bench", "steps": []})
    seen = set(Case.objects.values_list("reference", flat=True))
    raw = connection.connection
    cases = []
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY forms_builder_submission (id, form_page_id, form_title, form_snapshot, answers, language, channel,"
            " contact_name, contact_phone, contact_email, location_text, consent_version, reference, tracking_url,"
            " wizard_token, submitted_at) FROM STDIN"
        ) as copy:
            for index in range(count):
                site = offices[index % len(offices)]
                department, members = rng.choice(departments[site.pk])
                submitted = now - datetime.timedelta(minutes=rng.randint(5, 60 * 24 * 365 * 3))
                day = timezone.localtime(submitted).date()
                reference = references.generate(prefixes[site.pk], day.year, rng=rng)
                while reference in seen:
                    reference = references.generate(prefixes[site.pk], day.year, rng=rng)
                seen.add(reference)
                phone = f"08{rng.randint(0, 99999999):08d}"
                submission_id = first_submission + index
                copy.write_row(
                    (
                        submission_id,
                        form.pk,
                        form.title,
                        snapshot,
                        json.dumps({"details": "bench"}),
                        "th",
                        "web",
                        f"ผู้ทดสอบ {index}",
                        phone,
                        "",
                        "",
                        "",
                        reference,
                        f"/t/{reference}",
                        f"bench-offices-{submission_id}",
                        submitted,
                    )
                )
                status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
                cases.append(
                    (
                        first_case + index,
                        reference,
                        form.title,
                        "",
                        status,
                        rng.choice([1, 2, 2, 2, 3, 4]),
                        rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0],
                        "",
                        submitted,
                        day + datetime.timedelta(days=21),
                        phone[-4:],
                        "",
                        "",
                        "",
                        rng.choice([None, 3, 4, 5]) if status == "closed" else None,
                        "",
                        1,
                        submitted,
                        rng.choice(members) if members and status != "received" else None,
                        department,
                        None,
                        site.pk,
                        submission_id,
                        False,
                    )
                )
        with cursor.copy(
            "COPY services_case (id, reference, service_title, service_title_en, status, priority, channel,"
            " location_text, submitted_at, due_date, contact_phone_last4, reject_reason, public_reason, after_photo,"
            " rating, rating_comment, version, updated_at, assignee_id, department_id, service_id, site_id,"
            " submission_id, private_report) FROM STDIN"
        ) as copy:
            for row in cases:
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO services_caseevent (case_id, kind, public, for_resident, from_status, to_status, message,"
            " created_at, actor_id) SELECT id, 'created', true, false, '', '', '', submitted_at, NULL"
            " FROM services_case WHERE id >= %s",
            [first_case],
        )
        for table in ("forms_builder_submission", "services_case", "services_caseevent"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - fixed names
            )
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {"cases_added": count, "seconds": round(time.perf_counter() - start, 1)}


def timed(client, requests):
    """p50 and p95 in ms of (path, params, host) requests, each answered 200: the wall clock, and
    this process's CPU time (on a shared machine the wall clock also counts other jobs' turns),
    with the load average when they ended."""
    timings, cpu = [], []
    for path, params, host in requests:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, params, secure=True, HTTP_HOST=host)
        timings.append((time.perf_counter() - begin) * 1000)
        cpu.append((time.process_time() - begin_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{host}{path} {params} answered {response.status_code}")
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": percentile(timings, 0.95),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": percentile(cpu, 0.95),
        "load": [round(value, 2) for value in os.getloadavg()],
    }


def percentile(values, share):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * share))], 1)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def measure(samples):
    """The staff queue for an office's officer and for a platform administrator, tracking on
    each case's own host, and the queries of an uncached page with this many offices."""
    User = get_user_model()
    views_tracking.LOOKUP_LIMIT = (10**9, 60)  # one address asks many times here
    results = {"offices": Site.objects.count(), "cases": Case.objects.count()}
    offices = list(bench_offices().order_by("pk"))
    middle = offices[len(offices) // 2] if offices else None
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False, OTP_REQUIRED=False):
        officer = User.objects.get(username=f"bench.officer.{offices.index(middle):04d}") if middle else None
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        scenarios = [
            ("default (due date)", {}),
            ("open cases", {"status": "open"}),
            ("overdue", {"overdue": "overdue"}),
            ("newest first, page 5", {"sort": "-submitted", "p": "5"}),
            ("search phone last 4", {"q": "1234"}),
        ]
        for label, user in (("officer of one office", officer), ("platform administrator", admin)):
            if user is None:
                continue
            client = signed_in(user)
            for name, params in scenarios:
                client.get("/admin/cases/", params, secure=True)
                results[f"queue, {label}: {name}"] = timed(client, [("/admin/cases/", params, "localhost")] * samples)
        rows = list(
            Case.objects.filter(site__in=offices[:: max(1, len(offices) // 50)])
            .order_by("?")
            .values_list("reference", "site__hostname")[:samples]
        )
        # The first page a process serves on a host after a content change reads that office's
        # site, menu and settings (kept per process, host and content version after that): timed
        # on its own, with another case of the host, as the queue's first request is left out.
        taken = {ref for ref, _host in rows}
        first = {}
        for ref, host in Case.objects.filter(site__hostname__in={host for _ref, host in rows}).values_list(
            "reference", "site__hostname"
        )[: 20 * samples]:
            if ref not in taken:
                first.setdefault(host, ref)
        client = Client()
        results["tracking, first request on a host"] = timed(
            client, [(f"/t/{ref}", {}, host) for host, ref in first.items()]
        )
        results["tracking /t/<reference> on its office's host"] = timed(
            client, [(f"/t/{ref}", {}, host) for ref, host in rows]
        )
    results["page queries"] = page_queries()
    return results


def page_queries(_unused=0):
    """Queries of the default office's home pages, uncached (the page cache off), after one
    warming request: what every page pays for the site lookup as the number of offices grows."""
    counts = {}
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False, PAGE_CACHE_SECONDS=0):
        for path in ("/th/", "/en/"):
            Client().get(path, secure=True, HTTP_HOST="localhost")
            with CaptureQueriesContext(connection) as queries:
                response = Client().get(path, secure=True, HTTP_HOST="localhost")
            counts[path] = {"status": response.status_code, "queries": len(queries)}
    return counts


def create_offices(count):
    """Time the real create_office with every bench office present: wall clock and this
    process's CPU time of each call (the first also loads what the process had not used yet).
    Wagtail's admin search and reference index of the new pages are the worker's, after the
    commit; no worker runs here, so they are left out (see portal.starter)."""
    timings, cpu, load = [], [], []
    have = bench_offices().count()
    for number in range(have, have + count):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        create_office(
            name=f"องค์การบริหารส่วนตำบลจริง {number:04d}",
            host=f"office{number:04d}.bench.localhost",
            prefix=office_prefix(number),
        )
        timings.append(round(time.perf_counter() - begin, 2))
        cpu.append(round(time.process_time() - begin_cpu, 2))
        load.append(round(os.getloadavg()[0], 2))
    return {
        "offices_present": Site.objects.count(),
        "create_office_seconds": timings,
        "create_office_cpu_seconds": cpu,
        "load_1min": load,
    }


if __name__ == "__main__":
    command, number = sys.argv[1], int(sys.argv[2])
    action = {
        "queries": page_queries,
        "add-offices": add_offices,
        "add-cases": add_cases,
        "measure": measure,
        "create-office": create_offices,
    }
    print(json.dumps(action[command](number), ensure_ascii=False))  # noqa: T201
