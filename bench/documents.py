"""`python -m bench.documents`: the verification page /v/<code> at 1,000,000 issued documents.

    python -m bench.documents                       1,000,000 documents, SQLite
    DATABASE_URL=postgres://… python -m bench.documents
                                                    the same on that PostgreSQL server (a fresh
                                                    database of its own, dropped afterwards)
    python -m bench.documents --documents 100000    a quicker look

What it measures (issue 20, "Numbers": /v/<code> under 30 ms p95 at 1,000,000 documents):
- a production-like site (production settings, the demo municipality: migrate, load_demo,
  collectstatic) gets `--documents` IssuedDocument rows of its office, written by COPY on
  PostgreSQL and batched INSERTs on SQLite (bench.places.writer), spread over ten Buddhist-Era
  years and two kinds, 2% revoked;
- /th/v/<code> for `--samples` codes picked at random among them (and every tenth one revoked),
  read through Django's test client in one process (no network, no gunicorn): p50, p95 and max
  of the server's time, every answer checked to be the document's page; each request comes
  from its own address, so the status page's rate limit counts as it would for many readers;
- the queries one request makes, and the database's plan for the lookup (the unique index on
  the code, never a scan);
- the upload check's lookup by SHA-256 (its own index), timed the same way at the ORM level.

Results go to bench/results/documents(-postgres).json and .md, with the machine's
description and its load average before and after: the machine is shared, so read the numbers
as an upper bound.
"""

import argparse
import base64
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

from bench.__main__ import RESULTS, machine
from bench.places import _django, _p95, writer
from bench.site import BenchSite, postgres_admin

KINDS = ("certificate", "permit")
YEARS = 10  # the documents of ten Buddhist-Era years before this one
REVOKED_SHARE = 0.02


def _code(rng):
    """What issuing makes (secrets.token_urlsafe(18)), from the bench's own seeded generator."""
    return base64.urlsafe_b64encode(rng.randbytes(18)).decode().rstrip("=")


