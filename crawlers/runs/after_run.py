"""After a run is closed: judge it, store the verdict with it, alert on a change. Never fails the run.

Called by whatever closes a run: the run recorder in the crawl process (after `finish_run`) and
the distributed coordinator. The verdict is committed before any alert is sent, so a slow or
broken alert channel cannot lose it.
"""

from __future__ import annotations

import logging

from crawlers.runs import alerts, health

logger = logging.getLogger(__name__)


def assess_finished_run(run_id: int) -> dict | None:
    """The run's verdict (None if it was not judged); alerts sent when the source's health changed."""
    from core.settings import get_settings
    from storage.db import session_factory
    from storage.models import CrawlRun

    try:
        settings = get_settings()
        with session_factory().begin() as session:
            verdict, previous = health.record_verdict(session, run_id, history_runs=settings.health_history_runs,
                                                      min_history=settings.health_min_history)
            source = session.get(CrawlRun, run_id).source.key if verdict is not None else None
    except Exception:  # noqa: BLE001 - health is advice about the run, never a reason to fail it
        logger.warning("health check of run %s failed", run_id, exc_info=True)
        return None
    if verdict is None:
        return None
    logger.info("run %s of %s: health %s%s", run_id, source, verdict["status"],
                "".join(f"; {f['check']}: {f['message']}" for f in verdict["findings"]))
    alert = alerts.alert_for(source, run_id, previous, verdict)
    urls = settings.alert_urls.split()
    if alert is not None and urls:
        alerts.send(alert, urls, timeout=settings.alert_timeout_seconds)
    return verdict
