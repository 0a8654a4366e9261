"""Relevance benchmark: the guide ("Borgerens situation") and plain search, side by side.

On the demo data (`data/`), for each situation table:

- `tests/relevance/situations.yaml`, half `tuning` (the guide may be tuned on it) and half
  `frozen` (situations nobody tuned for: the honest figure);
- the old 33-situation table of `tests/test_guide.py` (written while building the guide);
- `tests/relevance/independent.yaml`: sets by writers who saw only the list of units, never
  the code or the vocabulary, each measured once unseen; `untuned` (never tuned for: the
  honest figure) or `tuned` (tuned on after that); each set alone and each status pooled;

it reports `all_found`, the share of situations with every expected unit among the first 5
units, and `found`, the share of expected units found, for the guide (`search.guide`) and for
plain search of the whole text (the baseline: what Søg shows for it). For search word forms
(`tests/test_search_forms.py` FIRST and `tests/relevance/forms.yaml`: inflections,
derivations, phrases) it reports `hit@3`, the share of queries with an expected unit among
the first 3 hits.

With sizes (`--sizes 10000`), it also times the guide and a search per situation on a
generated directory of that size: p50/p95 in ms of CPU time.

    python -m benchmarks --only relevance [--sizes 10000]
    python -m benchmarks.bench_relevance [--sizes 10000] [--against DIR]

`--against DIR` times another checkout of the project (e.g. the code before a change,
unpacked with `git archive REV | tar -x -C DIR`) in the same run, alternating the two, and
prints each p95 as a ratio of the other's: the timing targets are ratios measured side by
side, since figures on a shared machine vary with its load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SUGGESTIONS = 5  # units scored per situation (the guide's default limit)
# The moment the tables are measured at: open now orders the suggestions, so a fixed weekday
# noon makes the figures the same at any hour (at night they differ by a situation or two).
MOMENT = dt.datetime(2026, 12, 8, 12, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
HIT_AT = 3  # search word forms: an expected unit among this many hits
# The tables come from testkit.relevance, imported where used: `--against` runs `timing()`
# on older code, which may not have them.
Situation = tuple[str, int | None, list[str]]


# ------------------------------------------------------------------ the tables


def old_situations() -> list[Situation]:
    """The 33 situations of tests/test_guide.py (written while the guide was built)."""
    from testkit.relevance import SITUATIONS

    return [(text, age, list(expected)) for text, age, expected in SITUATIONS]


# ------------------------------------------------------------------ the engines


def engines(index: Any) -> dict[str, Callable[[str, int | None], list[str]]]:
    """The guide and plain search of the whole text, each as text, age -> unit ids."""
    from search.guide import Guide, read_age
    from search.results import GROUP_FACTOR, group_hits

    guide = Guide(index)

    def by_guide(text: str, age: int | None) -> list[str]:
        guidance = guide.guide(text, age=age, limit=SUGGESTIONS, at=MOMENT)
        return [s.unit_id for s in guidance.suggestions]

    def by_search(text: str, age: int | None) -> list[str]:
        years = age if age is not None else read_age(text)
        hits = index.search(text, limit=SUGGESTIONS * GROUP_FACTOR * 2, age=years)
        return [r.id for r in group_hits(hits, SUGGESTIONS * 2) if r.unit_id][:SUGGESTIONS]

    return {"guide": by_guide, "search": by_search}


def score(
    answer: Callable[[str, int | None], list[str]], table: list[Situation]
) -> dict[str, float]:
    """all_found and found of one engine on one table."""
    from testkit.relevance import found

    complete, shares = 0, []
    for text, age, expected in table:
        units = answer(text, age)
        hits = [found(e, units) for e in expected]
        shares.append(sum(hits) / len(hits))
        complete += all(hits)
    return {
        "all_found": complete / len(table),
        "found": sum(shares) / len(shares),
        "situations": len(table),
    }


def hit_at(index: Any, queries: list[tuple[str, list[str]]], at: int = HIT_AT) -> float:
    """Share of queries with an accepted unit among the first `at` hits' units."""
    right = 0
    for query, accept in queries:
        units = [h.unit_id for h in index.search(query, limit=at) if h.unit_id]
        right += bool(set(accept) & set(units[:at]))
    return right / len(queries)