def add_documents(count, samples):
    """`count` issued documents of the demo office on its cases; returns the codes to read."""
    from django.db import connection  # noqa: PLC0415 - after django.setup()
    from django.utils import timezone  # noqa: PLC0415
    from wagtail.models import Site  # noqa: PLC0415

    from services.cases.models import Case  # noqa: PLC0415
    from services.documents.models import IssuedDocument  # noqa: PLC0415

    site = Site.objects.get(is_default_site=True)
    case_ids = list(Case.objects.filter(site=site).values_list("pk", flat=True)[:500])
    if not case_ids:
        raise SystemExit("the demo office has no case")
    rng = random.Random(2569)  # noqa: S311 - benchmark data
    this_year = timezone.localdate().year + 543
    per_year = -(-count // YEARS)
    picked = set(rng.sample(range(count), min(samples, count)))
    # Every column the model has (a field added later is written with its default), in order.
    fields = IssuedDocument._meta.concrete_fields
    columns = [field.column for field in fields]
    defaults = {field.attname: field.get_default() for field in fields}
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM documents_issueddocument")
        first_id = cursor.fetchone()[0] + 1
    valid, revoked = [], []
    with writer(connection, f"documents_issueddocument ({', '.join(columns)})") as copy:
        for index in range(count):
            year = this_year - 1 - index // per_year
            within = index % per_year
            kind = KINDS[within % len(KINDS)]
            issued = datetime.datetime(year - 543, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
                minutes=within * 500_000 // per_year
            )
            code = _code(rng)
            is_revoked = rng.random() < REVOKED_SHARE
            row = {
                **defaults,
                "id": first_id + index,
                "case_id": case_ids[index % len(case_ids)],
                "site_id": site.pk,
                "template_id": None,
                "kind": kind,
                "title": "หนังสือรับรองการแจ้งจัดตั้งสถานที่จำหน่ายอาหาร" if kind == "certificate" else "ใบอนุญาต",
                "year": year,
                "number": within // len(KINDS) + 1,
                "code": code,
                "draft": False,
                "issued_at": issued,
                "issued_by_id": None,
                "valid_until": (issued + datetime.timedelta(days=365)).date(),
                "holder_initials": "ส. ก.",
                "sha256": f"{rng.getrandbits(256):064x}",
                "file": f"documents/{year - 543}/01/{code}.pdf",
                "status": "revoked" if is_revoked else "valid",
                "status_reason": "bench" if is_revoked else "",
                "status_changed_at": issued + datetime.timedelta(days=30) if is_revoked else None,
                "status_changed_by_id": None,
                "superseded_by_id": None,
            }
            copy.write_row([row[field.attname] for field in fields])
            if index in picked:
                (revoked if is_revoked else valid).append((code, row["sha256"]))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('documents_issueddocument', 'id'),"
                " (SELECT max(id) FROM documents_issueddocument))"
            )
            cursor.execute("VACUUM ANALYZE documents_issueddocument")
        else:
            cursor.execute("ANALYZE documents_issueddocument")
    return {
        "documents_added": count,
        "seconds": round(time.perf_counter() - start, 1),
        "valid": valid,
        "revoked": revoked[: max(1, len(picked) // 10)],
    }


def measure(codes_file):
    """Time /th/v/<code> for the codes in `codes_file`; the queries and the plan of one."""
    from django.db import connection  # noqa: PLC0415 - after django.setup()
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415
    from wagtail.models import Site  # noqa: PLC0415

    from services.documents.models import IssuedDocument  # noqa: PLC0415

    with open(codes_file) as handle:
        loaded = json.load(handle)
    site = Site.objects.get(is_default_site=True)
    samples = [(code, "valid") for code, _digest in loaded["valid"]]
    samples += [(code, "revoked") for code, _digest in loaded["revoked"]]
    random.Random(7).shuffle(samples)  # noqa: S311 - order of the reads
    client = Client()

    def get(code, n):
        address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"  # a reader of its own
        return client.get(f"/th/v/{code}", secure=True, HTTP_HOST="localhost", REMOTE_ADDR=address)

    for n, (code, _status) in enumerate(samples[:20]):  # warm: templates, settings, the site
        get(code, 1_000_000 + n)
    timings = {"valid": [], "revoked": []}
    cpu = []  # this process's CPU time per request: what the page costs, whatever else the machine runs
    for n, (code, status) in enumerate(samples):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        response = get(code, n)
        elapsed = (time.perf_counter() - begin) * 1000
        cpu.append((time.process_time() - begin_cpu) * 1000)
        page = response.content.decode()
        if response.status_code != 200 or f"document-status-{status}" not in page:
            raise SystemExit(f"/th/v/{code} answered {response.status_code}, not the {status} document's page")
        timings[status].append(elapsed)
    missing = []
    rng = random.Random(11)  # noqa: S311 - unknown codes
    for n in range(min(200, len(samples))):
        begin = time.perf_counter()
        response = get(_code(rng), 2_000_000 + n)
        missing.append((time.perf_counter() - begin) * 1000)
        if response.status_code != 404:
            raise SystemExit(f"an unknown code answered {response.status_code}")
    code = samples[0][0]
    with CaptureQueriesContext(connection) as captured:
        get(code, 3_000_000)
    lookup = [q["sql"] for q in captured.captured_queries if "documents_issueddocument" in q["sql"]]
    explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(explain + lookup[-1])
        plan = [" ".join(map(str, row)) for row in cursor.fetchall()]
    # The upload check's lookup (views._check): the file's SHA-256 among the office's documents.
    hashes = [digest for _code_, digest in loaded["valid"]]
    by_hash = []
    for digest in hashes:
        begin = time.perf_counter()
        found = IssuedDocument.objects.filter(sha256=digest, site=site).only("pk").first()
        by_hash.append((time.perf_counter() - begin) * 1000)
        if found is None:
            raise SystemExit("a document's SHA-256 was not found")
    every = timings["valid"] + timings["revoked"]
    return {
        "documents": IssuedDocument.objects.count(),
        "samples": len(every),
        "p50_ms": round(statistics.median(every), 2),
        "p95_ms": round(_p95(every), 2),
        "max_ms": round(max(every), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(_p95(cpu), 2),
        "revoked_p95_ms": round(_p95(timings["revoked"]), 2) if timings["revoked"] else None,
        "revoked_samples": len(timings["revoked"]),
        "unknown_code_p95_ms": round(_p95(missing), 2),
        "queries_per_request": len(captured),
        "queries": [q["sql"] for q in captured.captured_queries],
        "plan": plan,
        "sha256_lookup_p50_ms": round(statistics.median(by_hash), 2),
        "sha256_lookup_p95_ms": round(_p95(by_hash), 2),
    }


# -- the driver ----------------------------------------------------------------------------------


def load_average():
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def table(results):
    m = results.get("measure", {})
    rows = [
        ("documents in the table", f"{m.get('documents', 0):,}"),
        (
            f"/th/v/<code>, {m.get('samples')} random codes (server time, in process)",
            f"p50 {m.get('p50_ms')} ms · p95 {m.get('p95_ms')} ms · max {m.get('max_ms')} ms"
            f" · {m.get('queries_per_request')} queries per request",
        ),
        ("  CPU time of the request", f"p50 {m.get('cpu_p50_ms')} ms · p95 {m.get('cpu_p95_ms')} ms"),
        (
            f"  of which revoked ({m.get('revoked_samples')})",
            f"p95 {m.get('revoked_p95_ms')} ms",
        ),
        ("unknown code (404)", f"p95 {m.get('unknown_code_p95_ms')} ms"),
        (
            "upload check's SHA-256 lookup (ORM only)",
            f"p50 {m.get('sha256_lookup_p50_ms')} ms · p95 {m.get('sha256_lookup_p95_ms')} ms",
        ),
        ("lookup plan", " / ".join(m.get("plan", []))[:300]),
        ("bulk load", f"{results['add']['documents_added']:,} rows in {results['add']['seconds']} s"),
        ("load average before / after", f"{results['load_before']} / {results['load_after']}"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"issued documents · {results['database']} · {results['when']} · {results['machine']}", ""]
    lines += [f"| {'measurement':<{width}} | result |", f"|{'-' * (width + 2)}|--------|"]
    lines += [f"| {name:<{width}} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2000, help="codes to read")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _django()
        command, *values = args.worker
        if command == "add":
            answer = add_documents(int(values[0]), int(values[1]))
            with open(values[2], "w") as handle:
                json.dump(answer, handle)
            answer = {key: value for key, value in answer.items() if key not in ("valid", "revoked")}
        else:
            answer = measure(values[0])
        print(json.dumps(answer, ensure_ascii=False))  # noqa: T201
        return
    database_url = os.environ.get("DATABASE_URL", "")
    postgres = database_url if database_url.startswith(("postgres://", "postgresql://")) else None
    results = {
        "when": datetime.datetime.now().isoformat(timespec="minutes"),
        "machine": machine(),
        "database": "PostgreSQL" if postgres else "SQLite",
        "load_before": load_average(),
    }
    with tempfile.TemporaryDirectory(prefix="portal-bench-documents-") as workdir:
        site = BenchSite(workdir, "documents", postgres_url=postgres)
        try:
            print(f"preparing {site.db_name} (migrate, demo, collectstatic)…", flush=True)  # noqa: T201
            if postgres:
                postgres_admin(f'DROP DATABASE IF EXISTS "{site.db_name}" WITH (FORCE)', postgres)
                postgres_admin(f'CREATE DATABASE "{site.db_name}"', postgres)
            # Not site.prepare(): that compiles the translations in the working tree, which
            # other work may be editing; the compiled catalogues already there are used as they are.
            for command in (["migrate", "--noinput", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
                try:
                    site.manage(*command)
                except subprocess.CalledProcessError as error:
                    raise SystemExit(f"manage.py {' '.join(command)} failed:\n{error.stderr[-3000:]}") from error
            print(f"adding {args.documents:,} issued documents…", flush=True)  # noqa: T201
            codes = os.path.join(workdir, "codes.json")
            results["add"] = site.run("bench.documents", "--worker", "add", args.documents, args.samples, codes)
            print("reading /th/v/<code>…", flush=True)  # noqa: T201
            results["measure"] = site.run("bench.documents", "--worker", "measure", codes)
        finally:
            site.drop()
    results["load_after"] = load_average()
    RESULTS.mkdir(exist_ok=True)
    name = "documents-postgres" if postgres else "documents"
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    text = table(results)
    (RESULTS / f"{name}.md").write_text(text + "\n")
    print(text)  # noqa: T201


if __name__ == "__main__":
    sys.exit(main())
