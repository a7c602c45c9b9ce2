"""Seed many cases on PostgreSQL and time the staff queue and the resident's tracking lookup.

    manage.py load_demo                      # the departments, services and forms to hang cases on
    manage.py bench_queue --count 1000000    # seed, measure, report p50/p95 (and keep the rows)
    manage.py bench_queue --measure-only     # measure again on what is there
    manage.py bench_queue --measure-only --json out.json   # also write name, p50_ms, p95_ms, cases

Seed a database of its own and drop it afterwards: the case timeline is append-only (database
triggers), so benchmark rows cannot be deleted one by one (`--cleanup` says so and stops).

Rows go in with COPY (psycopg 3) rather than the ORM, because a million model instances would
measure Python, not the queue. Measurements go through the real URL stack (Django's test client:
middleware, session, Wagtail admin templates), so they include everything but the network.
"""

import datetime
import json
import os
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Site

from forms_builder.models import FormPage
from services.cases import references
from services.cases import views as views_tracking
from services.cases.intake import find_service, route
from services.cases.models import Case, CaseSettings, CaseStatus, Channel
from services.cases.sla import WorkingCalendar
from services.models import Department

TOKEN = "bench-"  # noqa: S105 - a submission token prefix, not a secret
PREFIX = "BEN"
STATUSES = [s for s in CaseStatus.values]
STATUS_WEIGHTS = [5, 5, 10, 2, 8, 3, 67]


