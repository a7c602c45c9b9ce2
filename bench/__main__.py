"""`make bench` (python -m bench): the portal's performance, measured on this machine.

    python -m bench                 everything (about 15 minutes with 1,000,000 cases)
    python -m bench --quick         shorter runs, 100,000 cases (about 5 minutes)
    python -m bench --cases 0       skip the million-case queue
    python -m bench --no-postgres   SQLite only (pages; no form or case-queue runs)

Pages are measured on the default install (SQLite, file cache, production settings, gunicorn
with gunicorn.conf.py and 2 workers) with wrk at 50 connections; each page is compared with a
static file of exactly the same bytes served by the same server in the same run. The form
submissions and the million-case queue run on PostgreSQL (with Redis when it answers on
127.0.0.1:6379), as the issue asks. The table is printed and written to bench/results/.
"""

import argparse
import datetime
import json
import os
import platform
import socket
import tempfile
from pathlib import Path

from bench.load import require_wrk, wrk
from bench.residents import submit_many
from bench.site import HTTPS, BenchSite
from bench.weight import page_weight

RESULTS = Path(__file__).resolve().parent / "results"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
REPEATS = 3

URLS = """
import json
from home.models import NewsIndexPage
from services.models import ServicePage
from forms_builder.models import FormPage
th = dict(locale__language_code="th")
print(json.dumps({
    "home": "/th/",
    "guide": ServicePage.objects.live().filter(**th).order_by("path").first().url,
    "news": NewsIndexPage.objects.live().filter(**th).first().url,
    "form step": FormPage.objects.live().filter(slug="complaint-form", **th).first().url,
}))
"""


def reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return f"{os.cpu_count()} cores ({cpu}), {int(memory) // 1024 // 1024} GiB, Python {platform.python_version()}"


def measure_pages(site, seconds):
    """Uncached and cached pages, each against a static file of the same bytes."""
    urls = json.loads(site.shell(URLS))
    with site.serve(PAGE_CACHE_SECONDS=0) as server:
        bodies = {name: server.get(url)[2] for name, url in urls.items()}
    static_dir = Path(site.env["STATIC_ROOT"]) / "bench"
    static_dir.mkdir(exist_ok=True)
    for name, body in bodies.items():
        (static_dir / f"{name.replace(' ', '-')}.html").write_bytes(body)
    results = {"urls": urls, "sizes": {name: len(body) for name, body in bodies.items()}, "pages": {}}

    def run(server, name, url, label):
        """Page and static file in turn, REPEATS times; the median run of each is reported.
        This machine's throughput jumps between runs (a shared host), so one run each would
        compare a lucky page with an unlucky file or the other way round."""
        static = f"/static/bench/{name.replace(' ', '-')}.html"
        wrk(server.url + url, seconds=1, headers=HTTPS)  # warm: templates, the page cache
        pages, files, cpu, file_cpu = [], [], 0.0, 0.0
        for _ in range(REPEATS):
            before = server.worker_cpu_seconds()
            pages.append(wrk(server.url + url, seconds=seconds, headers=HTTPS))
            middle = server.worker_cpu_seconds()
            files.append(wrk(server.url + static, seconds=seconds))
            cpu, file_cpu = cpu + middle - before, file_cpu + server.worker_cpu_seconds() - middle
        page = median_run(pages)
        page["server_cpu_ms"] = 1000 * cpu / sum(run["requests"] for run in pages)
        page["runs_rps"] = [round(run["rps"]) for run in pages]
        page["requests_all_runs"] = sum(run["requests"] for run in pages)
        results["pages"].setdefault(name, {})[label] = page
        results["pages"][name][f"static ({label} run)"] = {
            **median_run(files),
            "runs_rps": [round(r["rps"]) for r in files],
            "server_cpu_ms": 1000 * file_cpu / sum(r["requests"] for r in files),
        }

    with site.serve(PAGE_CACHE_SECONDS=0) as server:
        for name, url in urls.items():
            run(server, name, url, "uncached")
        results["memory_uncached"] = {"rss_mb": server.worker_rss_mb(), "requests": _served(results, "uncached")}
    with site.serve() as server:
        for name, url in urls.items():
            if name != "form step":  # a form step sets a session and a CSRF token: never kept
                run(server, name, url, "cached")
        served = _served(results, "cached")
        while served < 10_000:  # the "after 10,000 requests", counting pages only
            for url in urls.values():
                served += wrk(server.url + url, seconds=2, headers=HTTPS)["requests"]
        results["memory"] = {"rss_mb": server.worker_rss_mb(), "requests": served}
        results["weight"] = page_weight(server, urls["home"])
    return results


