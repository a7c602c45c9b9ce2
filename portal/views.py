"""Project-level views: the health check that load balancers and monitoring poll, and each
host's robots.txt."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django_q.brokers import get_broker

logger = logging.getLogger(__name__)


def _database_ok():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _task_queue_ok():
    return bool(get_broker().ping())


@never_cache
def healthz(request):
    """200 when the database and the task queue broker answer; 503 naming what does not."""
    checks = {"database": _database_ok, "task_queue": _task_queue_ok}
    failing = []
    for name, check in checks.items():
        try:
            healthy = check()
        except Exception:  # any failure to reach a dependency is "down", never a 500
            logger.warning("health check %s failed", name, exc_info=True)
            healthy = False
        if not healthy:
            failing.append(name)
    body = {"status": "ok" if not failing else "unavailable", "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)


def robots(request):
    """robots.txt of the host asked: its own sitemap, never the admin or residents' pages."""
    host = request.get_host()  # a forged Host is refused (400) before this by ALLOWED_HOSTS
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}/",
        "Disallow: /t/",
        "Disallow: /documents/",
        f"Sitemap: {request.scheme}://{host}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
