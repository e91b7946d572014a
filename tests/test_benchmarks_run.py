"""The benchmarks still run end to end (tiny sizes): `make bench` must not rot between measurements."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from bench import throughput, write_batching


def test_write_batching_writes_every_article_at_each_batch_size(capsys):
    assert write_batching.main(["--outlets", "1", "--articles", "6", "--batches", "1", "3", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    extracted = int(re.search(r"(\d+) articles extracted", out).group(1))
    assert extracted >= 5
    rows = re.findall(r"^\s+1\s+(\d+)\s+([\d.]+)\s+([\d.]+)$", out, re.MULTILINE)
    assert [int(batch) for batch, _, _ in rows] == [1, 3]
    assert all(float(cpu) > 0 and float(wall) > 0 for _, cpu, wall in rows)


def test_throughput_brackets_the_crawl_with_two_plain_runs(tmp_path, capsys, monkeypatch):
    if shutil.which("wrk") is None:
        monkeypatch.setattr(throughput, "wrk", lambda url: "wrk not installed")
    report = tmp_path / "throughput.json"
    assert throughput.main(["--outlets", "2", "--articles", "8", "--skip-trafilatura-cli", "--postgres-url", "",
                            "--json", str(report)]) == 0
    results = {row["name"]: row for row in json.loads(report.read_text())["results"]}
    before, after = results["plain trafilatura, one process, before"], results["plain trafilatura, one process, after"]
    mean = results["plain trafilatura, one process (mean)"]
    crawl = results["newsdesk crawl, SQLite"]
    assert before["pages"] == after["pages"] == 16 and crawl["pages"] == 16
    assert mean["seconds"] == pytest.approx((before["seconds"] + after["seconds"]) / 2)
    assert crawl["peak_rss_mb"] > 0 and 0 <= crawl["stolen"] < 1
    assert "16 articles stored" in crawl["notes"]
    assert "vs 1-core" in capsys.readouterr().out
