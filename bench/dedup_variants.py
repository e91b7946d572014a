"""Changes to the production dedup path that the benchmark can try before anyone edits it.

Each variant patches one ArticleWriter instance (never the classes), so a run with a variant and
one without can sit in the same process. A variant that proves itself here is a proposal for
pipelines/ or storage/, described in the report; it is not meant to stay a patch.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.models import DedupBand

# Precision variants: proposals measured here before they go into pipelines/. The first one,
# merging the stories a new copy matches (recall 0.997 -> 0.999), is now production code
# (NearDuplicatePass.find returns `also_stories`; ArticleWriter merges them).
VARIANTS: dict = {}


# --- scaling variants: applied to a filled database, measured beside the unchanged path ----------

def _unnest_candidates_statement():
    """The candidate query driven by the keys themselves: `unnest(:keys)` joined to the band index.

    The idea: the `band_key IN (...)` form is estimated from statistics, and without them (a
    fresh or bulk-loaded table, autovacuum off or behind) PostgreSQL plans a parallel bitmap scan
    whose worker start-up costs ~9-15 ms per article at 100k stored articles. Measured: worse,
    not better. Without statistics the planner joins the unnested keys by hash to sequential
    scans (~180 ms per article at 100k). Kept so the finding can be repeated; no parallel plans
    (now in production) and `analyze` are the fixes."""
    from sqlalchemy import BigInteger, bindparam, func
    from sqlalchemy.dialects.postgresql import ARRAY

    from storage.dedup_index import candidates_statement

    keys = func.unnest(bindparam("keys", type_=ARRAY(BigInteger))).table_valued("key").render_derived(name="wanted")
    return candidates_statement(
        select(DedupBand.article_id, func.count().label("shared"))
        .select_from(keys)
        .join(DedupBand, DedupBand.band_key == keys.c.key)
    )


def unnest_candidates(engine):
    """Swap storage.dedup_index's candidate statement (PostgreSQL only); returns the undo."""
    from storage import dedup_index

    if engine.dialect.name != "postgresql":
        return None
    before = dedup_index._CANDIDATES
    dedup_index._CANDIDATES = _unnest_candidates_statement()

    def undo():
        dedup_index._CANDIDATES = before
    return undo


def analyze(engine):
    """Give the planner statistics (what autovacuum does in time, or `newsdesk dedup --rebuild`
    could do after a bulk load); nothing to undo."""
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return lambda: None


# "serial-plans" (no parallel plan for the candidate query) is now production code
# (storage/dedup_index.candidates); "analyze" stands for what autovacuum does in time.
SCALING_VARIANTS = {"unnest-candidates": unnest_candidates, "analyze": analyze}
