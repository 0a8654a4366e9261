"""The relevance tables that the tests assert and the benchmarks measure (one copy).

`CASES` (tests/test_search.py): query and the unit expected among the top 3 hits' units.
`FIRST` (tests/test_search_forms.py): Danish word forms and compounds.
`SITUATIONS` (tests/test_guide.py): a citizen's situation, the age, and the units (fnmatch
patterns, `a|b` for either) that must be among the guide's suggestions.
`situations(half)` (tests/relevance/situations.yaml, issue 22): situations in everyday words,
half `tuning` and half `frozen` (never tuned for); `independent(name)`
(tests/relevance/independent.yaml): sets written by writers who never saw the code or the
vocabulary, each measured once unseen, then `tuned` on or kept `untuned`;
`form_queries()` (FIRST and tests/relevance/forms.yaml): word forms, derivations and
phrases for the search.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

TABLES = Path(__file__).resolve().parent.parent / "tests" / "relevance"
HALVES = ("tuning", "frozen")
Situation = tuple[str, int | None, list[str]]

# (query, unit expected among the top 3 hits' units). Comments name the point of the issue.
CASES: list[tuple[str, str]] = [
    # case and Danish letters both ways (æ↔ae, ø↔oe/o, å↔aa/a), accents
    ("DØGNVAGTEN", "sof-doegnvagten"),
    ("doegnvagten", "sof-doegnvagten"),
    ("dognvagten", "sof-doegnvagten"),
    ("maendenes hjem", "ngo-maendenes-hjem"),
    ("mandenes hjem", "ngo-maendenes-hjem"),
    ("fedtekaelderen", "ngo-fedtekaelderen"),
    ("FEDTEKALDEREN", "ngo-fedtekaelderen"),
    ("roede kors", "ngo-roede-kors"),
    ("rode kors", "ngo-roede-kors"),
    ("hjemloese", "sof-bcv-hjemloese"),
    ("genoptraening", "suf-genoptraening"),
    ("bornecenter", "buf-boernecenter"),
    ("hasan ozturk", "kff-bs-nordvest"),
    ("natcafe", "sof-bcv-hjemloese"),
    ("Vaerested Baggesensgade", "ngo-gracekbh"),
    ("blaa kors", "ngo-gracekbh"),
    # compounds written apart or together
    ("gælds rådgivning", "sof-bcv-bolig-gaeld"),
    ("stof misbrug", "sof-crbk"),
    ("misbrugs behandling", "sof-crbk"),
    ("uturn", "sof-u-turn"),
    ("u turn", "sof-u-turn"),
    ("hjemme pleje amager", "suf-hjemmepleje-amager"),
    ("unge center", "bif-jku"),
    ("rehab team", "bif-rehabteam"),
    ("krise center", "ngo-danner"),
    ("sundheds plejen", "buf-sundhedsplejen"),
    ("akut bil", "sof-sociolancen"),
    ("ungdoms skole", "buf-ungdomsskolen"),
    # typos (fuzzy), and prefixes (as typed so far)
    ("sociolansen", "sof-sociolancen"),
    ("døgnvagen", "sof-doegnvagten"),
    ("sygedagpendge", "bif-sygedagpenge"),
    ("ydelseservice", "bif-ydelsesservice"),
    ("pladsanvisnigen", "buf-pladsanvisningen"),
    ("folkeregistret", "kff-folkeregisteret"),
    ("familieretshset", "stat-familieretshuset"),
    ("kriminalforsorgn", "stat-kriminalforsorgen"),
    ("fogedreten", "stat-fogedretten"),
    ("psykiatrsk akutmodtagelse", "region-h-psyk-akut"),
    ("parkerring", "tmf-parkering"),
    ("diabetis", "suf-diabetes"),
    ("arbejdsmarkedscenteret", "bif-amc"),
    ("sygedag", "bif-sygedagpenge"),
    ("pladsanv", "buf-pladsanvisningen"),
    ("fedtekæl", "ngo-fedtekaelderen"),
    ("ungdomssk", "buf-ungdomsskolen"),
    # abbreviations
    ("JKU", "bif-jku"),
    ("BBU", "sof-bbu"),
    ("bcv", "sof-bcv"),
    ("BCH", "sof-bch"),
    ("CRBK", "sof-crbk"),
    ("PPR", "buf-ppr"),
    ("UU", "buf-uu"),
    ("KBS", "kff-borgerservice"),
    ("EKI", "sof-eki"),
    ("KiF", "stat-kif-kbh"),
    ("SKP", "sof-bcv-skp"),
    ("PAM", "region-h-psyk-akut"),
    ("AMC", "bif-amc"),
    ("UDK", "stat-udbetaling-danmark"),
    ("1813", "region-h-1813"),
    # synonyms (the data's own and built-in) and jargon
    ("rusmiddelcenter", "sof-crbk"),
    ("ungejobcenter", "bif-jku"),
    ("socialvagten", "sof-doegnvagten"),
    ("hoarding", "tmf-miljoe"),
    ("sukkersyge", "suf-diabetes"),
    ("huslejerestance", "sof-bcv-bolig-gaeld"),
    ("skimmelsvamp", "tmf-byggetilsyn"),
    ("fodlænke", "stat-kif-kbh"),
    ("beboerlicens", "tmf-parkering"),
    ("overdosis", "sof-sociolancen"),
    ("prostitution", "ngo-reden"),
    ("partnervold", "ngo-danner"),
    ("skilsmisse", "stat-familieretshuset"),
    ("rollator", "suf-hjaelpemidler"),
    ("hash", "sof-u-turn"),
    ("boligsikring", "stat-ud-boligstoette"),
    ("ung hjemløs", "sof-de-unges-hus"),
    ("akut bolig", "sof-bcv-boligsocial-anvisning"),
    # field weights: a name beats the same word as a keyword elsewhere
    ("genoptræning", "suf-genoptraening"),
    ("sundhedsplejen", "buf-sundhedsplejen"),
    ("folkeregisteret", "kff-folkeregisteret"),
    # a colleague's name finds the contact and the unit
    ("Tina Overgaard", "sof-bcv-hjemloese"),
    ("overgaard", "sof-bcv-hjemloese"),
    ("Bilal Aziz", "sof-eki"),
    ("zeynep", "sof-crbk"),
    ("Lone Skovgaard Andersen", "sof-bbu"),
    ("henrik fog", "sof-sociolancen"),
    ("jeanette agaard", "sof-eki"),
    ("søs engholm", "kff-vesterbro-bibliotek"),
    ("sos engholm", "kff-vesterbro-bibliotek"),
    ("camilla staal", "ngo-danner"),
]

# (query, the unit that must come first). The examples of the issue, and more forms.
FIRST: list[tuple[str, str]] = [
    ("ungdomsuddannelse", "buf-uu"),  # compound: ungdom(s) + uddannelse
    ("drikker", "sof-crbk"),  # verb form → 'drikke' → synonym 'alkohol'
    ("drukket", "sof-crbk"),  # strong verb (irregular table)
    ("fogden", "stat-fogedretten"),  # syncope: fogden → foged → fogedretten
    ("ludomani", "ngo-center-for-ludomani"),  # honest data fix: the unit was missing
    ("spilleafhængighed", "ngo-center-for-ludomani"),
    ("fogedrettens", "stat-fogedretten"),  # genitive
    ("hjemløses", "sof-bcv-hjemloese"),  # plural genitive
    ("genoptræningen", "suf-genoptraening"),  # definite form
    ("diabetesen", "suf-diabetes"),
    ("løsladelsen", "sof-eki"),  # definite form
    ("vejledning uddannelse", "buf-uu"),  # both parts of a compound, apart
    ("parkeringen", "tmf-parkering"),
    ("sygedagpengene", "bif-sygedagpenge"),
]

# (situation as a caseworker writes it, the citizen's age (None: read from the text),
#  units that must be among the suggestions: each entry one unit, or alternatives a|b, or
#  a pattern such as buf-omraade-* for the local unit of any area)
SITUATIONS: list[tuple[str, int | None, list[str]]] = [
    (
        "lejer har brev fra fogeden, to børn og drikker for meget",
        42,
        ["sof-bcv-bolig-gaeld", "sof-crbk"],
    ),
    (
        "ældre mand har brug for hjemmehjælp og en rollator",
        80,
        ["suf-visitation", "suf-hjaelpemidler"],
    ),
    ("17-årig dropper ud af skolen og ryger hash", None, ["buf-uu", "sof-u-turn"]),
    (
        "hjemløs, psykisk syg og uden indtægt",
        35,
        ["sof-bcv-hjemloese", "sof-bcv-socialpsykiatri", "bif-ydelsesservice|bif-jobcenter"],
    ),
    ("kvinde udsat for vold af kæresten, har to små børn", 30, ["ngo-danner"]),
    ("løsladt fra fængsel i går, har ingen bolig", 28, ["sof-eki", "sof-bcv-hjemloese"]),
    ("ludoman med gæld", 40, ["ngo-center-for-ludomani", "sof-bcv-bolig-gaeld"]),
    (
        "sygemeldt med stress og kan ikke betale husleje",
        45,
        ["bif-sygedagpenge", "bif-ydelsesservice|sof-bcv-bolig-gaeld"],
    ),
    ("ung på 19 uden uddannelse og job", None, ["bif-jku", "buf-uu"]),
    (
        "skal udskrives fra hospitalet og har brug for genoptræning",
        70,
        ["suf-genoptraening"],
    ),
    ("har diabetes og vil stoppe med at ryge", 55, ["suf-diabetes", "suf-forebyggelse"]),
    ("barn med autisme, forældrene har brug for aflastning", 8, ["sof-bch-boern"]),
    ("nyankommen flygtning, skal have tolk", 30, ["bif-integration"]),
    (
        "skimmelsvamp i lejligheden og rotter i kælderen",
        50,
        ["tmf-byggetilsyn", "tmf-miljoe"],
    ),
    ("mistet pas og skal skifte læge", 33, ["kff-borgerservice|kff-bs-*"]),
    ("selvmordstanker og psykotisk", 25, ["region-h-psyk-akut"]),
    ("ung hjemløs på 20 der tager stoffer", None, ["sof-de-unges-hus", "sof-crbk|sof-u-turn"]),
    (
        "skilsmisse, uenige om samvær med børnene",
        38,
        ["stat-familieretshuset"],
    ),
    ("pensionist der mangler boligstøtte", 72, ["stat-ud-boligstoette"]),
    ("ensom ældre kvinde, har brug for en besøgsven", 84, ["ngo-roede-kors"]),
    (
        "har fået en fodlænke og mangler job",
        31,
        ["stat-kif-kbh", "bif-jobcenter|bif-amc"],
    ),
    (
        "opsagt fra lejligheden pga huslejerestance, får kontanthjælp",
        37,
        ["sof-bcv-bolig-gaeld", "bif-ydelsesservice|sof-bcv-sociale-ydelser"],
    ),
    ("prostitution og stofmisbrug", 26, ["ngo-reden", "sof-crbk"]),
    ("overdosis på gaden om natten", 33, ["sof-sociolancen"]),
    ("handicappet voksen skal have botilbud", 40, ["sof-bch-voksne|sof-bcv-visitation"]),
    ("søger vuggestueplads, forældrene har lav indkomst", 1, ["buf-pladsanvisningen"]),
    # without the citizen's area, the five områder fold into their umbrella (issue 23)
    ("fravær i skolen og bekymring for trivsel", 12, ["buf-omraader|buf-omraade-*"]),
    ("førtidspension og fleksjob", 50, ["bif-fleksjob", "stat-ud-pension|bif-rehabteam"]),
    (
        "sover på gaden og har brug for et herberg i nat",
        45,
        [
            "ngo-projekt-udenfor|sof-bcv-hjemloese",
            "ngo-kirkens-korshaer-herberg|ngo-maendenes-hjem",
        ],
    ),
    ("alkoholproblemer og sygedagpenge", 48, ["sof-crbk", "bif-sygedagpenge"]),
    (
        "bekymret for et barn, ring i weekenden",
        6,
        ["sof-bbu|sof-bbu-*", "sof-doegnvagten-boern-unge"],
    ),
    ("15-årig med hashmisbrug og konflikter derhjemme", None, ["sof-u-turn", "sof-bbu|sof-bbu-*"]),
    ("nyfødt og mor med fødselsdepression", 0, ["buf-sundhedsplejen"]),
]


def found(expected: str, units: list[str]) -> bool:
    return any(fnmatch(unit, option) for option in expected.split("|") for unit in units)


def situations(half: str) -> list[Situation]:
    """One half ('tuning' or 'frozen') of tests/relevance/situations.yaml."""
    import yaml

    if half not in HALVES:
        raise ValueError(f"half is one of {HALVES}, not {half!r}")
    loaded = yaml.safe_load((TABLES / "situations.yaml").read_text(encoding="utf-8"))
    return [(s["text"], s.get("age"), list(s["expect"])) for s in loaded[half]]


def _independent_sets() -> dict:
    import yaml

    loaded = yaml.safe_load((TABLES / "independent.yaml").read_text(encoding="utf-8"))
    return dict(loaded["sets"])


def independent_names(status: str | None = None) -> list[str]:
    """The sets of tests/relevance/independent.yaml ('a', 'b', ...), of one status if given
    ('tuned': tuned on after its first, unseen measurement; 'untuned': never)."""
    sets = _independent_sets()
    return [name for name, entry in sets.items() if status in (None, entry["status"])]


def independent(name: str) -> list[Situation]:
    """One set of tests/relevance/independent.yaml."""
    sets = _independent_sets()
    if name not in sets:
        raise ValueError(f"set is one of {tuple(sets)}, not {name!r}")
    return [(s["text"], s.get("age"), list(s["expect"])) for s in sets[name]["situations"]]


def independent_status(name: str) -> str:
    """'untuned' (never tuned for) or 'tuned' (tuned on after its first run)."""
    return str(_independent_sets()[name]["status"])


def independent_first(name: str) -> dict:
    """A set's first, unseen measurement: commit, guide and search all_found."""
    return dict(_independent_sets()[name]["first"])


def form_queries() -> list[tuple[str, list[str]]]:
    """(query, accepted units): FIRST and tests/relevance/forms.yaml."""
    import yaml

    loaded = yaml.safe_load((TABLES / "forms.yaml").read_text(encoding="utf-8"))
    out = [(query, [unit]) for query, unit in FIRST]
    out += [(f["query"], f["expect"].split("|")) for f in loaded["forms"]]
    return out
