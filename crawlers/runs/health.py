"""Source health: is this run of a source far from that source's own usual runs?

Each finished run is compared with the same source's last `NEWSDESK_HEALTH_HISTORY_RUNS`
successful runs, from the run records and the articles stored (nothing else is kept, so nothing
can drift). For each measure the usual band is robust: the median of those runs, widened by 3.5
scaled median absolute deviations (the usual cut-off for outliers by modified z-score,
Iglewicz and Hoaglin) and never narrower than a tolerance of the check's own, because a source
that yielded exactly the same every night (MAD 0) must not alarm at the first small change.
Until the source has `NEWSDESK_HEALTH_MIN_HISTORY` successful runs nothing is judged: it is
`learning`. A run that failed outright (the run recorder's own verdict) is failing whatever the
history.

A verdict is {"status": ok | learning | warning | failing, "findings": [...], ...}; each finding
names its check, the value, the usual median, the limit crossed and the runs compared.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import utcnow
from crawlers.runs.measures import StoredArticles, run_measures, stored_articles
from storage.models import CrawlRun

STATUSES = ("ok", "learning", "warning", "failing")
SEVERITY_RANK = {"ok": 0, "learning": 1, "info": 1, "warning": 2, "failing": 3}
MODIFIED_Z_CUTOFF = 3.5
MAD_TO_SIGMA = 1.4826  # the MAD of a normal distribution times this is its standard deviation
# Below these a share is noise, and the run is not judged on it.
MIN_REQUESTS = 2
MIN_PAGES = 3
MIN_ARTICLES = 3
# A source that usually stores fewer new articles than this is not judged by its count.
MIN_USUAL_NEW = 2
# An empty run is news while fewer than this share of the compared runs were empty.
EMPTY_RUNS_RARE = 0.25


@dataclass(frozen=True)
class Check:
    """One measure judged against its band. Tolerances: the least distance from the median that
    gives a warning / a failing verdict, as a share of the median (relative) or an absolute share."""

    name: str
    measure: str
    worse: str          # "low" or "high": which way is broken
    label: str
    warn: float
    fail: float
    relative: bool
    percent: bool


# In order of diagnosis: a block or an error explains a drop in articles, not the other way round;
# the first finding of a verdict is the most direct cause found.
CHECKS = (
    Check("blocked", "blocked_share", "high", "requests blocked (401/403/429/451) or refused by robots.txt",
          warn=0.2, fail=0.5, relative=False, percent=True),
    Check("fetch_errors", "error_share", "high", "requests failed (5xx, network errors, feeds that were not XML)",
          warn=0.2, fail=0.5, relative=False, percent=True),
    Check("dropped_pages", "dropped_share", "high", "fetched pages dropped as too short / not an article / undecodable",
          warn=0.25, fail=0.5, relative=False, percent=True),
    Check("dates", "date_share", "low", "new articles with a publication date",
          warn=0.25, fail=0.5, relative=False, percent=True),
    Check("authors", "author_share", "low", "new articles with authors",
          warn=0.25, fail=0.5, relative=False, percent=True),
    Check("body_length", "mean_words", "low", "mean words per new article",
          warn=0.4, fail=0.7, relative=True, percent=False),
    Check("new_articles", "new_articles", "low", "new articles stored",
          warn=0.5, fail=0.9, relative=True, percent=False),
)


def measures_of(stats: dict, stored: StoredArticles) -> dict:
    """The judged values of one run; None where the run gives too little to judge."""
    counts = run_measures(stats)
    requests, pages = counts["requests"], counts["pages_fetched"]
    judged_articles = stored.count >= MIN_ARTICLES
    return {
        "new_articles": stored.count,
        "blocked_share": counts["blocked"] / requests if requests >= MIN_REQUESTS else None,
        "error_share": counts["failed"] / requests if requests >= MIN_REQUESTS else None,
        "dropped_share": counts["unusable"] / pages if pages >= MIN_PAGES else None,
        "date_share": stored.dated / stored.count if judged_articles else None,
        "author_share": stored.with_authors / stored.count if judged_articles else None,
        "mean_words": stored.mean_words if judged_articles else None,
        # For messages only.
        "_counts": counts,
        "_stored": stored,
    }


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 or abs(value) >= 100 else f"{value:.1f}"


def _runs_phrase(run_ids: Sequence[int]) -> str:
    return f"its last {len(run_ids)} successful runs (IDs {min(run_ids)} to {max(run_ids)})"


def _detail(check: Check, values: dict) -> str:
    """What the value is made of, so the operator sees the evidence and not only a ratio."""
    counts, stored = values["_counts"], values["_stored"]
    if check.name == "blocked":
        return f" ({counts['blocked']} of {counts['requests']} requests)"
    if check.name == "fetch_errors":
        return f" ({counts['failed']} of {counts['requests']} requests)"
    if check.name == "dropped_pages":
        reasons = ", ".join(f"{reason} {n}" for reason, n in counts["unusable_by_reason"].items())
        return f" ({counts['unusable']} of {counts['pages_fetched']} pages{': ' + reasons if reasons else ''})"
    if check.name == "dates":
        return f" ({stored.dated} of {stored.count})"
    if check.name == "authors":
        return f" ({stored.with_authors} of {stored.count})"
    return ""


def judge(check: Check, value: float | None, history: list[tuple[int, float]], values: dict) -> dict | None:
    """A finding when ``value`` is beyond the check's band over ``history`` [(run id, value)]."""
    if value is None or not history:
        return None
    usual = [v for _, v in history]
    run_ids = [run_id for run_id, _ in history]
    median = statistics.median(usual)
    spread = MAD_TO_SIGMA * statistics.median(abs(v - median) for v in usual)
    scale = median if check.relative else 1.0
    warn_width = max(MODIFIED_Z_CUTOFF * spread, check.warn * scale)
    fail_width = max(MODIFIED_Z_CUTOFF * spread, check.fail * scale)
    severity = None
    if check.worse == "low":
        if check.name == "new_articles" and median < MIN_USUAL_NEW:
            return None
        limit = median - warn_width
        if value < median - fail_width:
            severity = "failing"
        elif value < limit:
            severity = "warning"
        elif check.name == "new_articles" and value == 0 and sum(v == 0 for v in usual) < len(usual) * EMPTY_RUNS_RARE:
            # Nothing new from a source whose runs are rarely empty: the feed that answers with
            # nothing new. (The band alone cannot see it for small counts: a source storing about
            # five a night has a MAD of about one, and 3.5 scaled MADs reach below zero.)
            severity, limit = "failing", 1
    else:
        limit = median + warn_width
        if value > median + fail_width:
            severity = "failing"
        elif value > limit:
            severity = "warning"
    if severity is None:
        return None
    direction = "below" if check.worse == "low" else "above"
    message = (f"{check.label}: {_fmt(value, check.percent)}{_detail(check, values)}; usual "
               f"{_fmt(median, check.percent)} (range {_fmt(min(usual), check.percent)}-"
               f"{_fmt(max(usual), check.percent)}), alert {direction} {_fmt(max(limit, 0), check.percent)}, "
               f"over {_runs_phrase(run_ids)}")
    ceiling = 1.0 if check.percent else None
    floor = limit if check.worse == "low" and limit > median - warn_width else median - warn_width  # the empty-run rule
    band = [round(max(floor, 0.0), 4),
            round(min(median + warn_width, ceiling) if ceiling is not None else median + warn_width, 4)]
    return {"check": check.name, "severity": severity, "value": round(value, 4), "usual": round(median, 4),
            "band": band, "limit": round(limit, 4), "runs": run_ids, "message": message}


