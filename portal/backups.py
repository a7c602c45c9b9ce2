"""Backups: the whole site in one archive, and back from it onto an empty machine (issue 16).

Offices have no IT staff, so a backup is one file an officer can copy anywhere, and a restore
is one command. `write_archive()` makes `portal-backup-<UTC time>.tar.gz` holding:

- the database: SQLite through its online backup API (a consistent copy while the site runs),
  PostgreSQL through `pg_dump --format=custom`;
- the files: public media (MEDIA_ROOT) under `media/` and residents' private uploads
  (PRIVATE_MEDIA_ROOT) under `private/`; or, when they live in object storage (S3_BUCKET), a
  list of every object's key, size and ETag (`objects.json`) instead, since the bucket is
  copied with the storage's own tools;
- `manifest.json`, written last: versions, time, row counts of every table, and the SHA-256
  of every other member.

Beside the archive, `<archive>.sha256` holds the archive's own SHA-256 in `sha256sum`'s format,
so a copy can be checked anywhere with `sha256sum -c`. `restore_archive()` checks both before it
touches anything, and refuses a non-empty database unless told to replace it.

The database is dumped before the files are read: a file the database names is then always in
the archive (one uploaded meanwhile may be too, which is harmless).

The kernel imports no area: everything here goes by settings, storages and the database's own
catalogue, so a new area's tables and files are backed up without a change here.
"""

import datetime
import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

import django
import wagtail
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
PREFIX = "portal-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
OBJECTS = "objects.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_path(archive):
    return Path(f"{archive}.sha256")


def uses_object_storage():
    return bool(getattr(settings, "S3_BUCKET", ""))


def file_roots():
    """(archive folder, local folder) of every local file storage that is backed up."""
    return [("media", Path(settings.MEDIA_ROOT)), ("private", Path(settings.PRIVATE_MEDIA_ROOT))]


# --- Database -------------------------------------------------------------------------------


def _postgres_env():
    config = connection.settings_dict
    env = {**os.environ, "PGDATABASE": config["NAME"]}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if config.get(key):
            env[variable] = str(config[key])
    return env


def _run(command, env=None):
    try:
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools.") from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()[-1000:]}") from None


def dump_database(folder):
    """The database into `folder`, consistent at one moment. Returns the member's name."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target_path = Path(folder) / SQLITE_MEMBER
        # A connection of its own, so the copy is one read transaction (one moment) whatever
        # Django's connection is doing; the backup API copies while others keep writing.
        source = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return SQLITE_MEMBER
    if connection.vendor == "postgresql":
        target_path = Path(folder) / POSTGRES_MEMBER
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target_path}"],
            env=_postgres_env(),
        )
        return POSTGRES_MEMBER
    raise BackupError(f"No backup for a {connection.vendor} database.")


def table_counts():
    """Rows in every table Django can see, the migrations' own included."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the database's catalogue, quoted
            counts[table] = cursor.fetchone()[0]
    return counts


