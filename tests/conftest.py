"""Fixtures every room's tests share: the default site and its two home pages, the demo
municipality, a clean cache, and (in tests/browser.py) Playwright on the machine's Chromium.

Transactional tests (threads, real commits) flush the database when they end; they are all
marked for serialized rollback so the migrations' own rows (locales, home pages, site,
Wagtail's groups) are back for whatever runs next.

The demo municipality takes 10-25 seconds to build, and some twenty tests want it. So it is
built once per run (`demo_snapshot`), copied table by table into a snapshot next to the test
database, and each test that asks for `demo` gets the snapshot copied back inside its own
transaction (a fraction of a second), which is rolled back as usual when the test ends.
"""

import io
import random
import shutil
import sqlite3
import tempfile
from pathlib import Path

import factory.random
import psycopg
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases
from wagtail.models import Locale, Site

pytest_plugins = ["tests.browser"]


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            # Prepend: pytest-django reads the closest (first) django_db marker.
            item.own_markers.insert(0, pytest.mark.django_db(**marker.kwargs, serialized_rollback=True).mark)


@pytest.fixture(autouse=True)
def _clean_cache():
    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture
def site(db):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_th(site):
    return site.root_page.specific


@pytest.fixture
def home_en(home_th):
    return home_th.get_translation(Locale.objects.get(language_code="en")).specific


def _quote(name):
    return connection.ops.quote_name(name)


class SQLiteSnapshots:
    """Snapshots of the SQLite test database as whole database files (SQLite's backup API),
    attached to the test connection so a snapshot can be copied back with plain SQL inside a
    test's transaction. ATTACH itself is refused inside a transaction, hence the receiver that
    attaches the snapshots to any connection opened later."""

    def __init__(self, folder):
        self.folder = folder
        self.attached = {}
        self.filled = set()  # tables with rows in any snapshot: the ones a restore empties
        connection_created.connect(self._attach_all)

    def _attach_all(self, sender, **kwargs):
        opened = kwargs["connection"]
        if opened.vendor == "sqlite":
            for name, path in self.attached.items():
                opened.cursor().execute(f"ATTACH DATABASE %s AS {name}", [str(path)])

    def take(self, name):
        path = self.folder / f"{name}.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        with target:
            connection.connection.backup(target)
        target.close()
        copies, full_text = [], []
        with connection.cursor() as cursor:
            cursor.execute(f"ATTACH DATABASE %s AS {name}", [str(path)])
            cursor.execute(f"PRAGMA {name}.table_list")
            tables = [(row[1], row[2]) for row in cursor.fetchall() if row[0] == name]
            for table, kind in tables:
                # SQLite's own tables stay, except the AUTOINCREMENT counters; full-text tables
                # are filled through their own INSERT, which fills their shadow tables.
                if kind == "shadow" or (table.startswith("sqlite_") and table != "sqlite_sequence"):
                    continue
                quoted = _quote(table)
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {name}.{quoted})")  # noqa: S608 - names from the database's own catalogue, quoted
                if not cursor.fetchone()[0]:
                    continue
                self.filled.add(table)
                if kind != "virtual":
                    # Generated columns (Case.place_cell) are computed again, never inserted:
                    # table_xinfo marks them hidden 2 (virtual) or 3 (stored).
                    cursor.execute(f"PRAGMA {name}.table_xinfo({quoted})")
                    stored = ", ".join(_quote(row[1]) for row in cursor.fetchall() if row[6] == 0)
                    copies.append(f"INSERT INTO main.{quoted} ({stored}) SELECT {stored} FROM {name}.{quoted}")  # noqa: S608 - as above
                    continue
                # Last, and emptied again first: triggers on the tables they index (Wagtail's
                # search index) may have filled them meanwhile. SELECT * leaves out the rowid.
                cursor.execute(f"PRAGMA {name}.table_info({quoted})")
                columns = ", ".join(["rowid"] + [_quote(row[1]) for row in cursor.fetchall()])
                full_text += [
                    f"DELETE FROM main.{quoted}",  # noqa: S608 - as above
                    f"INSERT INTO main.{quoted} ({columns}) SELECT {columns} FROM {name}.{quoted}",  # noqa: S608 - as above
                ]
        self.attached[name] = path
        return copies + full_text

    def restore(self, copies):
        with connection.cursor() as cursor:
            for table in sorted(self.filled):
                cursor.execute(f"DELETE FROM main.{_quote(table)}")  # noqa: S608 - names from the database's own catalogue, quoted
            for statement in copies:
                cursor.execute(statement)

    def reset_to(self, name, copies):
        """The whole test database back to a snapshot (outside any transaction: a byte copy)."""
        source = sqlite3.connect(self.attached[name])
        source.backup(connection.connection)
        source.close()

    def database_file(self, name):
        return self.attached[name]

    def drop(self, name):
        del self.attached[name]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA database_list")
            if name in {row[1] for row in cursor.fetchall()}:  # not if reopened after close() began
                cursor.execute(f"DETACH DATABASE {name}")
        self.folder.joinpath(f"{name}.sqlite3").unlink()

    def close(self):
        connection_created.disconnect(self._attach_all)
        for name in list(self.attached):
            self.drop(name)


