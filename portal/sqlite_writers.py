"""Writers to a SQLite database wait their turn on a lock file beside it, not in SQLite's busy
handler.

SQLite has one writer at a time. A connection that finds the file locked sleeps in the busy
handler and tries again, up to 100 ms a try, for as long as the busy timeout: under a burst the
waits add up to long tails (the LINE webhook's p95 at 50 senders), and a transaction that holds
the lock for long (issuing a document renders and signs a PDF inside it) makes the late ones
pass the timeout ("database is locked"). An exclusive `flock` on one file, taken before the
transaction begins, lines them up instead: every thread and process of the machine (gunicorn's
workers and threads), each woken the moment the one before is done, however long the line.

Only where it helps: SQLite on a file, outside any transaction (inside one, the write lock may
already be held and the order could deadlock; the tests' transactions are the usual case).
PostgreSQL needs nothing of this: its writers wait on the rows they touch.
"""

import contextlib

from django.core.files import locks
from django.db import connection


def _lock_path():
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or connection.in_atomic_block or not name or name.startswith((":", "file:")):
        return None
    return f"{name}.writers.lock"


@contextlib.contextmanager
def in_turn():
    """Hold the database's writer turn for the block (nothing on PostgreSQL or in a transaction)."""
    path = _lock_path()
    if path is None:
        yield
        return
    with open(path, "a") as handle:
        locks.lock(handle, locks.LOCK_EX)
        try:
            yield
        finally:
            locks.unlock(handle)
