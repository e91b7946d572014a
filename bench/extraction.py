"""Compare a candidate article extractor with plain trafilatura on the article-extraction benchmark.

Both run in this process on the same pages, interleaved page by page (alternating which goes
first), so that machine noise hits both equally; trafilatura's caches are emptied before every
call, and only the extraction calls are timed (one core). Prints F1/P/R, pages/s, the time ratio
candidate/baseline, the number of output lines that are a headline fragment, and the pages where
the candidate scores lower than the baseline.

A candidate is a function `(html: str, url: str | None) -> str | None` returning the body text.

Exit codes: 0 done, 1 the candidate cannot be loaded, 2 bad arguments or the data folder is
absent (the benchmark is skipped).

Example: python -m bench.extraction --candidate bench.extraction:plain_trafilatura --repeat 3

The baseline can be another extractor too: what the country tags cost extraction (issue 22) is
  python -m bench.extraction --baseline bench.extraction:extract_text_without_tags --repeat 3
(the same extraction with and without the tagger, page by page in one run).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib
import json
import os
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from bench.scoring import PageScore, Scores, aggregate, score_page
from compat.trafilatura import trafilatura_as_published
from pipelines.extraction.job import reset_library_caches as reset_caches

Extractor = Callable[[str, str | None], str | None]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The data is read where it lies, never copied into the repository.
DEFAULT_DATA = Path(
    os.environ.get(
        "NEWSDESK_BENCH_DATA",
        PROJECT_ROOT.parent / "shared" / "benchmarks" / "article-extraction",
    )
)
DEFAULT_CANDIDATE = "pipelines.extraction.extractor:extract_text"
DEFAULT_BASELINE = "bench.extraction:plain_trafilatura"
REGRESSION_MARGIN = 0.01
REGRESSIONS_SHOWN = 20


def plain_trafilatura(html: str, url: str | None = None) -> str | None:
    """The baseline: trafilatura's defaults without comments (the url changes nothing in text), with
    its own XPath expressions, not the faster ones our extraction installs in this process."""
    with trafilatura_as_published():
        return trafilatura.extract(html, include_comments=False)


def extract_text_without_tags(html: str, url: str | None = None) -> str | None:
    """Our extraction without its last step, the country and organisation tags (what they cost)."""
    from core.outcomes import Rejected
    from pipelines.extraction.extractor import extract_page

    try:
        return extract_page(html, url=url, min_text_chars=1, tags=False).text
    except Rejected:
        return None


@dataclass
class Page:
    id: str
    url: str
    html: str
    expected: str
    title: str | None = None


@dataclass
class Run:
    """One extractor's outputs (from the first repeat) and its total time over all repeats."""

    name: str
    extract: Extractor
    outputs: dict[str, str | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    seconds_per_repeat: list[float] = field(default_factory=list)


class BenchmarkError(Exception):
    """An expected problem, reported as one line with this exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def load_pages(data_dir: Path, limit: int | None = None) -> list[Page]:
    truth_file = data_dir / "ground-truth.json"
    if not truth_file.is_file():
        raise BenchmarkError(
            f"skipped: no benchmark data at {data_dir} (pass --data DIR or set NEWSDESK_BENCH_DATA)",
            exit_code=2,
        )
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        raw = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(
            Page(
                id=page_id,
                url=truth[page_id].get("url", ""),
                html=raw.decode("utf-8", errors="replace"),
                expected=truth[page_id].get("articleBody", ""),
            )
        )
    return pages


def load_candidate(spec: str) -> Extractor:
    module_name, _, func_name = spec.partition(":")
    if not module_name or not func_name:
        raise BenchmarkError(f"--candidate must look like MODULE:FUNC, got {spec!r}", exit_code=2)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise BenchmarkError(
                f"candidate {spec} does not exist yet (no module {exc.name}); "
                "write it or pass --candidate MODULE:FUNC",
                exit_code=1,
            ) from None
        raise BenchmarkError(f"cannot import candidate {spec}: {exc}", exit_code=1) from None
    except Exception as exc:  # a broken candidate module must not look like a broken harness
        raise BenchmarkError(
            f"cannot import candidate {spec}: {type(exc).__name__}: {exc}", exit_code=1
        ) from None
    func = getattr(module, func_name, None)
    if not callable(func):
        raise BenchmarkError(
            f"candidate {spec}: {module_name} has no function {func_name}", exit_code=1
        )
    return func


# Headline fragments: a line equal to the title, or the title with a short label glued on
# ("Title | World", "World News: Title", "Title My Country"). Labels are short; the headline
# part must be long enough that a bare site name or section word never counts as one.
_SEPARATORS = "|-–—:·•»«/\\~"
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
MAX_LABEL_WORDS = 4
MIN_HEADLINE_WORDS = 3


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


def _is_label(rest: str, glued_before: bool) -> bool:
    """True when `rest`, found before or after the headline, is only separators and a few words."""
    if not rest:
        return True
    boundary = rest[-1] if glued_before else rest[0]
    if not (boundary.isspace() or boundary in _SEPARATORS):
        return False  # "Title" + "town" is another word, not a label
    words = rest.strip(_SEPARATORS + " ").split()
    return len(words) <= MAX_LABEL_WORDS


def headline_fragment(line: str, title: str | None) -> str | None:
    """'equal' when the line is the title, 'variant' when it is the title plus a label, else None."""
    if not title:
        return None
    line, title = _normalise(line), _normalise(title)
    if not line:
        return None
    if line == title:
        return "equal"
    # Either side may carry the label: the body line ("Title | World") or the <title> ("Title | Site").
    for longer, shorter in ((line, title), (title, line)):
        if len(shorter.split()) < MIN_HEADLINE_WORDS:
            continue
        if longer.startswith(shorter) and _is_label(longer[len(shorter) :], glued_before=False):
            return "variant"
        if longer.endswith(shorter) and _is_label(longer[: -len(shorter)], glued_before=True):
            return "variant"
    return None


def count_headline_lines(text: str | None, title: str | None) -> int:
    return sum(1 for line in (text or "").splitlines() if headline_fragment(line, title))


def run_interleaved(pages: list[Page], runs: list[Run], repeat: int) -> None:
    for run in runs:  # untimed: one-off imports and lazy loading count for neither side
        with contextlib.suppress(Exception):  # the timed rounds record any error
            run.extract(pages[0].html, pages[0].url)
    for round_number in range(repeat):
        round_seconds = [0.0] * len(runs)
        for index, page in enumerate(pages):
            order = (
                range(len(runs)) if (index + round_number) % 2 == 0 else reversed(range(len(runs)))
            )
            for which in order:
                run = runs[which]
                # trafilatura's caches make a second extraction of the same page ~18% faster
                # (measured); a crawler meets each page once, so every call starts cold.
                reset_caches()
                start = time.perf_counter()
                try:
                    output = run.extract(page.html, page.url)
                except Exception as exc:  # one bad page must not end the benchmark
                    output = None
                    run.errors.setdefault(page.id, f"{type(exc).__name__}: {exc}")
                round_seconds[which] += time.perf_counter() - start
                if round_number == 0:
                    run.outputs[page.id] = output
        for run, seconds in zip(runs, round_seconds, strict=True):
            run.seconds_per_repeat.append(seconds)
            run.seconds += seconds


@dataclass
class Summary:
    scores: Scores
    per_page: dict[str, PageScore]
    pages_per_second: float
    headline_lines: int
    empty_outputs: int


def summarise(run: Run, pages: list[Page], repeat: int) -> Summary:
    per_page = {page.id: score_page(page.expected, run.outputs[page.id]) for page in pages}
    return Summary(
        scores=aggregate(list(per_page.values())),
        per_page=per_page,
        pages_per_second=len(pages) * repeat / run.seconds if run.seconds else float("inf"),
        headline_lines=sum(count_headline_lines(run.outputs[p.id], p.title) for p in pages),
        empty_outputs=sum(1 for p in pages if not (run.outputs[p.id] or "").strip()),
    )


def regressions(pages: list[Page], baseline: Summary, candidate: Summary) -> list[dict]:
    found = []
    for page in pages:
        before, after = baseline.per_page[page.id].f1, candidate.per_page[page.id].f1
        if after < before - REGRESSION_MARGIN:
            found.append(
                {"id": page.id, "url": page.url, "baseline_f1": before, "candidate_f1": after}
            )
    return sorted(found, key=lambda r: r["candidate_f1"] - r["baseline_f1"])


def print_report(data_dir, pages, repeat, runs, summaries, worse) -> None:
    print(f"article-extraction benchmark: {len(pages)} pages x {repeat} repeat(s) from {data_dir}")
    print()
    width = max(len(run.name) for run in runs)
    print(
        f"{'extractor':<{width}}  {'F1':>6} {'P':>6} {'R':>6}  {'pages/s':>8}  {'headline lines':>14}  {'empty':>5}"
    )
    for run, summary in zip(runs, summaries, strict=True):
        s = summary.scores
        print(
            f"{run.name:<{width}}  {s.f1:6.3f} {s.precision:6.3f} {s.recall:6.3f}  "
            f"{summary.pages_per_second:8.1f}  {summary.headline_lines:14d}  {summary.empty_outputs:5d}"
        )
    baseline, candidate = runs
    ratios = [
        c / b
        for b, c in zip(baseline.seconds_per_repeat, candidate.seconds_per_repeat, strict=True)
        if b
    ]
    spread = f" (per repeat {min(ratios):.3f}-{max(ratios):.3f})" if len(ratios) > 1 else ""
    print()
    print(f"time ratio candidate/baseline: {candidate.seconds / baseline.seconds:.3f}{spread}")
    for run in runs:
        if run.errors:
            page_id, message = next(iter(run.errors.items()))
            print(f"{run.name} raised on {len(run.errors)} page(s), first {page_id}: {message}")
    print()
    if not worse:
        print(f"regressions (candidate F1 lower by more than {REGRESSION_MARGIN}): none")
        return
    print(
        f"regressions (candidate F1 lower by more than {REGRESSION_MARGIN}): {len(worse)} page(s), worst first"
    )
    for row in worse[:REGRESSIONS_SHOWN]:
        print(
            f"  {row['baseline_f1']:.3f} -> {row['candidate_f1']:.3f}  {row['id'][:12]}  {row['url']}"
        )
    if len(worse) > REGRESSIONS_SHOWN:
        print(f"  ... and {len(worse) - REGRESSIONS_SHOWN} more (all of them in --json)")


def write_json(out: Path, pages, repeat, runs, summaries, worse) -> None:
    def side(run: Run, summary: Summary) -> dict:
        return {
            "name": run.name,
            "f1": summary.scores.f1,
            "precision": summary.scores.precision,
            "recall": summary.scores.recall,
            "seconds": run.seconds,
            "seconds_per_repeat": run.seconds_per_repeat,
            "pages_per_second": summary.pages_per_second,
            "headline_lines": summary.headline_lines,
            "empty_outputs": summary.empty_outputs,
            "errors": run.errors,
        }

    baseline, candidate = runs
    report = {
        "pages": len(pages),
        "repeat": repeat,
        "baseline": side(baseline, summaries[0]),
        "candidate": side(candidate, summaries[1]),
        "time_ratio": candidate.seconds / baseline.seconds if baseline.seconds else None,
        "regressions": worse,
        "per_page": [
            {
                "id": page.id,
                "url": page.url,
                "title": page.title,
                "baseline_f1": summaries[0].per_page[page.id].f1,
                "candidate_f1": summaries[1].per_page[page.id].f1,
                "baseline_output": baseline.outputs[page.id],
                "candidate_output": candidate.outputs[page.id],
            }
            for page in pages
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.extraction",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        metavar="DIR",
        help="benchmark folder (default: $NEWSDESK_BENCH_DATA or %(default)s)",
    )
    parser.add_argument(
        "--candidate",
        default=DEFAULT_CANDIDATE,
        metavar="MODULE:FUNC",
        help="the extractor to compare (default: %(default)s)",
    )
    parser.add_argument(
        "--baseline",
        default=DEFAULT_BASELINE,
        metavar="MODULE:FUNC",
        help="the extractor to compare with (default: %(default)s, plain trafilatura)",
    )
    parser.add_argument(
        "--limit", type=int, default=None, metavar="N", help="use only the first N pages (by id)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="R",
        help="time R rounds over the pages; scores come from the first",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="OUT",
        help="also write scores, outputs and regressions here",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--repeat and --limit must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        # Data first: without it the benchmark is skipped, whatever the candidate.
        pages = load_pages(args.data, args.limit)
        candidate = load_candidate(args.candidate)
        baseline = load_candidate(args.baseline)
    except BenchmarkError as exc:
        print(f"bench.extraction: {exc}", file=sys.stderr)
        return exc.exit_code
    for page in pages:  # outside the timing: only the headline check needs it
        page.title = trafilatura.extract_metadata(page.html).title
    baseline_name = ("baseline (plain trafilatura)" if args.baseline == DEFAULT_BASELINE
                     else f"baseline {args.baseline}")
    runs = [
        Run(baseline_name, baseline),
        Run(f"candidate {args.candidate}", candidate),
    ]
    run_interleaved(pages, runs, args.repeat)
    summaries = [summarise(run, pages, args.repeat) for run in runs]
    worse = regressions(pages, *summaries)
    print_report(args.data, pages, args.repeat, runs, summaries, worse)
    if args.json:
        write_json(args.json, pages, args.repeat, runs, summaries, worse)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