class PostgreSQLSnapshots:
    """Snapshots of the PostgreSQL test database as schemas in it (CREATE TABLE … AS), so a
    test's transaction can empty the tables and copy a snapshot back. DELETE, not TRUNCATE:
    truncating a table truncates every table that refers to it, which is nearly all of them and
    takes seconds; the few rows the migrations and the demo wrote go in a fraction of that. The
    audit tables refuse DELETE with a row trigger (services/audit_sql.py), which TRUNCATE does
    not fire, so those few (and what refers to them) are truncated. Sequences are only
    ever raised (setval is not undone by a rollback), so ids handed out later never collide with
    the snapshot's."""

    def __init__(self):
        self.schemas = set()
        self.filled = set()  # tables with rows in any snapshot: the ones a restore empties
        self.guarded = set()  # tables with triggers of their own (the append-only audit tables)

    def take(self, name):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}")
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
            tables = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal"
            )
            self.guarded |= {row[0] for row in cursor.fetchall()}
            copies, sequences = [], []
            for table in tables:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                    "AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
                    [table],
                )
                columns = ", ".join(_quote(row[0]) for row in cursor.fetchall())
                cursor.execute(f"CREATE TABLE {name}.{_quote(table)} AS SELECT {columns} FROM public.{_quote(table)}")  # noqa: S608 - names from the database's own catalogue, quoted
                if not cursor.rowcount:
                    continue
                self.filled.add(table)
                copies.append(
                    f"INSERT INTO public.{_quote(table)} ({columns}) SELECT {columns} FROM {name}.{_quote(table)}"  # noqa: S608 - names from the database's own catalogue, quoted
                )
                for sequence in connection.introspection.get_sequences(cursor, table):
                    cursor.execute(f"SELECT max({_quote(sequence['column'])}) FROM public.{_quote(table)}")  # noqa: S608 - names from the database's own catalogue, quoted
                    highest = cursor.fetchone()[0]
                    seq = _quote(sequence["name"])
                    sequences.append(f"setval('{seq}', GREATEST({int(highest)}, (SELECT last_value FROM {seq})))")  # noqa: S608 - names from the database's own catalogue, quoted
            if sequences:
                copies.append("SELECT " + ", ".join(sequences))
        self.schemas.add(name)
        return copies

    def restore(self, copies):
        guarded = sorted(self.guarded & self.filled)
        with connection.cursor() as cursor:
            if guarded:
                # First: TRUNCATE is refused on a table with pending trigger events.
                cursor.execute("TRUNCATE " + ", ".join(f"public.{_quote(t)}" for t in guarded) + " CASCADE")
            for table in sorted(self.filled - self.guarded):
                cursor.execute(f"DELETE FROM public.{_quote(table)}")  # noqa: S608 - names from the database's own catalogue, quoted
            for statement in copies:
                cursor.execute(statement)

    def reset_to(self, name, copies):
        with transaction.atomic():
            self.restore(copies)

    def drop(self, name):
        self.schemas.discard(name)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def close(self):
        for name in list(self.schemas):
            self.drop(name)


