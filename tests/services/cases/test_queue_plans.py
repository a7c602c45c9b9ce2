"""Every staff-queue filter and sort is served by an index, checked with EXPLAIN (PostgreSQL).

Timing a million cases is the benchmark's job (`manage.py bench_queue`); this test checks the
reason it is fast, without timing: for each filter it requests the real queue page, captures
every query the view sends to services_case and forms_builder_submission, and asks PostgreSQL
for its plan. No plan may read either table sequentially, and each filter must be served by the
index meant for it — so dropping or breaking one of those indexes fails here.

The planner only prefers indexes when a table is big enough for them to pay, so the test first
writes 60,000 cases with realistic proportions (most closed, five departments, few phone
requests) in one INSERT … SELECT, and scales the queue's count cap to the same 1% of the table
it is at a million cases.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.cases import admin_views
from services.models import Department
from tests.services.cases.support import make_world, submit

pytestmark = [
    # Transactional, so the seeded tables can be VACUUMed like autovacuum would: the planner
    # costs index-only scans by the share of the table it knows to be all-visible.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's (SQLite has no trigram or covering indexes); CI runs this on PostgreSQL",
    ),
]

ROWS = 60_000
TABLES = ("services_case", "forms_builder_submission")


def seed(world, extra_departments):
    """ROWS cases over three years, as an office accumulates them: the last two months mostly
    open, older ones closed but for a few stale ones; 5 departments, 5% by phone, 5% urgent; the
    works department's officer has most of its cases and its streetlight service most of them."""
    departments = [world["works"].pk, world["health"].pk, *[d.pk for d in extra_departments]]
    params = {
        "rows": ROWS,
        "departments": departments,
        "service": world["service"].pk,
        "officer": world["officer_works"].pk,
        "site": world["site"].pk,
        "form": world["form"].pk,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2569)")
        cursor.execute(
            """
            INSERT INTO forms_builder_submission (form_page_id, form_title, form_snapshot, answers, language,
                channel, contact_name, contact_phone, contact_email, location_text, consent_version, reference,
                tracking_url, wizard_token, submitted_at)
            SELECT %(form)s, 'plan', '{}', '{}', 'th', 'web', 'ผู้ทดสอบ ' || g, '08' || lpad(g::text, 8, '0'), '', '',
                '', 'PLN-' || lpad(g::text, 8, '0'), '', 'plan-' || g, now() - random() * interval '3 years'
            FROM generate_series(1, %(rows)s) AS g
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO services_case (site_id, reference, submission_id, service_id, service_title, service_title_en,
                department_id, assignee_id, status, priority, channel, contact_phone_last4, location_text,
                submitted_at, due_date, reject_reason, public_reason, after_photo, rating_comment, version, updated_at)
            SELECT %(site)s, s.reference, s.id, CASE WHEN r.d = 0 AND r.x < 0.8 THEN %(service)s END, 'plan', '',
                (%(departments)s::int[])[1 + r.d], CASE WHEN r.d = 0 AND r.st >= 0.05 THEN %(officer)s END,
                CASE WHEN s.submitted_at > now() - interval '60 days' THEN
                    CASE WHEN r.st < 0.25 THEN 'received' WHEN r.st < 0.50 THEN 'accepted'
                         WHEN r.st < 0.85 THEN 'in_progress' WHEN r.st < 0.95 THEN 'waiting' ELSE 'resolved' END
                ELSE
                    CASE WHEN r.st < 0.01 THEN 'received' WHEN r.st < 0.02 THEN 'accepted'
                         WHEN r.st < 0.04 THEN 'in_progress' WHEN r.st < 0.05 THEN 'waiting'
                         WHEN r.st < 0.15 THEN 'resolved' WHEN r.st < 0.20 THEN 'rejected' ELSE 'closed' END
                END,
                CASE WHEN r.p < 0.05 THEN 4 WHEN r.p < 0.20 THEN 3 WHEN r.p < 0.90 THEN 2 ELSE 1 END,
                CASE WHEN r.c < 0.60 THEN 'web' WHEN r.c < 0.80 THEN 'counter' WHEN r.c < 0.95 THEN 'volunteer'
                     ELSE 'phone' END,
                right(s.contact_phone, 4), '', s.submitted_at, (s.submitted_at + interval '21 days')::date,
                '', '', '', '', 1, s.submitted_at
            FROM forms_builder_submission AS s
            CROSS JOIN LATERAL (
                SELECT floor(random() * 5)::int + 0 * s.id AS d, random() AS st, random() AS p, random() AS c,
                    random() AS x
            ) AS r
            WHERE s.wizard_token LIKE 'plan-%%'
            """,
            params,
        )
        # Statistics from every row, not a random sample, so the plans are the same every run.
        cursor.execute("SET default_statistics_target = 1000")
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("RESET default_statistics_target")


def plan_nodes(sql):
    """(node type, relation, index) for every node of the query's plan."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append((node["Node Type"], node.get("Relation Name"), node.get("Index Name")))
        stack.extend(node.get("Plans", []))
    return nodes


def queue_plans(client, params):
    """The plans of every query the queue page sends to the case and submission tables."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/cases/", params)
    assert response.status_code == 200
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith("SELECT") and any(f'FROM "{t}"' in sql for t in TABLES):
            plans.append((sql, plan_nodes(sql)))
    assert plans, f"the queue sent no case query for {params}"
    return plans


