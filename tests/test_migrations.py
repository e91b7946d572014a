"""The migrations build the schema the models describe, both ways, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, inspect

from core.errors import SchemaOutOfDate
from storage import migrate
from storage.db import make_engine
from storage.models import Base


def test_upgrade_to_head_has_no_drift(engine):
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.schema_drift(engine) == []


def test_downgrade_to_base_and_upgrade_again(engine):
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert not set(inspect(engine).get_table_names()) & set(Base.metadata.tables)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.schema_drift(engine) == []


def test_drift_check_sees_a_model_change(engine, monkeypatch):
    # The check must be able to fail: a column in the models that no migration created.
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    Table("sources", metadata, Column("surprise", Integer), extend_existing=True)
    monkeypatch.setattr(Base, "metadata", metadata)
    drift = migrate.schema_drift(engine)
    assert [d for d in drift if d[0] == "add_column" and d[3].name == "surprise"]


def test_out_of_date_schema_is_refused_with_one_line(db_url):
    engine = make_engine(db_url)
    with pytest.raises(SchemaOutOfDate) as raised:
        migrate.ensure_current(engine)
    message = str(raised.value)
    assert "\n" not in message and "newsdesk db upgrade" in message and "not initialised" in message
    migrate.upgrade(engine, migrate.head_revision())
    migrate.ensure_current(engine)
    engine.dispose()


def test_revision_files_are_date_prefixed():
    names = sorted(p.name for p in migrate.MIGRATIONS_DIR.joinpath("versions").glob("*.py"))
    assert names
    for name in names:
        assert name[:4].isdigit() and name[4] == "_" and name[10] == "_", name


def test_jobs_stored_before_the_scheduler_moved_still_load_after_upgrade(db_url, env):
    # A database whose job store holds a crawl queued by the scheduler of before the redraw,
    # when its function lived at newsdesk.scheduling:run_job.
    import pickle

    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from sqlalchemy import text

    import scheduler

    env(DATABASE_URL=db_url)
    engine = make_engine(db_url)
    migrate.upgrade(engine, "20261128_08")
    client = scheduler.build_scheduler(blocking=False)
    client.start(paused=True)
    try:
        client.add_job(scheduler.RUN_JOB, "date", run_date="2030-01-01 02:00:00", args=[["wire"], "manual"],
                       id="run-now:wire:1", jobstore="default")
    finally:
        client.shutdown(wait=False)
    with engine.begin() as connection:
        blob = connection.execute(text("select job_state from apscheduler_jobs")).scalar_one()
        state = pickle.loads(blob)
        state["func"] = "newsdesk.scheduling:run_job"
        connection.execute(text("update apscheduler_jobs set job_state = :s"), {"s": pickle.dumps(state)})

    migrate.upgrade(engine)
    jobs = SQLAlchemyJobStore(engine=engine, tablename=scheduler.JOB_TABLE)
    jobs.start(scheduler.build_scheduler(blocking=False), "default")
    [job] = jobs.get_all_jobs()
    assert (job.id, job.func, job.args) == ("run-now:wire:1", scheduler.run_job, (["wire"], "manual"))
    engine.dispose()


def test_the_head_read_without_alembic_is_alembics_head():
    """storage/schema_version.py reads the head from the scripts' text; Alembic must agree."""
    from alembic.script import ScriptDirectory

    from storage import schema_version

    assert schema_version.head_revision() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def test_the_current_revision_read_without_alembic_is_alembics(engine):
    from alembic.runtime.migration import MigrationContext

    from storage import schema_version

    def alembics() -> str | None:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    assert schema_version.current_revision(engine) == alembics() == schema_version.head_revision()
    migrate.downgrade(engine, "20261207_06")
    assert schema_version.current_revision(engine) == alembics() == "20261207_06"
    migrate.downgrade(engine, "base")
    assert schema_version.current_revision(engine) == alembics() is None


def test_two_heads_are_refused_with_what_to_do(tmp_path, monkeypatch):
    from storage import schema_version

    for name, revision, down in [("a.py", "r1", None), ("b.py", "r2", "r1"), ("c.py", "r3", "r1")]:
        (tmp_path / name).write_text(f'revision: str = "{revision}"\ndown_revision: str | None = {down!r}\n')
    monkeypatch.setattr(schema_version, "VERSIONS_DIR", tmp_path)
    schema_version.head_revision.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="2 heads .*r2, r3.*merge them"):
            schema_version.head_revision()
        (tmp_path / "d.py").write_text('revision = "r4"\ndown_revision = ("r2", "r3")\n')  # a merge revision
        schema_version.head_revision.cache_clear()
        assert schema_version.head_revision() == "r4"
    finally:
        schema_version.head_revision.cache_clear()


def test_a_crawl_process_checks_the_schema_without_importing_alembic():
    """Alembic is 0.1 s of imports on a slow machine, on the path from `newsdesk crawl` to its first
    request: the crawl process and the command's schema check leave it alone."""
    import subprocess
    import sys

    code = ("import sys, crawlers.runs.recorder, newsdesk.cli.crawl, storage.schema_version;"
            "from core.settings import Settings; Settings();"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'limits', 'apscheduler')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
