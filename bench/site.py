"""A production-like copy of the portal to measure: its own database with the demo municipality,
collected static files, and gunicorn started with the project's gunicorn.conf.py."""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# What the load balancer in front of production says; gunicorn trusts it from 127.0.0.1.
HTTPS = {"X-Forwarded-Proto": "https"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_admin(sql, url):
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


class BenchSite:
    """One database (SQLite file or a fresh PostgreSQL database) prepared like `make run` does,
    but with production settings; `serve()` runs gunicorn on it."""

    def __init__(self, workdir, name, postgres_url=None, redis_url=None):
        self.dir = Path(workdir) / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.postgres_url = postgres_url
        if postgres_url:
            self.database_url = postgres_url.rsplit("/", 1)[0] + f"/portal_bench_{name}_{os.getpid()}"
        else:
            self.database_url = f"sqlite:///{self.dir / 'db.sqlite3'}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "STATIC_ROOT": str(self.dir / "static"),
            "MEDIA_ROOT": str(self.dir / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.dir / "private"),
            "CACHE_DIR": str(self.dir / "cache"),
            "OTP_REQUIRED": "0",
            "LOG_LEVEL": "WARNING",
            "FORMS_BUILDER_SUBMITS_PER_HOUR": "1000000",  # 50 residents share one IP here
            "FORMS_BUILDER_MIN_FILL_SECONDS": "0",  # scripted residents fill a form in milliseconds
            "FORMS_BUILDER_SUBMITS_PER_SESSION": "1000000",
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("REDIS_URL", None)
        if redis_url:
            self.env["REDIS_URL"] = redis_url
            self.env["CACHE_KEY_PREFIX"] = f"bench{os.getpid()}{name}"

    def manage(self, *args, timeout=3600):
        return subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def prepare(self, reuse=False):
        if reuse and (self.dir / "static" / "staticfiles.json").exists():
            return self  # an earlier run's SQLite site (--workdir): only while developing the bench
        if self.postgres_url:
            postgres_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)', self.postgres_url)
            postgres_admin(f'CREATE DATABASE "{self.db_name}"', self.postgres_url)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("compiletranslations")
        self.manage("load_demo")
        self.manage("collectstatic", "--noinput", "-v0")
        return self

    @property
    def db_name(self):
        return self.database_url.rsplit("/", 1)[1]

    def drop(self):
        if self.postgres_url:
            postgres_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)', self.postgres_url)

    def run(self, module, *args, timeout=7200):
        """Run a step of a bench module (`python -m <module> <args>`) in this site's environment;
        the JSON its last line printed."""
        done = subprocess.run(  # noqa: S603
            [PYTHON, "-m", module, *map(str, args)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise SystemExit(f"{module} {' '.join(map(str, args))} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def shell(self, code):
        """The last line `code` printed (anything the app logs comes before it)."""
        return self.manage("shell", "-c", code).stdout.strip().splitlines()[-1]

    @contextlib.contextmanager
    def serve(self, workers=2, **env):
        port = free_port()
        server_env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            # Measured as it grows: no recycling of workers during the benchmark.
            "GUNICORN_MAX_REQUESTS": "0",
            **{key: str(value) for key, value in env.items()},
        }
        log = open(self.dir / f"gunicorn-{port}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "portal.wsgi:application"],
            cwd=ROOT,
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310 - local server
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn did not start; see {log.name}") from None
                    time.sleep(0.3)
            yield Server(url, process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


class Server:
    def __init__(self, url, pid):
        self.url = url
        self.pid = pid

    def worker_pids(self):
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_cpu_seconds(self):
        """CPU time the workers have used (user + system): divided by the requests served, what
        a page costs whatever else the machine is doing."""
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def worker_rss_mb(self):
        """Resident memory of each worker, in MB (VmRSS: what the machine actually gives it)."""
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def get(self, path, headers=None):
        request = urllib.request.Request(self.url + path, headers={**HTTPS, **(headers or {})})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local server
            return response.status, dict(response.headers), response.read()
