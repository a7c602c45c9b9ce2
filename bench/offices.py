"""`python -m bench.offices`: one install hosting many offices, on PostgreSQL (+ Redis).

    python -m bench.offices                            1,000 offices, 2,000,000 cases (about an hour here)
    python -m bench.offices --offices 100 --cases 100000   a quicker look

What it measures (issue 17): the staff queue (an office's officer, and a platform administrator
who sees every office) and public tracking with that many offices and cases; an uncached page
render before and after adding the offices (rate, latency, CPU per request and queries: the
request's site lookup must stay cached); that kept pages are kept per host; and the real
`create_office` with all of them present. Results go to bench/results/offices.json and .md.
"""

import argparse
import datetime
import json
import tempfile

from bench.__main__ import POSTGRES, REDIS, RESULTS, machine, reachable
from bench.load import require_wrk, wrk
from bench.site import HTTPS, BenchSite


def django(site, command, number):
    """Run a bench.many_offices step in the bench site's environment; its JSON answer."""
    return site.run("bench.many_offices", command, number)


def pages(site, seconds):
    """Uncached home and guide of the default office: wrk at 50 connections, CPU per request."""
    results = {}
    with site.serve(PAGE_CACHE_SECONDS=0) as server:
        for name, path in (("home", "/th/"), ("services", "/th/services/")):
            wrk(server.url + path, seconds=1, headers=HTTPS)
            before = server.worker_cpu_seconds()
            run = wrk(server.url + path, seconds=seconds, headers=HTTPS)
            run["server_cpu_ms"] = round(1000 * (server.worker_cpu_seconds() - before) / max(run["requests"], 1), 2)
            results[name] = run
    return results


def kept_per_host(site, hosts):
    """Each host gets its own kept copy: the second request is a hit, and the bodies differ.
    One worker: kept pages live in each web process's memory, so with two the second request
    may meet the other process and miss."""
    answers = {}
    with site.serve(workers=1) as server:
        for host in hosts:
            first = server.get("/th/", headers={"Host": host})
            second = server.get("/th/", headers={"Host": host})
            answers[host] = {
                "first": first[1].get("X-Page-Cache"),
                "second": second[1].get("X-Page-Cache"),
                "bytes": len(second[2]),
                "body": second[2],
            }
    bodies = {answer.pop("body") for answer in answers.values()}
    return {"hosts": answers, "distinct_pages": len(bodies)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offices", type=int, default=1000)
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--create", type=int, default=3, help="real create_office calls to time at the end")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument(
        "--database",
        help="measure again on a database an earlier --keep run left (migrated first; nothing is added)",
    )
    args = parser.parse_args()
    require_wrk()
    if not reachable("127.0.0.1", 5432):
        raise SystemExit("bench.offices needs PostgreSQL on 127.0.0.1:5432")
    redis = REDIS if reachable("127.0.0.1", 6379) else None
    results = {"when": datetime.datetime.now().isoformat(timespec="minutes"), "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="portal-bench-offices-") as workdir:
        site = BenchSite(workdir, "offices", postgres_url=POSTGRES, redis_url=redis)
        site.env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,.localhost"
        if args.database:
            site.database_url = site.env["DATABASE_URL"] = POSTGRES.rsplit("/", 1)[0] + f"/{args.database}"
            args.keep = True
        try:
            if args.database:
                print(f"migrating {site.db_name}…", flush=True)  # noqa: T201
                site.manage("migrate", "--noinput", "-v0")
                site.manage("collectstatic", "--noinput", "-v0")
                results["after"] = {"queries": django(site, "queries", 0), "pages": pages(site, args.seconds)}
            else:
                print(f"preparing {site.db_name} (migrate, demo, collectstatic)…", flush=True)  # noqa: T201
                site.prepare()
                results["before"] = {"queries": django(site, "queries", 0), "pages": pages(site, args.seconds)}
                print(f"adding {args.offices} offices…", flush=True)  # noqa: T201
                results["add_offices"] = django(site, "add-offices", args.offices)
                results["after"] = {"queries": django(site, "queries", 0), "pages": pages(site, args.seconds)}
                print(f"adding {args.cases} cases…", flush=True)  # noqa: T201
                results["add_cases"] = django(site, "add-cases", args.cases)
            results["kept_per_host"] = kept_per_host(
                site, ["localhost", "office0000.bench.localhost", "office0001.bench.localhost"]
            )
            print("measuring the queue and tracking…", flush=True)  # noqa: T201
            results["measure"] = django(site, "measure", args.samples)
            if args.create:
                results["create_office"] = django(site, "create-office", args.create)
        finally:
            if args.keep:
                print(f"kept database {site.db_name}", flush=True)  # noqa: T201
            else:
                site.drop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "offices.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    text = table(results)
    (RESULTS / "offices.md").write_text(text + "\n")
    print(text)  # noqa: T201


def table(results):
    rows = []
    measure = results.get("measure", {})
    offices, cases = measure.get("offices", "?"), measure.get("cases", "?")
    for name, value in measure.items():
        if isinstance(value, dict) and "p95_ms" in value:
            cpu = (
                f" · CPU p50 {value['cpu_p50_ms']:.0f} · p95 {value['cpu_p95_ms']:.0f} ms"
                if "cpu_p50_ms" in value
                else ""
            )
            load = f" · load {' '.join(str(x) for x in value['load'])}" if "load" in value else ""
            rows.append((name, f"p50 {value['p50_ms']:.0f} ms · p95 {value['p95_ms']:.0f} ms{cpu}{load}"))
    for label in ("before", "after"):
        block = results.get(label)
        if not block:
            continue
        for name, run in block["pages"].items():
            rows.append(
                (
                    f"uncached {name} page, {label} adding offices",
                    f"{run['rps']:.0f} req/s · p50 {run['p50_ms']:.0f} ms · p99 {run['p99_ms']:.0f} ms"
                    f" · {run['server_cpu_ms']:.2f} ms CPU/request",
                )
            )
        rows.append(
            (
                f"queries of an uncached home page, {label} adding offices",
                ", ".join(f"{path} {q['queries']}" for path, q in block["queries"].items()),
            )
        )
    kept = results.get("kept_per_host")
    if kept:
        rows.append(
            (
                "kept pages per host",
                f"{kept['distinct_pages']} different pages for {len(kept['hosts'])} hosts; "
                + "; ".join(f"{host}: {a['first']}→{a['second']}" for host, a in kept["hosts"].items()),
            )
        )
    created = results.get("create_office")
    if created:
        rows.append(
            (
                f"create_office with {created['offices_present']:,} offices present",
                " / ".join(f"{s:.2f} s" for s in created["create_office_seconds"])
                + (
                    " (CPU "
                    + " / ".join(f"{s:.2f}" for s in created["create_office_cpu_seconds"])
                    + " s; load "
                    + " / ".join(str(x) for x in created["load_1min"])
                    + ")"
                    if "create_office_cpu_seconds" in created
                    else ""
                ),
            )
        )
    for step in ("add_offices", "add_cases"):
        if step in results:
            rows.append((step.replace("_", " "), json.dumps(results[step])))
    width = max((len(name) for name, _ in rows), default=10)
    lines = [f"many offices: {offices} offices, {cases} cases · {results['when']} · {results['machine']}", ""]
    lines += [f"| {'measurement':<{width}} | result |", f"|{'-' * (width + 2)}|--------|"]
    lines += [f"| {name:<{width}} | {value} |" for name, value in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
