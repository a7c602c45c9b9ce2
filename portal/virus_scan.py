"""Virus scanning of residents' uploads through clamd (ClamAV's daemon), when CLAMD_SOCKET is set.

Written by hand (about 40 lines) instead of the `clamd` PyPI package, whose last release is from
2020: the protocol is small. INSTREAM over the unix socket: the command
`zINSTREAM\\0`, then chunks each prefixed by its length as a 4-byte big-endian integer, then a
zero-length chunk; clamd answers `stream: OK`, `stream: <name> FOUND` or `... ERROR`.

With no socket configured, scanning is off (and says so in `enabled()`); with a socket that does
not answer, uploads are refused rather than let through unscanned (fail closed).
"""

import socket
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or answered something unexpected."""


def enabled():
    return bool(getattr(settings, "CLAMD_SOCKET", ""))


def instream(data, path=None, timeout=None):
    """Send bytes to clamd and return its answer, e.g. 'stream: OK'."""
    path = path or settings.CLAMD_SOCKET
    timeout = timeout or getattr(settings, "CLAMD_TIMEOUT", 30)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(path)
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                answer += part
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    return answer.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan(data, name="file"):
    """Raise ValidationError if clamd finds a virus or cannot be asked; do nothing when off.

    `data` is the file's bytes (or a file object, read from the start)."""
    if not enabled():
        return
    if hasattr(data, "read"):
        data.seek(0)
        data = data.read()
    try:
        answer = instream(data)
    except ScannerUnavailable:
        raise ValidationError(
            _("%(name)s could not be checked for viruses just now. Please try again in a few minutes.") % {"name": name}
        ) from None
    if answer.endswith("FOUND"):
        raise ValidationError(_("%(name)s contains a virus and was not accepted.") % {"name": name})
    if not answer.endswith("OK"):
        raise ValidationError(
            _("%(name)s could not be checked for viruses just now. Please try again in a few minutes.") % {"name": name}
        )
