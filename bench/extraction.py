"""Article extraction against plain trafilatura, on the 181-page benchmark and the development set.

One run measures every page set (bench/extraction_sets.py: `181`, `dev-tune`, `dev-held-out`).
Both extractors run in this process on the same pages, interleaved page by page (alternating which
goes first), so that machine noise hits both equally; trafilatura's caches are emptied before every
call, and only the extraction calls are timed (one core). Per set it prints:

- body F1/P/R (bench/scoring.py, the article-extraction benchmark's metric);
- `with` snippets found (share) and `without` snippets found (count; fewer is better), dev set only
  (bench/snippets.py says how a snippet is matched);
- titles exact (whitespace and typographic quotes aside), against the gold title (dev set only);
  plain trafilatura's title is its `extract_metadata(html).title` (not timed), and titles still
  carrying a raw HTML entity (`&quot;`) are counted;
- collapsed pages: the candidate's recall below 0.5 where trafilatura's is 0.9 or more (a page lost
  almost whole);
- output lines that are a headline fragment, empty outputs, and the time ratio candidate/plain;
- the pages where the candidate's F1 is lower than trafilatura's by more than 0.01.

The held-out part of the development set is reported as totals only: its pages, outputs and
regressions are not printed or written (unless --show-held-out), so that nobody tunes on them.

A candidate is a function `(html, url) -> text | None`, or one returning `(text, title)` or an
object with `.text` and `.title` (the article record). The baseline is plain trafilatura unless
--baseline names another extractor of the same kind: what the country tags cost extraction
(issue 22) is `--baseline bench.extraction:newsdesk_without_tags` (`python -m bench tags`).

Exit codes: 0 done, 1 the candidate cannot be loaded, 2 bad arguments or no page set is present
(the benchmark is skipped).

Example: python -m bench.extraction --repeat 3 --json /tmp/extraction.json
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from bench.extraction_sets import (
    DEFAULT_181,
    DEFAULT_DEV,
    SET_181,
    SET_HELD_OUT,
    SET_NAMES,
    SET_TUNE,
    Page,
    SetMissing,
    load_181,
    load_dev,
)
from bench.scoring import PageScore, Scores, aggregate, score_page
from bench.snippets import found, normalise
from compat.trafilatura import trafilatura_as_published
from pipelines.extraction.job import reset_library_caches as reset_caches

Extractor = Callable[[str, str | None], object]

DEFAULT_CANDIDATE = "bench.extraction:newsdesk"
REGRESSION_MARGIN = 0.01
REGRESSIONS_SHOWN = 20
COLLAPSED_RECALL, INTACT_RECALL = 0.5, 0.9
_RAW_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});")


def plain_trafilatura(html: str, url: str | None = None) -> str | None:
    """The baseline: trafilatura's defaults without comments (the url changes nothing in text), with
    its own XPath expressions, not the faster ones our extraction installs in this process."""
    with trafilatura_as_published():
        return trafilatura.extract(html, include_comments=False)


def newsdesk(html: str, url: str | None = None):
    """What `newsdesk extract` stores for the page (its article record), None when it refuses the page.
    The length floor is off: a short page scored empty would count against the cleaning twice."""
    from core.outcomes import Rejected
    from pipelines.extraction.extractor import extract_page

    try:
        return extract_page(html, url=url, min_text_chars=1)
    except Rejected:
        return None


def newsdesk_without_tags(html: str, url: str | None = None):
    """Our extraction without its last step, the country and organisation tags: as the baseline
    (--baseline bench.extraction:newsdesk_without_tags), the time ratio is what the tags cost."""
    from core.outcomes import Rejected
    from pipelines.extraction.extractor import extract_page

    try:
        return extract_page(html, url=url, min_text_chars=1, tags=False)
    except Rejected:
        return None


def text_and_title(output) -> tuple[str | None, str | None]:
    if output is None or isinstance(output, str):
        return output, None
    if isinstance(output, tuple):
        return output[0], output[1]
    return getattr(output, "text", None), getattr(output, "title", None)


@dataclass
class Run:
    """One extractor's outputs (from the first repeat) and its time per set over all repeats."""

    name: str
    extract: Extractor
    texts: dict[str, str | None] = field(default_factory=dict)
    titles: dict[str, str | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)          # by set
    seconds_per_repeat: list[float] = field(default_factory=list)    # all sets


