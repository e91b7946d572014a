"""End-to-end throughput: newsdesk crawl vs one-core trafilatura vs trafilatura's command line.

One run, on this machine, against the generated sample network (N outlets x M articles, about
110 KB per page) served from a separate process on 127.0.0.1:

1. the network's speed, with wrk (so that the server is shown not to be the bottleneck);
2. plain `trafilatura.extract(html, include_comments=False)` on the same article pages, one
   process, one core (the pages are generated in-process, byte-identical to what is served),
   measured twice: before and after step 3. This VM's speed drifts by up to ±40% within minutes,
   so the crawl is compared with the mean of the two (its "1-core" rate), and the gap between
   them is printed as the drift the ratios carry;
3. `newsdesk crawl --all` of the network into a fresh SQLite database (dedup on): wall time,
   pages per second, CPU utilisation of the whole process tree (CLI, crawl, extraction
   workers), and its peak memory (the sum over the tree, sampled every 0.2 s);
4. trafilatura's own command line fetching and extracting the same URL list (`-i urls.txt
   --parallel 8`; its default politeness of 5 s between requests to one host and its blocking of
   loopback addresses are switched off in a config file, or it could not run here at all);
5. step 3 again into PostgreSQL, when --postgres-url (or NEWSDESK_TEST_POSTGRES_URL) is given.

With --real N the outlets serve real article pages instead (bench/page_server.py: the first N
pages of the extraction benchmark and the development set, over three outlets), and plain
trafilatura runs on the same pages in memory. Each crawl's start-up (from its command's start to
the first request the outlets answer: Python, Scrapy and the workers starting) is reported apart
from the crawl itself; pages/s are over the whole command, start-up included.

    python -m bench.throughput [--outlets 10] [--articles 500] [--skip-trafilatura-cli] [--json OUT]
    python -m bench.throughput --real 500 --skip-trafilatura-cli
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CRAWL_ENV = {
    # Politeness is for other people's servers; this one is ours, on loopback.
    "NEWSDESK_DOWNLOAD_DELAY": "0",
    "NEWSDESK_AUTOTHROTTLE": "false",
    "NEWSDESK_CONCURRENT_REQUESTS": "32",
    "NEWSDESK_CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "NEWSDESK_HEARTBEAT_SECONDS": "5",
    "NEWSDESK_LOG_LEVEL": "WARNING",
}


@dataclass
class Measured:
    name: str
    pages: int
    seconds: float
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    peak_process_rss_mb: dict = field(default_factory=dict)
    cpu_ms_per_page_by_process: dict = field(default_factory=dict)
    notes: str = ""
    stolen: float = 0.0  # share of the machine's CPU time the hypervisor took during the run
    startup: float | None = None  # crawls: seconds from the command's start to the first request

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def cpu_utilisation(self) -> float:
        return self.cpu_seconds / (self.seconds * (os.cpu_count() or 1)) if self.seconds else 0.0


def with_steal(run, *args) -> Measured:
    """`run(*args)`, with the share of CPU time stolen by the hypervisor meanwhile: this VM's speed
    drifts (plain trafilatura measured from 36 to 104 pages/s on different days and hours), and
    steal is the visible part of that drift."""
    before = psutil.cpu_times()
    result = run(*args)
    after = psutil.cpu_times()
    total = sum(after) - sum(before)
    result.stolen = (after.steal - before.steal) / total if total > 0 else 0.0
    return result


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class TreeMemory:
    """Peak memory of a process and all its descendants, summed, sampled every `interval` seconds.

    Two sums: RSS, which counts the pages of a shared library once per process that maps it (the
    issue's figure, and an overcount), and PSS, which splits shared pages among their processes
    (what the tree really takes from the machine).
    """

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval = pid, interval
        self.peak_total = 0.0
        self.peak_total_pss = 0.0
        self.peaks: dict[str, float] = {}
        self.cpu_seen: dict[int, tuple[str, float]] = {}  # pid -> (label, CPU seconds at the last look)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            total = total_pss = 0.0
            for process in processes:
                try:
                    memory = process.memory_full_info()
                    rss, pss = memory.rss / 2**20, getattr(memory, "pss", memory.rss) / 2**20
                    label = " ".join(process.cmdline()[1:4])[:60] or process.name()
                    cpu = process.cpu_times()
                    self.cpu_seen[process.pid] = (label, cpu.user + cpu.system)
                except psutil.Error:
                    continue
                total += rss
                total_pss += pss
                self.peaks[label] = max(self.peaks.get(label, 0.0), rss)
            self.peak_total = max(self.peak_total, total)
            self.peak_total_pss = max(self.peak_total_pss, total_pss)
            time.sleep(self.interval)

    @property
    def cpu_by_process(self) -> dict[str, float]:
        """CPU seconds per kind of process (summed over processes with the same label), as last
        sampled: up to `interval` short of the total, enough to see where the time goes."""
        totals: dict[str, float] = {}
        for label, seconds in self.cpu_seen.values():
            totals[label] = totals.get(label, 0.0) + seconds
        return totals


def start_network(outlets: int, articles: int, workdir: Path, *, real: int | None = None,
                  first_request_file: Path | None = None) -> tuple[subprocess.Popen, dict, Path]:
    """The outlets in a process of their own (bench/page_server.py): `outlets` x `articles`
    generated ones, or with `real` the first `real` real pages (0: all of them)."""
    sources = workdir / "sources.yaml"
    command = [PYTHON, "-m", "bench.page_server", "--sources-out", str(sources)]
    command += ["--real", str(real)] if real is not None else ["--generated", f"{outlets}x{articles}"]
    if first_request_file is not None:
        command += ["--first-request-file", str(first_request_file)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    if not line:
        raise SystemExit("the page server did not start (see its message above)")
    return server, json.loads(line)["outlets"], sources


def wrk(url: str) -> str:
    if not shutil.which("wrk"):
        return "wrk not installed (apt-get install wrk): server speed not measured"
    output = subprocess.run(["wrk", "-t2", "-c16", "-d5s", url], capture_output=True, text=True, timeout=60).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return f"{float(match.group(1)):.0f} requests/s (wrk -t2 -c16 -d5s, one article page)" if match else output


def plain_trafilatura(outlets: int, articles: int, base_urls: dict, when: str) -> Measured:
    import trafilatura

    from compat.trafilatura import trafilatura_as_published
    from newsdesk.samplenet.generated import GeneratedNetwork
    from pipelines.extraction.job import reset_library_caches as reset_caches

    network = GeneratedNetwork(outlets, articles)
    seconds, pages = 0.0, 0
    for key in network.keys:
        site = network.build(key, base_urls[key])
        for path, page in site.items():
            if not path.startswith("/news/"):
                continue
            html = page.body.decode("utf-8")
            with trafilatura_as_published():  # trafilatura as a user gets it
                started = time.perf_counter()
                trafilatura.extract(html, include_comments=False)
                seconds += time.perf_counter() - started
            pages += 1
        reset_caches()
    return Measured(f"plain trafilatura, one process, {when}", pages, seconds, cpu_seconds=seconds)


def plain_trafilatura_real(real: int, when: str) -> Measured:
    """Plain trafilatura on the real pages the outlets serve, in memory, one process."""
    import trafilatura

    from bench.page_server import real_pages
    from compat.trafilatura import trafilatura_as_published
    from pipelines.extraction.job import reset_library_caches as reset_caches

    seconds, pages = 0.0, 0
    for _, body in real_pages(real or None):
        html = body.decode("utf-8")
        with trafilatura_as_published():
            started = time.perf_counter()
            trafilatura.extract(html, include_comments=False)
            seconds += time.perf_counter() - started
        pages += 1
        if pages % 100 == 0:
            reset_caches()  # as the generated run does per outlet: a long run's caches are emptied now and then
    return Measured(f"plain trafilatura, one process, {when}", pages, seconds, cpu_seconds=seconds)


def one_core_baseline(runs: list[Measured]) -> Measured:
    """The plain runs bracketing the crawl, as one: their pages and seconds averaged."""
    pages, seconds = sum(r.pages for r in runs) / len(runs), sum(r.seconds for r in runs) / len(runs)
    rates = [r.pages_per_second for r in runs]
    drift = (max(rates) / min(rates) - 1) if min(rates) else 0.0
    return Measured("plain trafilatura, one process (mean)", int(pages), seconds, cpu_seconds=seconds,
                    stolen=sum(r.stolen for r in runs) / len(runs),
                    notes=f"extract(html, include_comments=False) on the same pages, pages in memory; "
                          f"mean of {len(runs)} runs ({', '.join(f'{rate:.1f}' for rate in rates)} pages/s: "
                          f"the machine drifted {drift:.0%} between them)")


def newsdesk_crawl(sources: Path, database_url: str, workdir: Path, label: str,
                   first_request_file: Path | None = None) -> Measured:
    env = {**os.environ, **CRAWL_ENV, "DATABASE_URL": database_url, "NEWSDESK_DATA_DIR": str(workdir / "data"),
           "NEWSDESK_CONFIG": str(workdir / "absent.toml")}
    subprocess.run([PYTHON, "-m", "newsdesk", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    if first_request_file is not None:
        first_request_file.unlink(missing_ok=True)
    cpu_before = children_cpu()
    started_at = time.time()  # wall clock: the page server writes the first request's time in it
    started = time.monotonic()
    process = subprocess.Popen([PYTHON, "-m", "newsdesk", "crawl", "--all", "--sources", str(sources)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with TreeMemory(process.pid) as memory:
        _, stderr = process.communicate()
    seconds = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"newsdesk crawl failed ({process.returncode}): {stderr[-2000:]}")
    totals = crawl_totals(database_url)
    startup = None
    if first_request_file is not None and first_request_file.exists():
        startup = float(first_request_file.read_text()) - started_at
    return Measured(label, totals["fetched"], seconds, children_cpu() - cpu_before, memory.peak_total,
                    memory.peak_total_pss, memory.peaks, per_page(memory.cpu_by_process, totals["fetched"]),
                    notes=f"{totals['stored']} articles stored, {totals['syndicated']} syndicated stories formed",
                    startup=startup)


def per_page(cpu_seconds: dict[str, float], pages: int) -> dict[str, float]:
    return {label: seconds * 1000 / pages for label, seconds in cpu_seconds.items()} if pages else {}


def crawl_totals(database_url: str) -> dict[str, int]:
    """What a benchmark crawl left in its database: pages fetched, articles, syndicated stories."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as connection:
        totals = {
            "stored": connection.execute(text("SELECT count(*) FROM articles")).scalar(),
            "fetched": connection.execute(text("SELECT coalesce(sum(pages_fetched), 0) FROM v_crawl_runs")).scalar(),
            "syndicated": connection.execute(text("SELECT count(*) FROM stories WHERE member_count > 1")).scalar(),
        }
    engine.dispose()
    return {name: int(value) for name, value in totals.items()}


def article_urls(base_urls: dict, outlets: int, articles: int, real: int | None) -> list[str]:
    """The URLs of the article pages the outlets serve."""
    if real is not None:
        from bench.page_server import REAL_OUTLETS, real_pages

        keys = [f"real{n}" for n in range(REAL_OUTLETS)]
        return [f"{base_urls[keys[n % REAL_OUTLETS]]}/articles/{page_id}.html"
                for n, (page_id, _) in enumerate(real_pages(real or None))]
    from newsdesk.samplenet.generated import GeneratedNetwork

    network = GeneratedNetwork(outlets, articles)
    return [f"{base_urls[key]}{path}" for key in network.keys for path in network.build(key, base_urls[key])
            if path.startswith("/news/")]


def trafilatura_cli(base_urls: dict, outlets: int, articles: int, workdir: Path, real: int | None = None) -> Measured:
    urls = workdir / "urls.txt"
    urls.write_text("".join(f"{url}\n" for url in article_urls(base_urls, outlets, articles, real)))
    config = workdir / "trafilatura.cfg"
    default = Path(__import__("trafilatura").__file__).parent / "settings.cfg"
    text = default.read_text()
    text = re.sub(r"(?m)^SLEEP_TIME = .*$", "SLEEP_TIME = 0", text)
    text = re.sub(r"(?m)^SSRF_PROTECTION = .*$", "SSRF_PROTECTION = off", text)
    config.write_text(text)
    out = workdir / "trafilatura-out"
    command = [str(Path(PYTHON).parent / "trafilatura"), "-i", str(urls), "-o", str(out), "--parallel", "8",
               "--no-comments", "--config-file", str(config)]
    cpu_before = children_cpu()
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with TreeMemory(process.pid) as memory:
        _, stderr = process.communicate()
    seconds = time.monotonic() - started
    written = sum(1 for _ in out.rglob("*.txt")) if out.exists() else 0
    return Measured("trafilatura command line", written, seconds, children_cpu() - cpu_before, memory.peak_total,
                    memory.peak_total_pss, memory.peaks, notes=f"-i urls.txt --parallel 8, SLEEP_TIME 0, SSRF_PROTECTION off; exit {process.returncode}")


def fresh_postgres(server_url: str) -> tuple[str, callable]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage.db import make_engine

    name = f"bench_throughput_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def report(results: list[Measured], server_speed: str, outlets: int, articles: int, real: int | None = None) -> str:
    baseline = next(r for r in results if r.name.endswith("(mean)"))
    pages = (f"real pages: {baseline.pages} (bench/page_server.py, three outlets)" if real is not None
             else f"network: {outlets} outlets x {articles} articles")
    lines = [f"{pages}; server: {server_speed}",
             f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB",
             "start-up: from the command's start to the first request; crawl: the rest; pages/s over both", "",
             f"{'run':44} {'pages':>6} {'seconds':>8} {'start-up':>8} {'crawl':>7} {'pages/s':>8} {'vs 1-core':>9} "
             f"{'CPU':>5} {'peak RSS':>9} {'peak PSS':>9} {'stolen':>7}"]
    for r in results:
        startup = f"{r.startup:7.2f}s" if r.startup is not None else f"{'-':>8}"
        crawl = f"{r.seconds - r.startup:6.1f}s" if r.startup is not None else f"{'-':>7}"
        lines.append(f"{r.name:44} {r.pages:6d} {r.seconds:8.1f} {startup} {crawl} {r.pages_per_second:8.1f} "
                     f"{r.pages_per_second / baseline.pages_per_second:8.2f}x {r.cpu_utilisation:5.0%} "
                     f"{r.peak_rss_mb:7.0f}MB {r.peak_pss_mb:7.0f}MB {r.stolen:7.1%}")
    for r in results:
        if r.notes:
            lines.append(f"  {r.name}: {r.notes}")
        for process, peak in sorted(r.peak_process_rss_mb.items(), key=lambda kv: -kv[1])[:4]:
            lines.append(f"    peak {peak:6.0f} MB  {process}")
        for process, ms in sorted(r.cpu_ms_per_page_by_process.items(), key=lambda kv: -kv[1])[:4]:
            lines.append(f"    CPU {ms:6.2f} ms/page  {process}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput")
    parser.add_argument("--outlets", type=int, default=10)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--real", type=int, metavar="N", default=None,
                        help="serve the first N real pages (the extraction page sets; 0: all) instead of generated ones")
    parser.add_argument("--postgres-url", default=os.environ.get("NEWSDESK_TEST_POSTGRES_URL"))
    parser.add_argument("--skip-trafilatura-cli", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    first_request = workdir / "first-request"
    server, base_urls, sources = start_network(args.outlets, args.articles, workdir, real=args.real,
                                               first_request_file=first_request)
    results: list[Measured] = []

    def plain(when: str) -> Measured:
        if args.real is not None:
            return with_steal(plain_trafilatura_real, args.real, when)
        return with_steal(plain_trafilatura, args.outlets, args.articles, base_urls, when)

    try:
        server_speed = wrk(article_urls(base_urls, min(args.outlets, 1), 1, args.real)[0])
        first_request.unlink(missing_ok=True)  # wrk's requests are not the crawl's
        plain_runs = [plain("before")]
        results.append(with_steal(newsdesk_crawl, sources, f"sqlite:///{workdir / 'bench.db'}", workdir,
                                  "newsdesk crawl, SQLite", first_request))
        plain_runs.append(plain("after"))
        results[:0] = [*plain_runs, one_core_baseline(plain_runs)]
        if not args.skip_trafilatura_cli:
            results.append(with_steal(trafilatura_cli, base_urls, args.outlets, args.articles, workdir, args.real))
        if args.postgres_url:
            url, drop = fresh_postgres(args.postgres_url)
            try:
                results.append(with_steal(newsdesk_crawl, sources, url, workdir, "newsdesk crawl, PostgreSQL",
                                          first_request))
            finally:
                drop()
    finally:
        server.terminate()
        server.wait(30)
    print(report(results, server_speed, args.outlets, args.articles, args.real))
    if args.json:
        args.json.write_text(json.dumps({"server": server_speed, "real": args.real, "results": [
            {**asdict(r), "pages_per_second": r.pages_per_second, "cpu_utilisation": r.cpu_utilisation} for r in results
        ]}, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0

if __name__ == "__main__":
    sys.exit(main())
