"""Benchmark the near-duplicate detection: syndication precision/recall, and index scaling.

precision  Builds a syndication set from the real bodies of the article-extraction benchmark
           (originals; 1-3 copies each at other outlets, made as outlets republish; same-topic
           hard negatives at one or several outlets; briefs of stock phrases), stores it through
           ArticleWriter into a fresh SQLite database in a shuffled crawl order, reads back
           articles.story_id and counts "same story" pairs: precision, recall, F1, with every
           false pair listed and explained. --grid tries shingle sizes x bands x thresholds on
           several seeds and recommends a robust setting. Issue target: P >= 0.99, R >= 0.97.
scaling    Fills one database to each of --sizes stored articles (synthetic texts, bulk rows
           checked against ArticleWriter's) and times --measure inserts through
           ArticleWriter.write + commit at each size; reports mean/p50/p95, candidates per
           insert, time per SQL statement, the candidate query's plan, and the ratio of the
           largest size to the smallest. Issue target: ratio <= 1.5.
all        Both.

Exit codes: 0 done (targets are reported, not enforced), 1 the database failed, 2 bad arguments
or the ground-truth file is absent (the precision benchmark is skipped).

Example: python -m bench.dedup precision --grid --json /tmp/dedup-grid.json
Example: python -m bench.dedup scaling --sizes 1000,10000,100000
Example: python -m bench.dedup scaling --sizes 1000,10000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy.exc import OperationalError

from bench.dedup_syndication import SPLICE_SHARE, GroundTruthMissing, build, load_originals
from bench.dedup_variants import SCALING_VARIANTS, VARIANTS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The data is read where it lies, never copied into the repository (as bench/extraction.py).
DEFAULT_DATA = Path(os.environ.get("NEWSDESK_BENCH_DATA",
                                   PROJECT_ROOT.parent / "shared" / "benchmarks" / "article-extraction"))
TARGET_PRECISION, TARGET_RECALL, TARGET_RATIO = 0.99, 0.97, 1.5
CANDIDATES = "SELECT candidates (dedup_bands GROUP BY)"
# "With margin": what a recommended setting must reach on every seed.
MARGIN_PRECISION, MARGIN_RECALL = 0.995, 0.98


def _floats(value: str) -> list[float]:
    return [float(v) for v in value.split(",") if v.strip()]


def _names(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in SCALING_VARIANTS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown variant {unknown[0]!r} (choose from {', '.join(SCALING_VARIANTS)})")
    return names


def _ints(value: str) -> list[int]:
    return [int(v.replace("_", "").replace("k", "000")) for v in value.split(",") if v.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", choices=("precision", "scaling", "all"), default="precision",
                        help="what to run (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write every figure here")
    settings = parser.add_argument_group("dedup settings (default: DedupSettings(), i.e. newsdesk's defaults)")
    settings.add_argument("--threshold", type=float, help="near-duplicate score needed across sources")
    settings.add_argument("--shingle-words", type=int, metavar="N")
    settings.add_argument("--bands", type=int, metavar="N", help="LSH bands; must divide --num-perm")
    settings.add_argument("--num-perm", type=int, metavar="N")
    settings.add_argument("--min-words", type=int, metavar="N", help="briefs below this are only merged as exact copies")

    precision = parser.add_argument_group("precision")
    precision.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR",
                           help="article-extraction benchmark folder (default: $NEWSDESK_BENCH_DATA or %(default)s)")
    precision.add_argument("--seed", type=int, default=20191112, help="first seed (default: %(default)s)")
    precision.add_argument("--seeds", type=int, default=3, metavar="K",
                           help="syndication sets drawn with seeds seed..seed+K-1 (default: %(default)s)")
    precision.add_argument("--originals", type=int, metavar="N", help="use the first N usable bodies (default: all)")
    precision.add_argument("--briefs", type=int, metavar="N", help="briefs to add (default: half the originals)")
    precision.add_argument("--splice-share", type=float, default=SPLICE_SHARE, metavar="F",
                           help="largest share of a same-topic story spliced from the other (default: %(default)s)")
    if VARIANTS:
        precision.add_argument("--variant", choices=sorted(VARIANTS),
                               help="try a proposed change to the dedup path (bench/dedup_variants.py)")
    precision.add_argument("--grid", action="store_true", help="try the grid below and recommend a setting")
    precision.add_argument("--grid-shingles", type=_ints, default=[3, 4, 5], metavar="LIST")
    precision.add_argument("--grid-bands", type=_ints, default=[16, 32, 64], metavar="LIST")
    precision.add_argument("--grid-thresholds", type=_floats, default=[0.3, 0.4, 0.5, 0.6, 0.7], metavar="LIST")
    precision.add_argument("--show", type=int, default=12, metavar="N", help="false pairs listed per kind (default: %(default)s)")

    scaling = parser.add_argument_group("scaling")
    scaling.add_argument("--sizes", type=_ints, default=[1000, 10_000, 100_000], metavar="LIST",
                         help="stored articles at which to measure (default: 1000,10000,100000)")
    scaling.add_argument("--measure", type=int, default=500, metavar="N", help="timed inserts per size (default: %(default)s)")
    scaling.add_argument("--database-url", metavar="URL",
                         help="default: a temporary SQLite file. A PostgreSQL URL names a server: a database "
                              "bench_dedup_<random> is created there and dropped afterwards")
    scaling.add_argument("--keep-database", action="store_true", help="do not delete the filled database")
    scaling.add_argument("--sqlite-cache-mb", type=int, metavar="MB",
                         help="PRAGMA cache_size for the bench's connections (SQLite's default is 2 MB)")
    scaling.add_argument("--fill-batch", type=int, default=1000, metavar="N")
    scaling.add_argument("--try", dest="try_variants", type=_names, default=[], metavar="LIST",
                         help=f"after the largest size, measure again with each of these changes "
                              f"(in order; 'analyze' stays): {', '.join(SCALING_VARIANTS)}")

    args = parser.parse_args(argv)
    if args.seeds < 1 or args.measure < 1:
        parser.error("--seeds and --measure must be at least 1")
    if sorted(args.sizes) != args.sizes or not args.sizes or args.sizes[0] < 1:
        parser.error("--sizes must be increasing positive numbers, e.g. 1000,10000,100000")
    return args


def base_settings(args):
    from bench.dedup_precision import settings_with
    from pipelines.dedup.writer import DedupSettings

    return settings_with(DedupSettings(), threshold=args.threshold, shingle_words=args.shingle_words,
                         bands=args.bands, num_perm=args.num_perm, min_words=args.min_words)


# --- precision ---------------------------------------------------------------------------------------

def pooled(results) -> dict:
    """Pairs summed over seeds; the worst seed beside them."""
    correct = sum(r.correct_pairs for r in results)
    predicted = sum(r.predicted_pairs for r in results)
    true = sum(r.true_pairs for r in results)
    p = correct / predicted if predicted else 1.0
    r = correct / true if true else 1.0
    return {
        "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "min_precision": min(x.precision for x in results), "min_recall": min(x.recall for x in results),
        "fp_pairs": sum(x.fp_pairs for x in results), "fn_pairs": sum(x.fn_pairs for x in results),
        "merged_stories": sum(x.merged_stories for x in results),
        "split_groups": sum(x.split_groups for x in results),
        "seconds": sum(x.seconds for x in results),
    }


def run_precision(args, report: dict) -> None:
    from bench.dedup_precision import DatabaseFactory, SignatureCache, label, run, settings_with

    originals = load_originals(args.data / "ground-truth.json")[: args.originals]
    seeds = list(range(args.seed, args.seed + args.seeds))
    sets = {seed: build(originals, seed, briefs=args.briefs, splice_share=args.splice_share) for seed in seeds}
    first = sets[seeds[0]]
    kinds = {k: sum(1 for i in first.items if i.kind == k) for k in ("original", "copy", "brief")}
    same_outlet = sum(1 for p in first.pairs if p["same_outlet"])
    print(f"syndication set from {args.data / 'ground-truth.json'}: {kinds['original']} originals "
          f"(>= 150 words), {kinds['copy']} copies, {kinds['brief']} briefs; {len(first.pairs)} same-topic "
          f"pairs with a spliced passage ({same_outlet} at one outlet); seeds {seeds[0]}..{seeds[-1]} "
          f"(copy counts vary by seed)")
    report["precision"] = {"data": str(args.data), "seeds": seeds, "items": kinds,
                           "topic_pairs": first.pairs, "runs": []}
    databases, cache = DatabaseFactory(), SignatureCache()
    try:
        settings = base_settings(args)
        results = [run(sets[seed], settings, seed=seed, databases=databases, signature_cache=cache, variant=getattr(args, 'variant', None)) for seed in seeds]
        print(f"\nsettings: {label(settings)}" + (f"; variant {args.variant}" if getattr(args, "variant", None) else ""))
        print_runs(results)
        print_false_pairs(results, args.show)
        report["precision"]["runs"] = [r.to_json() for r in results]
        report["precision"]["pooled"] = pooled(results)
        if not args.grid:
            return
        grid = []
        combos = [(s, b, t) for s in args.grid_shingles for b in args.grid_bands for t in args.grid_thresholds]
        started = time.perf_counter()
        print(f"\ngrid: {len(combos)} settings x {len(seeds)} seeds "
              f"(num_perm {settings.params.num_perm}, min words {settings.min_words})", flush=True)
        for number, (shingle, bands, threshold) in enumerate(combos, start=1):
            trial = settings_with(settings, threshold=threshold, shingle_words=shingle, bands=bands)
            runs = [run(sets[seed], trial, seed=seed, databases=databases, signature_cache=cache, variant=getattr(args, 'variant', None)) for seed in seeds]
            grid.append({"shingle_words": shingle, "bands": bands, "rows": trial.params.rows,
                         "threshold": threshold, **pooled(runs),
                         "per_seed": [{"seed": r.seed, "precision": r.precision, "recall": r.recall} for r in runs]})
            print(f"  {number}/{len(combos)} done ({time.perf_counter() - started:.0f} s)", end="\r",
                  file=sys.stderr, flush=True)
        print(file=sys.stderr)
        print_grid(grid)
        pick = recommend(grid, settings)
        report["precision"]["grid"] = grid
        report["precision"]["recommended"] = pick
        if pick is None:
            print("\nno setting of the grid meets the targets with margin on every seed")
            return
        print(f"\nrecommended: shingle {pick['shingle_words']}, {pick['bands']} bands, threshold "
              f"{pick['threshold']:g} ({pick['why']})")
        chosen = settings_with(settings, threshold=pick["threshold"], shingle_words=pick["shingle_words"],
                               bands=pick["bands"])
        results = [run(sets[seed], chosen, seed=seed, databases=databases, signature_cache=cache, variant=getattr(args, 'variant', None)) for seed in seeds]
        print(f"\nat the recommended setting: {label(chosen)}")
        print_runs(results)
        print_false_pairs(results, args.show)
        report["precision"]["recommended_runs"] = [r.to_json() for r in results]
    finally:
        databases.close()


def print_runs(results) -> None:
    print(f"  {'seed':>8} {'P':>6} {'R':>6} {'F1':>6} {'true':>5} {'pred':>5} {'FP':>4} {'FN':>4}"
          f" {'merged':>6} {'split':>5}  outcomes")
    for r in results:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items()))
        print(f"  {r.seed:>8} {r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f} {r.true_pairs:5d} "
              f"{r.predicted_pairs:5d} {r.fp_pairs:4d} {r.fn_pairs:4d} {r.merged_stories:6d} {r.split_groups:5d}  {outcomes}")
    if len(results) > 1:
        s = pooled(results)
        print(f"  {'pooled':>8} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
              f"{sum(r.true_pairs for r in results):5d} {sum(r.predicted_pairs for r in results):5d} "
              f"{s['fp_pairs']:4d} {s['fn_pairs']:4d} {s['merged_stories']:6d} {s['split_groups']:5d}")
    print("  (pairs: items of one true story / of one stored story; merged: stories mixing true stories;"
          " split: true stories spread over several)")
    print("  separation, scored without LSH: weakest true pair / strongest pair of different stories"
          " (other outlets) / strongest brief pair")
    for r in results:
        sep = r.separation

        def show(entry):
            return f"{entry['score']:.3f} ({entry['a']} ~ {entry['b']})" if entry else "-"
        print(f"  {r.seed:>8} {show(sep['weakest_true_pair'])} / {show(sep['strongest_other_story_cross_source'])}"
              f" / {show(sep['strongest_brief_pair'])}; true pairs below threshold "
              f"{sep['true_pairs_below_threshold']}, other-story pairs above {sep['other_story_pairs_above_threshold']}")


def _pair_line(f: dict) -> str:
    return (f"  {f['score']:5.3f} {f['jaccard']:5.3f} {f['shared_bands']:3d}  {f['why']}\n"
            f"      {f['a']:<16} {f['a_words']:4d}w {f['a_outlet']:<18} {','.join(f['a_notes'])}  [{f['a_match']}]\n"
            f"      {f['b']:<16} {f['b_words']:4d}w {f['b_outlet']:<18} {','.join(f['b_notes'])}  [{f['b_match']}]")


def print_false_pairs(results, show: int) -> None:
    for name, attr, note in (("false positives", "false_positives", "highest score first"),
                             ("false negatives", "false_negatives", "lowest score first")):
        pairs = [dict(f, seed=r.seed) for r in results for f in getattr(r, attr)]
        if not pairs:
            print(f"\n{name}: none")
            continue
        pairs.sort(key=lambda f: -f["score"] if attr == "false_positives" else f["score"])
        reasons = {}
        for f in pairs:
            reasons[f["why"]] = reasons.get(f["why"], 0) + 1
        print(f"\n{name}: {len(pairs)} pairs ({'; '.join(f'{v} {k}' for k, v in reasons.items())}), {note}")
        print("  score  jacc  bands  why / item, words, outlet, how it was made  [what the writer decided]")
        for f in pairs[:show]:
            print(_pair_line(f).replace("  ", f"  s{f['seed'] % 100:02d} ", 1))


def print_grid(grid: list[dict]) -> None:
    print(f"\n  {'shingle':>7} {'bands':>5} {'rows':>4} {'thr':>4}  {'P':>6} {'R':>6} {'F1':>6}"
          f"  {'minP':>6} {'minR':>6}  {'FP':>4} {'FN':>4}  meets")
    for row in grid:
        meets = meets_targets(row)
        print(f"  {row['shingle_words']:>7} {row['bands']:>5} {row['rows']:>4} {row['threshold']:>4.2f}  "
              f"{row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f}  {row['min_precision']:6.3f} "
              f"{row['min_recall']:6.3f}  {row['fp_pairs']:4d} {row['fn_pairs']:4d}  {meets}")
    print(f"  (P/R pooled over seeds; minP/minR the worst seed. meets: 'yes' = P >= {TARGET_PRECISION}, "
          f"R >= {TARGET_RECALL} on every seed; 'margin' = P >= {MARGIN_PRECISION}, R >= {MARGIN_RECALL})")


def meets_targets(row: dict) -> str:
    if row["min_precision"] >= MARGIN_PRECISION and row["min_recall"] >= MARGIN_RECALL:
        return "margin"
    if row["min_precision"] >= TARGET_PRECISION and row["min_recall"] >= TARGET_RECALL:
        return "yes"
    return ""


def recommend(grid: list[dict], current) -> dict | None:
    """The setting in the middle of a plateau: it and both threshold neighbours meet the targets
    with margin on every seed. Among those: the current defaults if they qualify, else the best
    worst-seed F1, then fewer bands (a smaller index)."""
    by_key = {(r["shingle_words"], r["bands"], r["threshold"]): r for r in grid}
    thresholds = sorted({r["threshold"] for r in grid})
    plateau = []
    for row in grid:
        i = thresholds.index(row["threshold"])
        neighbours = [by_key.get((row["shingle_words"], row["bands"], t)) for t in thresholds[max(0, i - 1): i + 2]]
        if len(neighbours) == 3 and all(n and meets_targets(n) == "margin" for n in neighbours):
            plateau.append(row)
    if not plateau:
        return None
    p = current.params
    for row in plateau:
        if (row["shingle_words"], row["bands"], row["threshold"]) == (p.shingle_words, p.bands, current.threshold):
            return dict(row, why="the settings under test (newsdesk's defaults unless options changed them) "
                                 "sit inside a plateau that meets the targets with margin")

    def worst_f1(row):
        return 2 * row["min_precision"] * row["min_recall"] / (row["min_precision"] + row["min_recall"])

    best = max(plateau, key=lambda r: (round(worst_f1(r), 3), -r["bands"]))
    return dict(best, why="best worst-seed F1 among settings whose threshold neighbours also meet the targets with margin")


# --- scaling -----------------------------------------------------------------------------------------

def run_scaling(args, report: dict) -> None:
    from sqlalchemy import event, text
    from sqlalchemy.engine import make_url

    from bench import dedup_scaling as scaling
    from storage import migrate
    from storage.db import is_sqlite, make_engine

    settings = base_settings(args)
    cleanup = []
    if args.database_url and not is_sqlite(args.database_url):
        server = args.database_url
        name = f"bench_dedup_{uuid.uuid4().hex[:10]}"
        admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)

        def drop(database=name):
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
        if not args.keep_database:
            cleanup.append(drop)
    elif args.database_url:
        url = args.database_url
    else:
        folder = Path(tempfile.mkdtemp(prefix="newsdesk-bench-scaling-"))
        url = f"sqlite:///{folder / 'scaling.db'}"
        if not args.keep_database:
            cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))

    shown = make_url(url).render_as_string(hide_password=True)
    print(f"scaling on {shown}: sizes {', '.join(map(str, args.sizes))}; {args.measure} timed inserts "
          f"at each (new {scaling.MIX[0][1]:.0%}, copies {scaling.MIX[1][1]:.0%}, briefs "
          f"{scaling.MIX[2][1]:.0%}, re-fetches {scaling.MIX[3][1]:.0%}); settings {settings.params_label}, "
          f"threshold {settings.threshold:g}", flush=True)
    corpus = scaling.SyntheticCorpus()
    out = report.setdefault("scaling", {})
    out |= {"database": shown, "sizes": args.sizes, "measure": args.measure, "settings": settings.params_label,
            "stages": []}
    try:
        check = check_fill(corpus, settings)
        print(f"fill check: {check}", flush=True)
        out["fill_check"] = check
        engine = make_engine(url)
        if args.sqlite_cache_mb and engine.dialect.name == "sqlite":
            @event.listens_for(engine, "connect")
            def _cache(dbapi_connection, _record):
                dbapi_connection.execute(f"PRAGMA cache_size=-{args.sqlite_cache_mb * 1024}")
            out["sqlite_cache_mb"] = args.sqlite_cache_mb
        migrate.upgrade(engine)
        source_ids = scaling.ensure_sources(engine, corpus)
        profile = scaling.StatementProfile(engine)
        next_index, stored, fill_total = 0, 0, 0.0
        for size in args.sizes:
            started = time.perf_counter()
            to_fill = max(0, size - stored)
            scaling.bulk_fill(engine, corpus, range(next_index, next_index + to_fill), settings, source_ids,
                              batch=args.fill_batch)
            next_index += to_fill
            stored += to_fill
            if engine.dialect.name == "postgresql":
                # What autovacuum does within a minute of a bulk load; a nightly crawl never adds a
                # tenth of the table between two of its runs, so measuring before it would time a
                # state production does not see.
                with engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            filled = time.perf_counter() - started
            fill_total += filled
            print(f"  filled to {stored} stored articles in {filled:.0f} s; measuring...", file=sys.stderr, flush=True)
            profile.reset()
            before = next_index
            batch, next_index = scaling.measure(
                engine, corpus, settings, source_ids, next_index=next_index, stored_indices=before,
                count=args.measure, seed=args.seed, profile=profile)
            summary = batch.summary()
            facts = scaling.database_facts(engine)
            stored = facts["articles"]
            stage = {"stored": size, "fill_seconds": round(filled, 1), **summary,
                     "statements_ms_per_insert": {k: 1000 * v / summary["inserts"]
                                                  for k, v in sorted(profile.seconds.items(), key=lambda kv: -kv[1])},
                     "statement_calls": dict(profile.calls),
                     "candidate_plan": scaling.explain_candidates(engine, profile), **facts}
            out["stages"].append(stage)
        out["fill_seconds_total"] = round(fill_total, 1)
        out["variants"] = []
        for variant in args.try_variants:
            undo = SCALING_VARIANTS[variant](engine)
            if undo is None:
                out["variants"].append({"variant": variant, "skipped": f"not for {engine.dialect.name}"})
                continue
            profile.reset()
            batch, next_index = scaling.measure(
                engine, corpus, settings, source_ids, next_index=next_index, stored_indices=next_index,
                count=args.measure, seed=args.seed + len(out["variants"]) + 1, profile=profile)
            plan = scaling.explain_candidates(engine, profile)  # before the undo: the plan it ran with
            undo()
            summary = batch.summary()
            out["variants"].append({
                "variant": variant, "stored": scaling.database_facts(engine)["articles"], **summary,
                "statements_ms_per_insert": {k: 1000 * v / summary["inserts"] for k, v in profile.seconds.items()},
                "candidate_plan": plan,
            })
        engine.dispose()
        print_scaling(out)
    finally:
        for step in cleanup:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - say what is left behind, keep the first error
                print(f"bench.dedup: could not remove the bench database ({type(exc).__name__}); "
                      f"drop it by hand: {shown}", file=sys.stderr)


def check_fill(corpus, settings, count: int = 200) -> str:
    """Bulk fill and ArticleWriter, on two fresh SQLite files: the same rows, or the bench is wrong."""
    from bench import dedup_scaling as scaling
    from storage import migrate
    from storage.db import make_engine

    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-fillcheck-") as folder:
        rows = []
        for name, fill in (("bulk", scaling.bulk_fill), ("writer", scaling.write_through_article_writer)):
            engine = make_engine(f"sqlite:///{folder}/{name}.db")
            migrate.upgrade(engine)
            fill(engine, corpus, range(count), settings, scaling.ensure_sources(engine, corpus))
            rows.append(scaling.table_rows(engine))
            engine.dispose()
    differing = [table for table in rows[0] if rows[0][table] != rows[1][table]]
    if differing:
        raise SystemExit(f"bench.dedup: the bulk fill does not write what ArticleWriter writes ({', '.join(differing)}): fix the bench")
    return f"bulk fill and ArticleWriter wrote identical rows for {count} articles ({', '.join(rows[0])})"


def print_scaling(out: dict) -> None:
    stages = out["stages"]
    print(f"\n  {'stored':>7} {'fill s':>7} {'mean ms':>8} {'p50':>6} {'p95':>6} {'commit':>6} "
          f"{'cand/ins':>8} {'cand max':>8} {'db MB':>7}")
    for s in stages:
        print(f"  {s['stored']:>7} {s['fill_seconds']:>7.0f} {s['mean_ms']:>8.2f} {s['p50_ms']:>6.2f} "
              f"{s['p95_ms']:>6.2f} {s['commit_mean_ms']:>6.2f} {s['candidates_mean']:>8.2f} "
              f"{s['candidates_max']:>8d} {s['database_mb']:>7.0f}")
    first, last = stages[0], stages[-1]
    ratio = last["mean_ms"] / first["mean_ms"]
    out["ratio_mean"] = ratio
    out["ratio_p50"] = last["p50_ms"] / first["p50_ms"]
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"  (write + commit per article; the signature, made by the extraction worker in a crawl, "
          f"took {first['signature_mean_ms']:.2f} ms apart)")
    print(f"\nratio {last['stored']}/{first['stored']}: mean {ratio:.2f}, p50 {out['ratio_p50']:.2f} "
          f"({verdict} the target <= {TARGET_RATIO}); bulk fill took {out['fill_seconds_total']:.0f} s in all")

    print("\nper kind, mean ms (outcomes at the largest size):")
    kinds = sorted({k for s in stages for k in s["by_kind"]})
    print("  " + f"{'kind':<8}" + "".join(f"{s['stored']:>10}" for s in stages) + "  outcomes")
    for kind in kinds:
        cells = "".join(f"{s['by_kind'].get(kind, {}).get('mean_ms', float('nan')):>10.2f}" for s in stages)
        outcomes = last["by_kind"].get(kind, {}).get("outcomes", {})
        print(f"  {kind:<8}{cells}  {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}")

    print("\ntime per insert by SQL statement, ms (largest first at the largest size):")
    names = list(last["statements_ms_per_insert"])
    print("  " + f"{'statement':<44}" + "".join(f"{s['stored']:>10}" for s in stages))
    for name in names[:14]:
        cells = "".join(f"{s['statements_ms_per_insert'].get(name, 0.0):>10.3f}" for s in stages)
        print(f"  {name[:44]:<44}{cells}")
    print(f"\ncandidate query plan at {last['stored']}:")
    for line in last["candidate_plan"]:
        print(f"  {line}")
    if out.get("variants"):
        print(f"\nchanges tried at the largest size (same database), against the first size's {first['mean_ms']:.2f} ms:")
        print(f"  {'variant':<20} {'stored':>7} {'mean ms':>8} {'p50':>6} {'p95':>6} {'candidates ms':>13} {'ratio':>6}")
        print(f"  {'(unchanged)':<20} {last['stored']:>7} {last['mean_ms']:>8.2f} {last['p50_ms']:>6.2f} "
              f"{last['p95_ms']:>6.2f} {last['statements_ms_per_insert'].get(CANDIDATES, 0):>13.3f} {ratio:>6.2f}")
        for v in out["variants"]:
            if "skipped" in v:
                print(f"  {v['variant']:<20} skipped: {v['skipped']}")
                continue
            v["ratio_mean"] = v["mean_ms"] / first["mean_ms"]
            print(f"  {v['variant']:<20} {v['stored']:>7} {v['mean_ms']:>8.2f} {v['p50_ms']:>6.2f} {v['p95_ms']:>6.2f} "
                  f"{v['statements_ms_per_insert'].get(CANDIDATES, 0):>13.3f} {v['ratio_mean']:>6.2f}")
        for v in out["variants"]:
            if v.get("candidate_plan"):
                print(f"\ncandidate query plan with {v['variant']}:")
                for line in v["candidate_plan"]:
                    print(f"  {line[:160]}")
    if last.get("bands_index_mb"):
        print(f"dedup_bands b-trees at {last['stored']} (MB): {last['bands_index_mb']}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        base_settings(args)
    except ValueError as exc:
        print(f"bench.dedup: {exc}", file=sys.stderr)
        return 2
    truth = args.data / "ground-truth.json"
    if args.mode in ("precision", "all") and not truth.is_file():
        print(f"bench.dedup: skipped: no ground truth at {truth} (pass --data DIR or set NEWSDESK_BENCH_DATA)",
              file=sys.stderr)
        return 2
    report: dict = {"mode": args.mode}
    try:
        if args.mode in ("precision", "all"):
            run_precision(args, report)
        if args.mode in ("scaling", "all"):
            if args.mode == "all":
                print()
            run_scaling(args, report)
    except GroundTruthMissing as exc:
        print(f"bench.dedup: skipped: no ground truth at {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(f"bench.dedup: the database failed: {str(exc.orig or exc).splitlines()[0]}", file=sys.stderr)
        return 1
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