def _status_of(findings: list[dict], learning: bool) -> str:
    worst = max((SEVERITY_RANK[f["severity"]] for f in findings), default=0)
    if worst >= SEVERITY_RANK["failing"]:
        return "failing"
    if worst >= SEVERITY_RANK["warning"]:
        return "warning"
    return "learning" if learning else "ok"


def evaluate_run(session: Session, run_id: int, *, history_runs: int = 30, min_history: int = 5,
                 now: datetime | None = None) -> dict | None:
    """The verdict of a finished run, compared with its source's earlier successful runs.

    None for a run that is not finished, or was interrupted (its counters are partial and say
    nothing about the source).
    """
    run = session.get(CrawlRun, run_id)
    if run is None or run.status in ("running", "interrupted"):
        return None
    earlier = session.execute(
        select(CrawlRun.id, CrawlRun.stats)
        .where(CrawlRun.source_id == run.source_id, CrawlRun.status == "succeeded",
               CrawlRun.started_at < run.started_at, CrawlRun.id != run.id)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(history_runs)
    ).all()
    stored = stored_articles(session, [run.id, *(row.id for row in earlier)])
    values = measures_of(run.stats or {}, stored[run.id])
    findings: list[dict] = []
    learning = len(earlier) < min_history
    # A run stopped by its timeout has partial counters: its own finding says enough, and a slow
    # night on our side must not read as a source that yields less.
    if not learning and run.status in ("succeeded", "failed"):
        past = [(row.id, measures_of(row.stats or {}, stored[row.id])) for row in reversed(earlier)]
        for check in CHECKS:
            history = [(past_id, past_values[check.measure]) for past_id, past_values in past
                       if past_values[check.measure] is not None]
            if len(history) < min_history:
                continue  # this measure has too few comparable runs yet (e.g. runs that stored little)
            finding = judge(check, values[check.measure], history, values)
            if finding is not None:
                findings.append(finding)
    if run.status == "failed":
        findings.append({"check": "run_failed", "severity": "failing", "message": f"the run failed: {run.error or 'see its log'}"})
    elif run.status == "timeout":
        findings.append({"check": "run_timeout", "severity": "warning",
                         "message": f"the run was stopped by its timeout: {run.error or 'see its log'}"})
    findings.sort(key=lambda f: -SEVERITY_RANK[f["severity"]])  # stable: diagnosis order within a severity
    return {"status": _status_of(findings, learning), "findings": findings, "compared_runs": len(earlier),
            "evaluated_at": (now or utcnow()).isoformat(timespec="seconds")}


def record_verdict(session: Session, run_id: int, **options) -> tuple[dict | None, dict | None]:
    """Judge the run and store the verdict with it. Returns (verdict, the previous verdict of its
    source): the previous verdict is what makes this one a change or not (alerts.py)."""
    verdict = evaluate_run(session, run_id, **options)
    if verdict is None:
        return None, None
    run = session.get(CrawlRun, run_id)
    run.health = verdict
    previous = session.scalar(
        select(CrawlRun.health)
        .where(CrawlRun.source_id == run.source_id, CrawlRun.health.is_not(None),
               CrawlRun.started_at < run.started_at, CrawlRun.id != run.id)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(1)
    )
    session.flush()
    return verdict, previous
