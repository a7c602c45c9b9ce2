"""The task worker on SQLite (issue 16, section 8): under 30 residents the worker logged
"database is locked" saving task results and skipped a scheduled task.

The cause: django-q2 saves a result (pruning old successes) and runs the schedules inside
transactions that read first and write after. SQLite starts such a transaction as a reader and
must upgrade it to a writer at the first write; when another connection has written meanwhile
the upgrade fails at once with "database is locked" — the busy timeout never applies to it. With
`transaction_mode: IMMEDIATE` every transaction takes the write lock when it begins, so it waits
(up to the busy timeout) instead of failing. bench/worker.py shows it under a real 60-second
load; these tests show it in a few seconds with threads.
"""

import datetime
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone
from django_q import monitor, scheduler
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import Schedule, Success

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's locking; PostgreSQL locks rows and waits on its own"
)


def test_every_connection_waits_for_the_lock_and_takes_it_up_front():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20


@pytest.mark.django_db(transaction=True)
def test_the_workers_own_connections_get_wal_and_the_busy_timeout():
    """django-q2 opens connections through Django in its own threads and processes: they get
    the same settings as the web's (checked here from a thread, as the worker's monitor is)."""
    seen = {}

    def worker_thread():
        with connections["default"].cursor() as cursor:
            for pragma in ("journal_mode", "busy_timeout"):
                cursor.execute(f"PRAGMA {pragma}")
                seen[pragma] = cursor.fetchone()[0]
        seen["transaction_mode"] = connections["default"].transaction_mode
        connections["default"].close()

    thread = threading.Thread(target=worker_thread)
    thread.start()
    thread.join()
    assert seen == {"journal_mode": "wal", "busy_timeout": 20000, "transaction_mode": "IMMEDIATE"}


def finished_task(number):
    now = timezone.now()
    return {
        "id": uuid.uuid4().hex,
        "name": f"bench-task-{number}",
        "func": "django.utils.timezone.now",
        "args": (),
        "kwargs": {},
        "started": now,
        "stopped": now,
        "result": None,
        "success": True,
        "group": None,
        "cluster": "portal",
    }


def hammer(seconds, writers=4, stop_at_first_error=False):
    """Residents' writes (read, then write, in one transaction, as case intake and sessions do)
    from `writers` threads, while one thread saves task results the way the worker's monitor
    does (pruning old successes) and runs the scheduler with a due schedule. Returns the
    "database is locked" errors each side met, and how many results the worker saved."""
    errors = {"residents": 0, "worker": 0}
    saved = []
    deadline = time.monotonic() + seconds
    stop = threading.Event()
    lock = threading.Lock()

    def failed(side):
        with lock:
            errors[side] += 1
        if stop_at_first_error:
            stop.set()

    def resident(index):
        number = 0
        while time.monotonic() < deadline and not stop.is_set():
            try:
                with transaction.atomic():
                    Schedule.objects.filter(name__startswith=f"resident-{index}-").count()
                    Schedule.objects.create(
                        name=f"resident-{index}-{number}", func="django.utils.timezone.now", repeats=0
                    )
                number += 1
                time.sleep(0.01)  # a request does other work between its writes
            except OperationalError as error:
                assert "database is locked" in str(error)
                failed("residents")
        connections["default"].close()

    class CountingLogger:
        """Stands in for django-q2's logger: it logs a failed save and goes on."""

        def exception(self, message, *args, **kwargs):
            failed("worker")

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    def worker():
        broker = ORM(list_key="portal")
        number = 0
        while time.monotonic() < deadline and not stop.is_set():
            monitor.save_task(finished_task(number), broker)
            saved.append(number)
            Schedule.objects.filter(name="tick").update(next_run=timezone.now() - datetime.timedelta(minutes=1))
            scheduler.scheduler(broker=broker)
            number += 1
        connections["default"].close()

    Schedule.objects.create(
        name="tick", func="django.utils.timezone.now", schedule_type=Schedule.MINUTES, minutes=1, repeats=-1
    )
    logger = CountingLogger()
    originals = monitor.logger, scheduler.logger, Conf.SAVE_LIMIT, Conf.SYNC
    monitor.logger = scheduler.logger = logger
    Conf.SAVE_LIMIT, Conf.SYNC = 3, False  # prune on every save, as a busy worker does; queue, not run
    try:
        threads = [threading.Thread(target=resident, args=(i,)) for i in range(writers)]
        threads.append(threading.Thread(target=worker))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        monitor.logger, scheduler.logger = originals[:2]
        Conf.SAVE_LIMIT, Conf.SYNC = originals[2:]
    return errors, saved


@pytest.mark.django_db(transaction=True)
def test_residents_writing_while_the_worker_saves_results_meet_no_locked_database():
    errors, saved = hammer(seconds=3)
    assert errors == {"residents": 0, "worker": 0}
    assert len(saved) >= 5
    assert Success.objects.count() == 3  # pruned down to SAVE_LIMIT: every save went through


@pytest.mark.django_db(transaction=True)
def test_deferred_transactions_as_before_did_fail(monkeypatch):
    """The same load with SQLite's default (deferred) transactions, as before the fix: the
    upgrade from reader to writer fails at once, whatever the busy timeout. Shows the test above
    can fail."""
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "transaction_mode", "DEFERRED")
    errors, _saved = hammer(seconds=5, stop_at_first_error=True)
    assert errors["residents"] + errors["worker"] > 0
