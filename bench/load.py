"""HTTP load with wrk (Debian's `wrk` package): a C load generator, so the client spends little
of the two cores the server needs, and its latency percentiles are exact (HdrHistogram)."""

import re
import shutil
import subprocess

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def require_wrk():
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("make bench needs wrk: apt-get install wrk (Debian/Ubuntu)")
    return path


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, seconds=10, connections=50, threads=2, headers=None, script=None, script_args=()):
    """requests/s, p50 and p99 in ms, and how many answers were errors or timeouts; with a Lua
    `script` that prints them (bench/lua/), its p95 too and how often it ran out of bodies."""
    command = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    tail = ["--", *map(str, script_args)] if script_args else []
    output = subprocess.run(  # noqa: S603
        [*command, url, *tail], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    extra = {}
    if p95 := re.search(r"^p95_us (\d+)", output, re.M):
        extra = {
            "p95_ms": round(int(p95.group(1)) / 1000, 1),
            "wrapped": int(re.search(r"^wrapped (\d+)", output, re.M).group(1)),
        }
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(percentiles["50"]),
        "p99_ms": _ms(percentiles["99"]),
        "requests": requests,
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
        **extra,
    }
