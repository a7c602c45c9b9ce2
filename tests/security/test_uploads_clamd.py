"""Uploads: virus scanning through clamd when CLAMD_SOCKET is set, and PDFs accepted only if they
parse. Two scanners: a small fake clamd speaking the real INSTREAM protocol on a unix socket
(always), and the real clamd when clamav-daemon is installed — with a signature database made
here for the EICAR test file, since the official definitions come from the network (freshclam),
which this machine cannot reach."""

import os
import shutil
import socket
import struct
import subprocess
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from forms_builder.uploads import check_and_clean
from portal import upload_checks, virus_scan

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF_SPEC = {"key": "doc", "allowed_types": ["pdf"], "max_size_mb": 5}


def real_pdf(text="hello"):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


class FakeClamd(threading.Thread):
    """Answers INSTREAM like clamd: reads the length-prefixed chunks up to the zero chunk, then
    says FOUND for data containing the EICAR string and OK otherwise."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(5)
        self.received = []

    def run(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    (size,) = struct.unpack("!L", self._exactly(conn, 4))
                    if size == 0:
                        break
                    data += self._exactly(conn, size)
                self.received.append(data)
                answer = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
                conn.sendall(answer)

    @staticmethod
    def _exactly(conn, size):
        buf = b""
        while len(buf) < size:
            part = conn.recv(size - len(buf))
            if not part:
                raise ConnectionError
            buf += part
        return buf

    def stop(self):
        self.server.close()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def fake_clamd(tmp_path, settings):
    path = str(tmp_path / "clamd.sock")
    server = FakeClamd(path)
    server.start()
    settings.CLAMD_SOCKET = path
    yield server
    server.stop()


def test_scanning_is_off_without_a_socket(settings):
    settings.CLAMD_SOCKET = ""
    virus_scan.scan(EICAR)  # nothing to ask: accepted (the README says to configure clamd)


def test_fake_clamd_finds_the_test_virus_through_the_upload_checks(fake_clamd):
    big = os.urandom(200_000)  # several INSTREAM chunks
    virus_scan.scan(big, "photo.jpg")
    assert fake_clamd.received[-1] == big
    with pytest.raises(ValidationError, match="virus"):
        virus_scan.scan(b"prefix" + EICAR, "plan.pdf")


def test_a_pdf_with_a_virus_is_refused_where_residents_upload(fake_clamd):
    pdf = real_pdf() + b"\n" + EICAR  # bytes after %%EOF: a parser ignores them, a scanner does not
    with pytest.raises(ValidationError) as error:
        check_and_clean(SimpleUploadedFile("plan.pdf", pdf), PDF_SPEC)
    assert "virus" in str(error.value) or "ไวรัส" in str(error.value)
    data, content_type, extension = check_and_clean(SimpleUploadedFile("plan.pdf", real_pdf()), PDF_SPEC)
    assert (content_type, extension) == ("application/pdf", "pdf")


def test_an_unreachable_scanner_refuses_instead_of_letting_files_through(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    with pytest.raises(ValidationError, match="could not be checked"):
        virus_scan.scan(b"anything", "photo.jpg")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",  # header and marker only
        b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF",
    ],
)
def test_pdfs_must_parse(data, settings):
    settings.CLAMD_SOCKET = ""
    with pytest.raises(ValidationError, match="not a complete PDF"):
        upload_checks.check(data, "pdf", "plan.pdf")


def test_truncated_pdf_is_refused(settings):
    settings.CLAMD_SOCKET = ""
    whole = real_pdf()
    with pytest.raises(ValidationError):
        upload_checks.check(whole[: len(whole) // 2] + b"\n%%EOF\n", "pdf", "plan.pdf")
    upload_checks.check(whole, "pdf", "plan.pdf")


CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)


@pytest.fixture
def real_clamd(tmp_path, settings):
    if CLAMD is None:
        pytest.skip(
            "clamav-daemon is not installed here (apt-get install clamav-daemon); the fake clamd tests cover the protocol"
        )
    database = tmp_path / "db"
    database.mkdir()
    # A body signature (name:any file type:any offset:hex) for the EICAR string, wherever it is in a
    # file: freshclam's official database needs the network.
    (database / "portal-test.ndb").write_text(f"Portal-EICAR-Test:0:*:{EICAR.hex()}\n")
    sock = tmp_path / "clamd.sock"
    config = tmp_path / "clamd.conf"
    config.write_text(
        f"DatabaseDirectory {database}\nLocalSocket {sock}\nForeground yes\nLogFile {tmp_path / 'clamd.log'}\n"
        + ("User root\n" if os.geteuid() == 0 else "")
    )
    process = subprocess.Popen([CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 60
    while not sock.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    if not sock.exists():
        process.kill()
        pytest.fail("clamd did not start: " + (tmp_path / "clamd.log").read_text(errors="replace")[-2000:])
    settings.CLAMD_SOCKET = str(sock)
    yield process
    process.terminate()
    process.wait(timeout=20)


def test_real_clamd_refuses_the_eicar_test_file_and_passes_a_clean_pdf(real_clamd):
    assert virus_scan.instream(EICAR).endswith("FOUND")
    with pytest.raises(ValidationError, match="virus"):
        check_and_clean(SimpleUploadedFile("plan.pdf", real_pdf() + b"\n" + EICAR), PDF_SPEC)
    check_and_clean(SimpleUploadedFile("plan.pdf", real_pdf()), PDF_SPEC)
