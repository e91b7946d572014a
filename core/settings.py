"""The one settings module: read by the CLI, the Scrapy settings, Alembic and the scheduler.

Values come, highest priority first, from environment variables (``NEWSDESK_<NAME>``, plus the
conventional ``DATABASE_URL``), then from ``newsdesk.toml`` in the project root (or the file named
by ``NEWSDESK_CONFIG``), then from the defaults below.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.errors import UserError
from core.masking import mask_secrets

# The source tree is installed in editable mode, so this package's parent is the project root.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    """The installed newsdesk's version (pyproject.toml is the one place it is written)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("newsdesk")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def config_file_path() -> Path:
    return Path(os.environ.get("NEWSDESK_CONFIG", PROJECT_ROOT / "newsdesk.toml"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_",
        extra="forbid",
        validate_default=True,
        populate_by_name=True,
    )

    # --- storage -------------------------------------------------------------------------------
    database_url: str = Field(
        default="sqlite:///data/newsdesk.db",
        validation_alias=AliasChoices("DATABASE_URL", "NEWSDESK_DATABASE_URL", "database_url"),
        description="SQLAlchemy URL. Relative SQLite paths are relative to the project root.",
    )
    data_dir: Path = Field(default=Path("data"), description="Logs, demo files and the default database.")
    raw_pages_per_article: int = Field(default=2, ge=1, description="Fetched HTML copies kept per article.")
    raw_page_retention_days: int = Field(default=180, ge=0, description="Older raw pages are pruned; 0 keeps them forever.")
    change_log_retention_days: int = Field(default=90, ge=0, description="Older changes leave the change feed (GET /changes) at the end of a crawl; 0 keeps them forever.")

    # --- logging -------------------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(default="INFO", description="Level of run logs and long-running commands.")
    log_json: bool = Field(default=False, description="Write run logs as JSON lines.")
    log_retention_days: int = Field(default=30, ge=0, description="Run log files older than this are deleted; 0 keeps them.")

    # --- crawling ------------------------------------------------------------------------------
    sources: Path = Field(default=Path("crawlers/sources.yaml"), description="The sources file (YAML).")
    spider_modules: str = Field(default="crawlers.spiders", description="Comma-separated packages with hand-written spiders (sources' `kind:`).")
    contact: str = Field(default="https://github.com/newsdesk/newsdesk", description="Where site owners can reach the operator.")
    user_agent: str = Field(default="", description="Full User-Agent; by default built from the version and `contact`.")
    download_timeout: int = Field(default=30, ge=1, le=600, description="Seconds before a request is given up (then retried).")
    max_page_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, description="Pages larger than this are refused.")
    concurrent_requests: int = Field(default=32, ge=1, description="Downloads at once, all sites of a crawl process together.")
    concurrent_requests_per_domain: int = Field(default=4, ge=1, description="Downloads at once from one site.")
    autothrottle: bool = Field(default=True, description="Adapt the delay to each site's response times (off only for benchmarks on loopback).")
    autothrottle_target_concurrency: float = Field(default=2.0, gt=0, description="AutoThrottle aims at this many requests in flight per site.")
    download_delay: float = Field(default=0.25, ge=0, description="Base delay between requests to one domain, seconds.")
    retry_times: int = Field(default=3, ge=0, le=10, description="Retries of a failed request (5xx, 429, timeouts).")
    retry_backoff_seconds: float = Field(default=2.0, ge=0, description="Wait before the first retry; doubled each time.")
    max_age_days: int = Field(default=7, ge=1, description="A first crawl takes only articles newer than this.")
    recheck_after_hours: float = Field(default=6, ge=0, description="A stored article is fetched again at most this often ...")
    recheck_window_days: float = Field(default=2, ge=0, description="... and only while it is younger than this.")
    allow_private_networks: bool = Field(default=False, description="Allow fetching loopback/private addresses (tests, demo).")
    crawl_timeout_minutes: float = Field(default=120, gt=0, description="A crawl running longer is stopped and marked `timeout`.")
    max_requests_per_source: int = Field(default=5000, ge=1, description="Article requests one source may make in one run (feeds, sitemaps and sections together).")
    memory_limit_mb: int = Field(default=1536, ge=0, description="A crawl process growing past this (resident, MB) stops its crawls (`failed`, memusage_exceeded); 0 = no ceiling.")

    # --- extraction ----------------------------------------------------------------------------
    min_text_chars: int = Field(default=250, ge=1, description="Shorter bodies are dropped as `too_short`.")
    extract_workers: int | None = Field(default=None, ge=0, description="Extraction processes; unset = one per CPU core the process may use (a container's or taskset's limit counts); 0 = extract in the crawl process itself (one-core machines, one distributed worker per core).")
    database_writers: int | None = Field(default=None, ge=1, le=32, description="Threads of a crawl process that store articles; unset = 1 on SQLite (it takes one writer at a time), 4 on PostgreSQL (each waits on its round trips and commit).")

    # --- deduplication -------------------------------------------------------------------------
    dedup_threshold: float = Field(default=0.5, gt=0, le=1, description="A copy from another source joins a story from this similarity (estimated share of the shorter text's word shingles found in the longer).")
    dedup_min_words: int = Field(default=120, ge=1, description="Bodies shorter than this (briefs) are only merged as exact copies.")
    dedup_revision_threshold: float = Field(default=0.9, gt=0, le=1, description="Same-source similarity above which a new URL is the same article (slug changed).")
    dedup_num_perm: int = Field(default=256, ge=16, le=1024, description="MinHash permutations per signature.")
    dedup_bands: int = Field(default=64, ge=1, description="LSH bands; must divide dedup_num_perm.")
    dedup_shingle_words: int = Field(default=5, ge=1, le=20, description="Words per shingle.")

    # --- scheduler -----------------------------------------------------------------------------
    timezone: str = Field(default="UTC", description="Time zone of cron expressions.")
    nightly_cron: str = Field(default="0 2 * * *", description="When all enabled sources are crawled.")
    schedule_jitter_seconds: int = Field(default=300, ge=0, description="Scheduled crawls start up to this much later, at random, to spread load.")
    misfire_grace_minutes: int = Field(default=60, ge=0, description="A scheduled crawl missed by up to this much (scheduler down) still runs.")
    shutdown_grace_seconds: int = Field(default=60, ge=0, description="On SIGTERM or timeout, running crawls get this long to close cleanly.")
    scheduler_poll_seconds: float = Field(default=10, gt=0, le=3600, description="How often the scheduler looks for crawls other processes queued (`schedule run-now`).")
    heartbeat_seconds: float = Field(default=5, gt=0, description="How often a running crawl saves its counters and says it is alive.")
    stale_lock_minutes: float = Field(default=5, gt=0, description="A running crawl silent for this long has died.")

    # --- distributed ---------------------------------------------------------------------------
    redis_url: str | None = Field(default=None, description="Turns on scrapy-redis scheduling.")
    worker_idle_seconds: int = Field(default=60, ge=10, description="A worker closes after this long with an empty queue (longer than the 8 s it takes to notice a dead worker, so survivors are there to take its work).")
    fingerprint_ttl_hours: float = Field(default=48, gt=0, description="Redis request fingerprints of a run expire after this.")

    # --- source health and alerts --------------------------------------------------------------
    health_history_runs: int = Field(default=30, ge=3, le=1000, description="A run is compared with its source's last this many successful runs.")
    health_min_history: int = Field(default=5, ge=2, description="Successful runs a source needs before its runs are judged (until then it is `learning`).")
    alert_urls: str = Field(default="", description="Space-separated apprise URLs notified when a source turns warning/failing and when it recovers (mailto://, slack://, matrix://, json://host/path ...).")
    alert_timeout_seconds: float = Field(default=10, gt=0, le=300, description="Longest a run's end waits for its alerts to be delivered.")

    # --- newsdesk serve (newsdesk/api) ---------------------------------------------------------
    reader_database_url: str | None = Field(default=None, description="The URL `newsdesk serve` reads through: on PostgreSQL a reader role (`newsdesk db grant-reader NAME --tables`), required there; on SQLite unset = DATABASE_URL's file, opened read-only.")
    operator_token: str | None = Field(default=None, description="Lets operators sign in on the operator page and start crawls; unset = no crawl button, and the endpoint answers 403.")
    api_rate_limit: str = Field(default="600/minute", description="Requests per client address (limits syntax, several separated by `;`: `20/second;600/minute`), `off` for none.")

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL (expected e.g. sqlite:///data/newsdesk.db or postgresql+psycopg://user@host/db)") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {url.get_backend_name()!r} (use sqlite or postgresql)")
        return value

    @field_validator("reader_database_url")
    @classmethod
    def _check_reader_database_url(cls, value: str | None) -> str | None:
        return None if not value else cls._check_database_url(value)

    @field_validator("api_rate_limit")
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        if value.strip().lower() in ("off", "0", ""):
            return "off"
        if value == cls.model_fields["api_rate_limit"].default:
            return value  # known good: every process builds its settings, only the API needs `limits`
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError("not a rate limit (expected e.g. 600/minute or 20/second;600/minute, or off)") from None
        return value

    @model_validator(mode="after")
    def _check_bands(self) -> Settings:
        if self.dedup_num_perm % self.dedup_bands:
            raise ValueError(f"dedup_bands ({self.dedup_bands}) must divide dedup_num_perm ({self.dedup_num_perm})")
        return self

    @model_validator(mode="after")
    def _check_health_history(self) -> Settings:
        if self.health_min_history > self.health_history_runs:
            raise ValueError(f"health_min_history ({self.health_min_history}) must not exceed health_history_runs ({self.health_history_runs})")
        return self

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)") from None
        return value

    @field_validator("nightly_cron")
    @classmethod
    def _check_cron(cls, value: str) -> str:
        if value == cls.model_fields["nightly_cron"].default:
            return value  # known good: only the scheduler needs APScheduler's parser
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a crontab expression ({exc})") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file_path()),
        )

    # --- derived values ------------------------------------------------------------------------
    def path(self, value: Path) -> Path:
        """A configured path, made absolute against the project root."""
        return value if value.is_absolute() else PROJECT_ROOT / value

    @property
    def resolved_database_url(self) -> str:
        """The database URL with a relative SQLite path anchored at the project root.

        Anchoring (rather than using the working directory) means the scheduler, cron jobs and
        operators in other directories all reach the same database file.
        """
        url = make_url(self.database_url)
        database = url.database or ""
        relative_file = database not in ("", ":memory:") and not database.startswith("file:") and not Path(database).is_absolute()
        if url.get_backend_name() == "sqlite" and relative_file:
            url = url.set(database=str(PROJECT_ROOT / database))
        return url.render_as_string(hide_password=False)

    @property
    def sources_path(self) -> Path:
        return self.path(self.sources)

    @property
    def log_path(self) -> Path:
        return self.path(self.data_dir) / "logs"

    @property
    def effective_user_agent(self) -> str:
        if self.user_agent:
            return self.user_agent
        return f"newsdesk/{version()} (foreign-affairs news archive; +{self.contact})"

    @property
    def effective_database_writers(self) -> int:
        if self.database_writers is not None:
            return self.database_writers
        return 1 if make_url(self.database_url).get_backend_name() == "sqlite" else 4

    @property
    def effective_extract_workers(self) -> int:
        return self.extract_workers if self.extract_workers is not None else usable_cores()


