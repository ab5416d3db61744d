"""Load: gunicorn on loopback over a fresh demo data folder, N concurrent clients for S seconds on
the public plan page and on the task-list API, beside a static file as the baseline; prints the
median, p95, errors and requests/s of each, with the median's ratio to the baseline, and appends
the table to bench/results.md. Goal (issue 14): p95 ≤ 100 ms, no error, at 20 clients for 60 s.

    python bench/load.py [--clients 20] [--seconds 60] [--workers 3] [--token] [--var FOLDER]

The demo is made by `stiplan demo --no-serve` into a temporary folder (BENCH_DATABASE_URL: on
PostgreSQL). The API's throttles stay on, with rates raised out of the bench's way
(STIPLAN_API_RATES), or the API is called with a token (`--token`). Each client is a thread with
its own connection, opened again whenever gunicorn closes it."""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import median_p95, publish

ROOT = Path(__file__).resolve().parents[1]
PLAN = "/plans/vinh-long-1925-2023/"
CASES = [("static file (baseline)", "/static/css/api-docs.css"),
         ("public plan page", PLAN),
         ("task-list API", "/api/v1/registry/tasks/")]
RATES = "anon=100000000/min,user=100000000/min,token=100000000/min"


def environment(var: Path, rates: str) -> dict:
    env = {**os.environ, "STIPLAN_VAR_DIR": str(var), "STIPLAN_INSECURE_HTTP": "1",
           "STIPLAN_AXES": "0", "STIPLAN_API_RATES": rates, "STIPLAN_LOG_LEVEL": "ERROR",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    if "BENCH_DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(conn_box: list, path: str, headers: dict) -> int:
    """One GET on the client's connection (a new one when gunicorn closed the last)."""
    for attempt in (1, 2):
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection(*conn_box[1], timeout=30)
        try:
            conn_box[0].request("GET", path, headers=headers)
            response = conn_box[0].getresponse()
            response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn_box[0].close()
                conn_box[0] = None
            return response.status
        except (http.client.HTTPException, ConnectionError):
            conn_box[0].close()
            conn_box[0] = None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def load(address: tuple[str, int], path: str, clients: int, seconds: float,
         headers: dict) -> tuple[list[float], int, float]:
    """`clients` threads GET `path` in a closed loop for `seconds`: latencies (s), errors, time."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        box = [None, address]
        mine, failed = [], 0
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                ok = fetch(box, path, headers) == 200
            except OSError:
                ok = False
            mine.append(time.perf_counter() - start)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - began


def make_token(env: dict) -> str:
    out = subprocess.run([sys.executable, "-m", "stiplan", "token", "create", "kehoach", "--name",
                          "bench", "--format", "json"], env=env, check=True, capture_output=True,
                         text=True).stdout
    import json

    return json.loads(out)["key"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--token", action="store_true", help="call the API with a token")
    parser.add_argument("--rates", default=RATES, help="STIPLAN_API_RATES of the server")
    parser.add_argument("--var", type=Path, help="the demo folder of an earlier run, not a new one")
    args = parser.parse_args()
    var = args.var or Path(tempfile.mkdtemp(prefix="stiplan-load-"))
    env = environment(var, args.rates)
    if args.var is None:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "stiplan", "demo", "--no-serve"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"demo data folder {var} made in {time.perf_counter() - started:.0f} s")
    api_headers = {"Authorization": f"Token {make_token(env)}"} if args.token else {}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "stiplan.wsgi", "-w", str(args.workers), "-b",
         f"127.0.0.1:{port}", "--log-level", "warning"], env=env, cwd=ROOT)
    address = ("127.0.0.1", port)
    try:
        deadline = time.time() + 60
        while True:
            try:
                if fetch([None, address], CASES[0][1], {}) == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s")
            time.sleep(0.3)
        rows = []
        for name, path in CASES:
            headers = api_headers if path.startswith("/api/") else {}
            load(address, path, 2, 2, headers)  # warm the workers and caches
            latencies, errors, took = load(address, path, args.clients, args.seconds, headers)
            rows.append((name, latencies, errors, took))
    finally:
        server.terminate()
        server.wait(30)
    base = statistics.median(rows[0][1])
    lines = [f"\n## Load ({time.strftime('%Y-%m-%d')}): {args.clients} clients × {args.seconds:.0f} s, "
             f"gunicorn -w {args.workers} on loopback, "
             f"{'PostgreSQL' if 'BENCH_DATABASE_URL' in os.environ else 'SQLite'}"
             f"{', API by token' if args.token else ''}, STIPLAN_API_RATES={args.rates}\n",
             "| case | requests | req/s | median ms | p95 ms | errors | median × baseline |",
             "|---|---|---|---|---|---|---|"]
    for name, latencies, errors, took in rows:
        median, p95 = median_p95(latencies)
        lines.append(f"| {name} | {len(latencies)} | {len(latencies) / took:.0f} | {median * 1000:.1f} "
                     f"| {p95 * 1000:.1f} | {errors} | {median / base:.1f} |")
    publish("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
