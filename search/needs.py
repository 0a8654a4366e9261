"""The needs matching of the search and the guide: words → needs → units.

One `NeedMatcher` per `SearchIndex` (built with it). It reads a text with the directory's
needs vocabulary (`directory.rules.vocabulary`: the national vocabulary and the data
folder's needs.yaml) and knows, per need, the units it reaches, weighted by how strongly
the unit's own words carry the need and by how specialised the unit is (a unit that many
needs reach, such as a switchboard, counts less than a specialist).

- The search (`SearchIndex.search`) adds, for the words of a query that name a need, the
  units that need reaches (below a keyword match of the word itself), and reads a
  vocabulary phrase as a phrase: its words match only as words, not as parts or prefixes
  of other words ('vold i hjemmet' is no search for 'hjemmepleje').
- The guide (`search.guide`) reads a situation as needs first and ranks each need's units
  with `ranked_units`.

Both read with the same vocabulary and the same word rules (`directory.rules.words`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from directory.model import Directory
from directory.rules.vocabulary import Mention, Reached, reach, specificity, vocabulary

if TYPE_CHECKING:
    from directory.rules.vocabulary import Reach, Vocabulary

# The strongest unit of a need a query names scores like a keyword match (weight 7) times
# this quality: below the query word found in a unit's own keywords or name.
NEED_WEIGHT = 7.0
NEED_QUALITY = 0.6


@dataclass(frozen=True, slots=True)
class RankedUnit:
    """A unit a need reaches, with its weight among the need's units (best = 1)."""

    unit_id: str
    weight: float
    reached: Reached


class NeedMatcher:
    """The vocabulary of one directory and, per need, its units as search scores."""

    def __init__(self, directory: Directory, unit_doc: dict[str, int], documents: int) -> None:
        self.directory = directory
        self.vocabulary: Vocabulary = vocabulary(directory)
        self.reach: Reach = reach(directory)
        self._unit_doc = unit_doc
        self._documents = documents
        self._ranked: dict[str, list[RankedUnit]] = {}
        # per need: the documents of its units and their scores (sparse; built now, so no
        # search pays for a need's first use)
        self._sparse: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for need in self.vocabulary.needs:
            ranked = self.ranked_units(need.id)
            docs = [unit_doc.get(u.unit_id, -1) for u in ranked]
            kept = [(d, u.weight) for d, u in zip(docs, ranked, strict=True) if d >= 0]
            self._sparse[need.id] = (
                np.array([d for d, _ in kept], dtype=np.int64),
                np.array([NEED_WEIGHT * w for _, w in kept], dtype=np.float32),
            )

    def mentions(self, text: str, *, typos: bool = False) -> list[Mention]:
        """Where a text names a need (the vocabulary's reader; `typos`: see its `read`)."""
        return self.vocabulary.read(text, typos=typos)

    def ranked_units(self, need_id: str) -> list[RankedUnit]:
        """The units a need reaches, best first: how strongly the unit's words carry the
        need, times how specialised the unit is; the best weighs 1."""
        ranked = self._ranked.get(need_id)
        if ranked is None:
            found = [
                (r, r.score * specificity(self.reach.breadth(r.unit_id)))
                for r in self.reach.units(need_id)
            ]
            best = max((w for _, w in found), default=0.0) or 1.0
            ranked = sorted(
                (RankedUnit(r.unit_id, w / best, r) for r, w in found),
                key=lambda u: (-u.weight, u.unit_id),
            )
            self._ranked[need_id] = ranked
        return ranked

    def broader(self, need_id: str) -> tuple[str, ...]:
        """The needs to turn to when a need reaches no unit (`broader` in the vocabulary)."""
        need = self.vocabulary.need(need_id)
        return need.broader if need is not None else ()

    def vector(self, need_id: str) -> np.ndarray:
        """Search scores over all documents of the index: each unit a need reaches gets
        `NEED_WEIGHT` times its weight, every other document 0."""
        vector = np.zeros(self._documents, dtype=np.float32)
        docs, scores = self._sparse.get(need_id, (np.zeros(0, dtype=np.int64), vector[:0]))
        vector[docs] = scores
        return vector
