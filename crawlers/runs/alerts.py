"""Alerts: one message per source and change of its health, through apprise.

A change is read from the run records alone: this run's verdict against the previous verdict of
the same source (crawl_runs.health), so there is no alert state to keep or to lose. A source
that turns warning or failing (or goes from one to the other) is announced once; while it stays
so, nothing more is sent; when it is ok again, one message says it recovered.

Every URL of NEWSDESK_ALERT_URLS is notified (apprise: mailto://, slack://, matrix://, tgram://,
json://host/path, ...). Delivery runs in a thread that the run's end waits for at most
NEWSDESK_ALERT_TIMEOUT_SECONDS; a channel that fails or hangs is logged and the crawl goes on.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

logger = logging.getLogger(__name__)

BROKEN = ("warning", "failing")


@dataclass(frozen=True)
class Alert:
    source: str
    run_id: int
    kind: str          # "broken" or "recovered"
    status: str
    previous: str | None
    title: str
    body: str


def change(previous: dict | None, verdict: dict) -> str | None:
    """'broken' when the source turned warning/failing (or moved between the two), 'recovered'
    when it left them; None when nothing an operator needs to hear about changed."""
    new = verdict.get("status")
    old = (previous or {}).get("status")
    if new in BROKEN and new != old:
        return "broken"
    if new not in BROKEN and old in BROKEN:
        return "recovered"
    return None


def alert_for(source: str, run_id: int, previous: dict | None, verdict: dict) -> Alert | None:
    kind = change(previous, verdict)
    if kind is None:
        return None
    status, old = verdict["status"], (previous or {}).get("status")
    if kind == "broken":
        title = f"newsdesk: {source} is {status}" + (f" (was {old})" if old else "")
        lines = [f"- [{f['severity']}] {f['check']}: {f['message']}" for f in verdict.get("findings", [])]
        body = f"Run {run_id} of {source} is {status}:\n" + "\n".join(lines)
    else:
        title = f"newsdesk: {source} recovered ({status}, was {old})"
        body = f"Run {run_id} of {source} is {status}: no check is outside its usual band any more."
    body += f"\n\nDetails: newsdesk health --source {source}; newsdesk runs show {run_id}"
    return Alert(source, run_id, kind, status, old, title, body)


def _notify_type(alert: Alert) -> str:
    return {"failing": "failure", "warning": "warning"}.get(alert.status, "success")


def _masked(url: str) -> str:
    return url.split("://", 1)[0] + "://***"


def send(alert: Alert, urls: list[str], *, timeout: float) -> bool:
    """Deliver ``alert`` to every URL; True when every channel took it within ``timeout`` seconds.
    Never raises: a bad URL, a channel down or a hang is logged."""
    if not urls:
        return False
    outcome: dict[str, bool] = {}

    def deliver() -> None:
        try:
            import apprise

            notifier = apprise.Apprise()
            accepted = [url for url in urls if notifier.add(url)]
            for url in set(urls) - set(accepted):
                logger.warning("alert URL %s is not one apprise understands: skipped", _masked(url))
            if accepted:
                outcome["delivered"] = bool(notifier.notify(title=alert.title, body=alert.body,
                                                            notify_type=_notify_type(alert)))
                outcome["all_urls"] = len(accepted) == len(urls)
        except Exception:  # noqa: BLE001 - an alert channel must never take the crawl down
            logger.warning("sending the alert for %s failed", alert.source, exc_info=True)

    thread = threading.Thread(target=deliver, name=f"alert-{alert.source}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        logger.warning("alert for %s not delivered within %.0f s (NEWSDESK_ALERT_TIMEOUT_SECONDS); going on",
                       alert.source, timeout)
        return False
    if not outcome.get("delivered"):
        logger.warning("alert for %s (%s) could not be delivered to every channel", alert.source, alert.kind)
        return False
    logger.info("alert sent for %s: %s", alert.source, alert.title)
    return outcome.get("all_urls", False)
