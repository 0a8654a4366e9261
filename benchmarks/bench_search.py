"""Search benchmark: SearchIndex against a naive rapidfuzz scan, at 1k/10k/50k generated units.

For each size it reports the build time, the p50/p95 latency of one query and the share of
queries whose target unit is among the top 3 hits ("top3"), for `search.SearchIndex` and for
the baseline (rapidfuzz `process.extract` with `WRatio` over one concatenated text per
unit, preprocessed once). Both are measured in the same run on the same queries.

Queries are made from the generated data itself, as staff type them: a unit's name without
æ/ø/å, a name with a typo, a name in lower case with its Danish letters, a colleague's full
name. On the demo data (`data/`, when it loads) both engines are also scored on the
parametrized query table of `tests/test_search.py` and the word-form table of
`tests/test_search_forms.py`; and the guided referral (`search.guide`) is scored on the
situation table of `tests/test_guide.py` against today's search of the whole text as the
baseline: "found" is the share of expected units among the suggestions (5, the guide's
default), "all_found" the share of situations where every expected unit is among them.

    python -m benchmarks.bench_search [--sizes 1000 10000 50000] [--seed 7] [--queries 200]

Data comes from `directory.devtools.synth` (the same generator as `python -m directory synth`); its
YAML is parsed with the C loader and the models built directly, which is much faster at 50k
units than the full validator (the validator is not what is measured here).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from benchmarks.common import libyaml_safe_load
from directory.loading.safefile import atomic_file
from directory.model import Department, Directory, Location, Referral, Unit
from search import SearchIndex
from search.normalize import phrase_key

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_SIZES = [1000, 10000, 50000]


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    accept: frozenset[str]  # unit ids that count as a right answer
    kind: str


# ------------------------------------------------------------------ data


def generated_directory(units: int, seed: int) -> Directory:
    """A generated directory of `units` units from `directory.devtools.synth`, cached between runs.

    Building 50k units' models takes minutes on a busy 2-core machine, so the result is
    pickled into the temp folder, keyed by size, seed and the generator's and the models'
    source.
    """
    import directory.devtools.synth as synth
    import directory.model as model

    # the generator and the models: a pickle of older models lacks their newer fields
    source = Path(synth.__file__).read_bytes() + Path(model.__file__).read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / "landkort-bench" / f"synth-{units}-{seed}-{digest}.pickle"
    if cache.exists():
        try:
            with cache.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # a stale or broken cache file is rebuilt
            pass
    built = _build_directory(synth.synth_files(units, seed))
    with atomic_file(cache) as handle:
        pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return built


def _build_directory(files: dict[str, str]) -> Directory:
    """Models built straight from generated YAML texts (C loader, no line tracking)."""

    records: dict[str, list[dict]] = {
        "departments": [],
        "units": [],
        "locations": [],
        "referrals": [],
        "synonyms": [],
    }
    for _path, text in sorted(files.items()):
        loaded = libyaml_safe_load(text) or {}
        for key, value in loaded.items():
            if key in records and value:
                records[key].extend(value)
    return Directory(
        departments={d.id: d for d in map(Department.model_validate, records["departments"])},
        units={u.id: u for u in map(Unit.model_validate, records["units"])},
        locations={loc.id: loc for loc in map(Location.model_validate, records["locations"])},
        referrals=[Referral.model_validate(r) for r in records["referrals"]],
        synonyms=[list(g) for g in records["synonyms"]],
    )


_ASCII = [
    {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"},
    {"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"},
]


def _typo(text: str, rng: random.Random) -> str:
    """One typo (swap, drop or double a letter) in the longest word of the text."""
    words = text.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    word = words[i]
    if len(word) < 6:
        return text
    at = rng.randrange(1, len(word) - 2)
    how = rng.choice(["swap", "drop", "double"])
    if how == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif how == "drop":
        word = word[:at] + word[at + 1 :]
    else:
        word = word[:at] + word[at] + word[at:]
    words[i] = word
    return " ".join(words)


def make_queries(directory: Directory, count: int, seed: int) -> list[Query]:
    """`count` queries with known answers, a quarter of each kind."""
    rng = random.Random(seed)
    by_name: dict[str, set[str]] = {}
    by_contact: dict[str, set[str]] = {}
    for unit in directory.units.values():
        by_name.setdefault(phrase_key(unit.name), set()).add(unit.id)
        for contact in unit.contacts:
            by_contact.setdefault(phrase_key(contact.name), set()).add(unit.id)
    units = list(directory.units.values())
    with_contacts = [u for u in units if u.contacts]
    queries: list[Query] = []
    kinds = ["ascii", "typo", "lower", "contact"]
    while len(queries) < count:
        kind = kinds[len(queries) % len(kinds)]
        if kind == "contact" and with_contacts:
            contact = rng.choice(rng.choice(with_contacts).contacts)
            queries.append(
                Query(contact.name.lower(), frozenset(by_contact[phrase_key(contact.name)]), kind)
            )
            continue
        unit = rng.choice(units)
        accept = frozenset(by_name[phrase_key(unit.name)])
        if kind == "ascii":
            text = unit.name.translate(str.maketrans(rng.choice(_ASCII)))
        elif kind == "typo":
            text = _typo(unit.name, rng)
        else:
            text = unit.name.lower()
        queries.append(Query(text, accept, kind))
    return queries


def demo_queries() -> list[Query]:
    """The query table of tests/test_search.py (query, expected unit in the top 3)."""
    from testkit.relevance import CASES

    return [Query(q, frozenset([unit]), "demo") for q, unit in CASES]


def form_queries() -> list[Query]:
    """The word-form table of tests/test_search_forms.py (inflections, compounds, issue 15)."""
    from testkit.relevance import FIRST

    return [Query(q, frozenset([unit]), "forms") for q, unit in FIRST]


SUGGESTIONS = 5  # suggestions scored per situation (the guide's default limit)


def _situation_rows(demo: Directory) -> list[dict]:
    """The guide against today's search of the whole situation, on tests/test_guide.py."""
    from search.guide import Guide, read_age
    from search.results import GROUP_FACTOR, group_hits
    from testkit.relevance import SITUATIONS, found

    index = SearchIndex(demo)
    start = time.perf_counter()
    guide = Guide(index)
    build = time.perf_counter() - start

    def by_guide(text: str, age: int | None) -> list[str]:
        guidance = guide.guide(text, age=age, limit=SUGGESTIONS)
        return [s.unit_id for s in guidance.suggestions]

    def by_search(text: str, age: int | None) -> list[str]:
        age = age if age is not None else read_age(text)
        hits = index.search(text, limit=SUGGESTIONS * GROUP_FACTOR, age=age)
        return [r.id for r in group_hits(hits, SUGGESTIONS * 2) if r.unit_id][:SUGGESTIONS]

    rows = []
    for engine, answer in (("guide", by_guide), ("baseline search (whole text)", by_search)):
        latencies, found_share, complete = [], [], 0
        for text, age, expected in SITUATIONS:
            started = time.perf_counter()
            units = answer(text, age)
            latencies.append((time.perf_counter() - started) * 1000)
            hits = [found(e, units) for e in expected]
            found_share.append(sum(hits) / len(expected))
            complete += all(hits)
        rows.append(
            {
                "benchmark": "search",
                "dataset": "demo data, situations",
                "units": len(demo.units),
                "engine": engine,
                "build_s": round(build if engine == "guide" else 0.0, 3),
                "p50_ms": round(_percentile(latencies, 0.50), 3),
                "p95_ms": round(_percentile(latencies, 0.95), 3),
                "found": round(sum(found_share) / len(found_share), 3),
                "all_found": round(complete / len(SITUATIONS), 3),
                "queries": len(SITUATIONS),
            }
        )
    return rows


