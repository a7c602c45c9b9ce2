"""`python -m bench.line`: the LINE webhook and residents reporting by chat, under load (issue 19).

    python -m bench.line                      50 senders, 50 residents (the issue's numbers)
    python -m bench.line --senders 20 --seconds 5 --database sqlite

A production-like site (SQLite, production settings, the demo municipality, the ORM broker;
gunicorn with 2 workers and `manage.py qcluster`) talks to the tests' fake LINE platform
(tests/line_platform.py), which runs in this process and checks every reply against LINE's
schema. Two measures:

1. the webhook: wrk holds `--senders` connections for `--seconds`, each POSTing signed bodies of
   one text message of a resident (each a new LINE user, no body sent twice), back to back
   (bench/lua/signed_bodies.lua); the time of each request as LINE's servers would see it (p50,
   p95, p99). The work is queued, not done, inside that time. Measured twice: with the
   worker stopped (what the webhook itself costs), then with the worker answering that backlog
   and the new events at the same time (what LINE sees on a busy evening);
2. 50 residents reporting at once: each, in its own thread, sends a photo, a location (their own
   street, 300 m from the next resident's), the kind of problem, and a few words, waiting for
   the bot's answer to each message as a person would; when told of an open report nearby it
   taps "Report anyway". Then the count: cases filed by LINE against residents, residents with
   more than one case, receipts per resident, replies LINE refused, events never processed.

Both on SQLite (the default install: one writer at a time) and on PostgreSQL at
BENCH_POSTGRES_URL when it is reachable (`--database`). It prints one JSON object (also written
to bench/results/line.json); a benchmark, not a test.
The machine is shared (2 cores here), so read the numbers as an upper bound.
"""

import argparse
import io
import json
import os
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from bench.__main__ import POSTGRES, RESULTS, machine, reachable
from bench.load import require_wrk, wrk
from bench.site import HTTPS, PYTHON, ROOT, BenchSite
from tests import line_platform

CENTRE = (18.7883, 98.9853)
SPACING = 0.003  # degrees between residents' streets: about 330 m, more than a service's radius
ANSWER_TIMEOUT = 180
SCRIPT = Path(__file__).with_name("lua") / "signed_bodies.lua"
# More signed bodies than 50 connections send in the measured seconds on this machine, so none
# is sent twice (a repeat is a redelivery, which costs less).
BODIES = 20_000

SERVICES = """
from services.line.chat import services_for
from wagtail.models import Site
print(",".join(str(s.pk) for s in services_for(Site.objects.get(is_default_site=True))))
"""

COUNT = """
import json
from django.db.models import Count
from services.cases.models import Case
from services.line.models import LineEvent
cases = Case.objects.filter(channel="line")
per_user = cases.values("submission__line_user_id").annotate(n=Count("id"))
print(json.dumps({
    "cases": cases.count(),
    "residents_with_a_case": per_user.count(),
    "residents_with_two_or_more": per_user.filter(n__gt=1).count(),
    "references_unique": cases.values("reference").distinct().count() == cases.count(),
    "events": LineEvent.objects.count(),
    "events_unprocessed": LineEvent.objects.filter(processed_at__isnull=True).count(),
}))
"""


def jpeg(n):
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (n * 5 % 256, 90, 160)).save(out, format="JPEG", quality=85)
    return out.getvalue()


