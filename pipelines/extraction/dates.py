"""Publication and update times of a page: stated dates first, the feed's date next, guessing last."""

from __future__ import annotations

from datetime import UTC, datetime

from core.dates import first_plausible, parse_datetime, plausible


def guess_date(tree, url: str | None, now: datetime) -> datetime | None:
    """htmldate on structured markup and date-shaped URL paths only: no free-text digit hunting."""
    from htmldate import find_date

    try:
        found = find_date(tree, extensive_search=False, original_date=True, url=url,
                          outputformat="%Y-%m-%dT%H:%M:%S%z", max_date=now.strftime("%Y-%m-%d"))
    except Exception:  # noqa: BLE001 - htmldate raises assorted errors on odd markup; a guess is optional
        return None
    return plausible(parse_datetime(found), now)


def choose_dates(*, published: list[str], modified: list[str], hint_published: str | datetime | None,
                 hint_updated: str | datetime | None, tree, url: str | None,
                 now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """(published_at, updated_at) from the page's statements, the feed/sitemap hint, then a guess."""
    now = now or datetime.now(UTC)
    published_at = first_plausible([*published, hint_published], now) or guess_date(tree, url, now)
    updated_at = first_plausible([*modified, hint_updated], now)
    if updated_at is not None and published_at is not None and updated_at < published_at:
        updated_at = None  # an "update" before publication is a template error
    if updated_at is not None and published_at is not None and updated_at == published_at:
        updated_at = None
    return published_at, updated_at
