"""The README's demo output is the demo's real output: `newsdesk demo` is run and its standard
output compared, line by line, with the README's block, ignoring only what differs between runs
(times, ports, process IDs, paths, IDs, the schema revision) and which outlet's copy of the
syndicated story happens to be stored first (its `new` and `duplicates` are compared as a sum)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
pytestmark = pytest.mark.slow

VARYING = [
    (re.compile(r"\(process \d+, log [^)]+\)"), "(process PID, log PATH)"),
    (re.compile(r"sqlite:///\S+"), "sqlite:///PATH"),
    (re.compile(r"^database: /\S+$"), "database: PATH"),
    (re.compile(r"\(schema [\w.]+\)"), "(schema REVISION)"),
    (re.compile(r"http://127\.0\.0\.1:\d+"), "http://127.0.0.1:PORT"),
    (re.compile(r"\b\d+:\d\d:\d\d\b"), "H:MM:SS"),
    (re.compile(r"syndicated story \d+"), "syndicated story ID"),
]
TABLE_RULE = re.compile(r"^[\s┏┓┗┛┡┩└┘┃━─┳┻╇┴┬┼│]*$")


def readme_block() -> str:
    section = README[README.index("## What `make demo` shows"):README.index("## Architecture")]
    return section.split("```")[1].strip("\n")


def normalise(output: str) -> list:
    """Lines without what varies between runs; table rows as lists of cells, `new` and
    `duplicates` replaced by their sum; table rules (borders) dropped."""
    lines: list = []
    header: list[str] | None = None
    for raw in output.splitlines():
        line = raw.rstrip()
        for pattern, replacement in VARYING:
            line = pattern.sub(replacement, line)
        if not line.strip() or (TABLE_RULE.match(line) and "│" not in line and "┃" not in line):
            continue
        if line.lstrip().startswith(("┃", "│")):
            cells = [cell.strip() for cell in line.strip().strip("┃│").split("┃" if "┃" in line else "│")]
            if line.lstrip().startswith("┃"):
                header = cells
            elif header and "new" in header and "duplicates" in header and len(cells) == len(header):
                new, duplicates = header.index("new"), header.index("duplicates")
                if cells[new].isdigit() and cells[duplicates].isdigit():
                    cells[new], cells[duplicates] = str(int(cells[new]) + int(cells[duplicates])), "(summed)"
            lines.append(cells)
            continue
        if line.startswith("─") or line.endswith("─"):  # a rule with a title: the title is what counts
            line = line.strip("─ ")
        lines.append(line.strip())
    return lines


def test_the_normalisation_keeps_what_matters():
    assert normalise("│   1 │ a │ 0:00:03 │ 12 │ 1 │") == [["1", "a", "H:MM:SS", "12", "1"]]
    table = "┃ source ┃ new ┃ duplicates ┃\n┡━━━━━━━━╇━━━━━╇━━━━━━━━━━━━┩\n│ a      │  12 │          1 │"
    assert normalise(table) == [["source", "new", "duplicates"], ["a", "13", "(summed)"]]
    assert normalise(table.replace("12", "11")) != normalise(table)


def test_the_readme_shows_the_demo_as_it_runs(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}", "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
           "NEWSDESK_CONFIG": str(tmp_path / "absent.toml")}
    done = subprocess.run([sys.executable, "-m", "newsdesk", "demo"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    real, shown = normalise(done.stdout), normalise(readme_block())
    differences = [f"line {n}: README {a!r}\n        real   {b!r}" for n, (a, b) in enumerate(zip(shown, real, strict=False))
                   if a != b]
    assert not differences and len(real) == len(shown), (
        "the README's demo block differs from `newsdesk demo`:\n" + "\n".join(differences[:10])
        + f"\n(README {len(shown)} lines, real {len(real)})\nreal output:\n{done.stdout}")