def post(url, *events):
    body = line_platform.webhook_body(*events)
    request = urllib.request.Request(  # noqa: S310 - the local bench server
        url + "/line/webhook/",
        data=body,
        method="POST",
        headers={**HTTPS, "Content-Type": "application/json", "X-Line-Signature": line_platform.signature(body)},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        response.read()
        status = response.status
    return status, (time.perf_counter() - started) * 1000


def answered(platform, token, user, since):
    """The messages the bot answered an event with: by its reply token, or a push to the user
    after `since` pushes (an expired token)."""
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while time.monotonic() < deadline:
        with platform.lock:
            for kind, body in platform.accepted:
                if kind == "reply" and body.get("replyToken") == token:
                    return body["messages"]
            pushed = [b for k, b in platform.accepted if k == "push" and b["to"] == user]
        if len(pushed) > since:
            return pushed[-1]["messages"]
        time.sleep(0.2)
    return None


def webhook_latency(server, platform, workdir, senders, seconds, offset):
    """wrk at `senders` connections for `seconds`, each request a new body LINE signed (a text
    from a new resident): a C client with keep-alive, as LINE's own servers are, so the client's
    work does not count against the two cores the server has."""
    bodies = Path(workdir) / f"bodies-{offset}.tsv"
    with open(bodies, "w") as out:
        for i in range(BODIES):
            body = line_platform.webhook_body(platform.text(line_platform.user_id(offset + i), "ไฟถนนดับ"))
            out.write(f"{line_platform.signature(body)}\t{body.decode()}\n")
    before = server.worker_cpu_seconds()
    run = wrk(
        server.url + "/line/webhook/", seconds=seconds, connections=senders, script=SCRIPT, script_args=(bodies, 2)
    )
    cpu = server.worker_cpu_seconds() - before
    return {
        "senders": senders,
        "requests": run["requests"],
        "requests_per_second": run["rps"],
        "failed": run["errors"],
        "p50_ms": run["p50_ms"],
        "p95_ms": run["p95_ms"],
        "p99_ms": run["p99_ms"],
        "bodies_sent_twice": run["wrapped"],
        # What a request costs the web workers whatever else the machine is doing (the worker
        # answering, the client): the part of the latency this code can change.
        "server_cpu_ms_per_request": round(1000 * cpu / max(run["requests"], 1), 2),
        # The machine is shared: how busy it was over the last minute, beside every figure.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def resident(url, platform, n, service_id):
    """One resident's chat; returns what went wrong, or None."""
    user = line_platform.user_id(n)
    lat = CENTRE[0] + (n % 7 - 3) * SPACING
    lng = CENTRE[1] + (n // 7 - 3) * SPACING
    steps = [
        platform.image(user, jpeg(n)),
        platform.location(user, round(lat, 6), round(lng, 6)),
        platform.postback(user, f"action=service&id={service_id}"),
        platform.text(user, f"ไฟถนนดับหน้าบ้านเลขที่ {n}"),
    ]
    last = None
    for event in steps:
        pushes = len(platform.pushes(to=user))
        if post(url, event)[0] != 200:
            return "webhook refused"
        last = answered(platform, event.get("replyToken"), user, pushes)
        if last is None:
            return "no answer"
    if last and last[0].get("type") == "flex" and "action=file_anyway" in json.dumps(last[0]):
        event = platform.postback(user, "action=file_anyway")
        pushes = len(platform.pushes(to=user))
        post(url, event)
        last = answered(platform, event["replyToken"], user, pushes)
    return None if last else "no receipt"


def run(workdir, senders, seconds, residents, postgres=None):
    platform = line_platform.LinePlatform()
    site = BenchSite(workdir, "line", postgres_url=postgres)
    site.env.update(
        {
            "LINE_API_URL": platform.url,
            "LINE_DATA_API_URL": platform.url,
            "LINE_CHANNEL_SECRET": line_platform.SECRET,
            "LINE_CHANNEL_TOKEN": line_platform.TOKEN,
        }
    )
    print("preparing the demo site…", flush=True)  # noqa: T201
    site.prepare()
    service_id = site.shell(SERVICES).split(",")[0]
    worker_log = site.dir / "qcluster.log"
    results = {"machine": machine(), "database": "PostgreSQL" if postgres else "SQLite"}
    try:
        with site.serve() as server, open(worker_log, "w") as log:
            # The webhook alone: every event stored and queued, the worker not yet running.
            print(f"webhook: {senders} senders for {seconds} s, queued only…", flush=True)  # noqa: T201
            # A moment of warm-up: the first requests of a fresh worker compile templates and URLs.
            webhook_latency(server, platform, site.dir, senders, 1, offset=10_000_000)
            results["webhook_queued_only"] = webhook_latency(server, platform, site.dir, senders, seconds, offset=0)
            worker = subprocess.Popen(  # noqa: S603
                [PYTHON, "manage.py", "qcluster"], cwd=ROOT, env=site.env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                # The same while the worker answers that backlog and these (LINE's real life).
                print("webhook: again, with the worker busy…", flush=True)  # noqa: T201
                results["webhook_with_worker"] = webhook_latency(
                    server, platform, site.dir, senders, seconds, offset=1_000_000
                )
                sent = sum(results[k]["requests"] for k in ("webhook_queued_only", "webhook_with_worker"))
                deadline = time.monotonic() + 900
                while time.monotonic() < deadline and len(platform.replies()) < sent:
                    time.sleep(2)
                results["webhook_with_worker"]["answered_of_both_rounds"] = len(platform.replies())
                print(f"{residents} residents reporting at once…", flush=True)  # noqa: T201
                before = len(platform.accepted)
                started = time.monotonic()
                with ThreadPoolExecutor(residents) as pool:
                    problems = list(pool.map(lambda n: resident(server.url, platform, n, service_id), range(residents)))
                elapsed = time.monotonic() - started
                time.sleep(5)
            finally:
                worker.terminate()
                worker.wait(timeout=60)
        counted = json.loads(site.shell(COUNT))
        receipts = [
            body
            for kind, body in platform.accepted[before:]
            for message in body["messages"]
            if message.get("type") == "flex" and message.get("altText", "").startswith("รับเรื่องแล้ว")
        ]
        results["residents"] = {
            "residents": residents,
            "seconds": round(elapsed, 1),
            "problems": [p for p in problems if p],
            **counted,
            "receipts": len(receipts),
            "refused_by_line": len(platform.refused),
            "database_locked_lines": sum(
                path.read_text(errors="replace").count("database is locked") for path in site.dir.glob("*.log")
            ),
        }
    finally:
        platform.close()
        site.drop()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10, help="how long the senders post, each round")
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--keep", help="keep the site and its logs in this folder")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="SQLite (the default install) and/or PostgreSQL at BENCH_POSTGRES_URL (when reachable)",
    )
    args = parser.parse_args()
    require_wrk()
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    host, port = POSTGRES.rsplit("@", 1)[-1].split("/", 1)[0].split(":")
    if "postgres" in kinds and not reachable(host, int(port)):
        print(f"PostgreSQL at {host}:{port} is not reachable: SQLite only", flush=True)  # noqa: T201
        kinds = [k for k in kinds if k != "postgres"]
    results = {}
    for kind in kinds:
        postgres = POSTGRES if kind == "postgres" else None
        if args.keep:
            results[kind] = run(f"{args.keep}/{kind}", args.senders, args.seconds, args.residents, postgres)
        else:
            with tempfile.TemporaryDirectory(prefix="portal-line-bench-") as workdir:
                results[kind] = run(workdir, args.senders, args.seconds, args.residents, postgres)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "line.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
