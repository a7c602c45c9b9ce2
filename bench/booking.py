"""`python -m bench.booking`: the resident's slot page of queue booking (issue 23), served.

    python -m bench.booking                       SQLite, 400 requests
    python -m bench.booking --requests 1000 --concurrency 8

A production-like site (production settings, the demo municipality, collected static files,
gunicorn with 2 workers; bench/site.py) gets a counter taking 4 people per 30-minute slot and a
service booked at it, with the next 14 days' slots mostly taken (random, seeded). Then the slot
page of a random bookable day (/th/booking/<id>/?day=…: the days, the day's slots with places
left, the form) is fetched `--requests` times, sequentially and then by `--concurrency` clients
at once: p50 and p95 of the time to the whole answer, as a client on the same machine sees it.
The page is never taken from the anonymous page cache (it carries a CSRF token).

Results go to bench/results/booking.json with the machine's description: the machine is shared
(2 cores here), so read the numbers as an upper bound.
"""

import argparse
import json
import random
import statistics
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bench.__main__ import RESULTS, machine
from bench.site import HTTPS, BenchSite

SETUP = """
import datetime, random
from django.utils import timezone
from wagtail.models import Locale, Site
from services.booking.models import BookableService, Booking, BookingSettings, Counter
from services.booking.slots import Calendar
from services.models import ServicePage
random.seed(2569)
site = Site.objects.get(is_default_site=True)
settings = BookingSettings.for_site(site)
settings.open_weekdays = "01234"
settings.save()
counter = Counter.objects.create(site=site, name="ช่อง 1", letter="A", capacity=4)
page = ServicePage.objects.live().descendant_of(site.root_page).filter(locale=Locale.objects.get(language_code="th")).first()
service = BookableService.objects.create(service=page, counter=counter)
calendar = Calendar(site)
rows, number = [], 0
for day in calendar.open_days():
    for start in calendar.starts():
        for _ in range(random.randint(0, 4)):
            number += 1
            rows.append(Booking(site=site, counter=counter, service=service, service_title=page.title, reference=f"QB{number:06d}",
                                date=day, start=start, number=number, name="ทดสอบ", phone="0812345678"))
Booking.objects.bulk_create(rows)
print(service.pk, ",".join(d.isoformat() for d in calendar.open_days()), len(rows))
"""


def fetch(url):
    request = urllib.request.Request(url, headers=HTTPS)  # noqa: S310 - the local bench server
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        response.read()
        assert response.status == 200
    return (time.perf_counter() - started) * 1000


def percentiles(times):
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
        "requests": len(ordered),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="bench-booking-")
    site = BenchSite(workdir, "booking").prepare()
    service_id, days, booked = site.shell(SETUP).split()
    days = days.split(",")
    rng = random.Random(2569)
    with site.serve(workers=2) as server:
        urls = [f"{server.url}/th/booking/{service_id}/?day={rng.choice(days)}" for _ in range(args.requests)]
        for url in urls[:20]:
            fetch(url)  # warm the workers (imports, templates, settings)
        sequential = percentiles([fetch(url) for url in urls])
        with ThreadPoolExecutor(args.concurrency) as pool:
            started = time.perf_counter()
            together = list(pool.map(fetch, urls))
            elapsed = time.perf_counter() - started
        concurrent = {**percentiles(together), "requests_per_second": round(len(urls) / elapsed, 1)}
    result = {
        "page": "/th/booking/<service>/?day=<a bookable day>",
        "bookings_in_window": int(booked),
        "database": "sqlite",
        "sequential": sequential,
        f"concurrency_{args.concurrency}": concurrent,
        "machine": machine(),
        "note": "shared machine: an upper bound",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "booking.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
