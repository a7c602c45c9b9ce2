"""Backups with files in object storage (S3_BUCKET): the archive lists every object's key, size
and ETag instead of holding the files (the bucket is copied with the storage's own tools), and
a restore says which listed objects the bucket no longer holds. Against moto's S3 server, as the
scale-out tests do."""

import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from portal import backups
from tests.portal.test_backup import FreshDatabase
from tests.scaleout.conftest import s3, s3_client, s3_server  # noqa: F401 - the fixtures


@pytest.fixture
def object_storage(s3, settings):  # noqa: F811 - the fixture imported above
    settings.S3_BUCKET = s3["S3_BUCKET"]  # the `s3` fixture sets STORAGES; backups read this too
    return s3


@pytest.mark.django_db(transaction=True)
def test_objects_are_listed_not_copied_and_a_restore_names_the_missing_ones(object_storage, settings, tmp_path):
    photo = storages["default"].save("images/hall.jpg", ContentFile(b"a public photo"))
    slip = storages["private"].save("payments/slips/slip.png", ContentFile(b"a resident's payment slip"))

    archive = backups.write_archive(tmp_path / "backups")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        listing = json.load(tar.extractfile("objects.json"))
        manifest = json.load(tar.extractfile("manifest.json"))
    assert not any(name.startswith(("media/", "private/")) for name in names)
    assert manifest["storage"] == "object" and manifest["files"] == {"default": 1, "private": 1}
    listed = {item["key"]: item for part in listing.values() for item in part["objects"]}
    assert set(listed) == {f"media/{photo}", f"private/{slip}"}
    assert listed[f"private/{slip}"]["size"] == len(b"a resident's payment slip")
    assert all(item["etag"] for item in listed.values())

    with FreshDatabase(tmp_path):
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
    assert "not in the bucket" not in out.getvalue()

    s3_client(object_storage["endpoint"]).delete_object(Bucket=object_storage["private"], Key=f"private/{slip}")
    with FreshDatabase(tmp_path):
        out = io.StringIO()
        call_command("restore", str(archive), "--force", stdout=out)
    assert f"1 objects the backup lists are not in the bucket (first: private/{slip})" in out.getvalue()
