"""Fixtures of the scale-out tests: a real S3-compatible HTTP server (moto's server mode on a free
port, spoken to over sockets by boto3 and django-storages, as MinIO would be), and the storage
settings that portal/settings/base.py builds from the S3_* environment variables."""

import json
import os
import runpy
import socket
import uuid
from pathlib import Path

import pytest

# The e-forms fixtures: the demo forms published on demand.
from tests.forms_builder.conftest import form_index, make_form  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
S3_KEY, S3_SECRET, S3_REGION = "portal-test-key", "portal-test-secret", "us-east-1"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """Endpoint URL of a moto S3 server (its own thread, real HTTP)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint):
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET, region_name=S3_REGION
    )


def make_buckets(endpoint, *, private_bucket=True):
    """Fresh buckets, set up the way README and docker-compose's minio-setup do: only the public
    bucket's `media/` prefix is readable by anyone. Returns the S3_* environment variables."""
    client = s3_client(endpoint)
    public = f"portal-{uuid.uuid4().hex[:10]}"
    client.create_bucket(Bucket=public)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{public}/media/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=public, Policy=json.dumps(policy))
    env = {
        "S3_BUCKET": public,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": S3_KEY,
        "S3_SECRET_ACCESS_KEY": S3_SECRET,
        "S3_REGION": S3_REGION,
    }
    if private_bucket:
        env["S3_PRIVATE_BUCKET"] = f"{public}-private"
        client.create_bucket(Bucket=env["S3_PRIVATE_BUCKET"])
    return env


def keys(endpoint, bucket, prefix=""):
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def settings_storages(env):
    """STORAGES exactly as portal/settings/base.py computes it with these environment variables."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        return runpy.run_path(str(ROOT / "portal" / "settings" / "base.py"))["STORAGES"]
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def files_under(folder):
    folder = Path(folder)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def s3(settings, s3_server, tmp_path):
    """The test process's uploads on fresh S3 buckets. Local media folders point at empty
    temporary folders, so a test can prove nothing was written to disk."""
    env = make_buckets(s3_server)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    storages = settings_storages(env)
    settings.STORAGES = {**storages, "staticfiles": settings.STORAGES["staticfiles"]}
    return {"endpoint": s3_server, "public": env["S3_BUCKET"], "private": env["S3_PRIVATE_BUCKET"], **env}


@pytest.fixture(scope="session")
def cluster(s3_server):
    """Two gunicorn nodes on one PostgreSQL, Redis and object store (tests/scaleout/cluster.py)."""
    from .cluster import Cluster, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    nodes = Cluster(s3_server)
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.stop()
