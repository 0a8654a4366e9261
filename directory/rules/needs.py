"""Needs and target groups: how they are compared, named and which a unit serves.

The one home of the rule: the map's need filter (`directory.geo.places`), the search's
'behov' picker (`search.index`), the referral graph (`directory.graph.analysis`) and the
loader's vocabulary check compare needs with `need_key` and name them with `need_label`.

When the data directory has a needs vocabulary (`needs.yaml`: a short, curated list of
needs, each with an id, a label and the words staff write for it), every word in the data
that is one of a need's id, label or synonyms stands for that need and is shown by its
label; a word outside the vocabulary (the loader warns about it) stands for itself. Without
a vocabulary every distinct word is its own need.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from directory.model import Directory, Need, Referral, Severity, Unit

NEEDS_FILE = "needs.yaml"


def need_key(need: str) -> str:
    """How needs are compared: case-insensitive, runs of spaces as one, ends ignored."""
    return " ".join(need.split()).casefold()


def need_text(need: str) -> str:
    """A need as shown: as written, with runs of spaces as one and the ends trimmed."""
    return " ".join(need.split())


def merge_needs(target: list[str], values: Iterable[str]) -> None:
    """Append the values whose `need_key` is not in `target` yet (first spelling kept)."""
    seen = {need_key(v) for v in target}
    for value in values:
        key = need_key(value)
        if key not in seen:
            seen.add(key)
            target.append(value)


def distinct_needs(values: Iterable[str]) -> list[str]:
    """Each need once (first spelling, tidied by `need_text`), sorted by `need_key`."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(need_key(value), need_text(value))
    return [seen[key] for key in sorted(seen)]


# -- the vocabulary ---------------------------------------------------------------------


def need_words(need: Need) -> list[str]:
    """The words that stand for a need: its id, its label and its synonyms."""
    return [need.id, need.label, *need.synonyms]


def vocabulary_index(needs: list[Need]) -> dict[str, Need]:
    """`need_key` of every word of the vocabulary -> its need (the first need wins)."""
    index: dict[str, Need] = {}
    for need in needs:
        for word in need_words(need):
            index.setdefault(need_key(word), need)
    return index


def _index(directory: Directory) -> dict[str, Need]:
    # Built once per loaded directory (a Directory is read-only once loaded).
    cached = directory.__dict__.get("_need_index")
    if cached is None or cached[0] is not directory.needs:
        cached = (directory.needs, vocabulary_index(directory.needs))
        directory.__dict__["_need_index"] = cached
    return cached[1]


def need_of(directory: Directory, word: str) -> Need | None:
    """The vocabulary need a word stands for, or None (no vocabulary, or a word outside it)."""
    return _index(directory).get(need_key(word))


def need_label(directory: Directory, word: str) -> str:
    """What a need is called everywhere: its vocabulary label, else the word as written."""
    need = need_of(directory, word)
    return need.label if need is not None else need_text(word)


def need_labels(directory: Directory, words: Iterable[str]) -> list[str]:
    """The labels of some words, each once, in the words' order."""
    out: list[str] = []
    merge_needs(out, (need_label(directory, w) for w in words))
    return out


def unit_needs(directory: Directory, unit: Unit) -> list[str]:
    """What a unit is for, in staff's words: its target groups and the needs referred to it."""
    words = list(unit.target_groups)
    for referral in directory.referrals_to.get(unit.id, []):
        words.extend(referral.needs)
    return words


def serves_need(directory: Directory, unit: Unit, need: str) -> bool:
    """True when one of the unit's target groups or referred needs stands for `need`
    (a vocabulary label, id or synonym, or a word as written), compared by label."""
    key = need_key(need_label(directory, need))
    return any(need_key(need_label(directory, w)) == key for w in unit_needs(directory, unit))


def need_options(directory: Directory) -> list[str]:
    """Every need and target group in the data by its label, once each, sorted."""
    return distinct_needs(
        need_label(directory, word)
        for unit in directory.units.values()
        for word in unit_needs(directory, unit)
    )


# -- the loader's check -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedFinding:
    """A problem with a need: where, what, and whether it is an error or a warning."""

    path: str
    line: int
    message: str
    severity: Severity


def check_vocabulary(
    needs: list[Need], units: Iterable[Unit], referrals: Iterable[Referral]
) -> list[NeedFinding]:
    """Words that belong to two needs (errors), and referral needs and unit target groups
    outside the vocabulary (warnings). Nothing when there is no vocabulary."""
    if not needs:
        return []
    found: list[NeedFinding] = []
    owner: dict[str, tuple[Need, str]] = {}
    for need in needs:
        for field_name, word in [
            ("id", need.id),
            ("label", need.label),
            *((f"synonyms.{i}", w) for i, w in enumerate(need.synonyms)),
        ]:
            key = need_key(word)
            first = owner.get(key)
            if first is None:
                owner[key] = (need, field_name)
            elif first[0] is not need:
                other = first[0]
                shown = field_name.split(".")[0]
                found.append(
                    NeedFinding(
                        need.source.path,
                        need.source.line_of(field_name),
                        f"{shown}: {word!r} hører allerede til behovet {other.id!r} "
                        f"(linje {other.source.line_of(first[1])}): et ord kan kun høre til ét "
                        "behov; slet det det ene sted",
                        Severity.ERROR,
                    )
                )
    labels = sorted({n.label for n in needs})
    for unit in units:
        for i, word in enumerate(unit.target_groups):
            if need_key(word) not in owner:
                found.append(_outside(unit, "target_groups", i, word, labels))
    for referral in referrals:
        for i, word in enumerate(referral.needs):
            if need_key(word) not in owner:
                found.append(_outside(referral, "needs", i, word, labels))
    return found


def _outside(
    record: Unit | Referral, field_name: str, i: int, word: str, labels: list[str]
) -> NeedFinding:
    match = difflib.get_close_matches(word, labels, n=1, cutoff=0.6)
    hint = f"; mente du {match[0]!r}?" if match else ""
    return NeedFinding(
        record.source.path,
        record.source.line_of(f"{field_name}.{i}"),
        f"{field_name}: {need_text(word)!r} står ikke i {NEEDS_FILE}: tilføj det som synonym under "
        f"det behov, det hører til, eller skriv et af behovene dér{hint}",
        Severity.WARNING,
    )
