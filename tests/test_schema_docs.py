"""docs/schema.md describes every table and column, and nothing that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import inspect

from storage.migrate import include_object

SCHEMA_DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"


def documented_columns() -> dict[str, set[str]]:
    """{table or view: {column, ...}} from the `### name` sections and their table rows."""
    sections: dict[str, set[str]] = {}
    current = None
    for line in SCHEMA_DOC.read_text().splitlines():
        heading = re.match(r"^###\s+`?(\w+)`?\s*$", line)
        if heading:
            current = sections.setdefault(heading.group(1), set())
            continue
        if line.startswith("## "):
            current = None
        row = re.match(r"^\|\s*`?(\w+)`?\s*\|", line)
        if current is not None and row and row.group(1) not in ("column",):
            current.add(row.group(1))
    return sections


def test_every_table_and_column_is_documented_and_nothing_stale(engine):
    inspector = inspect(engine)
    actual = {
        table: {column["name"] for column in inspector.get_columns(table)}
        for table in inspector.get_table_names()
        if include_object(None, table, "table", True, None)
    }
    actual.update(
        {view: {column["name"] for column in inspector.get_columns(view)} for view in inspector.get_view_names()}
    )
    documented = documented_columns()
    undocumented = {f"{t}.{c}" for t, cols in actual.items() for c in cols - documented.get(t, set())}
    stale = {f"{t}.{c}" for t, cols in documented.items() for c in cols - actual.get(t, set())}
    assert not undocumented, f"add these to docs/schema.md: {sorted(undocumented)}"
    assert not stale, f"docs/schema.md describes what does not exist: {sorted(stale)}"
