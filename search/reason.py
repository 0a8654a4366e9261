"""Why a result is shown, in plain Danish for the card: 'Matcher: bostøtte (nøgleord)'.

`Hit.explanation` describes the matcher (which indexed word, which synonym); a caseworker
needs to see the word that made the unit relevant and where in the unit's entry it stands.
"""

from __future__ import annotations

from search.index import FIELD_WEIGHT, Field, Hit, How, Match

MAX_REASONS = 4
FILTERS_ONLY = "Vises, fordi den passer til filtrene"


def _phrase(match: Match) -> str:
    """One matched word and where: 'herberg (nøgleord)', 'navnet'."""
    if match.field is Field.NAME and match.how is How.EXACT:
        return "navnet"
    if match.how is How.SYNONYM and match.via:
        # the word the user typed: the unit's own word for it can look unrelated ('85')
        return f"{match.via} ({match.label})"
    if match.how is How.FUZZY:
        return f"{match.word} ({match.label}; du skrev {match.query})"
    return f"{match.word} ({match.label})"


def reason(hit: Hit) -> str:
    """'Matcher: herberg (nøgleord), bolig (ansvarsområde)': the words that matched, most
    important field first, at most four; a hit found by the filters alone says so."""
    if not hit.matches:
        return FILTERS_ONLY
    phrases: list[str] = []
    for match in sorted(hit.matches, key=lambda m: (-FIELD_WEIGHT[m.field], m.field)):
        text = _phrase(match)
        if text not in phrases:
            phrases.append(text)
    return "Matcher: " + ", ".join(phrases[:MAX_REASONS])
