"""The task worker on the default install under load (issue 16, section 8): nothing skipped.

    python -m bench.worker                    30 residents for 60 seconds
    python -m bench.worker --residents 10 --seconds 20

One SQLite file, production settings, the ORM broker: gunicorn (2 workers) serves 30 simulated
residents who fill the demo's 3-step complaint form and then open its tracking page, over and
over, while `manage.py qcluster` runs the tasks their submissions queue (one per notification)
and the schedules. The SMS stand-in gateway (services/notifications/standin.py) answers the
worker's text messages, so every notification can be sent. Twenty one-off schedules fall due at
intervals during the run, and every repeating schedule is made due at its start, so the
scheduler writes while the residents do.

After the load the worker is given time to catch up, then the run is counted: tasks queued (the
"Enqueued" lines of every process) against tasks that ran and whose result was saved, schedules
due against schedules that ran, notifications created against sent, and "database is locked"
lines in the logs of the site and the worker. It prints one JSON object; a benchmark, not a test
(it takes about three minutes with the demo's preparation).
"""

import argparse
import datetime
import json
import secrets
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.residents import Resident
from bench.site import PYTHON, ROOT, BenchSite
from services.notifications.standin import StandinGateway

ONCE_SCHEDULES = 20
SEEDED_RESULTS = 250  # django-q2's SAVE_LIMIT
# Schedules go through django-q2's scheduler, which the cluster runs every 30 seconds.
SCHEDULER_CYCLE = 30

PREPARE = """
import datetime
from django.utils import timezone
from django_q.models import Schedule
from django_q.models import OrmQ, Task
start = timezone.now()
# A site that has run for a few days holds SAVE_LIMIT (250) results: from then on every saved
# result also prunes the oldest, as on the office's machine (the demo's fresh database holds none).
old = start - datetime.timedelta(days=3)
Task.objects.bulk_create(
    Task(id=f"bench-old-{{n:04d}}", name=f"bench-old-{{n}}", func="django.utils.timezone.now", started=old,
         stopped=old, success=True, attempt_count=1)
    for n in range({seeded})
)
Schedule.objects.filter(schedule_type=Schedule.MINUTES).update(next_run=start)
for index in range({count}):
    Schedule.objects.update_or_create(
        name=f"bench-once-{{index}}",
        defaults=dict(
            func="services.reporting.tasks.flush_usage",
            schedule_type=Schedule.ONCE,
            repeats=1,
            next_run=start + datetime.timedelta(seconds={spread} * index / {count}),
        ),
    )
from forms_builder.models import FormPage
form = FormPage.objects.live().filter(slug="complaint-form", locale__language_code="th").first().url
print(OrmQ.objects.count(), form)
"""

COUNT = """
import json
from django_q.models import OrmQ, Schedule, Task
from services.notifications.models import Notification
since = "{since}"
notifications = Notification.objects.filter(created_at__gte=since)
once = Schedule.objects.filter(name__startswith="bench-once-")
print(json.dumps({{
    # Kept, not saved: past SAVE_LIMIT (250) django-q2 deletes the oldest result at every save, so
    # a run of more than 250 tasks keeps 250 (the saved ones are processed minus failed saves).
    "task_results_kept": Task.objects.exclude(name__startswith="bench-old-").count(),
    "task_results_kept_succeeded": Task.objects.exclude(name__startswith="bench-old-").filter(success=True).count(),
    "seeded_results_pruned": {seeded} - Task.objects.filter(name__startswith="bench-old-").count(),
    "tasks_left_in_queue": OrmQ.objects.count(),
    "schedules_due": once.filter(next_run__lte="{due_by}").count(),
    "schedules_run": once.filter(next_run__lte="{due_by}", repeats=0).count(),
    "schedule_results_kept": Task.objects.filter(group__startswith="bench-once-", success=True)
    .values("group").distinct().count(),
    "notifications_created": notifications.count(),
    "notifications_sent": notifications.filter(status=Notification.Status.SENT).count(),
    "notifications_not_sent": dict(
        (status, notifications.filter(status=status).count())
        for status in ("pending", "sending", "failed", "undeliverable")
    ),
}}))
"""

SETTLED = """
from django.utils import timezone
from django_q.models import OrmQ
from services.notifications.models import Notification
print(OrmQ.objects.count() + Notification.objects.filter(status__in=["pending", "sending"]).count())
"""


