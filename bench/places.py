"""`python -m bench.places`: the public reports' GeoJSON and map page at scale, on PostgreSQL.

    python -m bench.places                          1,000,000 cases (the issue's size)
    python -m bench.places --cases 200000           a quicker look
    python -m bench.places --database NAME          measure again on a database a --keep run left

What it measures (issue 18 §6):
- the GeoJSON of a town-sized box (0.03° square, about 3.3 km) at random places of the
  office's area: p50 and p95 of the server's time (Django's test client in one process, no
  network), and the answer's size as sent (gzip) and uncompressed;
- the map page (/th/reports/) in Chromium on a throttled phone: 4× slower CPU
  (Emulation.setCPUThrottlingRate) and a "fast 3G" link (150 ms round trip, 1.6 Mbit/s down,
  750 kbit/s up; Lighthouse's mobile profile), served by gunicorn with production settings
  behind deploy/nginx.conf (TLS, HTTP/2, gzip: what residents get; bench/nginx.py), then again
  from gunicorn alone (HTTP/1.1, nothing compressed) for comparison; first paint, markers shown
  (the server's drawing of the map's first view painted: its Element Timing), map ready
  (Leaflet's markers in: it can be moved), time to DOMContentLoaded and to the load event.
  `--trace FILE` keeps Chromium's trace of the last load. Map tiles come from the internet and
  are not counted (they are refused here, so the page is measured alone).

The cases belong to the demo office and lie uniformly in a 0.3° square (about 33 km, a large
municipality) around the demo town, filed over three years; how many are still open depends on
their age (most of an old case load is finished), and `--public-share` of them are of a
public-place service, which sets how many public reports the map has (printed).
Results go to bench/results/places.json and .md, with the machine's description: the machine
is shared (2 cores here), so read the numbers as an upper bound.
"""

import argparse
import contextlib
import datetime
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import nginx
from bench.__main__ import POSTGRES, REDIS, RESULTS, machine, reachable
from bench.site import HTTPS, BenchSite, free_port

