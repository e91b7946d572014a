"""bench.extraction and bench.throughput's real pages still run (tiny sizes), and the held-out part
of the development set stays fixed."""

from __future__ import annotations

import json

import pytest

from bench import extraction, throughput
from bench.extraction_sets import HELD_OUT_DIGITS, is_held_out
from bench.snippets import found
from tests.conftest import shared_path


def test_the_held_out_part_depends_on_nothing_but_the_file_name():
    names = [f"{n:04d}" for n in range(4000)]
    held_out = [name for name in names if is_held_out(name)]
    assert held_out == [name for name in names if is_held_out(name)]  # the same every time
    assert abs(len(held_out) / len(names) - len(HELD_OUT_DIGITS) / 16) < 0.03


def test_snippets_are_found_at_word_boundaries_typography_aside():
    text = "Home Secretary’s visit — talks resumed.\n\nThe homes were rebuilt."
    assert found(["Home"], text) == 1               # the set's snippets are what they are
    assert found(["homes were"], text) == 1
    assert found(["Secretary's visit - talks"], text) == 1
    assert found(["ome Secretary", "Login"], text) == 0


@pytest.mark.slow
def test_extraction_bench_reports_every_set_in_one_run(tmp_path, capsys):
    shared_path("benchmarks", "article-extraction", "ground-truth.json")
    shared_path("benchmarks", "wcxb-dev-articles", "ground-truth")
    report = tmp_path / "extraction.json"
    assert extraction.main(["--limit", "12", "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "time ratio newsdesk/plain" in out and "collapsed" in out
    data = json.loads(report.read_text())
    assert set(data["sets"]) == {"181", "dev-tune", "dev-held-out"}
    held_out = data["sets"]["dev-held-out"]
    assert "per_page" not in held_out and isinstance(held_out["regressions"], int)  # totals only
    tune = data["sets"]["dev-tune"]
    assert tune["candidate"]["titles_total"] == tune["pages"] and 0 < tune["candidate"]["f1"] <= 1
    assert tune["candidate"]["without_total"] > 0 and tune["candidate"]["titles_with_entities"] == 0
    whole = data["development_set"]  # both parts as one: the target
    assert whole["pages"] == tune["pages"] + held_out["pages"]
    assert min(tune["candidate"]["f1"], held_out["candidate"]["f1"]) <= whole["candidate_f1"] <= max(
        tune["candidate"]["f1"], held_out["candidate"]["f1"]) + 0.05  # precision and recall averaged, then F1
    assert f"development set, both parts ({whole['pages']} pages)" in out


@pytest.mark.slow
def test_throughput_serves_real_pages_and_reports_start_up(tmp_path, capsys, monkeypatch):
    shared_path("benchmarks", "article-extraction", "ground-truth.json")
    monkeypatch.setattr(throughput, "wrk", lambda url: "not measured in tests")
    report = tmp_path / "throughput.json"
    assert throughput.main(["--real", "6", "--skip-trafilatura-cli", "--postgres-url", "", "--json", str(report)]) == 0
    results = {row["name"]: row for row in json.loads(report.read_text())["results"]}
    crawl = results["newsdesk crawl, SQLite"]
    assert crawl["pages"] >= 6 and results["plain trafilatura, one process, before"]["pages"] == 6
    assert 0 < crawl["startup"] < crawl["seconds"]
    assert "start-up" in capsys.readouterr().out
