"""The benchmark's own tools read what they measure correctly (the numbers in README depend on
it): wrk's report is parsed to the right units, and the simulated resident really completes
the demo's 3-step form on a real server and gets a reference the tracking page knows."""

import subprocess

from bench import load
from bench.residents import REFERENCE, Resident

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/th/
  2 threads and 50 connections
  Latency Distribution
     50%  812.00us
     75%    1.20ms
     90%    2.50ms
     99%    1.05s
  13555 requests in 10.01s, 9.83MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:   1354.78
Transfer/sec:      0.98MB
"""


def test_wrk_report_is_read_in_milliseconds_with_every_error_counted(monkeypatch):
    monkeypatch.setattr(load, "require_wrk", lambda: "wrk")
    monkeypatch.setattr(
        subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=WRK_OUTPUT, stderr="")
    )
    result = load.wrk("http://127.0.0.1:8000/th/")
    assert result == {"rps": 1354.78, "p50_ms": 0.812, "p99_ms": 1050.0, "requests": 13555, "errors": 9}


def test_a_simulated_resident_completes_the_complaint_form(live_site):
    reference = Resident(live_site).submit("/th/forms/complaint-form/")
    assert REFERENCE.fullmatch(reference)
    page = Resident(live_site).request("GET", f"/t/{reference}")
    assert page.status_code == 200 and reference in page.text