_ENV_NAMES = {"database_url": "DATABASE_URL"}


def setting_env_name(field: str) -> str:
    return _ENV_NAMES.get(field, f"NEWSDESK_{field.upper()}")


def _describe_error(exc: ValidationError, scrapy: bool = False) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else "?"
    field = {"DATABASE_URL": "database_url", "NEWSDESK_DATABASE_URL": "database_url"}.get(field, field)
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"unknown setting {field!r} in {config_file_path()} (see the README's Configuration section)"
    value = error.get("input")
    shown = f" = {mask_secrets(str(value))!r}" if value is not None and not isinstance(value, dict) else ""
    env_name = setting_env_name(field)
    if scrapy:
        return f"invalid setting {env_name}{shown}: {message}"
    where = env_name if env_name in os.environ or field == "database_url" and "NEWSDESK_DATABASE_URL" in os.environ else f"{field} in {config_file_path()}"
    return f"invalid setting {where}{shown}: {message}"


def usable_cores() -> int:
    """The cores this process may run on: a container or `taskset` limited to two cores of a large
    host would otherwise start one extraction worker per core of the host, all fighting for two."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process. Raises UserError with one readable line when a value is bad."""
    try:
        return Settings()
    except ValidationError as exc:
        raise UserError(_describe_error(exc)) from None
    except (OSError, ValueError) as exc:  # an unreadable or malformed newsdesk.toml
        raise UserError(f"cannot read {config_file_path()}: {exc}") from None


