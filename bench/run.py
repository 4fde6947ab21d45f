"""Load benchmark: OnGuard's key pages against a bare-Django baseline, in one run, on
PostgreSQL, under gunicorn with production settings. See docs/performance.md.

    bench/run [--duration 10] [--connections 16] [--workers 3] [--members 10000]

Load comes from wrk on 127.0.0.1 only, bounded in time. Every figure is reported next to the
baseline measured in the same run, because absolute numbers on a shared machine are noise."""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.trust.servers import Gunicorn, collected_static, manage, production_env  # noqa: E402

PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"]
LUA = str(ROOT / "bench" / "report.lua")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--submit-connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--members", type=int, default=10000, help="members of the large organisation")
    parser.add_argument("--database", default="onguard_bench")
    parser.add_argument("--keep-database", action="store_true", help="reuse the seeded database")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: any free one)")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse (needs npm)")
    parser.add_argument(
        "--change-rates",
        type=float,
        nargs="+",
        default=[5, 20],
        help="progress writes a second in the large organisation while the changing dashboard is measured "
        "(5: about a training day for 10,000 staff; 20: every view finds a change)",
    )
    return parser.parse_args()


def prepare_database(args, env):
    if not args.keep_database:
        subprocess.run([*PSQL, f"DROP DATABASE IF EXISTS {args.database}"], check=True)
        subprocess.run([*PSQL, f"CREATE DATABASE {args.database}"], check=True)
    for command in (["migrate", "-v0"], ["load_content"]):
        result = manage(*command, env=env)
        if result.returncode:
            sys.exit(result.stderr)
    if not args.keep_database and "seed_demo" in manage("help", env=env).stdout:
        print(f"Seeding demo data ({args.members} members in the large organisation)...", flush=True)
        result = manage("seed_demo", "--large", str(args.members), env=env)
        if result.returncode:
            sys.exit(result.stderr)
        # Fresh planner statistics, as autovacuum would give a real database after a bulk load.
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", args.database, "-qc", "ANALYZE"], check=True
        )