class DemoSnapshot:
    """The demo municipality as `make run` loads it, built once: its database rows (a snapshot
    `restore()` copies back inside the current test's transaction), the files it wrote (public
    and private media, copied into whatever folders a test points MEDIA_ROOT at), and, for the
    browser tests' server, a whole database holding it (`database_file` on SQLite,
    `template_database` on PostgreSQL)."""

    def __init__(self, folder, want_database):
        self.folder = folder
        self.media = folder / "media"
        self.private = folder / "private"
        self.database_file = None
        self.template_database = None
        self.vendor = connection.vendor
        self.store = SQLiteSnapshots(folder) if self.vendor == "sqlite" else PostgreSQLSnapshots()
        base = self.store.take("demo_base")
        with override_settings(MEDIA_ROOT=self.media, PRIVATE_MEDIA_ROOT=self.private):
            call_command("load_demo", stdout=io.StringIO())
        # What load_demo leaves behind in the process, so a test sees the same after `demo`.
        self.random_state = random.getstate()
        self.factory_state = factory.random.get_random_state()
        if want_database and self.vendor == "postgresql":
            self.template_database = self._copy_database()
        self.copies = self.store.take("demo_state")
        if want_database and self.vendor == "sqlite":
            self.database_file = self.store.database_file("demo_state")
        self.store.reset_to("demo_base", base)
        self.store.drop("demo_base")

    @staticmethod
    def _postgres(dbname):
        config = connection.settings_dict
        return psycopg.connect(
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            user=config["USER"],
            password=config["PASSWORD"],
            dbname=dbname,
            autocommit=True,
        )

    def _copy_database(self):
        """A database of its own holding the demo, for the browser tests' server to copy again
        (PostgreSQL copies a database only while nobody is connected to it, so the test
        connection is closed first; it reopens on the next query)."""
        name = f"{connection.settings_dict['NAME']}_demo"[:63]
        source = connection.settings_dict["NAME"]
        connection.close()
        with self._postgres("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        with self._postgres(name) as copy:
            copy.execute("DROP SCHEMA IF EXISTS demo_base CASCADE")
        return name

    def restore(self):
        """The demo's rows in place of the database's, in the current transaction."""
        with transaction.atomic():
            self.store.restore(self.copies)
        random.setstate(self.random_state)
        factory.random.set_random_state(self.factory_state)

    def copy_media(self, media_root, private_root):
        for source, target in ((self.media, media_root), (self.private, private_root)):
            if source.exists():
                shutil.copytree(source, target, dirs_exist_ok=True)

    def close(self):
        self.store.close()
        if self.template_database:
            with self._postgres("postgres") as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.template_database}"')
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_snapshot(request, django_db_setup, django_db_blocker):
    """The demo municipality, built once per run (see DemoSnapshot). A session fixture is set up
    before any test's transaction opens, so load_demo commits to the test database, is
    snapshotted, and the database is put back as the migrations left it."""
    want_database = any("live_site" in item.fixturenames for item in request.session.items)
    folder = Path(tempfile.mkdtemp(prefix="portal-demo-"))
    with django_db_blocker.unblock():
        # pytest-django creates the test database only when a collected test is marked for it;
        # a run of browser tests alone is not (their server has its own database), so the demo
        # gets one of its own. (Marking them would not do: Playwright's loop makes each test's
        # transaction an async-unsafe call.)
        own = None
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            own = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        snapshot = DemoSnapshot(folder, want_database)
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.close()
        if own is not None:
            teardown_databases(own, verbosity=0)


@pytest.fixture
def demo(demo_snapshot, db):
    """The demo municipality, as `make run` loads it (a fresh copy for each test). Ask for it
    before fixtures that write rows: the tables the migrations or the demo fill are emptied
    before the demo's rows are copied in."""
    demo_snapshot.restore()
    demo_snapshot.copy_media(Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
