"""The tagger's data and its licences (pipelines/tagging/data/SOURCES.md): every file and source
named with its terms, no LGPL data, the CC BY-SA forms in a file of their own that can be left out."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from pipelines.tagging import gazetteer, tagger
from pipelines.tagging.gazetteer import DATA, FORM_FILES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (DATA / "SOURCES.md").read_text(encoding="utf-8")


def test_sources_md_names_every_data_file_and_every_source_with_its_licence():
    for path in DATA.iterdir():
        if path.name != "SOURCES.md":
            assert f"`{path.name}`" in SOURCES, f"SOURCES.md does not say where {path.name} comes from"
    for source, licence in (("CLDR", "Unicode License v3"), ("GeoNames", "CC BY 4.0"), ("OpenCorpora", "CC BY-SA")):
        assert source in SOURCES and licence in SOURCES, source
    notice = (DATA / "LICENSE-unicode.txt").read_text(encoding="utf-8")
    assert notice.startswith("UNICODE LICENSE V3") and "Unicode, Inc." in notice


def test_the_build_reads_no_lgpl_data():
    # pycountry's names and iso-codes translations are LGPL-2.1: the build must not read them.
    tree = ast.parse((ROOT / "tools" / "build_gazetteer.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
    assert "pycountry" not in imported and "gettext" not in imported
    assert "babel" in imported and "pymorphy3" in imported


def test_the_cc_by_sa_file_holds_only_russian_forms_and_says_its_licence():
    lines = (DATA / "gazetteer-ru-inflections.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and "CC BY-SA" in lines[0] and "OpenCorpora" in lines[0]
    forms = [line.split("\t")[0] for line in lines if not line.startswith("#")]
    assert len(forms) > 1000
    assert all(any("\u0400" <= ch <= "\u04ff" for ch in form) for form in forms)
    # ... and the main file keeps what is not derived from it: the Russian names as CLDR writes them.
    main = {line.split("\t")[0] for line in (DATA / "gazetteer.tsv").read_text(encoding="utf-8").splitlines()}
    assert {"Россия", "Китай", "Киргизия"} <= main and "России" not in main


@pytest.fixture
def data_without_cc_by_sa(tmp_path, monkeypatch):
    for name in ("gazetteer.tsv", "context.json"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.setattr(gazetteer, "DATA", tmp_path)
    gazetteer.load.cache_clear()
    yield tmp_path
    gazetteer.load.cache_clear()


def test_the_tagger_runs_without_the_cc_by_sa_file(data_without_cc_by_sa):
    text = "Россия и Китай подписали договор. В России и в Китае его обсуждают."
    assert tagger.tag("", text, language="ru").countries == {"RU": 1, "CN": 1}  # nominative forms only
    gazetteer.load.cache_clear()
    gazetteer.DATA = DATA
    assert tagger.tag("", text, language="ru").countries == {"RU": 2, "CN": 2}


def test_two_files_load_exactly_as_one_would(tmp_path, monkeypatch):
    # A form whose meanings are spread over both files keeps one order of meanings (the matcher
    # takes the first where the language is unknown): the files are merged in (form, target) order.
    rows = []
    for name in FORM_FILES:
        rows += [line for line in (DATA / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows.sort(key=lambda line: tuple(line.split("\t")[:2]))
    (tmp_path / "gazetteer.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copy(DATA / "context.json", tmp_path / "context.json")
    gazetteer.load.cache_clear()
    two = gazetteer.load()
    monkeypatch.setattr(gazetteer, "DATA", tmp_path)
    gazetteer.load.cache_clear()
    try:
        one = gazetteer.load()
    finally:
        gazetteer.load.cache_clear()
    assert one.keys == two.keys and one.key_of_pattern == two.key_of_pattern