CENTRE = (18.7883, 98.9853)
REGION = 0.3  # degrees: the side of the square the cases lie in
TOWN = 0.03  # degrees: the side of a "town-sized" box
STATUSES_BY_AGE = [
    # (younger than days, {status: weight})
    (
        30,
        {"received": 20, "accepted": 15, "in_progress": 20, "waiting": 5, "resolved": 25, "closed": 10, "rejected": 5},
    ),
    (90, {"received": 2, "accepted": 2, "in_progress": 5, "waiting": 1, "resolved": 20, "closed": 65, "rejected": 5}),
    (None, {"in_progress": 1, "waiting": 0.5, "resolved": 3, "closed": 90, "rejected": 5.5}),
]
# The browser tests' Chromium (tests/browser.py): Debian's, never a downloaded one.
CHROMIUM_CANDIDATES = [os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
THROTTLE = {"cpu": 4, "latency_ms": 150, "down_kbps": 1600, "up_kbps": 750}


# -- in the bench site's environment (python -m bench.places --worker …) -----------------------


def _django():
    import django  # noqa: PLC0415 - set up by the bench site's environment, in the worker only

    django.setup()


class _Inserts:
    """COPY's write_row for SQLite: rows inserted 10,000 at a time in one transaction."""

    def __init__(self, cursor, table):
        columns = table[table.index("(") + 1 : table.rindex(")")].split(",")
        self.sql = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - fixed names
        self.cursor, self.rows = cursor, []

    def write_row(self, row):
        # What Django writes for a datetime on SQLite: UTC, without the zone.
        self.rows.append(
            [v.astimezone(datetime.UTC).replace(tzinfo=None) if isinstance(v, datetime.datetime) else v for v in row]
        )
        if len(self.rows) >= 10_000:
            self.flush()

    def flush(self):
        self.cursor.executemany(self.sql, self.rows)
        self.rows = []


@contextlib.contextmanager
def writer(connection, table):
    """Rows into `table` ("name (columns)"): COPY on PostgreSQL, batched INSERTs on SQLite."""
    from django.db import transaction  # noqa: PLC0415 - after django.setup()

    if connection.vendor == "postgresql":
        with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN") as copy:
            yield copy
        return
    with transaction.atomic(), connection.cursor() as cursor:
        inserts = _Inserts(cursor, table)
        yield inserts
        inserts.flush()


def add_cases(count, public_share):
    """`count` cases of the demo office by COPY: a share of public-place services, the rest of
    others (permits: never on the map), with points, statuses by age and finishing times."""
    from django.db import connection  # noqa: PLC0415 - after django.setup()
    from django.utils import timezone  # noqa: PLC0415
    from wagtail.models import Site  # noqa: PLC0415

    from forms_builder.models import FormPage  # noqa: PLC0415
    from services.cases import references  # noqa: PLC0415
    from services.cases.models import Case, CaseSettings  # noqa: PLC0415
    from services.models import ServicePage  # noqa: PLC0415

    site = Site.objects.get(is_default_site=True)
    guides = ServicePage.objects.descendant_of(site.root_page).filter(locale__language_code="th")
    public = list(guides.filter(public_place=True).values_list("pk", "title"))
    private = list(guides.filter(public_place=False).values_list("pk", "title")[:5])
    if not public or not private:
        raise SystemExit("the demo has no public-place service (services.places.demo) or no other")
    form = FormPage.objects.filter(locale__language_code="th").order_by("pk").first()
    prefix = CaseSettings.for_site(site).reference_prefix
    rng = random.Random(2569)  # noqa: S311 - benchmark data
    now = timezone.now()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM forms_builder_submission")
        first_submission = cursor.fetchone()[0] + 1
        cursor.execute("SELECT coalesce(max(id), 0) FROM services_case")
        first_case = cursor.fetchone()[0] + 1
    seen = set(Case.objects.values_list("reference", flat=True))  # the demo's own cases
    snapshot = json.dumps({"title": "bench", "steps": []})
    cases = []
    with writer(
        connection,
        "forms_builder_submission (id, form_page_id, form_title, form_snapshot, answers, language, channel,"
        " contact_name, contact_phone, contact_email, location_text, consent_version, reference, tracking_url,"
        " wizard_token, submitted_at)",
    ) as copy:
        for index in range(count):
            age_minutes = rng.randint(5, 60 * 24 * 365 * 3)
            submitted = now - datetime.timedelta(minutes=age_minutes)
            day = timezone.localtime(submitted).date()
            reference = references.generate(prefix, day.year, rng=rng)
            while reference in seen:
                reference = references.generate(prefix, day.year, rng=rng)
            seen.add(reference)
            submission_id = first_submission + index
            phone = f"08{rng.randint(0, 99999999):08d}"
            copy.write_row(
                (submission_id, form.pk, form.title, snapshot, '{"details": "bench"}', "th", "web",
                 f"ผู้ทดสอบ {index}", phone, "", "ซอย 3", "", reference, f"/t/{reference}",
                 f"bench-places-{submission_id}", submitted)
            )  # fmt: skip
            age_days = age_minutes / 1440
            weights = next(w for limit, w in STATUSES_BY_AGE if limit is None or age_days < limit)
            status = rng.choices(list(weights), weights=list(weights.values()))[0]
            finished = submitted + datetime.timedelta(days=min(age_days, rng.uniform(0.5, 10)))
            service_id, title = rng.choice(public if rng.random() < public_share else private)
            latitude = CENTRE[0] + rng.uniform(-REGION / 2, REGION / 2)
            longitude = CENTRE[1] + rng.uniform(-REGION / 2, REGION / 2)
            cases.append(
                (first_case + index, reference, title, "", status, 2, "web", "ซอย 3 หมู่ 2", submitted,
                 day + datetime.timedelta(days=15), phone[-4:], "", "", "", "", 1, submitted, service_id,
                 site.pk, submission_id, rng.random() < 0.05, f"{latitude:.6f}", f"{longitude:.6f}",
                 finished if status in ("resolved", "closed") else None,
                 finished if status == "closed" else None)
            )  # fmt: skip
    # No place_cell: the database computes it from the point (Case.place_cell is generated).
    with writer(
        connection,
        "services_case (id, reference, service_title, service_title_en, status, priority, channel,"
        " location_text, submitted_at, due_date, contact_phone_last4, reject_reason, public_reason, after_photo,"
        " rating_comment, version, updated_at, service_id, site_id, submission_id, private_report, latitude,"
        " longitude, resolved_at, closed_at)",
    ) as copy:
        for row in cases:
            copy.write_row(row)
    with connection.cursor() as cursor:
        for table in ("forms_builder_submission", "services_case"):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - fixed names
                )
                cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute(f"ANALYZE {table}")
    return {"cases_added": count, "seconds": round(time.perf_counter() - start, 1)}


