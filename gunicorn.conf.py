"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py portal.wsgi`.

Every value can be changed from the environment, so one file serves a one-machine office
(behind nginx on the same host) and a node among many (behind a load balancer). The numbers
behind the defaults are in README's "Performance" section (`make bench`).
"""

import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core is gunicorn's advice; on the 2-core machine the benchmark runs on,
# 2 workers with threads served more pages than 4 or 5 single-threaded ones (less memory too).
workers = _int("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count()))
# Threads let a worker answer other visitors while one waits on the database or a slow
# phone upload; the page cache and the templates are shared by a worker's threads.
# 8, not 4: eight large photo uploads arriving at once took every thread of a 4-thread worker
# and ordinary pages waited seconds; with 8 they stayed at p95 ~50 ms (bench/uploads.py, issue 16).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 8)
# Slow mobile clients are buffered by nginx; without nginx, keep-alive saves a TLS-less
# reconnect per request.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Restart a worker now and then, so a slow leak in any library cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Load the application once in the master, so workers share its memory and start fast.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# nginx (or the load balancer) on these addresses may set X-Forwarded-For/-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Heartbeat files in memory: a container's disk may be slow or read-only.
_shm = "/dev/shm"  # noqa: S108 - gunicorn's own advice for its heartbeat files, not data
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _shm if os.path.isdir(_shm) else None)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout; nginx usually logs instead
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
limit_request_line = 8190
limit_request_fields = 100