def setup_in_process(env) -> dict:
    """Create the benchmark learner and everything the requests need, through the services."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from bench.fixtures import bench_fixtures

    return bench_fixtures()


def wrk(
    url: str, *, duration: int, connections: int, headers: dict, method="GET", bodies=None, warm_up: int = 2
) -> dict:
    if method == "GET":  # warm up: imports, template caches, connections; not measured
        _wrk(url, duration=warm_up, connections=connections, headers=headers, method=method, bodies=bodies)
    return _wrk(
        url, duration=duration, connections=connections, headers=headers, method=method, bodies=bodies
    )


def _wrk(url: str, *, duration: int, connections: int, headers: dict, method: str, bodies) -> dict:
    # wrk needs at least one connection per thread: fewer connections, fewer threads.
    threads = max(1, min(2, connections))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        LUA,
        url,
    ]
    for name, value in headers.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_THREADS": str(threads)}
    if bodies:
        env["BENCH_BODIES"] = bodies
    output = subprocess.run(command, capture_output=True, text=True, env=env, timeout=duration + 60).stdout
    match = re.search(r"BENCH_JSON (\{.*\})", output)
    if not match:
        raise RuntimeError(f"wrk gave no summary for {url}:\n{output}")
    data = json.loads(match.group(1))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


LIGHTHOUSE_PAGES = {
    "home",
    "module",
    "lesson",
    "quiz page",
    "My learning",
    "dashboard (50 rows)",
    "certificate verification",
}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


def lighthouse(url: str, headers: dict) -> dict:
    """Lighthouse's mobile performance profile (its default), with Debian's Chromium."""
    bench = ROOT / "bench"
    if not (bench / "node_modules" / ".bin" / "lighthouse").exists():
        if not shutil.which("npm"):
            return {"score": None, "error": "skipped: npm is missing (Lighthouse is optional)"}
        installed = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=bench, capture_output=True)
        if installed.returncode:
            return {"score": None, "error": "skipped: npm ci failed (Lighthouse is optional)"}
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    headers = {k: v for k, v in headers.items() if k != "Referer"}  # Chromium refuses a forced Referer
    command = [
        str(bench / "node_modules" / ".bin" / "lighthouse"), url, "--quiet", "--only-categories=performance",
        f"--chrome-flags={CHROME_FLAGS}", "--output=json", f"--output-path={out}",
        f"--extra-headers={json.dumps(headers)}",
    ]  # fmt: skip
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, env=env, capture_output=True, timeout=180)
    try:
        data = json.loads(out.read_text())
    except ValueError:
        return {"score": None, "error": "no report"}
    if data["categories"]["performance"]["score"] is None:
        return {"score": None, "error": (data.get("runtimeError") or {}).get("code", "no score")}
    audits = data["audits"]
    return {
        "score": round(data["categories"]["performance"]["score"] * 100),
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def wait_until_serving(url: str, headers: dict, timeout: float = 180) -> None:
    """gunicorn's port accepts connections before its workers have imported Django: on a busy
    machine that took longer than a page's warm-up, and the first page (the baseline) measured
    nothing. Wait for real answers, a few in a row so that every worker has started."""
    import time
    import urllib.request

    deadline, answered = time.monotonic() + timeout, 0
    while answered < 6:
        if time.monotonic() > deadline:
            sys.exit(f"gunicorn did not answer {url} within {timeout:.0f} s")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
                answered += r.status == 200
        except OSError:
            time.sleep(0.5)


class ProgressWriter:
    """While the changing dashboard is measured: `rate` times a second, one random member of the
    large organisation has their module progress written (its last activity set to now), as a
    learner opening a lesson does, so the dashboard's data version keeps moving."""

    def __init__(self, progress_ids: list[int], rate: float):
        import threading

        self.ids, self.rate, self.writes = progress_ids, rate, 0
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        import random
        import time

        from django.db import connection
        from django.utils import timezone

        from courses.models import ModuleProgress

        try:
            while not self.stop_event.is_set():
                started = time.monotonic()
                ModuleProgress.objects.filter(pk=random.choice(self.ids)).update(
                    last_activity_at=timezone.now()
                )
                self.writes += 1
                self.stop_event.wait(max(0.0, 1 / self.rate - (time.monotonic() - started)))
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join()


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def export_probe(url: str, headers: dict, master: int) -> dict:
    """One full CSV export: time to first byte, total time, size, and how much the serving
    worker's peak memory grew (VmHWM after minus before)."""
    import time
    import urllib.request

    pids = worker_pids(master)
    before = {pid: peak_rss_kib(pid) for pid in pids}
    request = urllib.request.Request(url, headers=headers)
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        first = response.read(1)
        first_byte = time.perf_counter() - start
        size = len(first) + sum(len(chunk) for chunk in iter(lambda: response.read(65536), b""))
    total = time.perf_counter() - start
    growth = max(peak_rss_kib(pid) - before[pid] for pid in pids)
    return {"first_byte_s": first_byte, "total_s": total, "bytes": size, "rss_growth_mib": growth / 1024}


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="onguard-bench-"))
    env = production_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        STATIC_ROOT=collected_static(tmp),
        CONN_MAX_AGE="60",
        ROOT_URLCONF="bench.baseline",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        # Measure the verification page itself, not its rate limit's 429 (tested in the suite).
        CERTIFICATE_VERIFY_RATE_LIMIT="1000000",
        CERTIFICATE_VERIFY_FOUND_RATE_LIMIT="1000000",
    )
    prepare_database(args, env)
    fx = setup_in_process(env)
    # The fixtures add thousands of quiz forms for the learner: fresh planner statistics, as
    # autovacuum would give a real database.
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", args.database, "-qc", "ANALYZE"], check=True
    )
    server = Gunicorn(env, workers=args.workers, port=args.port or None)
    base = server.url
    wait_until_serving(base + "/bench/baseline/", {"X-Forwarded-Proto": "https"})
    secure = {"X-Forwarded-Proto": "https"}
    learner = {**secure, "Cookie": fx["cookie"], "Referer": f"https://127.0.0.1:{server.port}/"}
    admin = {**secure, "Cookie": fx.get("admin_cookie", fx["cookie"])}
    pages = [
        ("baseline", "/bench/baseline/", secure, {}),
        # The same bare view for the signed-in learner (session and user read, the signed-in
        # header): what every learner page pays before its own work. Not the targets' baseline.
        ("baseline, signed in", "/bench/baseline/", learner, {}),
        ("home", "/", secure, {}),
        ("module", fx["module_url"], learner, {}),
        ("lesson", fx["lesson_url"], learner, {}),
        ("quiz page", fx["quiz_url"], learner, {}),
        ("My learning", "/my-learning/", learner, {}),
        ("log-in page", "/accounts/login/", secure, {}),
    ]
    # The dashboard's rows are computed once per process and data version: a long warm-up lets
    # every worker do that first, so the page measures a refresh of unchanged data. A refresh
    # after a change costs the recount (bench/profile dashboard-changed, docs/performance.md).
    pages += [
        (name, url, admin, {"warm_up": 20} if name.startswith("dashboard") else {})
        for name, url in fx.get("admin_pages", [])
    ]
    pages += [(name, url, secure, {}) for name, url in fx.get("public_pages", [])]
    results = {}
    try:
        for name, path, headers, options in pages:
            print(f"  {name:<28} {path}", flush=True)
            results[name] = wrk(
                base + path, duration=args.duration, connections=args.connections, headers=headers, **options
            )
        for name, path in fx.get("admin_pages", []):
            for rate in args.change_rates if name.startswith("dashboard") and fx.get("progress_ids") else []:
                changing = f"{name}, {rate:g} progress writes/s"
                print(f"  {changing:<28} {path}", flush=True)
                with ProgressWriter(fx["progress_ids"], rate) as writer:
                    results[changing] = wrk(
                        base + path, duration=args.duration, connections=args.connections, headers=admin
                    )
                results[changing].update(writes=writer.writes, rate=rate)
        print("  quiz submit (POST)", flush=True)
        before = fx["count_attempts"]()
        results["quiz submit"] = wrk(
            base + fx["quiz_url"], duration=args.duration, connections=args.submit_connections,
            headers=learner, method="POST", bodies=fx["submit_bodies"],
        )  # fmt: skip
        recorded = fx["count_attempts"]() - before
        results["quiz submit"]["attempts_recorded"] = recorded
        probes = {}
        for name, path in fx.get("admin_pages", []):
            if name.startswith("CSV export"):
                print("  CSV export memory and first byte", flush=True)
                probes[name] = export_probe(base + path, admin, server.process.pid)
        audits = {}
        if not args.no_lighthouse:
            for name, path, headers, _ in pages[1:]:
                if name in LIGHTHOUSE_PAGES:
                    print(f"  lighthouse: {name}", flush=True)
                    audits[name] = lighthouse(base + path, headers)
    finally:
        server.stop()
    write_report(args, results, audits, fx.get("organisation", "no organisation seeded"), probes)


