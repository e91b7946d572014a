"""`newsdesk demo-health`: simulated nights on a sample network, until sources break, offline."""

from __future__ import annotations

import typer

from core.masking import mask_secrets
from core.settings import get_settings
from newsdesk.cli.app import app, wide_console
from newsdesk.cli.demo import DEMO_ENV
from newsdesk.cli.health import health_rows, health_table
from storage import migrate
from storage.db import get_engine

# One outlet per fault; the sixth stays well, to show that only the broken ones turn red.
DEMO_FAULTS = {"nightly_a": "teaser", "nightly_b": "stale", "nightly_c": "no_dates", "nightly_d": "blocked",
               "nightly_e": "captcha"}


@app.command("demo-health")
def demo_health(
    nights: int = typer.Option(None, "--nights", min=1, help="Normal nights before the faults (default: the "
                               "minimum history, NEWSDESK_HEALTH_MIN_HISTORY, plus one)."),
) -> None:
    """Show source health going red: crawl simulated nights of a sample network, then break five outlets.

    Starts a nightly sample network (six outlets on 127.0.0.1 that publish every night), crawls it
    night after night into the configured database (the first nights are the `learning` history),
    then one night on which five outlets break: article pages become teasers, a feed goes stale,
    dates vanish, a 403 block, a captcha page served with 200. Prints the health table after the
    normal nights and after the broken one. Takes about 5 s a night.

    Example: `newsdesk demo-health`, then `newsdesk health --sources data/demo-health-sources.yaml`
    """
    from crawlers.runs import runner
    from newsdesk.samplenet.nights import FAULTS, NightlyNetwork

    settings = get_settings()
    normal_nights = nights or settings.health_min_history + 1
    engine = get_engine()
    migrate.upgrade(engine)
    console = wide_console()
    console.print(f"database: {mask_secrets(settings.resolved_database_url)}", markup=False, highlight=False)
    sources_path = settings.path(settings.data_dir) / "demo-health-sources.yaml"
    with NightlyNetwork(outlets=6) as network:
        network.write_sources(sources_path)

        def night(faults: dict[str, str] | None = None) -> None:
            network.next_night(faults)
            process = runner.launch(network.keys, trigger="demo", sources_path=sources_path, env=DEMO_ENV)
            runner.follow(process, timeout_seconds=settings.crawl_timeout_minutes * 60)
            verdicts = {run.spider: (run.health or {}).get("status", "-") for run in process.runs()}
            summary = ", ".join(f"{status} {sum(v == status for v in verdicts.values())}"
                                for status in ("ok", "learning", "warning", "failing") if status in verdicts.values())
            console.print(f"night {network.night}{' (faults)' if faults else ''}: {len(verdicts)} runs; "
                          f"health: {summary or 'not judged'}", markup=False, highlight=False)

        for _ in range(normal_nights):
            night()
        console.print(health_table(health_rows(sources_path), title=f"after {normal_nights} normal nights"))
        for key, fault in DEMO_FAULTS.items():
            console.print(f"breaking {key}: {FAULTS[fault]}", markup=False, highlight=False)
        night(DEMO_FAULTS)
        console.print(health_table(health_rows(sources_path), title="after the night the faults began"))
    console.print(f"next: `newsdesk health --sources {sources_path}`, `newsdesk runs --limit 12`; "
                  "alerts go to NEWSDESK_ALERT_URLS when set", markup=False, highlight=False)
