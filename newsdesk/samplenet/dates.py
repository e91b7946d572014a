"""Dates the way each kind of outlet writes them.

Feeds and sitemaps follow their standards (RFC 822 in RSS, ISO 8601 with an offset elsewhere);
the visible dates follow house styles, which is what date extractors have to cope with.
Month names are spelled out here rather than taken from strftime, which follows the locale.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def rfc822(moment: datetime) -> str:
    """'Thu, 20 Nov 2026 10:04:00 +0500' (RSS pubDate)."""
    return format_datetime(moment)


def iso(moment: datetime) -> str:
    """'2026-11-20T10:04:00+05:00' (Atom, sitemaps, JSON-LD, meta tags)."""
    return moment.isoformat(timespec="seconds")


def iso_z(moment: datetime) -> str:
    """'2026-11-20T05:04:00Z': the same instant written in UTC, as wire systems do."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def long_en(moment: datetime) -> str:
    """'November 20, 2026'."""
    return f"{MONTHS_EN[moment.month - 1]} {moment.day}, {moment.year}"


def long_en_time(moment: datetime) -> str:
    """'20 November 2026, 10:04 GMT+5'."""
    offset = moment.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    zone = "GMT" if hours == 0 else f"GMT{hours:+d}"
    return f"{moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}, {moment:%H:%M} {zone}"


def wire_dateline_date(moment: datetime) -> str:
    """'Nov 20' for 'GENEVA, Nov 20 (MNA) - '."""
    return f"{MONTHS_EN[moment.month - 1][:3]} {moment.day}"


def wire_stamp(moment: datetime) -> str:
    """'Thu Nov 20, 2026 10:04am GMT' (the wire site's story header, always UTC)."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return (f"{WEEKDAYS_EN[moment.weekday()]} {MONTHS_EN[moment.month - 1][:3]} {moment.day}, "
            f"{moment.year} {hour}:{moment:%M}{suffix} GMT")


def long_fr(moment: datetime) -> str:
    """'20 novembre 2026 à 10h04'."""
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {MONTHS_FR[moment.month - 1]} {moment.year} à {moment:%H}h{moment:%M}"