def write_report(args, results, audits, fx_org="no organisation seeded", probes=None):
    base_rps = results["baseline"]["rps"] or float("nan")  # no answers: the ratios say nan, not a crash
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        f"# OnGuard benchmark, {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL on 127.0.0.1. gunicorn {args.workers} sync workers, production settings. "
        f"wrk, {max(1, min(2, args.connections))} threads, {args.connections} connections ({args.submit_connections} for the submit), "
        f"{args.duration} s per page. Dashboard and export: {fx_org}.",
        "",
        "| page | req/s | p50 ms | p95 ms | p99 ms | vs baseline | responses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, r in results.items():
        codes = ", ".join(f"{n} × {code}" for code, n in sorted(r["statuses"].items()))
        if r["socket_errors"]:
            codes += f", {r['socket_errors']} socket errors"
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['p50_us'] / 1000:.1f} | {r['p95_us'] / 1000:.1f} | "
            f"{r['p99_us'] / 1000:.1f} | {r['rps'] / base_rps:.0%} | {codes} |"
        )
    submit = results["quiz submit"]
    redirects = submit["statuses"].get("302", 0)
    lines += [
        "",
        f"Quiz submit: {redirects} graded responses (302) received, {submit['attempts_recorded']} attempts "
        f"recorded; every POST carried a fresh token, so recorded >= received means none was lost, and the "
        f"database's unique token makes a duplicate impossible (recorded - received = requests still in "
        f"flight when wrk stopped, at most {args.submit_connections}).",
    ]
    for name, r in results.items():
        if "writes" in r:
            lines += [
                "",
                f"{name}: {r['writes']} progress writes to random members of the organisation, "
                f"{r['rate']:g} a second, from the warm-up to the end; with {r['requests']} views "
                f"measured by {args.workers} workers, each keeping its own counts, about "
                f"{min(1, r['rate'] * args.duration * args.workers / max(1, r['requests'])):.0%} of "
                f"views found the data changed since that worker's last view.",
            ]
    for name, p in (probes or {}).items():
        lines += [
            "",
            f"{name}, one request on its own: first byte after {p['first_byte_s'] * 1000:.0f} ms, "
            f"{p['bytes'] / 1e6:.1f} MB in {p['total_s']:.1f} s; the serving worker's peak memory grew by "
            f"{p['rss_growth_mib']:.1f} MiB.",
        ]
    if audits:
        lines += [
            "",
            "Lighthouse 12.8.2, mobile profile (simulated slow 4G, mid-range phone), Debian's Chromium:",
            "",
            "| page | performance | first contentful paint | largest contentful paint | bytes transferred |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name, a in audits.items():
            if a["score"] is None:
                lines.append(f"| {name} | failed: {a['error']} | | | |")
                continue
            lines.append(
                f"| {name} | {a['score']} | {a['fcp'] / 1000:.1f} s | {a['lcp'] / 1000:.1f} s | "
                f"{a['bytes'] / 1024:.0f} KiB |"
            )
    report = "\n".join(lines) + "\n"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{now:%Y-%m-%d-%H%M}.md"
    path.write_text(report)
    print("\n" + report + f"\nWritten to {path}")


if __name__ == "__main__":
    main()
