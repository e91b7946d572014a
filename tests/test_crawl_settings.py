"""Every newsdesk setting is a Scrapy setting of the same name: `scrapy crawl KEY -s NEWSDESK_X=...`
reaches the components that use it, and the Scrapy settings derived from it follow."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from core.errors import UserError
from core.settings import Settings, from_scrapy, setting_env_name

# A value other than the default for every setting, written as it is on a command line.
OVERRIDES = {
    "database_url": "sqlite:////tmp/elsewhere.db", "data_dir": "/tmp/newsdesk-data", "raw_pages_per_article": "3",
    "raw_page_retention_days": "9", "change_log_retention_days": "14", "log_level": "DEBUG", "log_json": "1", "log_retention_days": "3",
    "sources": "/tmp/other-sources.yaml", "spider_modules": "crawlers.spiders,extra.spiders",
    "contact": "mailto:desk@example.org", "user_agent": "TestBot/1.0", "download_timeout": "11",
    "max_page_bytes": "65536", "concurrent_requests": "7", "concurrent_requests_per_domain": "2",
    "autothrottle": "0", "autothrottle_target_concurrency": "1.5", "download_delay": "1.25",
    "retry_times": "1", "retry_backoff_seconds": "0.5", "max_age_days": "3", "recheck_after_hours": "1",
    "recheck_window_days": "5", "allow_private_networks": "1", "crawl_timeout_minutes": "9",
    "max_requests_per_source": "77", "memory_limit_mb": "900", "min_text_chars": "900", "extract_workers": "0", "database_writers": "2", "dedup_threshold": "0.7",
    "dedup_min_words": "80", "dedup_revision_threshold": "0.95", "dedup_num_perm": "128", "dedup_bands": "32",
    "dedup_shingle_words": "4", "timezone": "Europe/Berlin", "nightly_cron": "30 3 * * *",
    "schedule_jitter_seconds": "5", "misfire_grace_minutes": "7", "shutdown_grace_seconds": "8", "scheduler_poll_seconds": "2",
    "heartbeat_seconds": "2", "stale_lock_minutes": "3", "redis_url": "redis://127.0.0.1:6399/1",
    "worker_idle_seconds": "15", "fingerprint_ttl_hours": "6", "health_history_runs": "20", "health_min_history": "3",
    "alert_urls": "json://127.0.0.1:9/alerts", "alert_timeout_seconds": "2",
    "reader_database_url": "sqlite:////tmp/reader.db", "operator_token": "s3cret", "api_rate_limit": "5/second",
}


ADDON = {"crawlers.addon.NewsdeskAddon": 0}  # as crawlers/settings.py declares it


def _project_settings_with(name: str, value: str) -> ScrapySettings:
    settings = get_project_settings().copy()
    settings.set(name, value, priority="cmdline")  # what `scrapy crawl ... -s NAME=VALUE` does
    return settings


def test_the_overrides_cover_every_setting():
    assert set(OVERRIDES) == set(Settings.model_fields)
    assert get_project_settings().getdict("ADDONS") == ADDON


@pytest.mark.parametrize("field", sorted(OVERRIDES))
def test_a_command_line_value_reaches_the_crawl_components(env, field):
    value = OVERRIDES[field]
    expected = getattr(Settings(**{field: value}), field)
    assert expected != Settings.model_fields[field].default
    seen = from_scrapy(_project_settings_with(setting_env_name(field), value))
    assert getattr(seen, field) == expected


def test_scrapy_settings_derived_from_newsdesk_ones_follow_an_override(env):
    crawler = get_crawler(settings_dict={"ADDONS": ADDON, "NEWSDESK_DOWNLOAD_DELAY": "1.25", "NEWSDESK_USER_AGENT": "TestBot/1.0",
                                         "NEWSDESK_CRAWL_TIMEOUT_MINUTES": "9", "NEWSDESK_MAX_PAGE_BYTES": "65536"})
    settings = crawler.settings
    assert settings.getfloat("DOWNLOAD_DELAY") == 1.25
    assert settings.get("USER_AGENT") == "TestBot/1.0"
    assert settings.getint("CLOSESPIDER_TIMEOUT") == 9 * 60
    assert (settings.getint("DOWNLOAD_MAXSIZE"), settings.getint("DOWNLOAD_WARNSIZE")) == (65536, 32768)


def test_an_explicit_scrapy_setting_still_wins_over_the_derived_one(env):
    crawler = get_crawler(settings_dict={"ADDONS": ADDON, "NEWSDESK_DOWNLOAD_DELAY": "1.25", "DOWNLOAD_DELAY": 4})
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 4


def test_a_bad_command_line_value_is_one_line_naming_the_setting(env):
    with pytest.raises(UserError) as raised:
        from_scrapy(_project_settings_with("NEWSDESK_DOWNLOAD_TIMEOUT", "soon"))
    assert str(raised.value).startswith("invalid setting NEWSDESK_DOWNLOAD_TIMEOUT = 'soon': ")
    assert "\n" not in str(raised.value)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this platform")
def test_extraction_workers_default_to_the_cores_the_process_may_use_not_the_hosts():
    # A crawl confined to one core (a container's cpuset, taskset) starts one worker, not one per host core.
    code = ("import os; os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
            "from core.settings import Settings; print(Settings().effective_extract_workers)")
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_EXTRACT_WORKERS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "1"