def median_run(runs):
    return dict(sorted(runs, key=lambda run: run["rps"])[len(runs) // 2])


def _served(results, label):
    return sum(page[label]["requests_all_runs"] for page in results["pages"].values() if label in page)


def measure_postgres(workdir, cases, residents, each):
    redis = REDIS if reachable("127.0.0.1", 6379) else None
    site = BenchSite(workdir, "pg", postgres_url=POSTGRES, redis_url=redis)
    try:
        site.prepare()
        form = json.loads(site.shell(URLS))["form step"]
        with site.serve() as server:
            submissions = submit_many(server.url, form, residents=residents, each=each)
        stored = site.shell(
            "from services.cases.models import Case; from django.db.models import Count;"
            "print(Case.objects.values('reference').annotate(n=Count('id')).filter(n__gt=1).count(),"
            " Case.objects.filter(submission__contact_name='สมศรี ใจดี').count())"
        ).split()
        submissions["duplicates_in_database"], submissions["cases_in_database"] = int(stored[0]), int(stored[1])
        del submissions["references"]
        queue = None
        if cases:
            output = Path(workdir) / "cases.json"
            site.manage("bench_queue", "--count", str(cases), "--json", str(output), timeout=7200)
            queue = json.loads(output.read_text())
        return {"redis": bool(redis), "submissions": submissions, "queue": queue}
    finally:
        site.drop()


def table(results):
    rows = []
    pages = results["pages"]["pages"]

    def page_row(name, label):
        run = pages[name][label]
        static = pages[name][f"static ({label} run)"]
        # Two ratios to the static file: by requests per second (median runs; noisy here) and by
        # the server CPU each request took (steady whatever else the host is doing).
        rows.append(
            (
                f"{name} ({results['pages']['sizes'][name] // 1024} KB), {label}",
                f"{run['rps']:.0f} req/s (runs {'/'.join(map(str, run['runs_rps']))})"
                f" · p50 {run['p50_ms']:.0f} ms · p99 {run['p99_ms']:.0f} ms"
                f" · {run['server_cpu_ms']:.2f} ms CPU/request"
                f" · static file: {static['rps']:.0f} req/s, {static['server_cpu_ms']:.2f} ms CPU"
                f" → {run['rps'] / static['rps']:.0%} of its rate ({static['server_cpu_ms'] / run['server_cpu_ms']:.0%} by CPU)"
                + (f" · {run['errors']} errors" if run["errors"] else ""),
            )
        )

    for name in pages:
        page_row(name, "uncached")
        if "cached" in pages[name]:
            page_row(name, "cached")
    memory = results["pages"]["memory"]
    rows.append(
        (
            f"worker memory after {memory['requests']:,} requests",
            " / ".join(f"{size:.0f} MB" for size in memory["rss_mb"]) + " RSS per worker",
        )
    )
    weight = results["pages"]["weight"]
    rows.append(
        (
            "home page transferred (no nginx)",
            f"{weight['bytes'] / 1024:.0f} KB in {weight['files']} files, {weight['javascript_bytes'] / 1024:.0f} KB JavaScript",
        )
    )
    postgres = results.get("postgres")
    if postgres:
        s = postgres["submissions"]
        rows.append(
            (
                f"3-step form, {s['residents']} residents at once (PostgreSQL{' + Redis' if postgres['redis'] else ''})",
                f"{s['submitted']} submitted in {s['seconds']:.1f} s = {s['per_second']:.1f}/s · {s['errors']} errors"
                f" · {s['duplicate_references']} duplicate references ({s['duplicates_in_database']} in the database)",
            )
        )
        queue = postgres["queue"] or {"scenarios": []}
        staff = [s for s in queue["scenarios"] if s["name"].startswith("queue")]
        if staff:  # every filter for both roles: the worst, and the typical one (all in latest.json)
            worst = max(staff, key=lambda s: s["p95_ms"])
            p95s = sorted(s["p95_ms"] for s in staff)
            rows.append(
                (
                    f"staff case list, {len(staff)} filters and sorts ({queue['cases']:,} cases)",
                    f"p95 median {p95s[len(p95s) // 2]:.0f} ms · worst p95 {worst['p95_ms']:.0f} ms"
                    f" ({worst['name']}, p50 {worst['p50_ms']:.0f} ms)",
                )
            )
        for scenario in (s for s in queue["scenarios"] if s["name"].startswith("tracking")):
            rows.append(
                (
                    f"{scenario['name']} ({queue['cases']:,} cases)",
                    f"p50 {scenario['p50_ms']:.0f} ms · p95 {scenario['p95_ms']:.0f} ms",
                )
            )
    width = max(len(name) for name, _ in rows)
    lines = [f"portal benchmark, {results['when']}, {results['machine']}", ""]
    lines += [f"| {'measurement':<{width}} | result |", f"|{'-' * (width + 2)}|--------|"]
    lines += [f"| {name:<{width}} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--workdir", help="keep the prepared SQLite site here and reuse it next time")
    args = parser.parse_args()
    require_wrk()
    seconds = 2 if args.quick else 5
    cases = args.cases if args.cases is not None else (100_000 if args.quick else 1_000_000)
    results = {"when": datetime.datetime.now().isoformat(timespec="minutes"), "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as workdir:
        print("preparing the SQLite site (migrate, demo, collectstatic)…", flush=True)  # noqa: T201
        site = BenchSite(args.workdir or workdir, "sqlite").prepare(reuse=bool(args.workdir))
        results["pages"] = measure_pages(site, seconds)
        if not args.no_postgres and reachable("127.0.0.1", 5432):
            print("PostgreSQL: 50 residents, then the case queue…", flush=True)  # noqa: T201
            results["postgres"] = measure_postgres(workdir, cases, residents=50, each=2 if args.quick else 4)
    text = table(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (RESULTS / "latest.md").write_text(text + "\n")
    print(text)  # noqa: T201


if __name__ == "__main__":
    main()
