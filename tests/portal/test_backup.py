"""Backups (issue 16, section 7): one archive with a checksum; a restore rebuilds the site.

The demo municipality is backed up with `manage.py backup`, then restored with `manage.py
restore` into a database that did not exist before (a new SQLite file, or a new PostgreSQL
database on the same server) and into new, empty media folders; every page, case, file and
receipt is found there, and the site serves a page and a case's tracking page from it. A damaged
archive is refused before anything is touched, and so is a database that already holds a site.
Runs on SQLite and on PostgreSQL (DATABASE_URL), as CI does.
"""

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from forms_builder.models import SubmissionFile
from portal import backups
from portal.schedules import SCHEDULES
from services.cases.models import Case
from services.payments.billing import record_counter_payment
from services.payments.models import Invoice


def file_checksums(*roots):
    sums = {}
    for root in roots:
        root = Path(root)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            sums[f"{root.name}/{path.relative_to(root)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def what_a_visitor_finds():
    return {
        "pages": sorted(Page.objects.values_list("url_path", "title", "live")),
        "cases": sorted(Case.objects.values_list("reference", "status")),
        "files": sorted(
            [*get_image_model().objects.values_list("file", flat=True)]
            + [*get_document_model().objects.values_list("file", flat=True)]
            + [*SubmissionFile.objects.values_list("file", flat=True)]
        ),
        "receipts": sorted(
            Invoice.objects.exclude(receipt_number="").values_list("number", "receipt_number", "amount")
        ),
        "tables": backups.table_counts(),
    }


def postgres_admin(sql):
    config = connection.settings_dict
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql)


class FreshDatabase:
    """Points the default connection at a database that does not exist yet (an empty machine's)
    for the `with` block, then back at the test database and drops the new one."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        self.original = connection.settings_dict["NAME"]
        if self.vendor == "sqlite":
            self.name = str(tmp_path / "new-machine" / "db.sqlite3")
        else:
            self.name = f"portal_restore_{uuid.uuid4().hex[:12]}"

    def __enter__(self):
        if self.vendor == "postgresql":
            postgres_admin(f'CREATE DATABASE "{self.name}"')
        connection.close()
        connection.settings_dict["NAME"] = self.name
        return self

    def __exit__(self, *exc):
        connection.close()
        connection.settings_dict["NAME"] = self.original
        if self.vendor == "postgresql":
            postgres_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# Transactional: pg_dump and SQLite's backup read only what is committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site_files(settings, tmp_path):
    """This test's own media folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def committed_demo(site_files):
    """The demo as `make run` loads it, committed. Built here rather than copied from the
    session's snapshot: that copy is made for a test's own transaction, which is rolled back and
    never checks the foreign keys a commit does."""
    call_command("load_demo", stdout=io.StringIO())
    # A resident's photo on a case (private storage) and the demo's one invoice paid at the
    # counter, so an upload and a receipt are among what must come back.
    case = Case.objects.order_by("pk").first()
    photo = b"\xff\xd8\xff a resident's photo of the pothole"
    SubmissionFile.objects.create(
        submission=case.submission,
        field_key="photos",
        original_name="pothole.jpg",
        content_type="image/jpeg",
        size=len(photo),
        file=ContentFile(photo, name="pothole.jpg"),
    )
    officer = get_user_model().objects.filter(is_superuser=True).first()
    record_counter_payment(Invoice.objects.filter(status="unpaid").first(), officer)


def test_the_demo_comes_back_whole_on_an_empty_machine(committed_demo, settings, tmp_path):
    before = what_a_visitor_finds()
    files_before = file_checksums(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    assert before["cases"] and before["receipts"] and before["files"] and len(files_before) > 3

    call_command("backup", dir=str(tmp_path / "backups"), stdout=io.StringIO())
    (archive,) = (tmp_path / "backups").glob("portal-backup-*.tar.gz")
    sidecar = Path(f"{archive}.sha256").read_text().split()
    assert sidecar == [hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert set(manifest["members"]) == names - {"manifest.json"}
    assert manifest["tables"] == before["tables"]
    assert manifest["versions"]["database"] == connection.vendor

    # The empty machine: no database yet, empty folders for the files.
    settings.MEDIA_ROOT = tmp_path / "new-machine" / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "new-machine" / "private"
    with FreshDatabase(tmp_path):
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
        assert "Done." in out.getvalue() and "rows, the backup had" not in out.getvalue()
        after = what_a_visitor_finds()
        visitor = Client()
        case = Case.objects.order_by("pk").first()
        home = visitor.get("/th/")
        tracking = visitor.get(f"/t/{case.reference}")
    assert after == before
    assert file_checksums(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) == files_before
    assert home.status_code == 200
    assert tracking.status_code == 200 and case.reference in tracking.content.decode()


def test_a_damaged_archive_is_refused_before_anything_is_touched(site_files, settings, tmp_path):
    archive = backups.write_archive(tmp_path / "backups")
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    settings.MEDIA_ROOT = tmp_path / "new-machine" / "media"
    with FreshDatabase(tmp_path), pytest.raises(CommandError, match="is damaged"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert not Path(settings.MEDIA_ROOT).exists()

    # Without the .sha256 beside it, the members' own checksums (or the gzip's) still catch it.
    Path(f"{archive}.sha256").unlink()
    with FreshDatabase(tmp_path), pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_a_database_that_holds_a_site_is_not_overwritten_without_force(site_files, tmp_path):
    archive = backups.write_archive(tmp_path / "backups")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Page.objects.filter(depth=2).exists()  # the site's home pages are still there


def test_the_daily_schedule_keeps_the_newest_archives(settings, tmp_path):
    assert SCHEDULES["backup: daily archive of the database and files"][0] == "portal.backups.daily_backup"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP = 2
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    old = []
    for day in ("20260101T013000Z", "20260102T013000Z"):
        path = settings.BACKUP_DIR / f"portal-backup-{day}.tar.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"old")
        Path(f"{path}.sha256").write_text("x  y\n")
        old.append(path)
    newest = Path(backups.daily_backup())
    assert sorted(settings.BACKUP_DIR.iterdir()) == sorted(
        [old[1], Path(f"{old[1]}.sha256"), newest, Path(f"{newest}.sha256")]
    )
