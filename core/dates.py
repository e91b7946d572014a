"""Dates and times as newsdesk understands them: aware UTC, parsed from any common news format,
and plausible or discarded.

Every time is timezone-aware UTC. A candidate in the future (beyond a small clock skew) or before
the web carried news is discarded rather than stored: a wrong date is worse than none.
"""

from __future__ import annotations

import email.utils
import re
import warnings
from datetime import UTC, datetime, timedelta

from dateutil import parser as dateutil_parser

EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=15)
_NUMERIC_ONLY = re.compile(r"^\d+$")


def parse_datetime(value: str | None) -> datetime | None:
    """A date string in any common news format, as an aware UTC datetime (naive means UTC)."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value or _NUMERIC_ONLY.match(value):
        return None  # bare digits are ids or timestamps of unknown unit, not dates we trust
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            try:
                with warnings.catch_warnings():
                    # "IST", "EST" ...: dateutil would drop the zone and we would guess UTC; no guessing.
                    warnings.simplefilter("error", dateutil_parser.UnknownTimezoneWarning)
                    parsed = dateutil_parser.parse(value, fuzzy=False)
            except (ValueError, OverflowError, TypeError, dateutil_parser.UnknownTimezoneWarning):
                return None
    if parsed is None:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def plausible(moment: datetime | None, now: datetime) -> datetime | None:
    if moment is None or moment < EARLIEST or moment > now + CLOCK_SKEW:
        return None
    return moment


def first_plausible(candidates: list[str | datetime | None], now: datetime) -> datetime | None:
    for candidate in candidates:
        moment = candidate if isinstance(candidate, datetime) else parse_datetime(candidate)
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = plausible(moment.astimezone(UTC) if moment else None, now)
        if moment is not None:
            return moment
    return None


def utcnow() -> datetime:
    return datetime.now(UTC)