class BenchmarkError(Exception):
    """An expected problem, reported as one line with this exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


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
                elapsed = time.perf_counter() - start
                round_seconds[which] += elapsed
                run.seconds[page.set_name] = run.seconds.get(page.set_name, 0.0) + elapsed
                if round_number == 0:
                    key = f"{page.set_name}/{page.id}"
                    run.texts[key], run.titles[key] = text_and_title(output)
        for run, seconds in zip(runs, round_seconds, strict=True):
            run.seconds_per_repeat.append(seconds)


@dataclass
class Summary:
    """One extractor on one set."""

    pages: int
    scores: Scores
    per_page: dict[str, PageScore]
    seconds: float
    headline_lines: int
    empty_outputs: int
    with_found: int
    with_total: int
    without_found: int
    without_total: int
    titles_exact: int
    titles_total: int
    titles_with_entities: int
    collapsed: list[str] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else float("inf")


def page_key(page: Page) -> str:
    return f"{page.set_name}/{page.id}"


def title_exact(found_title: str | None, gold: str | None) -> bool:
    return bool(found_title) and normalise(found_title) == normalise(gold or "")


def summarise(run: Run, pages: list[Page], repeat: int, titles: dict[str, str | None]) -> Summary:
    per_page = {page_key(p): score_page(p.expected, run.texts[page_key(p)]) for p in pages}
    with_gold = [p for p in pages if p.title]
    seconds = run.seconds.get(pages[0].set_name, 0.0) / repeat if pages else 0.0
    return Summary(
        pages=len(pages),
        scores=aggregate(list(per_page.values())),
        per_page=per_page,
        seconds=seconds,
        headline_lines=sum(count_headline_lines(run.texts[page_key(p)], p.metadata_title) for p in pages),
        empty_outputs=sum(1 for p in pages if not (run.texts[page_key(p)] or "").strip()),
        with_found=sum(found(p.with_snippets, run.texts[page_key(p)]) for p in pages),
        with_total=sum(len(p.with_snippets) for p in pages),
        without_found=sum(found(p.without_snippets, run.texts[page_key(p)]) for p in pages),
        without_total=sum(len(p.without_snippets) for p in pages),
        titles_exact=sum(title_exact(titles.get(page_key(p)), p.title) for p in with_gold),
        titles_total=len(with_gold),
        titles_with_entities=sum(bool(_RAW_ENTITY.search(titles.get(page_key(p)) or "")) for p in pages),
    )


def mark_collapsed(pages: list[Page], baseline: Summary, candidate: Summary) -> None:
    for page in pages:
        before, after = baseline.per_page[page_key(page)].recall, candidate.per_page[page_key(page)].recall
        if before is not None and before >= INTACT_RECALL and (after or 0.0) < COLLAPSED_RECALL:
            candidate.collapsed.append(page_key(page))


def regressions(pages: list[Page], baseline: Summary, candidate: Summary) -> list[dict]:
    found_rows = []
    for page in pages:
        before, after = baseline.per_page[page_key(page)].f1, candidate.per_page[page_key(page)].f1
        if after < before - REGRESSION_MARGIN:
            found_rows.append({"id": page_key(page), "url": page.url, "baseline_f1": before, "candidate_f1": after})
    return sorted(found_rows, key=lambda r: r["candidate_f1"] - r["baseline_f1"])


@dataclass
class SetResult:
    name: str
    pages: list[Page]
    baseline: Summary
    candidate: Summary
    worse: list[dict]

    @property
    def time_ratio(self) -> float | None:
        return self.candidate.seconds / self.baseline.seconds if self.baseline.seconds else None


def whole_development_set(results: list[SetResult]) -> tuple[int, Scores, Scores] | None:
    """Both parts of the development set as one (the issue's target is on the whole set): pages,
    plain's scores, newsdesk's; None unless both parts ran. Totals only: nothing of a held-out page."""
    parts = [r for r in results if r.name in (SET_TUNE, SET_HELD_OUT)]
    if len(parts) != 2:
        return None
    pages = sum(len(r.pages) for r in parts)
    return (pages, aggregate([score for r in parts for score in r.baseline.per_page.values()]),
            aggregate([score for r in parts for score in r.candidate.per_page.values()]))


def _share(part: int, total: int) -> str:
    return f"{part / total:6.1%}" if total else f"{'-':>6}"


def print_report(results: list[SetResult], runs: list[Run], repeat: int, show_held_out: bool) -> None:
    sizes = ", ".join(f"{r.name} {len(r.pages)}" for r in results)
    print(f"extraction benchmark: {sizes} pages; {repeat} repeat(s); one core, interleaved page by page")
    print()
    print(f"{'set':<13} {'extractor':<9} {'F1':>6} {'P':>6} {'R':>6} {'pages/s':>8} {'collapsed':>9} "
          f"{'with':>6} {'without':>9} {'titles':>11} {'entity':>6} {'headline':>8} {'empty':>5}")
    for result in results:
        for label, summary in (("plain", result.baseline), ("newsdesk", result.candidate)):
            s = summary.scores
            collapsed = f"{len(summary.collapsed):9d}" if label == "newsdesk" else f"{'-':>9}"
            without = f"{summary.without_found:4d}/{summary.without_total:<4d}" if summary.without_total else f"{'-':>9}"
            titles = (f"{summary.titles_exact:4d} {_share(summary.titles_exact, summary.titles_total)}"
                      if summary.titles_total else f"{'-':>11}")
            print(f"{result.name:<13} {label:<9} {s.f1:6.3f} {s.precision:6.3f} {s.recall:6.3f} "
                  f"{summary.pages_per_second:8.1f} {collapsed} {_share(summary.with_found, summary.with_total)} "
                  f"{without} {titles} {summary.titles_with_entities:6d} {summary.headline_lines:8d} "
                  f"{summary.empty_outputs:5d}")
    whole = whole_development_set(results)
    if whole:
        pages, plain, ours = whole
        print(f"development set, both parts ({pages} pages): F1 plain {plain.f1:.4f}, newsdesk {ours.f1:.4f} "
              f"({ours.f1 - plain.f1:+.4f})")
    print()
    total_base = sum(r.baseline.seconds for r in results)
    total_cand = sum(r.candidate.seconds for r in results)
    ratios = ", ".join(f"{r.name} {r.time_ratio:.3f}" for r in results if r.time_ratio is not None)
    baseline_run, candidate_run = runs
    per_repeat = [c / b for b, c in zip(baseline_run.seconds_per_repeat, candidate_run.seconds_per_repeat,
                                        strict=True) if b]
    spread = f" (per repeat {min(per_repeat):.3f}-{max(per_repeat):.3f})" if len(per_repeat) > 1 else ""
    print(f"time ratio newsdesk/plain: all {total_cand / total_base:.3f}{spread}; {ratios}")
    for run in runs:
        if run.errors:
            key, message = next(iter(run.errors.items()))
            print(f"{run.name} raised on {len(run.errors)} page(s), first {key}: {message}")
    for result in results:
        hidden = result.name == SET_HELD_OUT and not show_held_out
        print()
        collapsed = result.candidate.collapsed
        if collapsed and not hidden:
            print(f"{result.name}: collapsed pages: {', '.join(collapsed)}")
        if not result.worse:
            print(f"{result.name}: regressions (F1 lower by more than {REGRESSION_MARGIN}): none")
            continue
        print(f"{result.name}: regressions (F1 lower by more than {REGRESSION_MARGIN}): {len(result.worse)} page(s)"
              + (" (held out: not listed)" if hidden else ", worst first"))
        if hidden:
            continue
        for row in result.worse[:REGRESSIONS_SHOWN]:
            print(f"  {row['baseline_f1']:.3f} -> {row['candidate_f1']:.3f}  {row['id']}  {row['url']}")
        if len(result.worse) > REGRESSIONS_SHOWN:
            print(f"  ... and {len(result.worse) - REGRESSIONS_SHOWN} more (all of them in --json)")


def write_json(out: Path, results: list[SetResult], runs: list[Run], repeat: int, show_held_out: bool) -> None:
    baseline_run, candidate_run = runs

    def side(summary: Summary) -> dict:
        return {
            "f1": summary.scores.f1, "precision": summary.scores.precision, "recall": summary.scores.recall,
            "seconds": summary.seconds, "pages_per_second": summary.pages_per_second,
            "headline_lines": summary.headline_lines, "empty_outputs": summary.empty_outputs,
            "with_found": summary.with_found, "with_total": summary.with_total,
            "without_found": summary.without_found, "without_total": summary.without_total,
            "titles_exact": summary.titles_exact, "titles_total": summary.titles_total,
            "titles_with_entities": summary.titles_with_entities, "collapsed": len(summary.collapsed),
        }

    report: dict = {"repeat": repeat, "sets": {}}
    for result in results:
        hidden = result.name == SET_HELD_OUT and not show_held_out
        entry = {"pages": len(result.pages), "baseline": side(result.baseline),
                 "candidate": side(result.candidate), "time_ratio": result.time_ratio,
                 "regressions": len(result.worse) if hidden else result.worse}
        if not hidden:
            entry["collapsed_pages"] = result.candidate.collapsed
            entry["per_page"] = [
                {"id": page_key(p), "url": p.url, "gold_title": p.title,
                 "baseline_f1": result.baseline.per_page[page_key(p)].f1,
                 "candidate_f1": result.candidate.per_page[page_key(p)].f1,
                 "candidate_recall": result.candidate.per_page[page_key(p)].recall,
                 "baseline_title": p.metadata_title, "candidate_title": candidate_run.titles[page_key(p)],
                 "baseline_output": baseline_run.texts[page_key(p)],
                 "candidate_output": candidate_run.texts[page_key(p)]}
                for p in result.pages
            ]
        report["sets"][result.name] = entry
    whole = whole_development_set(results)
    if whole:
        pages, plain, ours = whole
        report["development_set"] = {"pages": pages, "baseline_f1": plain.f1, "candidate_f1": ours.f1}
    total_base = sum(r.baseline.seconds for r in results)
    report["time_ratio"] = sum(r.candidate.seconds for r in results) / total_base if total_base else None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_181, metavar="DIR",
                        help="the 181-page benchmark (default: $NEWSDESK_BENCH_DATA or %(default)s)")
    parser.add_argument("--dev-data", type=Path, default=DEFAULT_DEV, metavar="DIR",
                        help="the development set (default: $NEWSDESK_BENCH_DEV_DATA or %(default)s)")
    parser.add_argument("--sets", nargs="+", choices=SET_NAMES, default=list(SET_NAMES),
                        help="which sets to measure (default: all three)")
    parser.add_argument("--baseline", default=None, metavar="MODULE:FUNC",
                        help="compare with this extractor instead of plain trafilatura")
    parser.add_argument("--candidate", default=DEFAULT_CANDIDATE, metavar="MODULE:FUNC",
                        help="the extractor to compare (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="use only the first N pages of each folder (by id)")
    parser.add_argument("--repeat", type=int, default=1, metavar="R",
                        help="time R rounds over the pages; scores come from the first")
    parser.add_argument("--json", type=Path, default=None, metavar="OUT",
                        help="also write scores, outputs and regressions here")
    parser.add_argument("--show-held-out", action="store_true",
                        help="list the held-out part's pages too (for the final check only, never to tune)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--repeat and --limit must be at least 1")
    return args


def load_sets(args: argparse.Namespace) -> tuple[list[Page], list[str]]:
    pages: list[Page] = []
    skipped: list[str] = []
    if SET_181 in args.sets:
        try:
            pages += load_181(args.data, args.limit)
        except SetMissing as exc:
            skipped.append(f"181: {exc}")
    if set(args.sets) - {SET_181}:
        try:
            pages += [p for p in load_dev(args.dev_data, args.limit) if p.set_name in args.sets]
        except SetMissing as exc:
            skipped.append(f"dev: {exc}")
    return pages, skipped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pages, skipped = load_sets(args)
    for reason in skipped:
        print(f"bench.extraction: skipped {reason}", file=sys.stderr)
    if not pages:
        print("bench.extraction: skipped: no page set found", file=sys.stderr)
        return 2
    try:
        candidate = load_candidate(args.candidate)
        baseline = load_candidate(args.baseline) if args.baseline else plain_trafilatura
    except BenchmarkError as exc:
        print(f"bench.extraction: {exc}", file=sys.stderr)
        return exc.exit_code
    for page in pages:  # outside the timing: the headline check and the baseline's titles need it
        page.metadata_title = trafilatura.extract_metadata(page.html).title
    runs = [Run(f"baseline {args.baseline}" if args.baseline else "plain trafilatura", baseline),
            Run(f"candidate {args.candidate}", candidate)]
    run_interleaved(pages, runs, args.repeat)
    baseline_titles = runs[0].titles if args.baseline else {page_key(p): p.metadata_title for p in pages}
    results = []
    for name in SET_NAMES:
        members = [p for p in pages if p.set_name == name]
        if not members:
            continue
        baseline = summarise(runs[0], members, args.repeat, baseline_titles)
        candidate_summary = summarise(runs[1], members, args.repeat, runs[1].titles)
        mark_collapsed(members, baseline, candidate_summary)
        results.append(SetResult(name, members, baseline, candidate_summary,
                                 regressions(members, baseline, candidate_summary)))
    print_report(results, runs, args.repeat, args.show_held_out)
    if args.json:
        write_json(args.json, results, runs, args.repeat, args.show_held_out)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
