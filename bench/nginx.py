"""deploy/nginx.conf run by Debian's nginx in front of local gunicorn nodes: what production puts
between a resident and the site (TLS, HTTP/2, gzip, static files straight from STATIC_ROOT).

`render` substitutes the example's values (ports, paths, the nodes' and the object store's
addresses, a self-signed certificate); every example value must be found, so a changed example
breaks the caller rather than silently running something else. Used by
tests/scaleout/test_nginx.py (two real nodes) and bench.places (the map page on a throttled
phone, measured the way residents get it)."""

import contextlib
import os
import shutil
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "nginx.conf"


def binary():
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def render(folder, nodes, http_port, https_port, static_root, media_url):
    """deploy/nginx.conf with these ports and paths; `nodes` are two "host:port" (the same twice
    for one node)."""
    node1, node2 = nodes
    replacements = [
        ("pid /run/nginx.pid;", f"pid {folder}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log warn;", f"error_log {folder}/error.log warn;"),
        ("access_log /var/log/nginx/access.log;", f"access_log {folder}/access.log;"),
        ("server web1:8000 ", f"server {node1} "),
        ("server web2:8000 ", f"server {node2} "),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/portal/fullchain.pem", f"{folder}/cert.pem"),
        ("/etc/ssl/portal/privkey.pem", f"{folder}/key.pem"),
        ("/srv/portal/static/", f"{static_root}/"),
        ("http://minio:9000/portal/media/", media_url),
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
        if old not in text:
            raise AssertionError(f"deploy/nginx.conf no longer contains {old!r}: update bench/nginx.py's rendering")
        text = text.replace(old, new)
    return text


def self_signed(folder):
    subprocess.run(  # noqa: S603 - fixed arguments
        [  # noqa: S607 - openssl from PATH
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
            str(Path(folder) / "key.pem"),
            "-out",
            str(Path(folder) / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def in_front(folder, nodes, http_port, https_port, static_root, media_url, user=None):
    """nginx running the rendered example in the foreground (its own prefix, pid and logs) until
    the block ends; yields its HTTPS address. `user`: run it as that user (the tests never run
    it as root); the folder and what it serves must then be readable by that user."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    self_signed(folder)
    (folder / "nginx.conf").write_text(render(folder, nodes, http_port, https_port, static_root, media_url))
    if user:
        for path in [folder, *folder.iterdir()]:
            shutil.chown(path, user=user)
    command = [binary(), "-p", f"{folder}/", "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, user=user, check=False)  # noqa: S603
    if check.returncode:
        raise RuntimeError(check.stderr)
    process = subprocess.Popen([*command, "-g", "daemon off;"], user=user, stderr=subprocess.PIPE)  # noqa: S603
    base = f"https://127.0.0.1:{https_port}"
    unchecked = ssl.create_default_context()
    unchecked.check_hostname, unchecked.verify_mode = False, ssl.CERT_NONE  # our own self-signed one
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2, context=unchecked)  # noqa: S310 - local
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
