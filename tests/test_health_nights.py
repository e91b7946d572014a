"""Source health end to end: real crawls of a simulated network, night after night, until some outlets break.

Six outlets publish every night. Nine normal nights (the first three are the minimum history,
set low here to keep the test short, so `learning`; six more are judged: the issue's "no false
alarm over at least six normal nights"), then a night on which five outlets break in five ways, a
second night still broken, and a night on which they are repaired. The crawls are real crawl
processes (the path of `newsdesk crawl`), which judge each run as it closes and send alerts
through apprise to a webhook on 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field

import pytest

from newsdesk.samplenet.nights import NightlyNetwork
from tests.crawl_helpers import CrawlOutcome, crawl, crawl_environment
from tests.helpers.webhook import Webhook

pytestmark = pytest.mark.slow

NORMAL_NIGHTS = 9
MIN_HISTORY = 3  # the default is 5; the bands are the same statistics with less history
BROKEN = {"nightly_a": "teaser", "nightly_b": "stale", "nightly_c": "no_dates", "nightly_d": "blocked",
          "nightly_e": "captcha"}
# The check that must name each fault first.
EXPECTED_CHECK = {"teaser": "dropped_pages", "stale": "new_articles", "no_dates": "dates", "blocked": "blocked",
                  "captcha": "dropped_pages"}


@dataclass
class Night:
    outcome: CrawlOutcome
    alerts: list[tuple[float, str, dict]] = field(default_factory=list)

    def verdicts(self) -> dict[str, dict]:
        return {run.spider: run.health for run in self.outcome.runs}


@dataclass
class Simulation:
    normal: list[Night]
    broken: Night
    still_broken: Night
    repaired: Night
    health_after_broken: subprocess.CompletedProcess
    health_after_repair: subprocess.CompletedProcess
    runs_listing: str


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def simulation(tmp_path_factory) -> Simulation:
    tmp = tmp_path_factory.mktemp("nights")
    hook = Webhook()
    try:
        with crawl_environment(tmp, f"sqlite:///{tmp / 'newsdesk.db'}", NEWSDESK_ALERT_URLS=hook.url,
                               NEWSDESK_HEALTH_MIN_HISTORY=str(MIN_HISTORY)), \
                NightlyNetwork(outlets=6, per_night=6) as network:
            sources = network.write_sources(tmp / "sources.yaml")

            def night(faults=None) -> Night:
                network.next_night(faults)
                seen = len(hook.received)
                outcome = crawl(network.keys, sources)
                time.sleep(0.5)  # alerts are sent before the crawl process exits; this is only slack
                return Night(outcome, hook.received[seen:])

            normal = [night() for _ in range(NORMAL_NIGHTS)]
            broken = night(BROKEN)
            still_broken = night(BROKEN)
            health_after_broken = _cli("health", "--json", "--sources", str(sources))
            runs_listing = _cli("runs", "--limit", "6").stdout
            repaired = night()
            health_after_repair = _cli("health", "--json", "--sources", str(sources))
            return Simulation(normal, broken, still_broken, repaired, health_after_broken, health_after_repair,
                              runs_listing)
    finally:
        hook.close()


@pytest.mark.timeout(900)
def test_normal_nights_learn_then_stay_ok_without_a_single_alert(simulation):
    for number, night in enumerate(simulation.normal, start=1):
        statuses = {key: verdict["status"] for key, verdict in night.verdicts().items()}
        expected = "learning" if number <= MIN_HISTORY else "ok"
        assert set(statuses.values()) == {expected}, (number, night.verdicts())
        assert all(run.status == "succeeded" for run in night.outcome.runs)
    assert sum(len(night.alerts) for night in simulation.normal) == 0
    judged = simulation.normal[MIN_HISTORY:]
    assert len(judged) == NORMAL_NIGHTS - MIN_HISTORY and all(len(night.outcome.runs) == 6 for night in judged)


@pytest.mark.timeout(900)
def test_the_first_broken_night_flags_exactly_the_broken_outlets_with_the_right_check(simulation):
    verdicts = simulation.broken.verdicts()
    flagged = {key for key, verdict in verdicts.items() if verdict["status"] in ("warning", "failing")}
    assert flagged == set(BROKEN)
    assert verdicts["nightly_f"]["status"] == "ok" and verdicts["nightly_f"]["findings"] == []
    for key, fault in BROKEN.items():
        first = verdicts[key]["findings"][0]
        assert verdicts[key]["status"] == "failing" and first["check"] == EXPECTED_CHECK[fault], (key, verdicts[key])
        assert first["runs"] and first["message"]


@pytest.mark.timeout(900)
def test_each_broken_outlet_alerts_once_within_a_minute_and_once_more_when_it_recovers(simulation):
    runs = {run.spider: run for run in simulation.broken.outcome.runs}
    alerted = {}
    for received_at, _path, payload in simulation.broken.alerts:
        source = payload["title"].split()[1]
        assert source not in alerted, f"two alerts for {source}"
        alerted[source] = payload
        assert received_at - runs[source].finished_at.timestamp() < 60
        assert payload["title"] == f"newsdesk: {source} is failing (was ok)"
        assert f"{EXPECTED_CHECK[BROKEN[source]]}:" in payload["message"]
    assert set(alerted) == set(BROKEN)
    assert simulation.still_broken.alerts == []           # still broken: nothing new to say
    assert {key for key, v in simulation.still_broken.verdicts().items() if v["status"] == "failing"} == set(BROKEN)
    recovered = sorted(payload["title"] for _, _path, payload in simulation.repaired.alerts)
    assert recovered == sorted(f"newsdesk: {key} recovered (ok, was failing)" for key in BROKEN)
    assert {v["status"] for v in simulation.repaired.verdicts().values()} == {"ok"}


@pytest.mark.timeout(900)
def test_health_command_shows_the_broken_outlets_and_exits_1_until_they_recover(simulation):
    broken = simulation.health_after_broken
    assert broken.returncode == 1, broken.stderr
    rows = {row["source"]: row for row in json.loads(broken.stdout)}
    assert {key for key, row in rows.items() if row["status"] == "failing"} == set(BROKEN)
    assert rows["nightly_f"]["status"] == "ok"
    assert all({"check", "message"} <= set(f) for row in rows.values() for f in row["findings"])
    assert rows["nightly_d"]["findings"][0]["check"] == "blocked"
    repaired = simulation.health_after_repair
    assert repaired.returncode == 0, repaired.stdout
    assert {row["status"] for row in json.loads(repaired.stdout)} == {"ok"}
    assert "health" in simulation.runs_listing and "failing (blocked)" in simulation.runs_listing
