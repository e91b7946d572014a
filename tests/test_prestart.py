"""The crawl process `newsdesk crawl` starts before its own imports (crawlers/runs/prestart.py):
it crawls nothing until told what to crawl, leaves when called off, and whatever it prints, before
or after it learns its log file, ends up in that log file."""

from __future__ import annotations

import sys

from crawlers.runs import prestart, runner
from newsdesk.cli import starts_a_crawl


def test_a_prestarted_crawl_process_called_off_leaves_having_crawled_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never-created.db'}")
    waiting = prestart.Prestarted()
    waiting.call_off()
    assert waiting.popen.wait(60) == 0
    assert not (tmp_path / "never-created.db").exists()


def test_what_a_prestarted_process_prints_reaches_the_log_file_it_is_given(tmp_path, monkeypatch):
    # A bad setting is reported by the crawl process after it has its arguments: in its log file.
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDESK_CONCURRENT_REQUESTS", "not-a-number")
    waiting = prestart.Prestarted()
    log = tmp_path / "crawl.log"
    waiting.configure(["--trigger", "cli", "--hold", "some_source"], str(log))
    waiting.call_off()
    assert waiting.popen.wait(60) == 2
    assert "newsdesk: error:" in log.read_text() and "CONCURRENT_REQUESTS" in log.read_text()


def test_the_output_of_a_process_that_died_before_its_arguments_is_kept_in_the_log(tmp_path):
    # As an import error would: it printed to the early output, then ended.
    waiting = prestart.Prestarted([sys.executable, "-c", "print('ImportError: no module named x'); raise SystemExit(1)"])
    waiting.popen.wait(60)
    log = tmp_path / "crawl.log"
    waiting.configure(["--trigger", "cli", "source"], str(log))
    assert "ImportError: no module named x" in log.read_text()


def test_launch_hands_the_prestarted_process_its_arguments_instead_of_starting_another(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(runner, "get_settings", _fresh_settings)
    waiting = prestart.Prestarted([sys.executable, "-c", "import sys; print(sys.stdin.readline().strip())"])
    process = runner.launch(["one", "two"], trigger="cli", prestarted=waiting)
    assert process.popen is waiting.popen
    process.popen.wait(60)
    waiting.copy_early_output(str(process.log_path))
    sent = process.log_path.read_text()
    assert '"argv": ["--trigger", "cli", "--hold", "one", "two"]' in sent and str(process.log_path) in sent


def _fresh_settings():
    from core.settings import Settings

    return Settings()


def test_only_a_command_line_that_runs_a_crawl_here_prestarts_one():
    assert starts_a_crawl(["crawl", "--all"]) and starts_a_crawl(["crawl", "bbc_world", "--sources", "s.yaml"])
    for args in ([], ["crawl", "--help"], ["crawl", "--all", "--distributed"], ["runs"], ["schedule", "crawl"]):
        assert not starts_a_crawl(args)


def test_a_crawl_command_that_fails_before_launching_calls_its_crawl_process_off(tmp_path, monkeypatch):
    from newsdesk.cli import main

    started = []
    real = prestart.Prestarted

    def recording(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(prestart, "Prestarted", recording)
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n- key: only_one\n  name: Only one\n  homepage: https://example.org/\n")
    assert main(["crawl", "no_such_source", "--sources", str(sources)]) == 2
    assert len(started) == 1 and prestart.take() is None
    assert started[0].popen.wait(60) == 0  # left without crawling, not waiting for the test run to end