@pytest.fixture
def big_queue(home_th, django_user_model, monkeypatch):
    world = make_world(home_th)
    extra = [
        Department.objects.create(site=world["site"], code=code, name=code, name_en=code)
        for code in ("finance", "education", "clerk")
    ]
    known, _ = submit(world["form"], phone="0819998877")
    seed(world, extra)
    # At a million cases the count stops at 10,000 (1%); keep that proportion here.
    monkeypatch.setattr(admin_views.CappedPaginator, "COUNT_CAP", ROWS // 100)
    superuser = django_user_model.objects.create_superuser("boss", password="portal-demo-2569")
    return {**world, "known": known, "superuser": superuser}


# filter → the indexes meant to serve it (officer: scoped to their department; superuser: all).
OPEN = {"case_open_due", "case_open_dept_due"}
# filter → the indexes meant to serve it (officer: scoped to their department; superuser: all).
# The queue opens on the open cases ("status" absent); the filter form always sends a status,
# so a filter chosen on that page comes with status=open, and "Any" sends an empty one.
SCENARIOS = [
    ("default: open, soonest due", {}, OPEN),
    ("any status", {"status": ""}, {"case_due_id", "case_dept_due"}),
    ("open", {"status": "open"}, OPEN),
    ("one status", {"status": "waiting"}, {"case_status_due", "case_dept_status_due"}),
    ("overdue", {"status": "", "overdue": "overdue"}, OPEN),
    ("due soon", {"status": "", "overdue": "soon"}, OPEN),
    ("department", {"status": "", "department": "{works}"}, {"case_dept_due"}),
    ("department, open", {"department": "{works}"}, {"case_open_dept_due"}),
    ("service", {"status": "", "service": "{service}"}, {"case_service_due"}),
    ("service, open", {"service": "{service}"}, {"case_service_due", *OPEN}),
    ("assignee", {"status": "", "assignee": "{officer}"}, {"case_assignee_due"}),
    (
        "assigned to me, open",
        {"assignee": "me", "status": "open"},
        # The superuser has no case: PostgreSQL rightly expects none and takes the plain one.
        {"case_assignee_due", "case_open_dept_due", "services_case_assignee_id_"},
    ),
    ("channel", {"status": "", "channel": "phone"}, {"case_channel_due"}),
    ("channel, open", {"channel": "phone"}, {"case_channel_due", *OPEN}),
    ("priority", {"status": "", "priority": "4"}, {"case_priority_due"}),
    ("priority, open", {"priority": "4"}, {"case_priority_due", *OPEN}),
    ("date range", {"status": "", "date_from": "2025-03-01", "date_to": "2025-03-31"}, {"case_submitted_cover"}),
    (
        "channel and dates",
        {"status": "", "channel": "counter", "date_from": "2025-01-01", "date_to": "2025-06-30"},
        {"case_submitted_cover"},
    ),
    ("recent, open", {"date_from": "2026-01-01"}, {"case_submitted_cover", "case_dept_status_due", *OPEN}),
    ("newest first, page 3", {"status": "", "sort": "-submitted", "p": "3"}, {"case_submitted_cover"}),
    ("oldest first", {"status": "", "sort": "submitted"}, {"case_submitted_cover"}),
    ("due date, latest first", {"status": "", "sort": "-due"}, {"case_due_id", "case_dept_due"}),
    ("reference", {"q": "{reference}"}, {"services_case_reference_"}),
    ("reference beginning", {"status": "", "q": "PLN-000123"}, {"services_case_reference_"}),
    ("phone, last 4", {"q": "1234"}, {"services_case_contact_phone_last4_"}),
    ("whole phone", {"status": "", "q": "0800001234"}, {"services_case_contact_phone_last4_"}),
    ("name", {"q": "ผู้ทดสอบ 4242"}, {"fb_submission_name_trgm"}),
]


def test_every_queue_filter_is_served_by_an_index(client, big_queue):
    values = {
        "works": big_queue["works"].pk,
        "service": big_queue["service"].pk,
        "officer": big_queue["officer_works"].pk,
        "reference": big_queue["known"].reference,
    }
    problems = []
    for role in ("officer", "superuser"):
        client.force_login(big_queue["officer_works"] if role == "officer" else big_queue["superuser"])
        for name, params, expected in SCENARIOS:
            params = {key: value.format(**values) for key, value in params.items()}
            used = set()
            for sql, nodes in queue_plans(client, params):
                for node_type, relation, index in nodes:
                    if relation in TABLES and node_type == "Seq Scan":
                        problems.append(f"{role}, {name}: sequential scan of {relation} in {sql[:300]}")
                    if index:
                        used.add(index)
            if not any(index.startswith(prefix) for index in used for prefix in expected):
                problems.append(f"{role}, {name}: expected one of {sorted(expected)}, the plans use {sorted(used)}")
    assert not problems, "\n".join(problems)