def measure_geojson(samples):
    """p50/p95 of a town-sized box's GeoJSON at random places, its sizes, and what is public."""
    from django.db import connection  # noqa: PLC0415 - after django.setup()
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415
    from wagtail.models import Site  # noqa: PLC0415

    from services.cases.models import Case  # noqa: PLC0415
    from services.places.public import public_cases  # noqa: PLC0415

    site = Site.objects.get(is_default_site=True)
    client = Client()
    rng = random.Random(7)  # noqa: S311 - benchmark boxes
    timings, raw_sizes, sent_sizes, features, capped = [], [], [], [], 0
    boxes = []
    for _ in range(samples):
        west = CENTRE[1] - REGION / 2 + rng.uniform(0, REGION - TOWN)
        south = CENTRE[0] - REGION / 2 + rng.uniform(0, REGION - TOWN)
        boxes.append(f"{west:.5f},{south:.5f},{west + TOWN:.5f},{south + TOWN:.5f}")
    client.get("/th/reports.geojson", {"bbox": boxes[0]}, secure=True, HTTP_HOST="localhost")  # warm
    cpu = []
    load_before = os.getloadavg()[0]
    for bbox in boxes:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        response = client.get(
            "/th/reports.geojson", {"bbox": bbox}, secure=True, HTTP_HOST="localhost", HTTP_ACCEPT_ENCODING="gzip"
        )
        timings.append((time.perf_counter() - begin) * 1000)
        # This process's CPU (the view, the test client's little, not the database's): what a
        # request costs the web worker whatever else the shared machine is doing.
        cpu.append((time.process_time() - begin_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GeoJSON {bbox} answered {response.status_code}")
        sent_sizes.append(len(response.content))
        plain = client.get("/th/reports.geojson", {"bbox": bbox}, secure=True, HTTP_HOST="localhost")
        raw_sizes.append(len(plain.content))
        data = plain.json()
        features.append(len(data["features"]))
        capped += data["capped"]
    # A box not asked before: an answer asked again is kept (services.places.cache), no query.
    west, south, east, north = (float(n) + 0.00001 for n in boxes[0].split(","))
    with CaptureQueriesContext(connection) as captured:
        client.get(
            "/th/reports.geojson", {"bbox": f"{west},{south},{east},{north}"}, secure=True, HTTP_HOST="localhost"
        )
    with connection.cursor() as cursor:
        sql = [q["sql"] for q in captured.captured_queries if "services_case" in q["sql"]][-1]
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(explain + sql)
        plan = [" ".join(map(str, row)) for row in cursor.fetchall()]
    timings.sort()
    return {
        "cases": Case.objects.count(),
        "public_reports": public_cases(site).count(),
        "samples": samples,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p95(timings), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(_p95(cpu), 1),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "features_median": statistics.median(features),
        "features_max": max(features),
        "capped_answers": capped,
        "kb_sent_gzip_max": round(max(sent_sizes) / 1024, 1),
        "kb_uncompressed_max": round(max(raw_sizes) / 1024, 1),
        "kb_uncompressed_median": round(statistics.median(raw_sizes) / 1024, 1),
        "queries": len(captured),
        "plan": plan,
    }


def measure_duplicates(samples):
    """p50/p95 of the two "near here" questions at scale: the staff queue's "possible
    duplicates" flag for a page of 100 open cases (as the queue asks it: the page's cases against
    the cases the officer may see, here a whole office's), and a resident's "already reported"
    lookup at a random point of the area for a public-place service (50 m, open cases)."""
    from django.db import connection  # noqa: PLC0415 - after django.setup()
    from django.db.models import F  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415
    from wagtail.models import Site  # noqa: PLC0415

    from services.cases import nearby  # noqa: PLC0415
    from services.cases.models import OPEN_STATUSES, Case  # noqa: PLC0415
    from services.models import ServicePage  # noqa: PLC0415

    site = Site.objects.get(is_default_site=True)
    rng = random.Random(11)  # noqa: S311 - benchmark pages and points
    queue = Case.objects.filter(site=site, status__in=OPEN_STATUSES).order_by("due_date", "id")
    open_cases = queue.count()
    columns = ("pk", "service_id", "latitude", "longitude", "submitted_at", "duplicate_of_id")
    # As the queue loads its page: the service's radius annotated in the same query.
    pages = [
        list(queue.only(*columns).annotate(nearby_radius=F("service__nearby_radius"))[offset : offset + 100])
        for offset in (rng.randrange(0, max(1, open_cases - 100)) for _ in range(samples))
    ]
    services = list(
        ServicePage.objects.filter(public_place=True, locale__language_code="th").values_list("pk", flat=True)
    )
    points = [
        (
            rng.choice(services),
            round(CENTRE[0] + rng.uniform(-REGION / 2, REGION / 2), 6),
            round(CENTRE[1] + rng.uniform(-REGION / 2, REGION / 2), 6),
        )
        for _ in range(samples)
    ]
    candidates = Case.objects.filter(site_id__in=[site.pk])  # visible_to for a "view all cases" officer
    nearby.possible_duplicates(pages[0], candidates)  # warm
    load_before = os.getloadavg()[0]
    flag_ms, flag_cpu, flagged = [], [], []
    for page in pages:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        found = nearby.possible_duplicates(page, candidates)
        flag_ms.append((time.perf_counter() - begin) * 1000)
        flag_cpu.append((time.process_time() - begin_cpu) * 1000)
        flagged.append(len(found))
    lookup_ms, lookup_cpu, found_counts = [], [], []
    for service_id, latitude, longitude in points:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        found = nearby.nearby_cases(service_id, latitude, longitude, nearby.DEFAULT_RADIUS_M, open_only=True)
        lookup_ms.append((time.perf_counter() - begin) * 1000)
        lookup_cpu.append((time.process_time() - begin_cpu) * 1000)
        found_counts.append(len(found))
    with CaptureQueriesContext(connection) as captured:
        nearby.possible_duplicates(pages[0], candidates)
    return {
        "open_cases": open_cases,
        "samples": samples,
        "flag_page_p50_ms": round(statistics.median(flag_ms), 1),
        "flag_page_p95_ms": round(_p95(flag_ms), 1),
        "flag_page_cpu_p50_ms": round(statistics.median(flag_cpu), 1),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "flagged_per_page_median": statistics.median(flagged),
        "flag_queries": len(captured),
        "already_reported_p50_ms": round(statistics.median(lookup_ms), 1),
        "already_reported_p95_ms": round(_p95(lookup_ms), 1),
        "already_reported_cpu_p50_ms": round(statistics.median(lookup_cpu), 1),
        "already_reported_found_median": statistics.median(found_counts),
    }


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


# -- the driver ----------------------------------------------------------------------------------


def worker(site, command, *args):
    """Run a step of this module (--worker) in the bench site's environment; its JSON answer."""
    return site.run("bench.places", "--worker", command, *args)


TRACE_CATEGORIES = ["devtools.timeline", "blink.user_timing", "loading", "disabled-by-default-devtools.timeline"]
# When the map's markers are on screen and when Leaflet's are in, in the page's own clock (ms
# since navigation start).
MARKERS_SHOWN = """
(function () {
  // Markers shown: once the frame that shows the map section's markers is painted (a task queued
  // from that frame's animation callback runs after its paint), the server's drawing of the
  // first view or Leaflet's own. Map ready: the same once Leaflet's markers are in.
  function painted(name) {
    window[name] = null;
    requestAnimationFrame(function () { setTimeout(function () { window[name] = performance.now(); }, 0); });
  }
  function check() {
    var section = document.querySelector("[data-reports-map]");
    if (window.__markersShown === undefined && section
        && section.querySelector(".first-view-cluster, .first-view-pin, .leaflet-marker-icon")) {
      painted("__markersShown");
    }
    if (window.__mapReady === undefined && document.querySelector("#reports-map[data-loaded]")) {
      painted("__mapReady");
    }
  }
  // The server's drawing names its numbers for the Element Timing API: their paint's own time.
  window.__markersPainted = null;
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (entry) {
      if (entry.identifier === "reports-map-markers" && window.__markersPainted === null) {
        window.__markersPainted = entry.renderTime || entry.loadTime;
      }
    });
  }).observe({type: "element", buffered: true});
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-loaded"]});
})();
"""


def _readable(*paths):
    """nginx's workers run as another user (never root): the bench's private temporary folders
    must let them reach the static files; the nginx folder is theirs (bench.nginx.in_front)."""
    for path in paths:
        os.chmod(path, 0o755)  # noqa: S103 - a benchmark's throwaway folder


def map_page(site, loads, through_nginx=True, trace=None):
    """The map page in Chromium on a throttled phone, cold (a new browser context each time);
    `through_nginx`: behind deploy/nginx.conf (TLS, HTTP/2, gzip, static files from nginx) as
    production serves it, else from gunicorn directly (HTTP/1.1, the page not compressed).

    The page "loads" when both have happened, each timed from the navigation's start in the
    page's own clock (not the driver's, which adds Playwright's round trips):
    - first contentful paint: the list of reports, which is the page's content (it works
      without JavaScript; the map is drawn over it);
    - markers shown: the frame after the map's section shows its clusters and pins: the first
      view the server drew into the page (services.places.first_view), or Leaflet's own markers.
      Target: both under 1 s;
    - map ready: the frame after Leaflet drew its markers (the map can be moved and zoomed).
    DOMContentLoaded and the load event are reported too, but are not what a resident sees.
    `trace`: a file to write Chromium's performance trace of the last load into (open it in
    Chromium's DevTools, Performance panel), to see where the time goes."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a dev dependency, only here

    path = next((shutil.which(c) for c in CHROMIUM_CANDIDATES if c and shutil.which(c)), None)
    if path is None:
        return {"skipped": "no Chromium"}
    runs = []
    with site.serve(workers=2) as server, contextlib.ExitStack() as stack, sync_playwright() as playwright:
        _warm(server)
        base, headers = server.url, HTTPS  # production settings send plain HTTP to HTTPS otherwise
        if through_nginx:
            if nginx.binary() is None:
                return {"skipped": "no nginx (apt-get install nginx-light)"}
            user = "nobody" if os.geteuid() == 0 else None
            static = site.env["STATIC_ROOT"]
            if user:
                _readable(site.dir.parent, site.dir, static)
            node = server.url.split("://")[1]
            base = stack.enter_context(
                nginx.in_front(
                    site.dir / "nginx",
                    [node, node],
                    free_port(),
                    free_port(),
                    static,
                    f"{server.url}/media/",
                    user=user,
                )
            )
            headers = {}
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        for number in range(loads + 1):
            context = browser.new_context(
                viewport={"width": 360, "height": 740},
                locale="th-TH",
                extra_http_headers=headers,
                ignore_https_errors=True,  # nginx's self-signed certificate
            )
            context.add_init_script(MARKERS_SHOWN)
            page = context.new_page()
            # Map tiles come from the internet: not the page's own, refused here.
            page.route(lambda url: not url.startswith(base), lambda route: route.abort())
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE["cpu"]})
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": THROTTLE["latency_ms"],
                    "downloadThroughput": THROTTLE["down_kbps"] * 1000 / 8,
                    "uploadThroughput": THROTTLE["up_kbps"] * 1000 / 8,
                },
            )
            cpu_before = server.worker_cpu_seconds()
            if trace and number == loads:
                browser.start_tracing(page=page, screenshots=True, categories=TRACE_CATEGORIES)
            page.goto(f"{base}/th/reports/", wait_until="load")
            page.wait_for_function(
                "() => typeof window.__markersShown === 'number' && typeof window.__mapReady === 'number'",
                timeout=60000,
            )
            server_cpu_ms = (server.worker_cpu_seconds() - cpu_before) * 1000
            if trace and number == loads:
                Path(trace).write_bytes(browser.stop_tracing())
            timing = page.evaluate(
                "() => { const t = performance.getEntriesByType('navigation')[0];"
                " const p = performance.getEntriesByName('first-contentful-paint')[0];"
                " return {dcl: t.domContentLoadedEventEnd, load: t.loadEventEnd, fcp: p ? p.startTime : null,"
                " markers: window.__markersPainted || window.__markersShown, ready: window.__mapReady, ttfb: t.responseStart, html_end: t.responseEnd,"
                " html: t.transferSize, resources: performance.getEntriesByType('resource')"
                ".map(e => [e.name.split('/').pop().split('?')[0], e.transferSize, Math.round(e.responseEnd)])}; }"
            )
            markers = int(page.locator("#reports-map").get_attribute("data-loaded"))
            transferred = page.evaluate(
                "() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))"
                ".reduce((sum, e) => sum + (e.transferSize || 0), 0)"
            )
            if number:  # the first load warms the server's caches (each load is a cold browser)
                runs.append(
                    {
                        "first_paint_ms": round(timing["fcp"] or 0),
                        # Never before the first paint: markers drawn into the first frame show then.
                        "markers_shown_ms": round(max(timing["markers"], timing["fcp"] or 0)),
                        "map_ready_ms": round(timing["ready"]),
                        "html_first_byte_ms": round(timing["ttfb"]),
                        "html_end_ms": round(timing["html_end"]),
                        "dcl_ms": round(timing["dcl"]),
                        "load_ms": round(timing["load"]),
                        "reports_on_map": markers,
                        # The web workers' CPU for the page, its files and its GeoJSON.
                        "server_cpu_ms": round(server_cpu_ms),
                        "load_average": round(os.getloadavg()[0], 1),
                        "kb_transferred": round(transferred / 1024, 1),
                        "html_bytes": timing["html"],
                        "resources": timing["resources"],  # [file, bytes transferred, ms at its end]
                    }
                )
            context.close()
        browser.close()
    return {
        "served_by": "nginx (deploy/nginx.conf: TLS, HTTP/2, gzip) → gunicorn" if through_nginx else "gunicorn",
        "throttle": THROTTLE,
        "loads": runs,
        "median_first_paint_ms": statistics.median(r["first_paint_ms"] for r in runs),
        "median_markers_shown_ms": statistics.median(r["markers_shown_ms"] for r in runs),
        "median_map_ready_ms": statistics.median(r["map_ready_ms"] for r in runs),
        "median_dcl_ms": statistics.median(r["dcl_ms"] for r in runs),
        "median_load_ms": statistics.median(r["load_ms"] for r in runs),
        "median_server_cpu_ms": statistics.median(r["server_cpu_ms"] for r in runs),
        "load_average": [r["load_average"] for r in runs],
    }


def _warm(server, requests=8):
    """Each worker's first page compiles templates and imports what it imports lazily (a second
    or two on the slowed machine): the page asked a few times, so whichever of the two workers
    a timed load reaches has done that already, as a server that has been up a while has."""
    for _ in range(requests):
        request = urllib.request.Request(f"{server.url}/th/reports/", headers=HTTPS)  # noqa: S310 - local server
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            answer.read()


def table(results):
    geo = results.get("geojson", {})
    rows = []
    if geo:
        rows += [
            ("cases / public reports", f"{geo['cases']:,} / {geo['public_reports']:,}"),
            (
                f"GeoJSON, town-sized box ({TOWN}°), {geo.get('samples')} boxes",
                f"p50 {geo.get('p50_ms')} ms · p95 {geo.get('p95_ms')} ms · CPU p50 {geo.get('cpu_p50_ms')} ms"
                f" · {geo.get('queries')} queries · load average {geo.get('load_average')}",
            ),
            (
                "GeoJSON size (largest answer)",
                f"{geo.get('kb_sent_gzip_max')} KB sent (gzip) · {geo.get('kb_uncompressed_max')} KB uncompressed"
                f" · features median {geo.get('features_median')}, max {geo.get('features_max')},"
                f" capped answers {geo.get('capped_answers')}",
            ),
        ]
    dup = results.get("duplicates", {})
    if dup:
        rows.append(
            (
                f"possible duplicates flag, queue page of 100 open cases, {dup['samples']} pages",
                f"p50 {dup['flag_page_p50_ms']} ms · p95 {dup['flag_page_p95_ms']} ms"
                f" · CPU p50 {dup.get('flag_page_cpu_p50_ms')} ms · {dup['flag_queries']} query"
                f" · load average {dup.get('load_average')}"
                f" · flagged per page median {dup['flagged_per_page_median']} · {dup['open_cases']:,} open cases",
            )
        )
        rows.append(
            (
                f"already reported here (50 m, open), {dup['samples']} points",
                f"p50 {dup['already_reported_p50_ms']} ms · p95 {dup['already_reported_p95_ms']} ms"
                f" · found median {dup['already_reported_found_median']}",
            )
        )
    for key in ("map_page", "map_page_direct"):
        page = results.get(key, {})
        if "median_load_ms" not in page:
            continue
        rows.append(
            (
                f"map page, throttled phone (CPU ×4, 150 ms, 1.6 Mbit/s), {page['served_by']}",
                f"first paint {page['median_first_paint_ms']} ms · markers shown {page['median_markers_shown_ms']} ms"
                f" · map ready (Leaflet) {page.get('median_map_ready_ms')} ms"
                f" · DOMContentLoaded {page['median_dcl_ms']} ms · load {page['median_load_ms']} ms"
                f" (medians of {len(page['loads'])})"
                f" · {page['loads'][0]['reports_on_map']} reports on the map"
                f" · {page['loads'][0]['kb_transferred']} KB · server CPU {page.get('median_server_cpu_ms')} ms"
                f" · load average {page.get('load_average')}",
            )
        )
    for step in ("add_cases",):
        if step in results:
            rows.append((step.replace("_", " "), json.dumps(results[step])))
    width = max((len(name) for name, _ in rows), default=12)
    lines = [f"public reports · {results.get('database', 'PostgreSQL')} · {results['when']} · {results['machine']}", ""]
    lines += [f"| {'measurement':<{width}} | result |", f"|{'-' * (width + 2)}|--------|"]
    lines += [f"| {name:<{width}} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--public-share", type=float, default=0.25, help="share of cases of a public-place service")
    parser.add_argument("--samples", type=int, default=200, help="GeoJSON boxes to time")
    parser.add_argument("--loads", type=int, default=5, help="throttled map page loads to time")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--database", help="measure again on a database an earlier --keep run left")
    parser.add_argument("--no-map", action="store_true", help="the GeoJSON only, no browser")
    parser.add_argument("--trace", help="write Chromium's trace of the last map page load behind nginx here")
    parser.add_argument(
        "--only",
        choices=["geojson", "duplicates", "map"],
        action="append",
        help="measure only this (repeatable; with --database, to compare a change back to back)",
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="on SQLite instead (a file in a temporary folder, never kept)"
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _django()
        command, *values = args.worker
        if command == "add-cases":
            answer = add_cases(int(values[0]), float(values[1]))
        elif command == "duplicates":
            answer = measure_duplicates(int(values[0]))
        else:
            answer = measure_geojson(int(values[0]))
        print(json.dumps(answer, ensure_ascii=False))  # noqa: T201
        return
    if args.sqlite and (args.database or args.keep):
        raise SystemExit("--sqlite builds a database in a temporary folder: --keep and --database are PostgreSQL's")
    if not args.sqlite and not reachable("127.0.0.1", 5432):
        raise SystemExit("bench.places needs PostgreSQL on 127.0.0.1:5432 (or --sqlite)")
    redis = REDIS if reachable("127.0.0.1", 6379) else None
    results = {
        "when": datetime.datetime.now().isoformat(timespec="minutes"),
        "machine": machine(),
        "database": "SQLite" if args.sqlite else "PostgreSQL",
    }
    with tempfile.TemporaryDirectory(prefix="portal-bench-places-") as workdir:
        site = BenchSite(workdir, "places", postgres_url=None if args.sqlite else POSTGRES, redis_url=redis)
        if args.database:
            site.database_url = site.env["DATABASE_URL"] = POSTGRES.rsplit("/", 1)[0] + f"/{args.database}"
            args.keep = True
        try:
            if args.database:
                site.manage("migrate", "--noinput", "-v0")
                site.manage("collectstatic", "--noinput", "-v0")
            else:
                print(f"preparing {site.db_name} (migrate, demo, collectstatic)…", flush=True)  # noqa: T201
                site.prepare()
                print(f"adding {args.cases:,} cases…", flush=True)  # noqa: T201
                results["add_cases"] = worker(site, "add-cases", args.cases, args.public_share)
            wanted = set(args.only or ["geojson", "duplicates"] + ([] if args.no_map else ["map"]))
            if "geojson" in wanted:
                print("measuring the GeoJSON…", flush=True)  # noqa: T201
                results["geojson"] = worker(site, "measure", args.samples)
            if "duplicates" in wanted:
                print("measuring the duplicate lookups…", flush=True)  # noqa: T201
                results["duplicates"] = worker(site, "duplicates", args.samples)
            save(results)  # kept even if the browser part fails
            if "map" in wanted:
                print("loading the map page on a throttled phone…", flush=True)  # noqa: T201
                results["map_page"] = map_page(site, args.loads, trace=args.trace)
                save(results)
                results["map_page_direct"] = map_page(site, args.loads, through_nginx=False)
        finally:
            if args.keep:
                print(f"kept database {site.db_name}", flush=True)  # noqa: T201
            else:
                site.drop()
    print(save(results))  # noqa: T201


def save(results):
    RESULTS.mkdir(exist_ok=True)
    name = "places-sqlite" if results.get("database") == "SQLite" else "places"
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    text = table(results)
    (RESULTS / f"{name}.md").write_text(text + "\n")
    return text


if __name__ == "__main__":
    sys.exit(main())
