"""deploy/nginx.conf, run by Debian's real nginx in front of the two web nodes of test_nodes.

The example is rendered by plain substitution of its example values (bench/nginx.py, which
the map page's benchmark shares) and started in the foreground as an unprivileged process with
its own prefix, pid and logs. Without nginx the tests skip loudly;
REQUIRE_NGINX=1 (set by CI) makes them fail instead.
"""

import os
import re

import pytest

from bench import nginx

from .conftest import free_port
from .test_nodes import sign_in
from .webclient import Browser


@pytest.fixture(scope="module")
def proxy(cluster):
    if nginx.binary() is None:
        message = "NGINX TESTS NOT RUN: no nginx found (apt-get install nginx-light)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(message)
        pytest.skip(message)
    http_port = free_port()
    nodes = [url.split("://")[1] for url in cluster.nodes]
    media = f"{cluster.s3_endpoint}/{cluster.s3['S3_BUCKET']}/media/"
    user = "nobody" if os.geteuid() == 0 else None  # never run the test's nginx as root
    with nginx.in_front(
        cluster.dir / "nginx", nodes, http_port, cluster.proxy_port, cluster.static_root, media, user=user
    ) as base:
        yield {"https": base, "http": f"http://127.0.0.1:{http_port}", "folder": cluster.dir / "nginx"}


def test_pages_come_through_nginx_compressed_and_the_site_sees_https(proxy, cluster):
    home = Browser().get(f"{proxy['https']}/th/", headers={"Accept-Encoding": "gzip"})
    assert home.status == 200
    assert home.header("Content-Encoding") == "gzip"
    import gzip

    html = gzip.decompress(home.body).decode()
    # X-Forwarded-Proto reached Django: canonical links are https and HSTS is sent.
    assert re.search(r'<link rel="canonical" href="https://127\.0\.0\.1[:/]', html), html[:2000]
    assert "max-age=" in (home.header("Strict-Transport-Security") or "")
    # Plain HTTP is sent to HTTPS by nginx itself.
    plain = Browser().get(f"{proxy['http']}/th/")
    assert plain.status == 301 and plain.header("Location").startswith("https://")


def test_static_files_come_from_nginx_with_long_cache_headers_for_hashed_names(proxy, cluster):
    home = Browser().get(f"{proxy['https']}/th/").text
    css = re.search(r'href="(/static/css/[^"]+\.[0-9a-f]{12}\.css)"', home).group(1)
    response = Browser().get(f"{proxy['https']}{css}", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.header("Content-Encoding") == "gzip"

    # A file written to STATIC_ROOT after the nodes started: WhiteNoise in the nodes does not
    # know it, so only nginx reading STATIC_ROOT itself can serve it.
    probe = cluster.static_root / "scaleout-probe.0123456789ab.txt"
    probe.write_text("served by nginx")
    probe.chmod(0o644)
    assert Browser(forwarded_https=True).get(f"{cluster.nodes[0]}/static/{probe.name}").status == 404
    served = Browser().get(f"{proxy['https']}/static/{probe.name}")
    assert served.status == 200 and served.body == b"served by nginx"


def test_public_media_come_from_the_object_store_through_nginx(proxy, cluster):
    from .conftest import s3_client

    s3_client(cluster.s3_endpoint).put_object(
        Bucket=cluster.s3["S3_BUCKET"], Key="media/images/probe.txt", Body=b"public picture", ContentType="text/plain"
    )
    response = Browser().get(f"{proxy['https']}/media/images/probe.txt")
    assert response.status == 200 and response.body == b"public picture"
    assert "max-age=604800" in response.header("Cache-Control")
    # Residents' files are not behind /media/ (nor anywhere else in nginx).
    assert Browser().get(f"{proxy['https']}/media/../private/x").status in (400, 403, 404)


def test_staff_sign_in_through_nginx_passes_the_csrf_check_on_any_port(proxy):
    """nginx must pass the Host header with its port: Django compares the browser's Origin and
    Referer (https://host:port) with it, so `Host $host` refused every POST off port 443."""
    sign_in(Browser(), proxy["https"])


def test_the_admin_is_never_cached_uploads_are_capped_and_post_floods_are_limited(proxy):
    login = Browser().get(f"{proxy['https']}/admin/login/")
    assert login.status == 200 and login.header("Cache-Control") == "private, no-store"

    too_big = Browser().request(
        "POST", f"{proxy['https']}/th/", body=b"x" * (12 * 1024 * 1024), headers={"Content-Type": "text/plain"}
    )
    assert too_big.status == 413

    statuses = [Browser().post(f"{proxy['https']}/th/track/", {"ref": "x"}).status for _ in range(40)]
    assert 429 in statuses, statuses
    assert statuses[0] != 429