def relevance_rows() -> list[dict[str, Any]]:
    """The relevance table on the demo data (long rows: name, size, metric, value)."""
    from benchmarks.common import row
    from directory import load_directory
    from search import SearchIndex
    from testkit.relevance import (
        form_queries,
        independent,
        independent_first,
        independent_names,
        independent_status,
        situations,
    )

    index = SearchIndex(load_directory(ROOT / "data"))
    answer = engines(index)
    rows: list[dict[str, Any]] = []
    tables = {
        "frozen half": situations("frozen"),
        "tuning half": situations("tuning"),
        "old 33 (tests/test_guide.py)": old_situations(),
    }
    for status in ("untuned", "tuned"):  # by people who never saw the code nor the vocabulary
        names = independent_names(status)
        pooled = [s for name in names for s in independent(name)]
        if pooled:
            tables[f"independent sets {'+'.join(names).upper()} ({status})"] = pooled
    first: dict[str, str] = {}
    for name in independent_names():
        label = f"independent set {name.upper()} ({independent_status(name)})"
        tables[label] = independent(name)
        then = independent_first(name)
        first[label] = f"; first, unseen: {then['guide']} vs {then['search']} ({then['commit']})"
    for name, table in tables.items():
        guide, search = score(answer["guide"], table), score(answer["search"], table)
        for metric in ("all_found", "found"):
            rows.append(
                row(
                    f"relevance: {name}",
                    len(table),
                    f"guide {metric}",
                    round(guide[metric], 3),
                    round(search[metric], 3),
                    note="baseline: plain search of the whole text"
                    + ("; target: all_found >= 0.9" if _honest(name) else "")
                    + (first.get(name, "") if metric == "all_found" else ""),
                )
            )
    ablated, removed = ablated_frozen()
    rows.append(
        row(
            "relevance: frozen half, vocabulary without what only it holds",
            len(situations("frozen")),
            "guide all_found",
            round(ablated, 3),
            note=f"{removed} vocabulary entries left out: a lower bound (see ablated_frozen)",
        )
    )
    queries = form_queries()
    rows.append(
        row(
            "relevance: search word forms",
            len(queries),
            f"hit@{HIT_AT}",
            round(hit_at(index, queries), 3),
            note="target: >= 0.95",
        )
    )
    return rows


def _honest(table: str) -> bool:
    """A table nobody tuned for (the frozen half, an untuned independent set)."""
    return "frozen" in table or "untuned" in table


def ablated_frozen() -> tuple[float, int]:
    """The guide's all_found on the frozen half with a vocabulary without every entry that
    only the frozen sentences hold (no unit's words, no tuning or old situation holds it).

    The same person wrote the frozen half and, later, the vocabulary: phrases of the frozen
    sentences may have found their way into it. Leaving out every entry only they support
    (general words such as 'demens' or 'rengøring' too) gives a lower bound of how the
    guide does on words it was not written for. Returns (share, entries left out)."""
    import dataclasses

    from directory import load_directory
    from directory.rules.vocabulary import Vocabulary, merge, national_needs, unit_texts
    from search import SearchIndex
    from search.guide import Guide
    from testkit.relevance import SITUATIONS, found, situations

    directory = load_directory(ROOT / "data")
    needs = merge(national_needs(), directory.needs)
    full = Vocabulary(needs)

    def entries(texts: list[str]) -> set[tuple[str, str]]:
        return {(m.need.id, m.phrase) for text in texts for m in full.read(text)}

    frozen = situations("frozen")
    support = [*unit_texts(directory), *(s[0] for s in situations("tuning"))]
    removed = entries([s[0] for s in frozen]) - entries([*support, *(s[0] for s in SITUATIONS)])
    ablated = [
        dataclasses.replace(
            need,
            words=tuple(w for w in need.words if (need.id, w) not in removed) or need.words,
            everyday=tuple(w for w in need.everyday if (need.id, w) not in removed),
        )
        for need in needs
    ]
    directory.__dict__["_vocabulary"] = (directory.needs, Vocabulary(ablated))
    guide = Guide(SearchIndex(directory))
    complete = sum(
        all(
            found(e, [s.unit_id for s in guide.guide(text, age=age, at=MOMENT).suggestions])
            for e in exp
        )
        for text, age, exp in frozen
    )
    return complete / len(frozen), len(removed)


