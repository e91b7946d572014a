"""Serve a sample network from its own process (benchmarks, soak runs, manual exploration).

    python -m newsdesk.samplenet serve [--generated 10x500] [--sources-out FILE] [--delay SECONDS]

Prints one JSON line {"outlets": {key: base_url}, "sources": FILE} once it is listening, then
serves until SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsdesk.samplenet")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--generated", help="NxM: N generated outlets of M articles (default: the bundled network)")
    parser.add_argument("--sources-out", type=Path, help="write a sources file for the network here")
    parser.add_argument("--delay", type=float, default=0.0,
                        help="every article page answers after this many seconds (a slow site to stop a crawl on)")
    args = parser.parse_args(argv)
    if args.generated:
        from newsdesk.samplenet.generated import generated_network

        outlets, _, articles = args.generated.partition("x")
        network = generated_network(int(outlets), int(articles))
    else:
        from newsdesk.samplenet.server import sample_network

        network = sample_network()
    network.start()
    if args.delay:
        network.slow_down(args.delay)
    if args.sources_out:
        network.write_sources(args.sources_out)
    print(json.dumps({"outlets": network.base_urls, "sources": str(args.sources_out or "")}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    network.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
