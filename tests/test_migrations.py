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
