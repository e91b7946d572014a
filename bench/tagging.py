"""Benchmark the country/organisation tagger: start-up cost, time per article, peak memory.

Runs in a fresh child process (so start-up and memory are a worker's, not this process's):
  - start-up: importing pipelines.tagging and loading the gazetteer (first call), and the resident
    memory that adds (ru_maxrss before and after, the worker's peak);
  - tagging: every gold article body of the WCXB development split (../shared/benchmarks/
    wcxb-dev-articles/ground-truth/*.json, read where it lies, never copied) with its title,
    --repeat times; the time of each tag() call: mean, median, p95, max, and per 10 KB of text.

Issue 22's budget: at most 10% of the ~10-20 ms extraction takes per page (so well under 1 ms per
typical article), and at most 30 MB more peak memory per worker.

Exit codes: 0 done, 2 the data folder is absent (the benchmark is skipped).

Example: python -m bench.tagging --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("NEWSDESK_BENCH_WCXB",
                                   PROJECT_ROOT.parent / "shared" / "benchmarks" / "wcxb-dev-articles"))


def _articles(data: Path, limit: int | None) -> list[tuple[str, str]]:
    articles = []
    for path in sorted((data / "ground-truth").glob("*.json"))[:limit]:
        truth = json.loads(path.read_text(encoding="utf-8")).get("ground_truth", {})
        if truth.get("main_content"):
            articles.append((truth.get("title") or "", truth["main_content"]))
    return articles


def _child(data: Path, repeat: int, limit: int | None) -> dict:
    """Runs in the fresh process: everything measured here."""
    articles = _articles(data, limit)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    from pipelines.tagging import tag

    tag("", "warm-up", language="en")  # the gazetteer loads on the first call
    startup = time.perf_counter() - started
    rss_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, cpu_times, sizes, tagged = [], [], [], 0
    for _ in range(repeat):
        for title, text in articles:
            t0, c0 = time.perf_counter(), time.thread_time()
            tags = tag(title, text, language="en")
            times.append(time.perf_counter() - t0)
            cpu_times.append(time.thread_time() - c0)
            sizes.append(len(text))
            tagged += bool(tags.countries)
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"articles": len(articles), "calls": len(times), "with_countries": tagged // max(repeat, 1),
            "startup_s": startup, "rss_before_mb": rss_before / 1024, "rss_loaded_mb": rss_after_load / 1024,
            "rss_end_mb": rss_end / 1024, "times": times, "cpu_times": cpu_times, "sizes": sizes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the WCXB development split")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the articles (default 3)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth").is_dir():
        print(f"tagging bench skipped: {args.data}/ground-truth is absent", file=sys.stderr)
        return 2
    if args.child:
        print(json.dumps(_child(args.data, args.repeat, args.limit)))
        return 0
    command = [sys.executable, "-m", "bench.tagging", "--child", "--data", str(args.data), "--repeat", str(args.repeat)]
    if args.limit:
        command += ["--limit", str(args.limit)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"tagging bench failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return 1
    result = json.loads(done.stdout)
    times_ms = sorted(t * 1000 for t in result["times"])
    per_10kb = 1000 * sum(result["times"]) / (sum(result["sizes"]) / 10_000)
    p95 = times_ms[int(0.95 * (len(times_ms) - 1))]
    print(f"tagging: {result['articles']} WCXB dev articles x {args.repeat} ({result['calls']} calls, "
          f"mean {statistics.mean(result['sizes']) / 1000:.1f} KB of text; {result['with_countries']} with a country)")
    print(f"  start-up (import + gazetteer load): {result['startup_s'] * 1000:.0f} ms")
    print(f"  peak RSS: {result['rss_before_mb']:.1f} MB before import, {result['rss_loaded_mb']:.1f} MB loaded "
          f"(+{result['rss_loaded_mb'] - result['rss_before_mb']:.1f} MB), {result['rss_end_mb']:.1f} MB after tagging")
    cpu_ms = sorted(t * 1000 for t in result["cpu_times"])
    print(f"  per article, wall: mean {statistics.mean(times_ms):.3f} ms, median {statistics.median(times_ms):.3f} ms, "
          f"p95 {p95:.3f} ms, max {times_ms[-1]:.3f} ms; {per_10kb:.3f} ms per 10 KB")
    print(f"  per article, CPU (this thread only, so other load on the machine does not count): "
          f"mean {statistics.mean(cpu_ms):.3f} ms, median {statistics.median(cpu_ms):.3f} ms, "
          f"p95 {cpu_ms[int(0.95 * (len(cpu_ms) - 1))]:.3f} ms, max {cpu_ms[-1]:.3f} ms")
    print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