# ------------------------------------------------------------------ timing at a size


def timing(size: int, seed: int, texts: list[str], repeat: int = 1) -> dict[str, float]:
    """p50/p95 ms of the guide and of a search for each text on `size` generated units, in
    CPU time of this process (steadier than wall time on a shared machine).

    Uses only what every version of the project has (`SearchIndex.search`,
    `Guide(index).guide`), so `--against` can run it on older code."""
    from benchmarks.bench_search import generated_directory
    from search import SearchIndex
    from search.guide import Guide

    directory = generated_directory(size, seed)
    started = time.process_time()
    index = SearchIndex(directory)
    build = time.process_time() - started
    guide = Guide(index)
    for text in texts[:3]:  # warm up caches
        guide.guide(text)
        index.search(text, limit=30)
    out: dict[str, float] = {"build_s": build}
    for name, call in (
        ("guide", lambda t: guide.guide(t)),
        ("search", lambda t: index.search(t, limit=30)),
    ):
        latencies = []
        for _ in range(repeat):
            for text in texts:
                started = time.process_time()
                call(text)
                latencies.append((time.process_time() - started) * 1000)
        out[f"{name}_p50_ms"] = _percentile(latencies, 0.50)
        out[f"{name}_p95_ms"] = _percentile(latencies, 0.95)
    return out


def _percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def timing_texts() -> list[str]:
    """The situation texts of every table (words as caseworkers write them)."""
    from testkit.relevance import situations

    texts = [s[0] for half in ("tuning", "frozen") for s in situations(half)]
    return texts + [s[0] for s in old_situations()]


def run(sizes: list[int], seed: int) -> list[dict[str, Any]]:
    """Rows for `python -m benchmarks --only relevance`."""
    from benchmarks.common import row

    rows = relevance_rows()
    texts = timing_texts()
    for size in sizes:
        figures = timing(size, seed, texts)
        for metric, value in figures.items():
            rows.append(row("relevance: timing", size, metric, round(value, 3)))
    return rows


# ------------------------------------------------------------------ before/after


def _timing_in(tree: Path, size: int, seed: int, repeat: int) -> dict[str, float]:
    """`timing()` run by another checkout's code (this file, that tree's packages)."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); "
        "import importlib.util as u; "
        f"s = u.spec_from_file_location('bench_relevance_run', {str(Path(__file__))!r}); "
        "m = u.module_from_spec(s); s.loader.exec_module(m); "
        "texts = json.loads(sys.argv[5]); "
        "print(json.dumps(m.timing(int(sys.argv[2]), int(sys.argv[3]), texts, int(sys.argv[4]))))"
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(tree), str(size), str(seed), str(repeat)]
        + [json.dumps(timing_texts())],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def compare(other: Path, size: int, seed: int, rounds: int = 3, repeat: int = 2) -> str:
    """p95 of this checkout and of `other`, alternating `rounds` times; medians and ratios."""
    figures: dict[str, list[dict[str, float]]] = {"this": [], "other": []}
    for _ in range(rounds):
        figures["this"].append(_timing_in(ROOT, size, seed, repeat))
        figures["other"].append(_timing_in(other, size, seed, repeat))
    lines = [f"size {size}, {rounds} alternating rounds (medians): this / {other}"]
    for metric in ("guide_p95_ms", "search_p95_ms", "guide_p50_ms", "search_p50_ms", "build_s"):
        this = statistics.median(f[metric] for f in figures["this"])
        that = statistics.median(f[metric] for f in figures["other"])
        lines.append(f"  {metric:>14}: {this:9.2f} vs {that:9.2f}  ratio {this / that:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_relevance", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[], help="time at these sizes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--against", type=Path, help="another checkout to time side by side")
    args = parser.parse_args(argv)
    if args.against:
        for size in args.sizes or [10000]:
            print(compare(args.against.resolve(), size, args.seed))
        return 0
    from benchmarks.__main__ import format_table

    print(format_table(run(args.sizes, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
