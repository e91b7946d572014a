"""Times bound to raw SQL on SQLite are written as the DateTime columns store them (naive UTC,
microseconds always), not by the sqlite3 module's default adapter (deprecated since Python 3.12,
and wrong for an aware time or a whole second)."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, Table, insert, text

from storage.db import make_engine
from storage.types import UTCDateTime


def test_a_raw_bound_time_compares_with_the_stored_one_exactly(sqlite_url):
    engine = make_engine(sqlite_url)
    table = Table("moments", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime))
    table.create(engine)
    stored = datetime(2026, 11, 1, 0, 9, tzinfo=UTC)  # a whole second: no microseconds to write
    with engine.begin() as connection:
        connection.execute(insert(table), [{"id": 1, "at": stored}, {"id": 2, "at": stored + timedelta(seconds=1)}])
    paris = timezone(timedelta(hours=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # Python 3.12+: the default adapter warns
        with engine.connect() as connection:
            up_to = connection.execute(text("SELECT id FROM moments WHERE at <= :until"),
                                       {"until": stored.astimezone(paris)}).scalars().all()
            on_the_day = connection.execute(text("SELECT count(*) FROM moments WHERE date(at) = :day"),
                                            {"day": date(2026, 11, 1)}).scalar()
    assert up_to == [1]  # the same instant, given in another zone
    assert on_the_day == 2
