"""A real worker process is killed (SIGKILL) in the middle of sending — after it claimed the
message, while the mail server has not yet accepted it. The message is sent again after the
lease and reaches the resident exactly once."""

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from services.notifications import outbox
from services.notifications.models import Notification

S = Notification.Status


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_send_delivers_once_after_the_lease(smtp):
    stalled = asyncio.Event()
    original = smtp.mailbox.handle_DATA

    async def stall(server, session, envelope):
        stalled.set()
        await asyncio.sleep(3600)  # never answers: the worker hangs in the middle of the send

    smtp.mailbox.handle_DATA = stall
    # Written directly, not through outbox.record(): here the on-commit queueing would send it
    # at once in this process (synchronous test broker); the worker below must be the sender.
    row = Notification.objects.create(
        event="draft_saved",
        channel="email",
        recipient="somying@example.com",
        body="รหัส ABCD2345",
        idempotency_key="kill-test",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.services.notifications.worker_settings",
        "DATABASE_URL": database_url(),
        "NOTIF_TEST_SMTP_PORT": str(smtp.port),
    }
    code = f"import django; django.setup(); from services.notifications.tasks import send_notification; send_notification({row.pk})"
    worker = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=django_settings.BASE_DIR)  # noqa: S603
    try:
        for _ in range(300):  # up to 30 s for the worker to start, claim and reach the server
            if stalled.is_set():
                break
            assert worker.poll() is None, "the worker ended before reaching the mail server"
            time.sleep(0.1)
        assert stalled.is_set()
        row.refresh_from_db()
        assert row.status == S.SENDING and row.attempts == 1, (row.status, row.last_error)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    smtp.mailbox.handle_DATA = original
    # The dead worker's claim holds until the lease runs out: nobody sends meanwhile.
    assert outbox.deliver(row.pk) is None
    Notification.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - timezone.timedelta(seconds=outbox.lease_seconds() + 1)
    )
    assert outbox.retry_due() == 1  # queued and, with the synchronous test broker, sent
    assert outbox.retry_due() == 0
    assert [m["to"] for m in smtp.messages] == [["somying@example.com"]]
    row.refresh_from_db()
    assert row.status == S.SENT and row.attempts == 2
