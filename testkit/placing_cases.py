"""The cases of issue 23 ("right place, right now"): the citizen's area and the time of day.

Written before the ranking step (`search.placing`) and split in two halves: `TUNING`, which
the step was tuned on, and `HELD_OUT`, frozen in the commit that added this file, before
any tuning, and never changed since. `tests/test_placing.py` runs both and
`python -m testkit.placing_cases` prints how many of each half pass.

A case is a search (what the Søg page and `landkort search` show) or a situation (what
Borgerens situation and `landkort guide` suggest), at a moment, maybe with the citizen's
area and age. Unit patterns are fnmatch patterns, `a|b` for either (as in
`testkit.relevance`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit.relevance import found

# Moments on the demo data (2026): BBU's phones are open Mo-We 09-15, Th 13-18, Fr 09-13;
# hjemmeplejen's offices Mo-Fr 08:00-15:30; Døgnvagten 24/7.
TUE_DAY = dt.datetime(2026, 11, 24, 10, 0)
TUE_EVENING = dt.datetime(2026, 11, 24, 19, 0)
TUE_NIGHT = dt.datetime(2026, 11, 24, 2, 45)
THU_LATE = dt.datetime(2026, 11, 26, 16, 0)
FRI_AFTERNOON = dt.datetime(2026, 11, 27, 14, 30)
SATURDAY = dt.datetime(2026, 11, 28, 11, 0)
CHRISTMAS_DAY = dt.datetime(2026, 12, 25, 11, 0)  # a helligdag: "PH off" closes

OPEN_AT_NIGHT_FOR_HOMELESS = (
    "ngo-kirkens-korshaer-herberg|ngo-maendenes-hjem|sof-doegnvagten|sof-sociolancen"
)
BBU_DISTRICTS = (
    "sof-bbu-amager",
    "sof-bbu-bhv",
    "sof-bbu-city-oesterbro",
    "sof-bbu-noerrebro-bispebjerg",
    "sof-bbu-vvk",
)
HJEMMEPLEJE_DISTRICTS = (
    "suf-hjemmepleje-amager",
    "suf-hjemmepleje-bhv",
    "suf-hjemmepleje-iboe",
    "suf-hjemmepleje-noerrebro",
    "suf-hjemmepleje-vesterbro-valby",
)
BUF_AREAS = (
    "buf-omraade-amager",
    "buf-omraade-bv",
    "buf-omraade-iboe",
    "buf-omraade-nb",
    "buf-omraade-vvk",
)


def _others(chosen: str, family: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(unit for unit in family if unit != chosen)


@dataclass(frozen=True)
class PlaceCase:
    """One case. `first`: the pattern the first card (suggestion) must match; `includes`:
    patterns each matched by one of the first `top` cards; `not_top`: patterns none of
    the first `top` cards may match; `before`: (a, b) pairs where a must rank above b
    (both present)."""

    name: str
    query: str
    at: dt.datetime
    area: str | None = None
    age: int | None = None
    situation: bool = False  # True: Borgerens situation / `guide`; False: Søg / `search`
    first: str | None = None
    includes: tuple[str, ...] = ()
    not_top: tuple[str, ...] = ()
    top: int = 3
    before: tuple[tuple[str, str], ...] = ()


TUNING: list[PlaceCase] = [
    PlaceCase(
        "underretning from 2300 in the day: BBU Amager first, other districts leave the top",
        "underretning",
        TUE_DAY,
        area="2300",
        first="sof-bbu-amager",
        not_top=_others("sof-bbu-amager", BBU_DISTRICTS),
    ),
    PlaceCase(
        "underretning without an area: the central BBU, its districts folded into it",
        "underretning",
        TUE_DAY,
        first="sof-bbu",
        not_top=("sof-bbu-*",),
    ),
    PlaceCase(
        "hjemmepleje from Østerbro (2100): the district of Indre By/Østerbro first",
        "hjemmepleje",
        TUE_DAY,
        area="2100",
        first="suf-hjemmepleje-iboe",
        not_top=_others("suf-hjemmepleje-iboe", HJEMMEPLEJE_DISTRICTS),
    ),
    PlaceCase(
        "a street address with its postal code picks the district",
        "underretning",
        TUE_DAY,
        area="Lyongade 25, 2300 København S",
        first="sof-bbu-amager",
    ),
    PlaceCase(
        "hjemmehjælp from Amager Vest: the Amager district before the kommune-wide unit",
        "hjemmehjælp",
        TUE_DAY,
        area="Amager Vest",
        before=(("suf-hjemmepleje-amager", "suf-hjemmepleje"),),
        not_top=_others("suf-hjemmepleje-amager", HJEMMEPLEJE_DISTRICTS),
    ),
    PlaceCase(
        "underretning at 02:45 on a weeknight: the open Døgnvagt first",
        "underretning",
        TUE_NIGHT,
        first="sof-doegnvagten*",
    ),
    PlaceCase(
        "underretning on Friday afternoon (BBU closes at 13) from Valby: the Døgnvagt first",
        "underretning",
        FRI_AFTERNOON,
        area="2500",
        first="sof-doegnvagten*",
    ),
    PlaceCase(
        "underretning on Christmas Day (a helligdag): the Døgnvagt first",
        "underretning",
        CHRISTMAS_DAY,
        first="sof-doegnvagten*",
    ),
    PlaceCase(
        "psykiatri at night: an open psychiatric emergency service first",
        "psykiatri",
        TUE_NIGHT,
        first="region-h-psyk-akut|region-h-psyk-akutberedskab|region-h-1813",
    ),
    PlaceCase(
        "sygedagpenge at night: nothing open answers it, so no weak open match jumps up",
        "sygedagpenge",
        TUE_NIGHT,
        first="bif-sygedagpenge",
    ),
    PlaceCase(
        "udsættelse at night: the unit that answers it stays first though closed",
        "udsættelse",
        TUE_NIGHT,
        first="sof-bcv-bolig-gaeld",
    ),
    PlaceCase(
        "situation: a child at risk on a Saturday: the Døgnvagt for children first",
        "bekymret for et barn, ring i weekenden",
        SATURDAY,
        age=6,
        situation=True,
        first="sof-doegnvagten-boern-unge",
    ),
    PlaceCase(
        "situation: a 17-year-old school leaver gets no single district first",
        "17-årig dropper ud af skolen",
        TUE_DAY,
        situation=True,
        not_top=("buf-omraade-*",),
        top=1,
    ),
    PlaceCase(
        "situation: homeless with nowhere to sleep at night: an open place first",
        "hjemløs og har ingen steder at sove i nat",
        TUE_NIGHT,
        age=40,
        situation=True,
        first=OPEN_AT_NIGHT_FOR_HOMELESS,
    ),
]

# Frozen before tuning: do not change these to make them pass.
HELD_OUT: list[PlaceCase] = [
    PlaceCase(
        "underretning from Nørrebro in the day: BBU Nørrebro-Bispebjerg first",
        "underretning",
        TUE_DAY,
        area="Nørrebro",
        first="sof-bbu-noerrebro-bispebjerg",
        not_top=_others("sof-bbu-noerrebro-bispebjerg", BBU_DISTRICTS),
    ),
    PlaceCase(
        "hjemmepleje without an area: Hjemmeplejen i København first, districts folded",
        "hjemmepleje",
        TUE_DAY,
        first="suf-hjemmepleje",
        not_top=("suf-hjemmepleje-*",),
    ),
    PlaceCase(
        "a typo (hjemmeplje) from Vanløse (2720): the Brønshøj/Husum/Vanløse district first",
        "hjemmeplje",
        TUE_DAY,
        area="2720",
        first="suf-hjemmepleje-bhv",
    ),
    PlaceCase(
        "underretning from the bydel Valby: BBU Valby-Vesterbro-Kgs. Enghave first",
        "underretning",
        TUE_DAY,
        area="Valby",
        first="sof-bbu-vvk",
    ),
    PlaceCase(
        "PPR from 2400 (Nordvest): Område Nørrebro-Bispebjerg, not Amager's",
        "PPR",
        TUE_DAY,
        area="2400",
        before=(("buf-omraade-nb", "buf-omraade-amager"),),
        includes=("buf-omraade-nb",),
        not_top=_others("buf-omraade-nb", BUF_AREAS),
        top=5,
    ),
    PlaceCase(
        "underretning at 02:45 from 2300: the Døgnvagt first, then Amager before other districts",
        "underretning",
        TUE_NIGHT,
        area="2300",
        first="sof-doegnvagten*",
        before=(("sof-bbu-amager", "sof-bbu-vvk"),),
    ),
    PlaceCase(
        "underretning on Thursday at 16 (BBU open 13-18) from 2200: the district first",
        "underretning",
        THU_LATE,
        area="2200",
        first="sof-bbu-noerrebro-bispebjerg",
    ),
    PlaceCase(
        "hjemløs at 02:45: an open place first",
        "hjemløs",
        TUE_NIGHT,
        first=OPEN_AT_NIGHT_FOR_HOMELESS,
    ),
    PlaceCase(
        "bostøtte at night: nothing open answers it, relevance decides",
        "bostøtte",
        TUE_NIGHT,
        first="sof-bcv-socialpsykiatri",
    ),
    PlaceCase(
        "herberg on a Saturday: a herberg that is open",
        "herberg",
        SATURDAY,
        first="ngo-kirkens-korshaer-herberg|ngo-maendenes-hjem",
    ),
    PlaceCase(
        "hjemmepleje at 19 from 2300: all closed, so the area decides",
        "hjemmepleje",
        TUE_EVENING,
        area="2300",
        first="suf-hjemmepleje-amager",
    ),
    PlaceCase(
        "situation: a child at risk, in the day, from Brønshøj (2700): BBU Brønshøj-Husum-Vanløse",
        "bekymring for et barn i familien",
        TUE_DAY,
        area="2700",
        age=6,
        situation=True,
        includes=("sof-bbu-bhv",),
        not_top=_others("sof-bbu-bhv", BBU_DISTRICTS),
        top=10,
    ),
    PlaceCase(
        "situation: school absence from 2300: Område Amager and no other area",
        "fravær i skolen og bekymring for trivsel",
        TUE_DAY,
        area="2300",
        age=12,
        situation=True,
        includes=("buf-omraade-amager",),
        not_top=_others("buf-omraade-amager", BUF_AREAS),
        top=10,
    ),
    PlaceCase(
        "situation: an old man needs home help, from 2450: the Vesterbro/Valby district",
        "ældre mand har brug for hjemmehjælp",
        TUE_DAY,
        area="2450",
        age=80,
        situation=True,
        includes=("suf-hjemmepleje-vesterbro-valby",),
        not_top=_others("suf-hjemmepleje-vesterbro-valby", HJEMMEPLEJE_DISTRICTS),
        top=10,
    ),
]


# -- running the cases (tests/test_placing.py and `python -m testkit.placing_cases`) -----------


def ranked(case: PlaceCase, index: Any) -> list[str]:
    """The unit ids the page and the command show for a case, best first: the Søg page's
    unit cards, or Borgerens situation's suggestions."""
    from directory.rules.areas import read_area
    from search.guide import Guide
    from search.placing import search_cards

    directory = index.directory
    area = read_area(case.area, directory) if case.area else None
    if case.area and area is None:
        raise ValueError(f"{case.name}: the area {case.area!r} names no area")
    if case.situation:
        guidance = Guide(index).guide(case.query, age=case.age, at=case.at, area=area)
        return [s.unit_id for s in guidance.suggestions]
    cards = search_cards(index, case.query, at=case.at, area=area, age=case.age, limit=10)
    return [c.result.id for c in cards if c.unit_id is not None]


