"""Which schema revision this code needs, which one the database is at, and refusing a mismatch,
without importing Alembic.

Every command that writes checks the schema first, the crawl process once per source it opens.
Through Alembic that check cost an import of Alembic (0.1 s on a slow machine) and a read of every
revision script, on the path from `newsdesk crawl` to its first request. The head is the revision
that no other revision names as its `down_revision`: read here from the scripts' text, once per
process. tests/test_migrations.py holds it equal to Alembic's own answer. Upgrades, downgrades and
the drift check stay Alembic's (storage/migrate.py).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from core.errors import SchemaOutOfDate

VERSIONS_DIR = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def _value(name: str, script: str, path: Path):
    """The literal a revision script assigns to `name` (`revision: str = "..."`, a tuple for a merge)."""
    found = re.search(rf"^{name}(?:\s*:[^=\n]*)?\s*=\s*(.+)$", script, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"{path.name}: no {name} line")
    return ast.literal_eval(found.group(1).strip())


@functools.cache
def head_revision() -> str:
    """The newest revision of migrations/versions: the one no other revision builds on."""
    revisions: set[str] = set()
    built_on: set[str] = set()
    for path in VERSIONS_DIR.glob("*.py"):
        script = path.read_text(encoding="utf-8")
        revisions.add(_value("revision", script, path))
        down = _value("down_revision", script, path)
        built_on.update(down if isinstance(down, (tuple, list)) else [down] if down else [])
    heads = revisions - built_on
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))}): merge them")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database no migration has run on."""
    with engine.connect() as connection:
        try:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError:  # no alembic_version table: not initialised
            return None
    if len(versions) > 1:
        raise RuntimeError(f"the database is at several revisions ({', '.join(versions)}): run `newsdesk db upgrade`")
    return versions[0] if versions else None


def ensure_current(engine: Engine) -> None:
    """Refuse to work against a schema that is not at the head revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        from core.masking import mask_secrets

        state = f"at revision {current}" if current else "not initialised"
        raise SchemaOutOfDate(
            f"the database {mask_secrets(engine.url.render_as_string(hide_password=False))} is {state}, "
            f"this code needs {head}: run `newsdesk db upgrade`"
        )
