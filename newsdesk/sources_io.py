"""Sources as the commands see them: the configured file, validated, and keys checked against it."""

from __future__ import annotations

from pathlib import Path

from crawlers.sources import SourceSpec, load_sources
from newsdesk.config import get_settings
from newsdesk.errors import UserError


def sources_file(path: Path | None = None) -> Path:
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
            raise UserError(f"unknown source {key!r} in {sources_file(path)} (see `newsdesk sources list`)")
        if not specs[key].enabled:
            raise UserError(f"source {key!r} is disabled in {sources_file(path)} (set enabled: true to crawl it)")
        chosen.append(specs[key])
    return chosen