def problems(case: PlaceCase, units: list[str]) -> list[str]:
    """What a ranking gets wrong for a case ([] when it passes)."""
    out: list[str] = []
    top = units[: case.top]
    if case.first is not None and not (units and found(case.first, units[:1])):
        out.append(f"first is {units[:1]}, wanted {case.first}")
    for pattern in case.includes:
        if not found(pattern, top):
            out.append(f"{pattern} is not among the first {case.top}: {top}")
    for pattern in case.not_top:
        if found(pattern, top):
            out.append(f"{pattern} is among the first {case.top}: {top}")
    for above, below in case.before:
        if above not in units or below not in units:
            out.append(f"{above} and {below} are not both shown: {units}")
        elif units.index(above) > units.index(below):
            out.append(f"{below} comes before {above}: {units}")
    return out


def main() -> None:
    """Print how many cases of each half pass, and what the failing ones get wrong."""
    from directory import load_directory
    from search import SearchIndex

    root = Path(__file__).resolve().parent.parent / "data"
    index = SearchIndex(load_directory(root))
    for title, cases in (("tuning", TUNING), ("held-out", HELD_OUT)):
        failing = [(c, problems(c, ranked(c, index))) for c in cases]
        failing = [(c, p) for c, p in failing if p]
        print(f"{title}: {len(cases) - len(failing)} of {len(cases)} pass")
        for case, wrong in failing:
            print(f"  FAIL {case.name}: {'; '.join(wrong)}")


if __name__ == "__main__":
    main()