# ------------------------------------------------------------------ engines


class Baseline:
    """The naive search: WRatio of the query against one concatenated text per unit."""

    def __init__(self, directory: Directory) -> None:
        self.ids: list[str] = []
        self.texts: list[str] = []
        for unit in directory.units.values():
            parts = [unit.name, *unit.keywords, *unit.responsibilities, *unit.target_groups]
            parts += [unit.description or "", *(c.name for c in unit.contacts)]
            self.ids.append(unit.id)
            self.texts.append(utils.default_process(" ".join(parts)))

    def search(self, query: str, limit: int = 10) -> list[str]:
        found = process.extract(
            utils.default_process(query), self.texts, scorer=fuzz.WRatio, limit=limit
        )
        return [self.ids[index] for _, _, index in found]


def _index_units(index: SearchIndex) -> Callable[[str], list[str]]:
    def search(query: str) -> list[str]:
        return [hit.unit_id for hit in index.search(query, limit=10) if hit.unit_id]

    return search


def _timed(
    search: Callable[[str], list[str]], queries: Sequence[Query]
) -> tuple[list[float], float]:
    """Latencies in ms, and the share of queries answered in the top 3."""
    for query in queries[:5]:  # warm up caches
        search(query.text)
    latencies: list[float] = []
    right = 0
    for query in queries:
        start = time.perf_counter()
        found = search(query.text)
        latencies.append((time.perf_counter() - start) * 1000)
        right += bool(query.accept.intersection(found[:3]))
    return latencies, right / max(1, len(queries))


