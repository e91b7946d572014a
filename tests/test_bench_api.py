"""bench/api.py still runs end to end (a tiny size): `make bench` must not rot between measurements."""

from __future__ import annotations

import json

from bench import api


def test_api_benchmark_walks_every_row_once_and_times_every_case(tmp_path):
    report = tmp_path / "api.json"
    assert api.main(["--articles", "300", "--postgres-url", "", "--json", str(report)]) == 0
    (result,) = json.loads(report.read_text())["results"]
    assert result["walk"] == {"rows_walked": 300, "distinct": 300, "rows_exported": 300, "missing": 0, "extra": 0,
                              "fields_differ": 0}
    assert len(result["latency"]) == 9 and all(row["p95_ms"] > 0 for row in result["latency"])
