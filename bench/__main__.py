"""Every benchmark of the project, one after the other: `python -m bench all` (`make bench`).

    python -m bench [all | extraction | tags | tagging | dedup | throughput | write_batching | distributed | soak | health | api]

Each prints its figures; bench/RESULTS.md records them with the command that produced them.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "extraction": ("bench.extraction", ["--repeat", "3"]),
    # What the country tags cost: extraction with and without them in one run, and the tagger alone.
    "tags": ("bench.extraction", ["--baseline", "bench.extraction:newsdesk_without_tags", "--repeat", "3"]),
    "tagging": ("bench.tagging", []),
    "dedup": ("bench.dedup", ["all"]),
    "throughput": ("bench.throughput", []),
    "write_batching": ("bench.write_batching", []),
    "distributed": ("bench.distributed", []),
    "soak": ("bench.soak", []),
    "health": ("bench.health", []),
    "api": ("bench.api", []),
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    chosen = list(BENCHMARKS) if not args or args[0] == "all" else args
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from: all, {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    worst = 0
    for name in chosen:
        module, default_args = BENCHMARKS[name]
        print(f"\n=== {name}: python -m {module} {' '.join(default_args)}", flush=True)
        code = importlib.import_module(module).main(default_args)
        worst = max(worst, code or 0)
    return worst


if __name__ == "__main__":
    sys.exit(main())