def _percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _row(
    units: int, engine: str, build_s: float, latencies: list[float], top3: float, dataset: str
) -> dict:
    return {
        "benchmark": "search",
        "dataset": dataset,
        "units": units,
        "engine": engine,
        "build_s": round(build_s, 3),
        "p50_ms": round(_percentile(latencies, 0.50), 3),
        "p95_ms": round(_percentile(latencies, 0.95), 3),
        "top3": round(top3, 3),
        "queries": len(latencies),
    }


def _compare(directory: Directory, queries: Sequence[Query], dataset: str) -> list[dict]:
    start = time.perf_counter()
    index = SearchIndex(directory)
    index_build = time.perf_counter() - start
    start = time.perf_counter()
    baseline = Baseline(directory)
    baseline_build = time.perf_counter() - start
    lat_i, top_i = _timed(_index_units(index), queries)
    lat_b, top_b = _timed(baseline.search, queries)
    rows = [
        _row(len(directory.units), "SearchIndex", index_build, lat_i, top_i, dataset),
        _row(len(directory.units), "baseline WRatio", baseline_build, lat_b, top_b, dataset),
    ]
    rows[0]["speedup_p95"] = round(rows[1]["p95_ms"] / max(rows[0]["p95_ms"], 1e-9), 1)
    return rows


def run(sizes: list[int], seed: int, queries: int = 200) -> list[dict]:
    """Benchmark rows: for each size, one row for SearchIndex and one for the baseline."""
    rows: list[dict] = []
    for size in sizes:
        directory = generated_directory(size, seed)
        rows += _compare(directory, make_queries(directory, queries, seed), f"synth {size}")
    try:
        from directory import load_directory

        demo = load_directory(ROOT / "data")
        rows += _compare(demo, demo_queries(), "demo data, test table")
        rows += _compare(demo, form_queries(), "demo data, word forms")
        rows += _situation_rows(demo)
    except Exception as exc:  # the demo data may be missing or invalid while being edited
        print(
            f"(demo data skipped: {exc.__class__.__name__}: {str(exc).splitlines()[0]})",
            file=sys.stderr,
        )
    return rows


def format_rows(rows: list[dict]) -> str:
    head = [
        "dataset",
        "engine",
        "build_s",
        "p50_ms",
        "p95_ms",
        "top3",
        "found",
        "all_found",
        "queries",
        "speedup_p95",
    ]
    lines = ["  ".join(f"{h:>22}" if i == 0 else f"{h:>15}" for i, h in enumerate(head))]
    for row in rows:
        cells = [str(row.get(h, "")) for h in head]
        lines.append("  ".join(f"{c:>22}" if i == 0 else f"{c:>15}" for i, c in enumerate(cells)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_search", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=DEFAULT_SIZES, help="numbers of units"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=200, help="queries per size")
    args = parser.parse_args(argv)
    print(format_rows(run(args.sizes, args.seed, args.queries)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
