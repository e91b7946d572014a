"""The country and organisation tagger (pipelines/tagging): the labelled cases, the rules, the data build."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
import yaml

from pipelines.tagging import ORGANISATIONS, Tags, tag
from pipelines.tagging.gazetteer import DATA, load

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((Path(__file__).parent / "data" / "geotag_cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_labelled_case(case):
    tags = tag(case.get("title"), case["text"], language=case.get("language"), dateline=case.get("dateline"),
               publisher_country=case.get("publisher_country"))
    if "countries" in case:
        assert set(tags.countries) == set(case["countries"])
    if "organisations" in case:
        assert set(tags.organisations) == set(case["organisations"])
    if "primary" in case:
        assert tags.primary_country == case["primary"]


def test_mentions_are_counted_across_title_dateline_and_text():
    tags = tag("Russia and China", "Russia met China. The Kremlin said Russian troops stay.", language="en",
               dateline="MOSCOW")
    assert tags.countries == {"RU": 5, "CN": 2}
    assert tags.primary_country == "RU"
    assert list(tags.countries) == ["RU", "CN"]  # most mentioned first


def test_empty_and_missing_input_give_empty_tags():
    assert tag(None, None) == Tags()
    assert tag("", "", language="xx-unknown", dateline="") == Tags()
    assert tag("", "   \n").as_dict() == {"countries": {}, "primary_country": None, "organisations": {}}


def test_language_codes_are_read_in_any_usual_form():
    for language in ("de", "DE", "de-AT", "de_CH", None):
        assert tag("", "Russlands Zukunft", language=language).countries == {"RU": 1}


def test_forms_of_another_language_are_not_used_when_the_language_is_known():
    # "Island" is Iceland in German and an ordinary word in English.
    assert tag("", "Island life is calm.", language="en").countries == {}
    assert tag("", "Island verhandelt mit Norwegen.", language="de").countries == {"IS": 1, "NO": 1}


def test_publisher_country_never_counts_by_itself():
    assert tag("", "The minister resigned.", language="en", publisher_country="FR") == Tags()


def test_the_organisation_keys_are_the_issues_fixed_set():
    listed = yaml.safe_load((DATA / "organisations.yaml").read_text(encoding="utf-8"))
    assert tuple(listed) == ORGANISATIONS
    assert len(ORGANISATIONS) == 30


def test_every_country_code_is_iso_3166_alpha_2_or_kosovo():
    import pycountry

    iso = {country.alpha_2 for country in pycountry.countries} | {"XK"}
    codes = set()
    for key in load().keys:
        for entry in key.entries:
            if entry.target[0] not in "-?" and not entry.target.startswith("org:"):
                codes.update(entry.target.split("+"))
    assert codes <= iso
    assert len(codes) > 240


def test_the_package_imports_nothing_of_ours():
    # It is dropped into the extraction workers as it is: only the standard library and ahocorasick_rs.
    allowed = set(sys.stdlib_module_names) | {"ahocorasick_rs", "__future__"}
    for path in (ROOT / "pipelines" / "tagging").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            assert {module.split(".")[0] for module in modules} <= allowed, path.name


def test_the_committed_gazetteer_is_what_the_build_script_makes():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_gazetteer
    finally:
        sys.path.pop(0)
    gazetteer, ru_inflections, context, _dropped = build_gazetteer.build()
    assert (DATA / "gazetteer.tsv").read_text(encoding="utf-8") == gazetteer, "run tools/build_gazetteer.py"
    assert (DATA / "gazetteer-ru-inflections.tsv").read_text(encoding="utf-8") == ru_inflections, \
        "run tools/build_gazetteer.py"
    assert (DATA / "context.json").read_text(encoding="utf-8") == context, "run tools/build_gazetteer.py"


def test_the_bench_runs_on_a_few_articles(capsys):
    from bench import tagging as bench_tagging

    if not (bench_tagging.DEFAULT_DATA / "ground-truth").is_dir():
        pytest.skip(f"{bench_tagging.DEFAULT_DATA} is absent (the shared benchmark data)")
    assert bench_tagging.main(["--limit", "5", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "5 WCXB dev articles x 1" in out and "peak RSS" in out and "per article, CPU" in out
