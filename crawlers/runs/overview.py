"""Per-source health for `newsdesk health`: the latest run's stored verdict, plus whether the source
is being run at all (never run, or not run for longer than its schedule says)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawlers.runs.health import SEVERITY_RANK
from crawlers.sources import SourceSpec
from storage.models import CrawlRun, Source

# Missed this many scheduled runs in a row: no longer a hiccup of the scheduler, the source is dark.
FAILING_AFTER_MISSED = 3


@dataclass
class SourceHealth:
    source: str
    status: str
    findings: list[dict] = field(default_factory=list)
    last_run: dict | None = None       # the latest run: id, status, started_at
    judged_run: int | None = None      # the run whose verdict is shown

    def as_json(self) -> dict:
        return {"source": self.source, "status": self.status, "findings": self.findings,
                "last_run": self.last_run, "judged_run": self.judged_run}


def missed_runs(cron: str, timezone: str, since: datetime, now: datetime, grace: timedelta) -> tuple[int, datetime | None]:
    """How many times the schedule came round after ``since`` more than ``grace`` before ``now``
    (counted up to FAILING_AFTER_MISSED), and when the first of those was due."""
    trigger = CronTrigger.from_crontab(cron, timezone=timezone)
    missed, first_due = 0, None
    moment = since + timedelta(seconds=1)  # a run started on the dot was that instant's run
    while missed < FAILING_AFTER_MISSED:
        due = trigger.get_next_fire_time(None, moment)
        if due is None or due + grace > now:
            break
        first_due = first_due or due
        missed += 1
        moment = due + timedelta(seconds=1)
    return missed, first_due


def _schedule_finding(spec: SourceSpec, cron: str, timezone: str, last_started: datetime | None,
                      created: datetime | None, now: datetime, grace: timedelta) -> dict | None:
    since = last_started or created
    if since is None:
        return {"check": "never_run", "severity": "info",
                "message": "never run yet (no crawl of it has been recorded)"}
    missed, first_due = missed_runs(cron, timezone, since, now, grace)
    if not missed:
        if last_started is None:
            return {"check": "never_run", "severity": "info",
                    "message": f"never run yet; its schedule ({cron}) has not come round since it was added"}
        return None
    severity = "failing" if missed >= FAILING_AFTER_MISSED else "warning"
    missed_text = f"{missed}+" if missed >= FAILING_AFTER_MISSED else str(missed)
    if last_started is None:
        what = f"never run since it was added ({created:%Y-%m-%d %H:%M} UTC)"
        check = "never_run"
    else:
        what = f"not run since {last_started:%Y-%m-%d %H:%M} UTC"
        check = "stale"
    return {"check": check, "severity": severity,
            "message": f"{what}: {missed_text} scheduled run(s) missed, the first due {first_due:%Y-%m-%d %H:%M} "
                       f"UTC (schedule {cron!r}, {timezone})", "missed": missed}


def source_health(session: Session, specs: list[SourceSpec], *, now: datetime, nightly_cron: str, timezone: str,
                  grace: timedelta, only: str | None = None) -> list[SourceHealth]:
    """One row per source: the enabled sources of the sources file, and any source with runs."""
    rows = {source.key: source for source in session.scalars(select(Source))}
    with_runs = set(session.scalars(select(Source.key).join(CrawlRun, CrawlRun.source_id == Source.id).distinct()))
    enabled = {spec.key: spec for spec in specs if spec.enabled}
    keys = sorted(set(enabled) | with_runs)
    if only is not None:
        keys = [key for key in keys if key == only]
    latest_started = dict(session.execute(
        select(CrawlRun.source_id, func.max(CrawlRun.started_at)).group_by(CrawlRun.source_id)).all())
    results = []
    for key in keys:
        source = rows.get(key)
        result = SourceHealth(key, "learning")
        if source is not None:
            last = session.scalars(select(CrawlRun).where(CrawlRun.source_id == source.id)
                                   .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(1)).first()
            judged = session.scalars(select(CrawlRun).where(CrawlRun.source_id == source.id, CrawlRun.health.is_not(None))
                                     .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(1)).first()
            if last is not None:
                result.last_run = {"id": last.id, "status": last.status,
                                   "started_at": last.started_at.isoformat(timespec="seconds")}
            if judged is not None and judged.health:
                result.status = judged.health.get("status", "learning")
                result.findings = list(judged.health.get("findings", []))
                result.judged_run = judged.id
        spec = enabled.get(key)
        if spec is not None:
            finding = _schedule_finding(spec, spec.schedule or nightly_cron, timezone,
                                        latest_started.get(source.id) if source else None,
                                        source.created_at if source else None, now, grace)
            if finding is not None:
                result.findings.insert(0, finding)
                if SEVERITY_RANK[finding["severity"]] > SEVERITY_RANK[result.status]:
                    result.status = finding["severity"] if finding["severity"] != "info" else result.status
        results.append(result)
    return results
