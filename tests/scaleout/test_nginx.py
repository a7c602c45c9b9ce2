"""deploy/nginx.conf, run by Debian's real nginx in front of the two web nodes of test_nodes.

The example is rendered by plain substitution of its example values (ports, paths, the nodes'
and the object store's addresses, a self-signed certificate) and started in the foreground as an
unprivileged process with its own prefix, pid and logs. Without nginx the tests skip loudly;
REQUIRE_NGINX=1 (set by CI) makes them fail instead.
"""

import os
import re
import shutil
import subprocess
import time

import pytest

from .conftest import ROOT, free_port
from .test_nodes import sign_in
from .webclient import Browser

CONF = ROOT / "deploy" / "nginx.conf"


def nginx_binary():
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def render(cluster, folder, http_port):
    """deploy/nginx.conf with this run's ports and paths. Every example value must be found, so
    the test breaks (rather than silently testing something else) when the example changes."""
    node1, node2 = (url.split("://")[1] for url in cluster.nodes)
    replacements = [
        ("pid /run/nginx.pid;", f"pid {folder}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log warn;", f"error_log {folder}/error.log warn;"),
        ("access_log /var/log/nginx/access.log;", f"access_log {folder}/access.log;"),
        ("server web1:8000 ", f"server {node1} "),
        ("server web2:8000 ", f"server {node2} "),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{cluster.proxy_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/portal/fullchain.pem", f"{folder}/cert.pem"),
        ("/etc/ssl/portal/privkey.pem", f"{folder}/key.pem"),
        ("/srv/portal/static/", f"{cluster.static_root}/"),
        ("http://minio:9000/portal/media/", f"{cluster.s3_endpoint}/{cluster.s3['S3_BUCKET']}/media/"),
        (
            "http {\n",
            "http {\n"
            + "".join(
                f"    {kind}_temp_path {folder}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
        ),
    ]
    text = CONF.read_text()
    for old, new in replacements:
        assert old in text, f"deploy/nginx.conf no longer contains {old!r}: update this test's rendering"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def proxy(cluster, tmp_path_factory):
    binary = nginx_binary()
    if binary is None:
        message = "NGINX TESTS NOT RUN: no nginx found (apt-get install nginx-light)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(message)
        pytest.skip(message)
    folder = cluster.dir / "nginx"
    folder.mkdir()
    subprocess.run(  # noqa: S603
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    http_port = free_port()
    (folder / "nginx.conf").write_text(render(cluster, folder, http_port))
    user = None
    if os.geteuid() == 0:  # never run the test's nginx as root
        user = "nobody"
        for path in [folder, *folder.iterdir()]:
            shutil.chown(path, user=user)
    command = [binary, "-p", f"{folder}/", "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, user=user)  # noqa: S603
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], user=user, stderr=subprocess.PIPE)  # noqa: S603
    base = f"https://127.0.0.1:{cluster.proxy_port}"
    for _ in range(100):
        try:
            Browser().get(f"{base}/healthz")
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.1)
    yield {"https": base, "http": f"http://127.0.0.1:{http_port}", "folder": folder}
    process.terminate()
    process.wait(timeout=20)


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
