"""A crawl process killed with SIGKILL takes its extraction workers (and multiprocessing's resource
tracker) with it: nothing is left reparented to init. Real crawl processes, real signals."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest

from crawlers.runs import runner
from newsdesk.samplenet.generated import generated_network
from pipelines.extraction.worker_pool import WATCH_ENV
from tests.crawl_helpers import crawl_environment

pytestmark = pytest.mark.slow


def descendants_when_ready(pid: int, workers: int, timeout: float = 60) -> list[psutil.Process]:
    """The crawl process's children once its extraction workers and the resource tracker are up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = psutil.Process(pid).children(recursive=True)
        if len(children) >= workers + 1:  # the workers, and the resource tracker
            return children
        time.sleep(0.2)
    raise AssertionError(f"the crawl process did not start {workers} workers")


def still_there(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.parametrize("how", ["prctl", "watch"])
def test_workers_die_with_a_crawl_process_killed_outright(tmp_path, how):
    env = {"NEWSDESK_EXTRACT_WORKERS": "2", **({WATCH_ENV: "watch"} if how == "watch" else {})}
    with crawl_environment(tmp_path, f"sqlite:///{tmp_path / 'newsdesk.db'}", **env):
        network = generated_network(1, 100).start()
        network.slow_down(0.3)
        try:
            sources = network.write_sources(tmp_path / "sources.yaml")
            process = runner.launch([network.outlets[0].key], trigger="cli", sources_path=sources)
            children = descendants_when_ready(process.pid, workers=2)
            # Extracting pages, not just started: its run has counted some (a fixed sleep was
            # too short on a loaded machine, where the run was not yet open when it was killed).
            deadline = time.monotonic() + 60
            while not any(run.stats.get("newsdesk/pages_fetched", 0) >= 3 for run in process.runs()):
                assert time.monotonic() < deadline, "the crawl fetched no pages in 60 s"
                time.sleep(0.2)
            os.kill(process.pid, signal.SIGKILL)
            assert process.popen.wait(10) == -signal.SIGKILL
            deadline = time.monotonic() + 5
            while still_there(children) and time.monotonic() < deadline:
                time.sleep(0.1)
            left = [(orphan, " ".join(orphan.cmdline())[-80:]) for orphan in still_there(children)]
            for orphan, _ in left:  # leave nothing behind, whatever the verdict
                orphan.kill()
            assert not left, [(orphan.pid, command) for orphan, command in left]
            assert runner.mark_unfinished(process, "interrupted", "killed by the test") == 1
        finally:
            network.stop()


def test_a_process_whose_parent_is_gone_ends_at_once(tmp_path):
    """die_with_parent in a process whose parent already went: it ends instead of waiting."""
    import subprocess
    import sys

    probe = tmp_path / "survived"
    code = (f"import os, time; from pipelines.extraction.parent_watch import die_with_parent;"
            f"die_with_parent(os.getppid() + 1_000_000);"  # not its parent: as if the parent had gone
            f"time.sleep(3); open({str(probe)!r}, 'w').write('yes')")
    done = subprocess.run([sys.executable, "-c", code], timeout=30)
    assert done.returncode == 0 and not probe.exists()