class Command(BaseCommand):
    help = "Seed N cases (PostgreSQL) and report staff-queue and tracking-lookup latency p50/p95."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1_000_000)
        parser.add_argument("--samples", type=int, default=60, help="Requests per measured scenario.")
        parser.add_argument("--measure-only", action="store_true", help="Measure what is there; seed nothing.")
        parser.add_argument("--cleanup", action="store_true")
        parser.add_argument(
            "--json",
            dest="json_path",
            metavar="PATH",
            help='Also write the results as JSON: {"cases", "samples", "load_average", "scenarios": [{"name",'
            ' "p50_ms", "p95_ms", "cases"}]}.',
        )

    def handle(self, *args, count, samples, measure_only, cleanup, json_path=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (set DATABASE_URL).")
        if cleanup:
            self.cleanup()
            return
        if not measure_only:
            self.seed(count)
        self.measure(samples, json_path)

    # -- seeding ------------------------------------------------------------------------------

    def seed(self, count):
        site = Site.objects.get(is_default_site=True)
        forms = list(FormPage.objects.filter(locale__language_code="th"))
        if not forms:
            raise CommandError("No forms: run `manage.py load_demo` first.")
        settings = CaseSettings.for_site(site)
        calendar = WorkingCalendar(site)
        routes = []
        for form in forms:
            service = find_service(form)
            department = route(service, settings)
            routes.append((form, service, department, service.processing_days if service else 15))
        members = {d.pk: list(d.members.values_list("pk", flat=True)) for d in Department.objects.all()}
        rng = random.Random(2569)  # noqa: S311 - benchmark data
        now = timezone.now()
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM forms_builder_submission")
            first_submission = cursor.fetchone()[0] + 1
            cursor.execute("SELECT coalesce(max(id), 0) FROM services_case")
            first_case = cursor.fetchone()[0] + 1
        raw = connection.connection  # psycopg 3 connection
        snapshot = json.dumps({"title": "bench", "steps": []})
        seen = set(Case.objects.values_list("reference", flat=True))
        due_cache = {}
        with raw.cursor() as cursor:
            with cursor.copy(
                "COPY forms_builder_submission (id, form_page_id, form_title, form_snapshot, answers, language, channel,"
                " contact_name, contact_phone, contact_email, location_text, consent_version, reference, tracking_url,"
                " wizard_token, submitted_at) FROM STDIN"
            ) as copy:
                cases = []
                for index in range(count):
                    form, service, department, days = routes[index % len(routes)]
                    submitted = now - datetime.timedelta(minutes=rng.randint(5, 60 * 24 * 365 * 3))
                    day = timezone.localtime(submitted).date()
                    key = (day, days)
                    if key not in due_cache:
                        due_cache[key] = calendar.add_working_days(day, days)
                    reference = references.generate(PREFIX, day.year, rng=rng)
                    while reference in seen:
                        reference = references.generate(PREFIX, day.year, rng=rng)
                    seen.add(reference)
                    phone = f"08{rng.randint(0, 99999999):08d}"
                    channel = rng.choices(Channel.values, weights=[60, 20, 15, 5])[0]
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
                            f"{TOKEN}{submission_id}",
                            submitted,
                        )
                    )
                    status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
                    staff = members.get(department.pk if department else None) or [None]
                    cases.append(
                        (
                            first_case + index,
                            reference,
                            service.title if service else form.title,
                            "",
                            status,
                            rng.choice([1, 2, 2, 2, 3, 4]),
                            channel,
                            "",
                            submitted,
                            due_cache[key],
                            phone[-4:],
                            "",
                            "",
                            "",
                            rng.choice([None, 3, 4, 5]) if status == "closed" else None,
                            "",
                            1,
                            submitted,
                            rng.choice(staff) if status != "received" else None,
                            department.pk if department else None,
                            service.pk if service else None,
                            site.pk,
                            submission_id,
                        )
                    )
            self.stdout.write(f"  submissions copied: {count} in {time.perf_counter() - start:.1f}s")
            with cursor.copy(
                "COPY services_case (id, reference, service_title, service_title_en, status, priority, channel,"
                " location_text, submitted_at, due_date, contact_phone_last4, reject_reason, public_reason, after_photo, rating,"
                " rating_comment, version, updated_at, assignee_id, department_id, service_id, site_id, submission_id)"
                " FROM STDIN"
            ) as copy:
                for row in cases:
                    copy.write_row(row)
        self.stdout.write(f"  cases copied: {count} in {time.perf_counter() - start:.1f}s")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO services_caseevent (case_id, kind, public, for_resident, from_status, to_status, message,"
                " created_at, actor_id) SELECT id, 'created', true, false, '', '', '', submitted_at, NULL"
                " FROM services_case WHERE id >= %s",
                [first_case],
            )
            for table in ("forms_builder_submission", "services_case", "services_caseevent"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - fixed table names
                )
                # VACUUM as well: autovacuum would soon, and until it does the visibility map is
                # empty and the queue's index-only scans read the table.
                cursor.execute(f"VACUUM ANALYZE {table}")
        self.stdout.write(f"  seeded {count} cases with events in {time.perf_counter() - start:.1f}s")

    def cleanup(self):
        # The case timeline is append-only down to the database (services/privacy/audit_sql.py): its
        # triggers refuse DELETE, and a benchmark must not be the one tool that gets around them.
        raise CommandError(
            "Benchmark cases cannot be deleted: the case timeline is append-only (database triggers refuse"
            " DELETE). Seed a database of its own (DATABASE_URL=…/portal_bench) and drop it afterwards."
        )

    # -- measuring ----------------------------------------------------------------------------

    def timed(self, client, url, samples, params_list=None):
        timings = []
        for index in range(samples):
            params = params_list[index % len(params_list)] if params_list else {}
            target = url(index) if callable(url) else url
            begin = time.perf_counter()
            # secure: production settings redirect plain HTTP (the proxy in front speaks HTTPS).
            response = client.get(target, params, secure=True)
            timings.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{target} {params} answered {response.status_code}")
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        return statistics.median(timings), p95

    def sample(self, count):
        """`count` random cases, found through the primary key (ORDER BY random() would sort the
        whole table on every run)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM services_case")
            low, high = cursor.fetchone()
        if low is None:
            raise CommandError("No cases: seed them first (bench_queue --count N).")
        rng = random.Random(count)  # noqa: S311 - benchmark data
        ids = [rng.randint(low, high) for _ in range(count * 3)]
        rows = Case.objects.filter(pk__in=ids).values_list("reference", "submission__contact_phone")
        rows = list(rows)[:count]
        if not rows:
            raise CommandError("Could not sample cases.")
        return [ref for ref, _ in rows], [phone for _, phone in rows if phone]

    def signed_in_client(self, user):
        """A client signed in as `user`, two-step verified the way django-otp records it, so the
        measurement includes the OTP middleware instead of switching it off."""
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    def queue_scenarios(self, user, refs, phones, names):
        department = Department.objects.filter(members=user).first() or Department.objects.first()
        service_id = (
            Case.objects.filter(department=department).exclude(service=None).values_list("service_id", flat=True)[:1]
        )
        assignee = department.members.first() if department else None
        scenarios = [
            ("default (due date)", [{}]),
            ("open cases", [{"status": "open"}]),
            ("waiting for the resident", [{"status": "waiting"}]),
            ("overdue", [{"overdue": "overdue"}]),
            ("due soon", [{"overdue": "soon"}]),
            ("department", [{"department": str(department.pk)}] if department else None),
            ("service", [{"service": str(service_id[0])}] if service_id else None),
            ("assignee", [{"assignee": str(assignee.pk)}] if assignee else None),
            ("unassigned, open", [{"assignee": "none", "status": "open"}]),
            ("assigned to me, open", [{"assignee": "me", "status": "open"}]),
            ("channel", [{"channel": "phone"}]),
            ("urgent priority", [{"priority": "4"}]),
            ("dates (one month)", [{"date_from": "2026-09-01", "date_to": "2026-09-30"}]),
            ("channel + dates", [{"channel": "counter", "date_from": "2026-01-01", "date_to": "2026-06-30"}]),
            ("newest first, page 20", [{"sort": "-submitted", "p": "20"}]),
            ("oldest first", [{"sort": "submitted"}]),
            ("due date, latest first, 100 per page", [{"sort": "-due", "per_page": "100"}]),
            ("search reference", [{"q": ref} for ref in refs[:20]]),
            ("search phone", [{"q": phone} for phone in phones[:20]]),
            ("search phone last 4", [{"q": phone[-4:]} for phone in phones[:20]]),
            ("search name", [{"q": name} for name in names]),
        ]
        return [(name, params) for name, params in scenarios if params]

    def measure(self, samples, json_path=None):
        total = Case.objects.count()
        self.stdout.write(f"Measuring on {total} cases, {samples} requests per scenario (ms: p50 / p95)")
        User = get_user_model()
        officer = User.objects.filter(username="officer.works").first()
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        refs, phones = self.sample(max(samples, 20))
        # Seeded names are "ผู้ทดสอบ <n>": a full name matches one to a hundred cases.
        names = [f"ผู้ทดสอบ {n}" for n in (4242, 123456, 98765, 5555, 31337)]
        views_tracking.LOOKUP_LIMIT = (10**9, 60)  # the benchmark is one IP asking many times
        results = []

        def record(name, p50, p95):
            results.append({"name": name, "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "cases": total})
            self.stdout.write(f"  {name:<62}  {p50:7.1f} / {p95:7.1f}")

        # DEBUG off: a debug cursor records every query, which a production server does not.
        with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
            for label, user in (("officer", officer), ("superuser", admin)):
                if user is None:
                    self.stdout.write(f"  (no {label} user: run `manage.py load_demo`)")
                    continue
                client = self.signed_in_client(user)
                warm = client.get("/admin/cases/", secure=True)
                if warm.status_code != 200:
                    raise CommandError(f"/admin/cases/ answered {warm.status_code} for {user}")
                for name, params in self.queue_scenarios(user, refs, phones, names):
                    client.get("/admin/cases/", params[0], secure=True)  # warm this plan's pages
                    record(f"queue, {label}: {name}", *self.timed(client, "/admin/cases/", samples, params))
            client = Client()
            client.get(f"/t/{refs[0]}", secure=True)
            record("tracking /t/<known reference>", *self.timed(client, lambda i: f"/t/{refs[i % len(refs)]}", samples))
            unknown = [references.generate(PREFIX, 2026) for _ in range(samples)]
            record("tracking /t/<unknown reference>", *self.timed(client, lambda i: f"/t/{unknown[i]}", samples))
            record("tracking /t/<malformed>", *self.timed(client, lambda i: f"/t/NOT-A-REF-{i}", samples))
        if json_path:
            with open(json_path, "w", encoding="utf-8") as out:
                report = {"cases": total, "samples": samples, "load_average": os.getloadavg(), "scenarios": results}
                json.dump(report, out, ensure_ascii=False, indent=1)
            self.stdout.write(f"  written to {json_path}")
        return results
