"""The sources file: outlets as data, validated before anything is crawled.

The minimal entry is ``{key, name, feeds: [url]}``. A bad file stops everything with one line that
names the file, the entry and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import UserError, did_you_mean
from core.settings import get_settings

KEY_PATTERN = r"^[a-z][a-z0-9_]{1,63}$"
HttpUrlText = Annotated[str, Field(pattern=r"^https?://[^\s/$.?#][^\s]*$", max_length=2048)]


def _compile(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    return pattern


class Section(BaseModel):
    """A listing page whose links matching ``follow`` are articles."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrlText
    follow: str = Field(description="Regular expression an article link must match (searched in the URL).")
    pages: int = Field(default=1, ge=1, le=20, description="Listing pages to walk via rel=next.")

    @field_validator("follow")
    @classmethod
    def _check_follow(cls, value: str) -> str:
        return _compile(value)


class SourceSpec(BaseModel):
    """One outlet."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=KEY_PATTERN, description="Short name: the spider name and the key in the database.")
    name: str = Field(min_length=1, max_length=200)
    homepage: HttpUrlText | None = None
    country: str | None = Field(default=None, pattern=r"^([A-Z]{2}|INT)$")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    feeds: list[HttpUrlText] = Field(default_factory=list)
    sitemaps: list[HttpUrlText] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    allow: list[str] = Field(default_factory=list, description="Article URLs must match one of these (if any).")
    deny: list[str] = Field(default_factory=list, description="Article URLs matching any of these are skipped.")
    max_age_days: int | None = Field(default=None, ge=1, le=3650)
    schedule: str | None = Field(default=None, description="Crontab expression overriding the nightly schedule.")
    enabled: bool = True
    allow_private_networks: bool = Field(default=False, description="Allow loopback/private addresses (tests, demo).")
    kind: str | None = Field(default=None, description="A hand-written spider class in crawlers/spiders, if the source needs code.")

    @field_validator("allow", "deny")
    @classmethod
    def _check_patterns(cls, values: list[str]) -> list[str]:
        return [_compile(value) for value in values]

    @field_validator("schedule")
    @classmethod
    def _check_schedule(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a crontab expression ({exc})") from None
        return value

    @model_validator(mode="after")
    def _needs_a_way_in(self) -> SourceSpec:
        if not (self.feeds or self.sitemaps or self.sections or self.homepage):
            raise ValueError("needs at least one of feeds, sitemaps, sections, or a homepage for feed discovery")
        return self

    @property
    def discovery(self) -> str:
        kinds = [name for name in ("feeds", "sitemaps", "sections") if getattr(self, name)]
        return ",".join(kinds) or "homepage"


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[SourceSpec]

    @model_validator(mode="after")
    def _unique_keys(self) -> SourcesFile:
        seen: set[str] = set()
        for index, source in enumerate(self.sources):
            if source.key in seen:
                raise ValueError(f"sources[{index}] ({source.key}): key: duplicate key {source.key!r}")
            seen.add(source.key)
        return self


_PATTERN_HELP = {
    "key": "must be 2-64 lowercase letters, digits or _, starting with a letter",
    "country": "must be an ISO 3166 alpha-2 code such as PK, or INT",
    "language": "must be a language code such as en or zh-Hans",
    "feeds": "is not an http(s) URL",
    "sitemaps": "is not an http(s) URL",
    "url": "is not an http(s) URL",
    "homepage": "is not an http(s) URL",
}


def _describe(path: Path, raw: dict, error: dict) -> str:
    """One line for one validation error: the file, the entry (index and key), the field, what is wrong."""
    loc = list(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "string_pattern_mismatch":
        field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        message = f"{error['input']!r} {_PATTERN_HELP.get(field_name, 'does not have the expected form')}"
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        index = loc[1]
        entries = raw.get("sources") or []
        entry = entries[index] if index < len(entries) and isinstance(entries[index], dict) else {}
        label = f"sources[{index}] ({entry.get('key', 'no key')})"
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[2:]).lstrip(".") or "entry"
        return f"{path}: {label}: {field}: {message}"
    if message.startswith("sources["):
        return f"{path}: {message}"
    return f"{path}: {'.'.join(str(p) for p in loc) or 'file'}: {message}"


def _read(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except RecursionError:  # PyYAML composes nested collections recursively
        raise UserError(f"{path}: nested too deeply to be a sources file") from None
    except FileNotFoundError:
        raise UserError(f"{path}: sources file not found (set NEWSDESK_SOURCES or pass --sources)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the sources file: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise UserError(f"{path}: not valid YAML{where}: {problem}") from None
    if not isinstance(raw, dict):
        raise UserError(f"{path}: expected a mapping with a `sources:` list at the top")
    return raw


def validation_errors(path: Path) -> list[str]:
    """Every mistake in a sources file, one line each (empty when it is valid). A file that cannot
    be read or parsed at all is one UserError, as with load_sources."""
    raw = _read(path)
    try:
        SourcesFile.model_validate(raw)
    except ValidationError as exc:
        return [_describe(path, raw, error) for error in exc.errors()]
    return []


def load_sources(path: Path) -> list[SourceSpec]:
    """Read and validate a sources file; raise UserError with one line on any problem."""
    raw = _read(path)
    try:
        return SourcesFile.model_validate(raw).sources
    except ValidationError as exc:
        raise UserError(_describe(path, raw, exc.errors()[0])) from None


def sources_file(path: Path | None = None) -> Path:
    """The sources file in use: ``path`` when given (--sources), else NEWSDESK_SOURCES."""
    return path or get_settings().sources_path


def select_sources(keys: list[str], *, all_sources: bool, path: Path | None = None) -> list[SourceSpec]:
    """The enabled sources named by ``keys`` (or all of them); one clear line for a bad key."""
    specs = {s.key: s for s in load_sources(sources_file(path))}
    if all_sources == bool(keys):
        raise UserError("name the sources to crawl, or give --all (not both)")
    if all_sources:
        chosen = [s for s in specs.values() if s.enabled]
        if not chosen:
            raise UserError(f"{sources_file(path)}: no enabled source")
        return chosen
    chosen = []
    for key in dict.fromkeys(keys):
        if key not in specs:
            raise UserError(f"unknown source {key!r} in {sources_file(path)}{did_you_mean(key, specs)} "
                            "(see `newsdesk sources list`)")
        if not specs[key].enabled:
            raise UserError(f"source {key!r} is disabled in {sources_file(path)} (set enabled: true to crawl it)")
        chosen.append(specs[key])
    return chosen
