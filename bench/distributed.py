"""Distributed scaling: pages per second with 1 and with 2 `newsdesk worker`s, in one run.

Against the generated sample network (served from its own process), with PostgreSQL as the shared
store and Redis as the shared queue. Each worker extracts in its own process
(NEWSDESK_EXTRACT_WORKERS=0): one worker per core is the unit a deployment scales by. Besides
pages per second it samples how busy Redis and PostgreSQL were (their processes' CPU), which is
what the scaling model in bench/RESULTS.md is built from.

    python -m bench.distributed [--outlets 4] [--articles 300] [--postgres-url URL] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

from bench.throughput import CRAWL_ENV, crawl_totals, fresh_postgres, start_network

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def service_cpu(name_part: str) -> float:
    total = 0.0
    for process in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        label = " ".join(process.info.get("cmdline") or []) + (process.info.get("name") or "")
        if name_part in label and process.info.get("cpu_times"):
            times = process.info["cpu_times"]
            total += times.user + times.system
    return total


def one_configuration(workers: int, sources: Path, server_url: str, redis_url: str, workdir: Path) -> dict:
    import redis

    database_url, drop = fresh_postgres(server_url)
    redis.Redis.from_url(redis_url).flushdb()
    env = {**os.environ, **CRAWL_ENV, "DATABASE_URL": database_url, "NEWSDESK_REDIS_URL": redis_url,
           "NEWSDESK_EXTRACT_WORKERS": "0", "NEWSDESK_WORKER_IDLE_SECONDS": "10",
           "NEWSDESK_DATA_DIR": str(workdir / f"data-{workers}"), "NEWSDESK_CONFIG": str(workdir / "absent.toml"),
           "NEWSDESK_SOURCES": str(sources)}
    try:
        subprocess.run([PYTHON, "-m", "newsdesk", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        procs = [subprocess.Popen([PYTHON, "-m", "newsdesk", "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(workers)]
        time.sleep(3)  # workers up before the clock starts
        redis_before, postgres_before = service_cpu("redis-server"), service_cpu("postgres")
        started = time.monotonic()
        coordinator = subprocess.run([PYTHON, "-m", "newsdesk", "crawl", "--all", "--distributed"], cwd=ROOT, env=env,
                                     capture_output=True, text=True, timeout=3600)
        seconds = time.monotonic() - started
        redis_cpu, postgres_cpu = service_cpu("redis-server") - redis_before, service_cpu("postgres") - postgres_before
        for proc in procs:
            proc.wait(120)
        if coordinator.returncode != 0:
            raise SystemExit(f"distributed crawl failed: {coordinator.stderr[-2000:]}")
        totals = crawl_totals(database_url)
    finally:
        drop()
    pages = totals["fetched"]
    return {"workers": workers, "pages": pages, "stored": totals["stored"], "seconds": seconds,
            "pages_per_second": pages / seconds, "redis_cpu_seconds": redis_cpu, "postgres_cpu_seconds": postgres_cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.distributed")
    parser.add_argument("--outlets", type=int, default=4)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--postgres-url", default=os.environ.get("NEWSDESK_TEST_POSTGRES_URL",
                                                                 "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-url", default=f"redis://127.0.0.1:6379/{12}")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix=f"newsdesk-dist-{uuid.uuid4().hex[:6]}-"))
    server, _base_urls, sources = start_network(args.outlets, args.articles, workdir)
    try:
        results = [one_configuration(n, sources, args.postgres_url, args.redis_url, workdir) for n in (1, 2)]
    finally:
        server.terminate()
        server.wait(30)
    one, two = results
    print(f"network: {args.outlets} outlets x {args.articles} articles; PostgreSQL + Redis on this machine; "
          f"{os.cpu_count()} cores")
    print(f"{'workers':>7} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'redis CPU s':>12} {'postgres CPU s':>15}")
    for r in results:
        print(f"{r['workers']:7d} {r['pages']:6d} {r['seconds']:8.1f} {r['pages_per_second']:8.1f} "
              f"{r['redis_cpu_seconds']:12.2f} {r['postgres_cpu_seconds']:15.2f}")
    print(f"2 workers / 1 worker: {two['pages_per_second'] / one['pages_per_second']:.2f}x")
    for r in results:
        per_page_ms = 1000 / r["pages"]
        print(f"  {r['workers']} worker(s): per page, Redis {r['redis_cpu_seconds'] * per_page_ms:.2f} ms CPU, "
              f"PostgreSQL {r['postgres_cpu_seconds'] * per_page_ms:.2f} ms CPU")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