def database_is_empty():
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _tool_version(command):
    try:
        return subprocess.run([command, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    except FileNotFoundError:
        return None


def versions():
    connection.ensure_connection()
    found = {
        "portal_backup_format": FORMAT,
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": connection.vendor,
        "database_server": ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite"
        else str(connection.pg_version),
    }
    if connection.vendor == "postgresql":
        found["pg_dump"] = _tool_version("pg_dump")
    return found


def latest_migrations():
    """The newest applied migration of each app: what code the restored database needs."""
    latest = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by("app", "name"):
        latest[app] = name
    return latest


# --- Files ----------------------------------------------------------------------------------


def _object_listing(alias):
    storage = storages[alias]
    bucket = storage.bucket
    location = (storage.location or "").strip("/")
    prefix = f"{location}/" if location else ""
    objects = [
        {"key": item.key, "size": item.size, "etag": item.e_tag.strip('"')}
        for item in bucket.objects.filter(Prefix=prefix)
    ]
    return {"bucket": bucket.name, "prefix": prefix, "objects": sorted(objects, key=lambda o: o["key"])}


def object_listing():
    """Every object of the public and the private storage, for a restore to check against."""
    return {alias: _object_listing(alias) for alias in ("default", "private")}


class _HashingReader:
    """Reads a file into the archive and hashes what it read, so each file is read once."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar, path, member, sums):
    try:
        stat = path.stat()
        with open(path, "rb") as handle:
            info = tar.gettarinfo(fileobj=handle, arcname=member)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            reader = _HashingReader(handle)
            tar.addfile(info, reader)
    except FileNotFoundError:
        return  # deleted since the folder was listed (a purged draft's upload): nothing to keep
    sums[member] = {"sha256": reader.digest.hexdigest(), "size": stat.st_size}


def _add_bytes(tar, member, data, sums=None):
    info = tarfile.TarInfo(member)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
    if sums is not None:
        sums[member] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


# --- Backup ---------------------------------------------------------------------------------


def archive_name(now=None):
    now = (now or timezone.now()).astimezone(datetime.UTC)
    return f"{PREFIX}{now:%Y%m%dT%H%M%S}Z{SUFFIX}"


def write_archive(folder, now=None):
    """One archive of the whole site in `folder`, and its .sha256 beside it. Returns its path.
    Written under a temporary name and renamed when complete, so a half-written archive (a full
    disk, a killed process) never looks like a backup."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # residents' personal data
    now = now or timezone.now()
    archive = folder / archive_name(now)
    partial = folder / f".{archive.name}.partial"
    sums = {}
    manifest = {
        "created": now.isoformat(),
        "versions": versions(),
        "migrations": latest_migrations(),
        "tables": table_counts(),
        "files": {},
    }
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        database = dump_database(work)
        manifest["database_member"] = database
        try:
            # Readable by the site's user only, from the first byte.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                _add_file(tar, Path(work) / database, database, sums)
                if uses_object_storage():
                    listing = object_listing()
                    manifest["storage"] = "object"
                    manifest["files"] = {alias: len(part["objects"]) for alias, part in listing.items()}
                    _add_bytes(tar, OBJECTS, json.dumps(listing, indent=1).encode(), sums)
                else:
                    manifest["storage"] = "local"
                    for name, root in file_roots():
                        paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
                        for path in paths:
                            _add_file(tar, path, f"{name}/{path.relative_to(root).as_posix()}", sums)
                        manifest["files"][name] = sum(1 for member in sums if member.startswith(f"{name}/"))
                manifest["members"] = sums
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
            os.replace(partial, archive)
        finally:
            partial.unlink(missing_ok=True)
    checksum_path(archive).write_text(f"{sha256_of(archive)}  {archive.name}\n")
    return archive


def prune(folder, keep):
    """Keep the newest `keep` archives in `folder` (by the time in their names); delete the rest
    and their .sha256 files. Returns the deleted archives."""
    archives = sorted(Path(folder).glob(f"{PREFIX}*{SUFFIX}"))
    old = archives[:-keep] if keep > 0 else []
    for archive in old:
        archive.unlink(missing_ok=True)
        checksum_path(archive).unlink(missing_ok=True)
    return old


def daily_backup():
    """The schedule's task (portal/schedules.py): an archive in BACKUP_DIR, the last BACKUP_KEEP
    kept. Safe to run twice: a second run makes a second archive and the oldest goes."""
    archive = write_archive(settings.BACKUP_DIR)
    prune(settings.BACKUP_DIR, settings.BACKUP_KEEP)
    return str(archive)


# --- Restore --------------------------------------------------------------------------------


def verify_checksum_file(archive):
    """The archive against its .sha256. Returns False when there is none (a copy made without
    it); raises BackupError when it does not match."""
    sidecar = checksum_path(archive)
    if not sidecar.exists():
        return False
    expected = sidecar.read_text().split()[0].lower() if sidecar.read_text().strip() else ""
    if sha256_of(archive) != expected:
        raise BackupError(
            f"{archive.name} is damaged: its SHA-256 does not match {sidecar.name}. "
            "Copy it again from where it was made, or use an older archive."
        )
    return True


def _safe_member(name):
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe name ({name!r}); it was not made by `manage.py backup`.")
    return path


def unpack(archive, into):
    """Every member into `into`, checked against the manifest. Returns the manifest."""
    into = Path(into)
    found = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                target = into / _safe_member(member.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, open(target, "wb") as out:
                    for chunk in iter(lambda: source.read(CHUNK), b""):
                        digest.update(chunk)
                        out.write(chunk)
                found[member.name] = digest.hexdigest()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"{Path(archive).name} is damaged or not a backup archive ({error}).") from None
    if MANIFEST not in found:
        raise BackupError(f"{Path(archive).name} has no {MANIFEST}: it is damaged, cut short or not a backup archive.")
    manifest = json.loads((into / MANIFEST).read_text())
    if manifest.get("versions", {}).get("portal_backup_format") != FORMAT:
        raise BackupError(
            f"{Path(archive).name} was made by another version of the backup; this one reads format {FORMAT}."
        )
    expected = manifest["members"]
    bad = sorted(name for name, item in expected.items() if found.get(name) != item["sha256"])
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise BackupError(f"{Path(archive).name} is damaged: these members are missing or changed: {shown}.")
    return manifest


def _empty_sqlite(path):
    connection.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _empty_postgres():
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connection.close()


def restore_database(dump, force=False):
    if connection.vendor == "sqlite":
        # An empty machine may not have the database's folder yet.
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if not database_is_empty():
        if not force:
            raise BackupError(
                "The database is not empty. Restore into a new, empty database, "
                "or add --force to replace everything in this one."
            )
        if connection.vendor == "sqlite":
            _empty_sqlite(connection.settings_dict["NAME"])
        else:
            _empty_postgres()
    if connection.vendor == "sqlite":
        if dump.name != SQLITE_MEMBER:
            raise BackupError("This archive holds a PostgreSQL dump; set DATABASE_URL to a PostgreSQL database.")
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        _empty_sqlite(path)  # an empty file, or the -wal of an earlier one, must not mix in
        source, target = sqlite3.connect(dump), sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif connection.vendor == "postgresql":
        if dump.name != POSTGRES_MEMBER:
            raise BackupError("This archive holds a SQLite database; set DATABASE_URL to a SQLite file.")
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            env=_postgres_env(),
        )
    else:
        raise BackupError(f"No restore for a {connection.vendor} database.")
    connection.close()  # the next query opens the restored database


def restore_files(staging):
    """Move the unpacked files into MEDIA_ROOT and PRIVATE_MEDIA_ROOT. Returns counts."""
    counts = {}
    for name, root in file_roots():
        source = Path(staging) / name
        counts[name] = 0
        if not source.is_dir():
            continue
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
            counts[name] += 1
    return counts


def missing_objects(listing):
    """Objects the archive lists that the bucket does not hold with the same size and ETag."""
    missing = []
    for alias, part in listing.items():
        present = {o["key"]: o for o in _object_listing(alias)["objects"]}
        missing += [o["key"] for o in part["objects"] if present.get(o["key"], {}).get("etag") != o["etag"]]
    return missing


def restore_archive(archive, force=False):
    """Check the archive, then put its database and files in place. Returns a summary dict."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    had_checksum = verify_checksum_file(archive)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as staging:
        manifest = unpack(archive, staging)
        if manifest["storage"] == "local" and uses_object_storage():
            raise BackupError("This archive holds local files, but S3_BUCKET is set: unset it to restore here.")
        restore_database(Path(staging) / manifest["database_member"], force=force)
        summary = {"archive_checksum_checked": had_checksum, "created": manifest["created"], "missing_objects": []}
        if manifest["storage"] == "local":
            summary["files"] = restore_files(staging)
        else:
            listing = json.loads((Path(staging) / OBJECTS).read_text())
            summary["files"] = {alias: len(part["objects"]) for alias, part in listing.items()}
            summary["missing_objects"] = missing_objects(listing)
    restored = table_counts()
    summary["tables"] = len(restored)
    summary["rows_differing"] = {
        table: (count, restored.get(table))
        for table, count in manifest["tables"].items()
        if restored.get(table) != count
    }
    summary["migrations_to_apply"] = unapplied_migrations()
    return summary


def unapplied_migrations():
    """Migrations this code has that the restored database lacks (an archive from an older
    version): `manage.py migrate` brings it up to date."""
    loader = MigrationLoader(connection)
    return sorted(
        f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if (app, name) not in loader.applied_migrations
    )
