"""Point-in-area matching on filing (issue 18 §6: < 20 ms p95 with 200 areas), measured.

    python -m bench.areas                      SQLite in a temporary file
    python -m bench.areas --database URL       e.g. postgres://postgres@127.0.0.1:5432/bench_areas
                                               (an empty database of its own: it is migrated and filled)

200 communities of 120 corners each (irregular rings, a quarter of them with a hole) are laid in
a 20 × 10 grid around the demo town; 2,000 points are drawn over the grid and a margin around it
(so some fall outside every area, some in holes). Each point is matched as the intake does
(`services.areas.routing.match_area`: the box prefilter in SQL, then the exact test), and so is
the whole routing step (match, then the service's 20 rules). p50 and p95 are printed in ms.
"""

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def ring(lon, lat, radius, corners, rng):
    points = []
    for i in range(corners):
        angle = 2 * math.pi * i / corners
        r = radius * rng.uniform(0.85, 1.0)
        points.append([round(lon + r * math.cos(angle), 6), round(lat + r * math.sin(angle), 6)])
    points.append(points[0])
    return points


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="DATABASE_URL of an empty database (default: a temporary SQLite file)")
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--points", type=int, default=2000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-areas-")
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

    import django  # noqa: PLC0415 - configured by the environment set just above

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415
    from wagtail.models import Site  # noqa: PLC0415

    from forms_builder.models import Submission  # noqa: PLC0415
    from services.areas.models import Area, RoutingRule  # noqa: PLC0415
    from services.areas.routing import match_area, rule_department  # noqa: PLC0415
    from services.models import Department, ServicePage  # noqa: PLC0415

    print(f"Migrating {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]}) …", file=sys.stderr)
    call_command("migrate", verbosity=0, interactive=False)
    site = Site.objects.get(is_default_site=True)
    rng = random.Random(2569)  # noqa: S311 - benchmark data
    Area.objects.filter(site=site).delete()
    size, columns = 0.009, 20
    rows = math.ceil(args.areas / columns)
    west, south = 98.90, 18.74
    for index in range(args.areas):
        row, column = divmod(index, columns)
        lon, lat = west + (column + 0.5) * size, south + (row + 0.5) * size
        rings = [ring(lon, lat, size / 2, 120, rng)]
        if index % 4 == 0:
            rings.append(list(reversed(ring(lon, lat, size / 8, 12, rng))))
        Area.objects.create(site=site, name=f"ชุมชนที่ {index + 1}", shape={"type": "Polygon", "coordinates": rings})

    department = Department.objects.get_or_create(site=site, code="works", defaults={"name": "กองช่าง"})[0]
    service = ServicePage.objects.first()
    if service is None:
        service = site.root_page.add_child(
            instance=ServicePage(title="แจ้งเรื่องร้องเรียน", slug="bench-complaint", summary="แจ้งปัญหา")
        )
    RoutingRule.objects.filter(site=site).delete()
    # 20 area rules: a point in none of their areas tries every one (the slowest case).
    for order, area in enumerate(Area.objects.filter(site=site).order_by("-id")[:20]):
        RoutingRule.objects.create(site=site, service=service, area=area, department=department, sort_order=order)
    submission = Submission(answers={}, form_snapshot={})

    margin = size
    points = [
        (
            rng.uniform(south - margin, south + rows * size + margin),
            rng.uniform(west - margin, west + columns * size + margin),
        )
        for _ in range(args.points)
    ]
    for lat, lon in points[:50]:  # warm the connection and caches
        match_area(site.pk, lat, lon)
    matching, routing, found = [], [], 0
    for lat, lon in points:
        started = time.perf_counter()
        area = match_area(site.pk, lat, lon)
        matching.append((time.perf_counter() - started) * 1000)
        found += area is not None
        started = time.perf_counter()
        area = match_area(site.pk, lat, lon)
        rule_department(site.pk, service, submission, area)
        routing.append((time.perf_counter() - started) * 1000)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        area = match_area(site.pk, points[0][0], points[0][1])
        rule_department(site.pk, service, submission, area)
    print(
        f"{args.areas} areas ({Area.objects.filter(site=site).count()} stored), {args.points} points, {found} in an area"
    )
    print(
        f"match_area:           p50 {statistics.median(matching):.2f} ms  p95 {percentile(matching, 0.95):.2f} ms  max {max(matching):.2f} ms"
    )
    print(
        f"match + routing rules: p50 {statistics.median(routing):.2f} ms  p95 {percentile(routing, 0.95):.2f} ms  ({len(queries)} queries)"
    )


if __name__ == "__main__":
    main()