def residents_for(base_url, form_path, residents, seconds):
    """`residents` threads submitting and tracking until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    counts = {"submitted": 0, "tracked": 0, "errors": 0}
    samples = []
    lock = threading.Lock()

    def one_resident(_index):
        while time.monotonic() < deadline:
            resident = Resident(base_url)
            try:
                reference = resident.submit(form_path)
                with lock:
                    counts["submitted"] += 1
                status = resident.request("GET", f"/t/{reference}").status_code
                if status >= 500:
                    raise RuntimeError(f"tracking page: HTTP {status}")
                with lock:
                    counts["tracked"] += 1
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    counts["errors"] += 1
                    samples.append(repr(error)[:200])

    with ThreadPoolExecutor(max_workers=residents) as pool:
        list(pool.map(one_resident, range(residents)))
    return {**counts, "error_samples": sorted(set(samples))[:5]}


def count_lines(path, needle):
    return sum(needle in line for line in path.read_text(errors="replace").splitlines())


def run(workdir, residents, seconds, settle):
    site = BenchSite(workdir, "worker")
    key = secrets.token_urlsafe(16)
    gateway = StandinGateway(("127.0.0.1", 0), key, out=lambda line: None)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    site.env.update(
        {
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_KEY": key,
            # Staff e-mails count as sent without a mail server.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            # django-q2 logs "Enqueued" (and every task's end) at INFO; the rest stays quiet.
            "LOG_LEVEL": "INFO",
            # Residents here send a whole form within a second; the anti-bot timing would refuse them.
            "FORMS_BUILDER_MIN_FILL_SECONDS": "0",
        }
    )
    print("preparing the SQLite site (migrate, demo, collectstatic)…", flush=True)  # noqa: T201
    site.prepare()
    since = datetime.datetime.now(datetime.UTC).isoformat()
    waiting, form_path = site.shell(
        PREPARE.format(count=ONCE_SCHEDULES, spread=max(seconds - 5, 1), seeded=SEEDED_RESULTS)
    ).split()
    worker_log = site.dir / "qcluster.log"
    with open(worker_log, "w") as log:
        worker = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "qcluster"], cwd=ROOT, env=site.env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            with site.serve() as server:
                print(f"{residents} residents for {seconds} s…", flush=True)  # noqa: T201
                load = residents_for(server.url, form_path, residents, seconds)
                due_by = datetime.datetime.now(datetime.UTC)
                # Let the worker catch up: the queue empty and nothing waiting to be sent, and
                # one scheduler cycle for the last one-off schedule.
                settle_until = time.monotonic() + settle
                time.sleep(SCHEDULER_CYCLE + 5)
                while time.monotonic() < settle_until and int(site.shell(SETTLED)) > 0:
                    time.sleep(5)
                server_logs = list(site.dir.glob("gunicorn-*.log"))
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    gateway.shutdown()
    counts = json.loads(site.shell(COUNT.format(since=since, due_by=due_by.isoformat(), seeded=SEEDED_RESULTS)))
    logs = [worker_log, *server_logs]
    return {
        "residents": residents,
        "seconds": seconds,
        "load": load,
        # What the demo's preparation left in the queue, and what every process queued since.
        "tasks_queued": int(waiting) + sum(count_lines(path, "Enqueued [") for path in logs),
        "tasks_processed": count_lines(worker_log, "Processed '"),
        "tasks_failed": count_lines(worker_log, "Failed '"),
        "task_results_saved": count_lines(worker_log, "Processed '")
        + count_lines(worker_log, "Failed '")
        - count_lines(worker_log, "Could not save task result"),
        "sms_accepted_by_gateway": len(gateway.messages),
        **counts,
        "database_is_locked_lines": sum(count_lines(path, "database is locked") for path in logs),
        "could_not_save_task_result": count_lines(worker_log, "Could not save task result"),
        "could_not_create_task_from_schedule": count_lines(worker_log, "Could not create task from schedule"),
        "logs": [str(path) for path in logs],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--settle", type=int, default=180, help="the most seconds the worker gets to catch up")
    parser.add_argument("--keep", help="keep the site and its logs in this folder")
    args = parser.parse_args()
    if args.keep:
        results = run(args.keep, args.residents, args.seconds, args.settle)
    else:
        with tempfile.TemporaryDirectory(prefix="portal-worker-bench-") as workdir:
            results = run(workdir, args.residents, args.seconds, args.settle)
    print(json.dumps(results, indent=2, ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