def reset_settings() -> None:
    """Forget the cached settings (tests and commands that change the environment)."""
    get_settings.cache_clear()
    _settings_from_values.cache_clear()


def as_scrapy_settings(settings: Settings) -> dict[str, Any]:
    """Every newsdesk setting under its own name (NEWSDESK_X, DATABASE_URL), as Scrapy settings.

    crawlers/settings.py publishes them so that `scrapy crawl KEY -s NEWSDESK_X=...` overrides
    any of them, as it overrides any Scrapy setting; components read them back with from_scrapy().
    """
    values = settings.model_dump()
    return {setting_env_name(name): str(value) if isinstance(value, Path) else value
            for name, value in values.items()}


def from_scrapy(scrapy_settings) -> Settings:
    """The newsdesk settings of one crawler, from its Scrapy settings (command-line values
    included), validated like every other source. Raises UserError with one line for a bad value."""
    values = []
    for name in Settings.model_fields:
        value = scrapy_settings.get(setting_env_name(name))
        if value is not None:
            values.append((name, value))
    return _settings_from_values(tuple(values))


@functools.lru_cache(maxsize=16)
def _settings_from_values(values: tuple[tuple[str, Any], ...]) -> Settings:
    try:
        return Settings(**dict(values))
    except ValidationError as exc:
        raise UserError(_describe_error(exc, scrapy=True)) from None


def describe(settings: Settings) -> dict[str, Any]:
    """The effective settings, as shown by ``newsdesk config``: secrets masked."""
    values = settings.model_dump()
    values["database_url"] = mask_secrets(settings.resolved_database_url)
    if settings.redis_url:
        values["redis_url"] = mask_secrets(settings.redis_url)
    if settings.alert_urls:  # tokens live in these URLs' paths, not only in user:password@
        values["alert_urls"] = " ".join(url.split("://", 1)[0] + "://***" for url in settings.alert_urls.split())
    if settings.reader_database_url:
        values["reader_database_url"] = mask_secrets(settings.reader_database_url)
    if settings.operator_token:
        values["operator_token"] = "***"
    values["user_agent"] = settings.effective_user_agent
    values["sources"] = str(settings.sources_path)
    values["data_dir"] = str(settings.path(settings.data_dir))
    return values
