"""Soak: a 20,000-page crawl, watched for memory growth and file-descriptor leaks.

`newsdesk crawl --all` of the generated network (20 outlets x 1,000 articles) into SQLite, with
the crawl process tree sampled every second: its total RSS, the crawl process's own RSS, and its
open file descriptors, against pages fetched so far. Reported: peak RSS, the growth of RSS over
the second half of the crawl (RSS when the last page arrived vs RSS at the half-way page), and the
descriptors at the end vs the start of steady crawling.

    python -m bench.soak [--outlets 20] [--articles 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bench.throughput import CRAWL_ENV, start_network

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def crawl_process(parent: int) -> psutil.Process | None:
    try:
        for child in psutil.Process(parent).children(recursive=True):
            if "crawlers.runs.process" in " ".join(child.cmdline()):
                return child
    except psutil.Error:
        return None
    return None


def pages_so_far(database: Path) -> int:
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)
        value = con.execute("SELECT coalesce(sum(pages_fetched), 0) FROM v_crawl_runs").fetchone()[0]
        con.close()
        return int(value)
    except sqlite3.Error:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    total = args.outlets * args.articles
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-soak-"))
    database = workdir / "soak.db"
    server, _, sources = start_network(args.outlets, args.articles, workdir)
    env = {**os.environ, **CRAWL_ENV, "DATABASE_URL": f"sqlite:///{database}", "NEWSDESK_HEARTBEAT_SECONDS": "2",
           "NEWSDESK_DATA_DIR": str(workdir / "data"), "NEWSDESK_CONFIG": str(workdir / "absent.toml")}
    samples: list[dict] = []
    try:
        subprocess.run([PYTHON, "-m", "newsdesk", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.monotonic()
        cli = subprocess.Popen([PYTHON, "-m", "newsdesk", "crawl", "--all", "--sources", str(sources)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                crawl = crawl_process(cli.pid)
                if crawl is not None:
                    try:
                        tree = [crawl, *crawl.children(recursive=True)]
                        samples.append({"t": time.monotonic() - started, "pages": pages_so_far(database),
                                        "crawl_rss_mb": crawl.memory_info().rss / 2**20, "fds": crawl.num_fds(),
                                        "tree_rss_mb": sum(p.memory_info().rss for p in tree) / 2**20})
                    except psutil.Error:
                        pass
                time.sleep(1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, stderr = cli.communicate()
        stop.set()
        sampler.join()
        seconds = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)
    if cli.returncode != 0:
        raise SystemExit(f"soak crawl failed: {stderr[-2000:]}")
    crawling = [s for s in samples if s["pages"] > 0]
    steady = next(s for s in crawling if s["pages"] >= total * 0.05)
    half = next(s for s in crawling if s["pages"] >= total * 0.5)
    end = max(crawling, key=lambda s: (s["pages"], -s["t"]))  # first sample with the final page count
    end = next(s for s in crawling if s["pages"] == end["pages"])
    growth = (end["crawl_rss_mb"] - half["crawl_rss_mb"]) / half["crawl_rss_mb"]
    tree_growth = (end["tree_rss_mb"] - half["tree_rss_mb"]) / half["tree_rss_mb"]
    result = {
        "pages": end["pages"], "seconds": seconds, "pages_per_second": end["pages"] / seconds,
        "peak_tree_rss_mb": max(s["tree_rss_mb"] for s in samples), "peak_crawl_rss_mb": max(s["crawl_rss_mb"] for s in samples),
        "crawl_rss_half_mb": half["crawl_rss_mb"], "crawl_rss_end_mb": end["crawl_rss_mb"],
        "crawl_rss_growth_second_half": growth, "tree_rss_growth_second_half": tree_growth,
        "fds_steady": steady["fds"], "fds_end": end["fds"], "samples": len(samples),
    }
    print(f"soak: {result['pages']} pages in {seconds:.0f} s ({result['pages_per_second']:.1f} pages/s)")
    print(f"peak RSS: crawl process tree {result['peak_tree_rss_mb']:.0f} MB, crawl process {result['peak_crawl_rss_mb']:.0f} MB")
    print(f"RSS over the second half: crawl process {half['crawl_rss_mb']:.0f} -> {end['crawl_rss_mb']:.0f} MB "
          f"({growth:+.1%}); whole tree {tree_growth:+.1%}")
    print(f"open file descriptors of the crawl process: {steady['fds']} at 5% of the pages, {end['fds']} at the last page")
    if args.json:
        args.json.write_text(json.dumps({"result": result, "samples": samples}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
