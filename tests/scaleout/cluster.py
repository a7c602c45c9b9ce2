"""Two stateless web nodes, as in production: two gunicorn processes with production settings,
sharing one PostgreSQL database, one Redis and one S3-compatible object store, each with its own
(empty, and checked to stay empty) local media folders. The database is a throwaway one,
migrated, with the demo municipality loaded and static files collected."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import dj_database_url

from .conftest import ROOT, free_port, make_buckets

SECRET = "scaleout-test-secret-key-" + "x7Qp2Lm9Zr4Tn8Vb" * 3


def unavailable_reason():
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://")):
        return (
            "SCALE-OUT TESTS NOT RUN: several web nodes need one shared PostgreSQL database "
            "(DATABASE_URL=postgres://…; SQLite is one machine's file). CI runs them on PostgreSQL with Redis."
        )
    if not os.environ.get("REDIS_URL"):
        return "SCALE-OUT TESTS NOT RUN: several web nodes need a shared cache and broker (REDIS_URL=redis://…)."
    return None


class Cluster:
    def __init__(self, s3_endpoint):
        # Not under pytest's private (0700) temp folder: nginx's workers must read STATIC_ROOT.
        self.dir = Path(tempfile.mkdtemp(prefix="portal-scaleout-"))
        self.dir.chmod(0o755)
        self.id = uuid.uuid4().hex[:8]
        self.s3_endpoint = s3_endpoint
        self.s3 = make_buckets(s3_endpoint, private_bucket=False)  # one bucket: media/ and private/
        base = os.environ["DATABASE_URL"]
        self.db_config = dj_database_url.parse(base)
        self.db_name = f"portal_scaleout_{self.id}"
        self.database_url = base.rsplit("/", 1)[0] + "/" + self.db_name
        self.static_root = self.dir / "static"
        self.ports = [free_port(), free_port()]
        self.proxy_port = free_port()  # nginx's TLS port, if the nginx test runs
        self.processes = []
        self.logs = []

    @property
    def nodes(self):
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def env(self, node=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
        env.update(self.s3)
        local = self.dir / (f"node{node}" if node else "setup")
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "SECRET_KEY": SECRET,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "BASE_URL": f"https://127.0.0.1:{self.proxy_port}",
                "DATABASE_URL": self.database_url,
                "CACHE_KEY_PREFIX": f"scaleout{self.id}",
                "Q_CLUSTER_NAME": f"scaleout{self.id}",  # its own django-q2 queue in Redis
                "S3_CUSTOM_DOMAIN": f"127.0.0.1:{self.proxy_port}",  # public media through nginx's /media/
                "STATIC_ROOT": str(self.static_root),
                "MEDIA_ROOT": str(local / "media"),
                "PRIVATE_MEDIA_ROOT": str(local / "private"),
                "OTP_REQUIRED": "false",
                "FORMS_BUILDER_MIN_FILL_SECONDS": "0",  # the scripted resident fills the form in milliseconds
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "LOG_LEVEL": "WARNING",
            }
        )
        return env

    def local_files(self):
        """Files written under any node's MEDIA_ROOT or PRIVATE_MEDIA_ROOT (must stay empty)."""
        return [p for node in (1, 2) for p in (self.dir / f"node{node}").rglob("*") if p.is_file()]

    def _admin_sql(self, sql):
        import psycopg

        params = {
            "host": self.db_config["HOST"] or "127.0.0.1",
            "port": self.db_config["PORT"] or 5432,
            "user": self.db_config["USER"],
            "password": self.db_config["PASSWORD"],
            "dbname": "postgres",
        }
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(sql)

    def query(self, sql, *args):
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, args).fetchall()

    def start(self):
        self._admin_sql(f'CREATE DATABASE "{self.db_name}"')
        setup = self.env()
        for command in (["migrate", "--noinput", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
            result = subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=setup,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert result.returncode == 0, f"manage.py {command[0]} failed:\n{result.stdout}\n{result.stderr}"
        self.static_root.chmod(0o755)
        config = ROOT / "gunicorn.conf.py"
        for node, port in enumerate(self.ports, start=1):
            log = open(self.dir / f"node{node}.log", "w")  # noqa: SIM115
            self.logs.append(log)
            args = [sys.executable, "-m", "gunicorn", "portal.wsgi:application"]
            if config.exists():
                args += ["--config", str(config)]  # the project's configuration, as in production
            args += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "--timeout", "120"]
            args += ["--control-socket", str(self.dir / f"node{node}.ctl")]
            self.processes.append(
                subprocess.Popen(args, cwd=ROOT, env=self.env(node), stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
            )
        for node, url in enumerate(self.nodes, start=1):
            self._wait(url, node)

    def _wait(self, url, node):
        request = urllib.request.Request(f"{url}/healthz", headers={"X-Forwarded-Proto": "https"})  # noqa: S310
        for _ in range(300):
            try:
                urllib.request.urlopen(request, timeout=2)  # noqa: S310
                return
            except OSError:
                if self.processes[node - 1].poll() is not None:
                    raise RuntimeError(self.log(node)) from None
                time.sleep(0.2)
        raise RuntimeError(f"node {node} did not answer /healthz:\n{self.log(node)}")

    def log(self, node):
        return (self.dir / f"node{node}.log").read_text()

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.logs:
            log.close()
        try:
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        finally:
            import redis

            client = redis.Redis.from_url(os.environ["REDIS_URL"])
            for key in client.scan_iter(f"*scaleout{self.id}*"):
                client.delete(key)
            shutil.rmtree(self.dir, ignore_errors=True)
