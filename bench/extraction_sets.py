"""The page sets bench/extraction.py measures, read where they lie (never copied into the repository).

- `181`: the article-extraction benchmark (`../shared/benchmarks/article-extraction`): 181 pages,
  gold body only.
- `dev`: the WCXB development split's article pages (`../shared/benchmarks/wcxb-dev-articles`):
  711 pages with gold body, title, `with` and `without` snippets. It is split once and for all into
  `dev-tune` (about 75%, the pages one may read while developing) and `dev-held-out` (about 25%,
  only ever seen as totals): a page is held out when the first hex digit of
  sha256("newsdesk-held-out-v1:" + its file id) is 0-3. The split depends on nothing but the file
  name, so it is the same on every machine and for every future version of the set.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = PROJECT_ROOT.parent / "shared" / "benchmarks"
DEFAULT_181 = Path(os.environ.get("NEWSDESK_BENCH_DATA", BENCHMARKS / "article-extraction"))
DEFAULT_DEV = Path(os.environ.get("NEWSDESK_BENCH_DEV_DATA", BENCHMARKS / "wcxb-dev-articles"))

HELD_OUT_SALT = "newsdesk-held-out-v1:"
HELD_OUT_DIGITS = "0123"  # 4 of 16 hex digits: 25%
SET_181, SET_TUNE, SET_HELD_OUT = "181", "dev-tune", "dev-held-out"
SET_NAMES = (SET_181, SET_TUNE, SET_HELD_OUT)


@dataclass
class Page:
    set_name: str
    id: str
    url: str
    html: str
    expected: str
    title: str | None = None           # the gold title (dev set only)
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    metadata_title: str | None = None  # trafilatura's, for the headline-line count and the baseline's titles


class SetMissing(Exception):
    """A page set's folder is absent: that set is skipped, with this reason."""


def is_held_out(file_id: str) -> bool:
    return hashlib.sha256((HELD_OUT_SALT + file_id).encode()).hexdigest()[0] in HELD_OUT_DIGITS


def _html(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def load_181(data_dir: Path, limit: int | None = None) -> list[Page]:
    truth_file = data_dir / "ground-truth.json"
    if not truth_file.is_file():
        raise SetMissing(f"no benchmark data at {data_dir} (pass --data DIR or set NEWSDESK_BENCH_DATA)")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    return [
        Page(SET_181, page_id, truth[page_id].get("url", ""), _html(data_dir / "html" / f"{page_id}.html.gz"),
             truth[page_id].get("articleBody", ""))
        for page_id in sorted(truth)[:limit]
    ]


def load_dev(data_dir: Path, limit: int | None = None) -> list[Page]:
    """Both parts of the development set; `limit` takes the first N file ids (held-out ones included)."""
    truth_dir = data_dir / "ground-truth"
    if not truth_dir.is_dir():
        raise SetMissing(f"no development set at {data_dir} (pass --dev-data DIR or set NEWSDESK_BENCH_DEV_DATA)")
    pages = []
    for truth_file in sorted(truth_dir.glob("*.json"))[:limit]:
        record = json.loads(truth_file.read_text(encoding="utf-8"))
        file_id = truth_file.stem
        gold = record.get("ground_truth", {})
        pages.append(Page(
            SET_HELD_OUT if is_held_out(file_id) else SET_TUNE, file_id, record.get("url", ""),
            _html(data_dir / "html" / f"{file_id}.html.gz"), gold.get("main_content", ""),
            title=gold.get("title"), with_snippets=list(gold.get("with") or []),
            without_snippets=list(gold.get("without") or []),
        ))
    return pages
