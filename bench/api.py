"""`newsdesk serve` at 100,000 articles: every row once, the same as `newsdesk export`, and latency.

    python -m bench.api [--articles 100000] [--postgres-url URL | --postgres-url ''] [--json FILE]

For each database (SQLite, and PostgreSQL when a server URL is given or NEWSDESK_TEST_POSTGRES_URL
is set): a fresh database is filled with synthetic articles by bulk inserts straight into the
tables (the triggers of the search index and the change log run as they do for crawls), then the
real `newsdesk serve` is started as its own process (on PostgreSQL through a reader role) and:

1. /articles is walked with limit=1000 to the end; every record is compared with what
   `newsdesk export --format jsonl` writes (ids once each, fields equal);
2. /articles is walked again with limit=100, each page timed (the "100-row page" latency);
3. filtered pages (a source, a language, a date range) and full-text queries of words from very
   common to rare are timed, 20 times each.

The machine is shared and small (2 cores): run it under `nice` and read the p95 with that in mind.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 1, 1, tzinfo=UTC)
SOURCES = [(f"outlet_{n:02d}", f"Outlet {n}", country, language)
           for n, (country, language) in enumerate([("PK", "en"), ("IN", "en"), ("FR", "fr"), ("DE", "de"), ("GB", "en"),
                                                    ("US", "en"), ("CN", "zh"), ("RU", "ru"), ("EG", "ar"), ("INT", "en")] * 2)]
SYLLABLES = ["ka", "ro", "mi", "ta", "ne", "lu", "sa", "vo", "di", "pe", "zu", "ga", "ri", "no", "bel", "tor"]


def vocabulary(size: int = 3000) -> list[str]:
    rng = random.Random(7)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words, key=lambda w: (len(w), w))


def fill(engine, count: int, words: list[str], batch: int = 2000) -> float:
    """`count` articles over 20 sources; word frequencies follow Zipf's law (rank 1 very common)."""
    rng = random.Random(1)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    started = time.perf_counter()
    with engine.begin() as connection:
        for key, name, country, language in SOURCES:
            connection.execute(text(
                "INSERT INTO sources (key, name, country, language, discovery, enabled, created_at, updated_at) "
                "VALUES (:k, :n, :c, :l, 'feeds', true, :t, :t)"), {"k": key, "n": name, "c": country, "l": language, "t": T0})
        source_ids = dict(connection.execute(text("SELECT key, id FROM sources")).all())
    rows = []
    for n in range(count):
        key, _, _, language = SOURCES[n % len(SOURCES)]
        body = " ".join(rng.choices(words, weights, k=120))
        moment = T0 + timedelta(minutes=5 * n)
        rows.append({"s": source_ids[key], "u": f"https://{key}.example/{n}", "t": " ".join(rng.choices(words, weights, k=8)),
                     "p": moment if n % 50 else None, "l": language, "x": body, "h": f"{n:064x}", "f": moment})
        if len(rows) == batch or n == count - 1:
            with engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO articles (source_id, canonical_url, title, authors, published_at, language, text, "
                    "word_count, content_hash, first_seen_at, last_seen_at) "
                    "VALUES (:s, :u, :t, '[\"Staff\"]', :p, :l, :x, 120, :h, :f, :f)"), rows)
            rows = []
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - started


@contextmanager
def database(kind: str, postgres_server: str | None, workdir: Path):
    """A fresh, migrated database; yields (writer URL, reader URL or None)."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}", None
        return
    name = f"newsdesk_bench_api_{uuid.uuid4().hex[:8]}"
    role = f"{name}_reader"
    admin = make_engine(postgres_server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url, (role, make_url(url).set(username=role, password=None).render_as_string(hide_password=False))
    finally:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"') if connection.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar() else None
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()


def rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def stream_ndjson(client: httpx.Client) -> int:
    rows = 0
    with client.stream("GET", "/articles", headers={"Accept": "application/x-ndjson"}) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            rows += bool(line)
    return rows


@contextmanager
def server(env: dict):
    from newsdesk.samplenet.server import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "newsdesk", "serve", "--port", str(port)], cwd=ROOT,
                               env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    server.pid = process.pid
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise SystemExit(f"newsdesk serve exited: {process.stderr.read()}")
            try:
                httpx.get(base + "/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(20)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed_walk(client: httpx.Client, params: dict, limit: int, max_pages: int | None = None) -> tuple[list[dict], list[float]]:
    items, times, cursor = [], [], None
    while True:
        started = time.perf_counter()
        response = client.get("/articles", params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        times.append(time.perf_counter() - started)
        response.raise_for_status()
        body = response.json()
        items += body["items"]
        cursor = body["next"]
        if cursor is None or (max_pages and len(times) >= max_pages):
            return items, times


def export_records(env: dict) -> dict[int, dict]:
    done = subprocess.run([sys.executable, "-m", "newsdesk", "export", "--format", "jsonl"], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return {record["id"]: record for record in map(json.loads, done.stdout.splitlines())}


def summary(label: str, times: list[float]) -> dict:
    ms = [t * 1000 for t in times]
    return {"case": label, "requests": len(ms), "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(percentile(ms, 0.95), 1), "max_ms": round(max(ms), 1)}


def bench(kind: str, articles: int, postgres_server: str | None) -> dict:
    words = vocabulary()
    with tempfile.TemporaryDirectory() as tmp, database(kind, postgres_server, Path(tmp)) as (url, reader):
        env = {"DATABASE_URL": url, "NEWSDESK_CONFIG": str(Path(tmp) / "none.toml"), "NEWSDESK_DATA_DIR": tmp,
               "NEWSDESK_API_RATE_LIMIT": "off", "NEWSDESK_LOG_LEVEL": "WARNING"}
        engine = make_engine(url)
        migrate.upgrade(engine)
        fill_seconds = fill(engine, articles, words)
        if reader:
            from storage.access import grant_reader

            with engine.begin() as connection:
                grant_reader(connection, reader[0], tables=True)
            env["NEWSDESK_READER_DATABASE_URL"] = reader[1]
        engine.dispose()
        print(f"{kind}: {articles} articles filled in {fill_seconds:.0f} s", flush=True)
        result: dict = {"database": kind, "articles": articles, "fill_seconds": round(fill_seconds, 1), "latency": []}
        with server(env) as base, httpx.Client(base_url=base, timeout=120) as client:
            walked, _ = timed_walk(client, {}, 1000)
            exported = export_records(env)
            ids = [item["id"] for item in walked]
            by_id = {item["id"]: item for item in walked}
            result["walk"] = {
                "rows_walked": len(ids), "distinct": len(set(ids)), "rows_exported": len(exported),
                "missing": len(set(exported) - set(ids)), "extra": len(set(ids) - set(exported)),
                "fields_differ": sum(1 for i, record in exported.items() if by_id.get(i) != record),
            }
            print(f"  walk: {result['walk']}", flush=True)
            # NDJSON: the whole result in one response, in constant memory (the server's RSS is
            # read before and after streaming every row; a buffered response would grow by ~100 MB).
            before = rss_mb(server.pid)
            started = time.perf_counter()
            streamed = stream_ndjson(client)
            result["ndjson"] = {"rows": streamed, "seconds": round(time.perf_counter() - started, 1),
                                "server_rss_mb_before": round(before, 1), "server_rss_mb_after": round(rss_mb(server.pid), 1)}
            print(f"  ndjson: {result['ndjson']}", flush=True)
            _, page_times = timed_walk(client, {}, 100)
            result["latency"].append(summary("100-row page, whole walk", page_times))
            cases = {
                "100-row page, one source": {"source": "outlet_03"},
                "100-row page, language fr": {"language": "fr"},
                "100-row page, since/until a month": {"since": "2026-03-01", "until": "2026-04-01"},
            }
            for label, params in cases.items():
                times = []
                for _ in range(20):
                    times += timed_walk(client, params, 100, max_pages=1)[1]
                result["latency"].append(summary(label, times))
            for rank, label in ((1, "q: the commonest word"), (30, "q: a common word (rank 30)"),
                                (300, "q: a word of rank 300"), (2500, "q: a rare word (rank 2500)")):
                times = []
                for _ in range(20):
                    times += timed_walk(client, {"q": words[rank - 1]}, 100, max_pages=1)[1]
                result["latency"].append(summary(label, times))
            two = f"{words[9]} {words[199]}"
            times = []
            for _ in range(20):
                times += timed_walk(client, {"q": two}, 100, max_pages=1)[1]
            result["latency"].append(summary("q: two words (ranks 10, 200)", times))
        for row in result["latency"]:
            print(f"  {row['case']:<36} n={row['requests']:<5} p50 {row['p50_ms']:>7} ms  p95 {row['p95_ms']:>7} ms  "
                  f"max {row['max_ms']:>7} ms", flush=True)
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--postgres-url", default=os.environ.get("NEWSDESK_TEST_POSTGRES_URL", ""),
                        help="A PostgreSQL server to create the benchmark database on ('' = SQLite only).")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--json", type=Path, help="Write the results here too.")
    args = parser.parse_args(argv)
    results = []
    if not args.skip_sqlite:
        results.append(bench("sqlite", args.articles, None))
    if args.postgres_url:
        results.append(bench("postgresql", args.articles, args.postgres_url))
    else:
        print("postgresql: skipped (no --postgres-url and NEWSDESK_TEST_POSTGRES_URL is not set)")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "measured": datetime.now(UTC).isoformat()}, indent=1))
    ok = all(r["walk"]["missing"] == r["walk"]["extra"] == r["walk"]["fields_differ"] == 0
             and r["walk"]["rows_walked"] == r["walk"]["distinct"] == r["articles"] == r["ndjson"]["rows"]
             for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
