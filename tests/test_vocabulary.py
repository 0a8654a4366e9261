"""The needs vocabulary (issue 22): the national file and its codes, reading a situation as
needs (word forms, derivations, phrases, compounds), a data folder's needs.yaml, the units
each need reaches on any data folder, and the warning about a unit no need reaches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli import main
from directory import load_directory
from directory.model import Need
from directory.rules.vocabulary import (
    LOCAL_AREA,
    Vocabulary,
    VocabularyError,
    check_reach,
    merge,
    national_needs,
    parse_national,
    reach,
    vocabulary,
)
from directory.rules.words import bases, derivations, lemma, stem

ROOT = Path(__file__).resolve().parent.parent
REACH_CASES = Path(__file__).parent / "cases" / "reach"


@pytest.fixture(scope="module")
def demo():
    return load_directory(ROOT / "data")


@pytest.fixture(scope="module")
def national() -> Vocabulary:
    return Vocabulary(national_needs())


# ------------------------------------------------------------------ the national file


def test_the_national_vocabulary_is_anchored_in_ffb_and_fsiii() -> None:
    needs = national_needs()
    assert len(needs) >= 60
    cited = {(code.system, code.display) for need in needs for code in need.codes}
    for display in [
        "Hjemløshed",
        "Alkoholmisbrug",
        "Stofmisbrug",
        "Voldeligt overgreb",
        "Omsorgssvigt",
        "Demens",
        "Forandret virkelighedsopfattelse",
        "Angst",
        "Depression",
        "Autismespektrum",
        "Udviklingshæmning",
    ]:
        assert ("FFB", display) in cited, display
    for display in ["Vaske sig", "Af- og påklædning", "Lave husligt arbejde", "Indkøb"]:
        assert ("FSIII", display) in cited, display
    # and what neither covers: jobs and benefits, housing and debt, school, integration ...
    areas = {need.area for need in needs}
    assert {
        "Job og ydelser",
        "Bolig og økonomi",
        "Skole og uddannelse",
        "Integration",
        "Borgerservice",
        "Byggeri, miljø og veje",
    } <= areas
    assert all(need.words for need in needs)


def test_codes_are_ffb_uuids_or_fsiii_codes_with_their_system() -> None:
    uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    for need in national_needs():
        for code in need.codes:
            if code.system == "FFB":
                assert uuid.match(code.code), (need.id, code)
                assert code.system_url == "urn:oid:1.2.208.176.2.22"
            else:
                assert code.system == "FSIII", (need.id, code)
                assert code.system_url == "urn:oid:1.2.208.176.2.21"
                assert uuid.match(code.code) or re.match(r"^[A-J]\d+(\.\d+)?[a-z]?$", code.code)


def test_a_need_gives_its_codes_as_taxonomy_terms() -> None:
    homeless = next(n for n in national_needs() if n.id == "hjemloeshed")
    assert homeless.taxonomy_terms()[0] == {
        "system": "urn:oid:1.2.208.176.2.22",
        "version": "20240530",
        "code": "293bf940-c075-4e3d-b5ef-6e331202e556",
        "display": "Hjemløshed",
    }
    assert homeless.code_text.startswith("FFB Hjemløshed (293bf940-")
    jobs = next(n for n in national_needs() if n.id == "job-ledighed")
    assert [c.display for c in jobs.codes] == ["Uddannelse og job", "Støtte til beskæftigelse"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({}, "needs-national.yaml: mangler listen 'needs'"),
        ({"needs": [{"id": "x"}]}, "needs-national.yaml: behov nr. 1: mangler id eller label"),
        (
            {"needs": [{"id": "x", "label": "X", "words": ["a"], "broader": ["y"]}]},
            "needs-national.yaml: x: broader 'y' findes ikke",
        ),
        (
            {"needs": [{"id": "x", "label": "X", "codes": [{"system": "FFB"}], "words": ["a"]}]},
            "needs-national.yaml: behov nr. 1 (x): en kode mangler system, code eller display",
        ),
        (  # unquoted 'true' (at true: to threaten) is a YAML boolean, never read as a word
            {"needs": [{"id": "x", "label": "X", "words": ["a"], "everyday": ["truer", True]}]},
            "needs-national.yaml: behov nr. 1: words og everyday er lister af tekst (sæt true, "
            "false, yes, no, on og off i anførselstegn)",
        ),
        (
            {"needs": [{"id": "x", "label": "X", "words": ["a"], "child": "ja"}]},
            "needs-national.yaml: behov nr. 1 (x): child er true eller false",
        ),
        (
            {"needs": [{"id": "x", "label": "X", "words": ["a"], "as_child": {"need": "x"}}]},
            "needs-national.yaml: behov nr. 1 (x): as_child er {need: <behovets id>, under: "
            "<alder fra 1 til 18>}",
        ),
        (
            {
                "needs": [
                    {"id": "x", "label": "X", "words": ["a"], "as_child": {"need": "y", "under": 9}}
                ]
            },
            "needs-national.yaml: x: as_child 'y' findes ikke",
        ),
    ],
)
def test_a_broken_national_file_says_what_is_wrong(content: dict, message: str) -> None:
    with pytest.raises(VocabularyError) as info:
        parse_national(content)
    assert str(info.value) == message


# ------------------------------------------------------------------ word rules


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("alkoholiker", "alkohol"),
        ("alkoholikere", "alkohol"),
        ("psykotisk", "psykose"),
        ("psykotiske", "psykose"),
        ("demente", "demens"),
        ("autistisk", "autisme"),
        ("narkomaner", "narkomani"),
        ("prostitueret", "prostitution"),
        ("depressiv", "depression"),
        ("slået", "slå"),
        ("tæsket", "tæske"),
        ("børnene", "børn"),
        ("ledige", "ledighed"),
        ("gælden", "gæld"),
    ],
)
def test_forms_and_derivations_meet(word: str, other: str) -> None:
    assert set(bases(word)) & set(bases(other)), (bases(word), bases(other))


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("udsættelse", "udsatte"),  # æ and a fold alike: the stems must not
        ("psykotisk", "psykisk"),
        ("politisk", "politi"),
        ("motiv", "motion"),
        ("ledig", "leder"),  # Snowball cuts both to 'led'
        ("ledighed", "lederen"),
        ("ledige", "leddene"),
        ("gæld", "gælder"),  # 'det gælder' is no debt
    ],
)
def test_different_words_stay_apart(word: str, other: str) -> None:
    assert not set(bases(word)) & set(bases(other)), (bases(word), bases(other))


def test_the_word_rules_have_one_home() -> None:
    import search.normalize

    assert search.normalize.stem is stem and search.normalize.bases is bases
    assert lemma("slået") == "slå" and derivations("alkoholiker") == ("alkohol", "alkoholes")


# ------------------------------------------------------------------ reading a situation


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("hun er blevet banket af kæresten", "vold"),
        ("eksen tæskede hende", "vold"),
        ("manden truer hende", "vold"),
        ("han er alkoholiker", "alkohol"),
        ("alkoholikerne på bænken", "alkohol"),
        ("drikker hver dag", "alkohol"),
        ("druk", "alkohol"),
        ("hører stemmer", "psykose"),
        ("psykotisk", "psykose"),
        ("meget paranoid", "psykose"),
        ("hjælp til at komme i tøjet", "personlig-pleje"),
        ("kan ikke klare bad", "personlig-pleje"),
        ("kan ikke gøre rent", "praktisk-hjaelp"),
        ("demente far", "demens"),
        ("vold i hjemmet", "vold"),
        ("udsættelse", "udsaettelse"),
        ("alkoholproblemer", "alkohol"),  # a compound: alkohol + problemer
        ("skylder tre måneders husleje", "udsaettelse"),
        ("spillegæld", "spilleproblemer"),
        # everyday phrases as callers say them (round three)
        ("han siger, at naboen sender stråler gennem væggen", "psykose"),
        ("køleskabet er tomt, og hun kan ikke længere stå ved komfuret", "praktisk-hjaelp"),
        ("chefen har sagt, at han ikke skal komme mere", "job-ledighed"),
        ("han bliver 67 til foråret", "pension"),
        ("gadelampen er slukket ude foran", "veje"),
        ("der er et stort hul i cykelstien", "veje"),
        ("underboen har bygget et skur uden tilladelse", "bygningstilsyn"),
        ("vi mangler folk i butikken", "virksomhed"),
        ("min søn er indkaldt som vidne", "ret-og-domstol"),
        ("jeg brække arm", "akut-sygdom"),
        ("ingen penge til leje", "forsoergelse"),
        ("min kæreste kontrollerer min telefon", "vold"),
        ("han kan ikke finde ud af at tage bussen alene", "handicap"),
        ("hun har ikke åbnet sine breve i et halvt år", "gaeld-oekonomi"),
        ("mig ingen hus", "hjemloeshed"),
        ("fyret i fredags", "job-ledighed"),  # 'fyret' keeps its stem: no 'fyr' (a guy)
    ],
)
def test_a_situation_is_read_as_needs(national: Vocabulary, text: str, need: str) -> None:
    assert need in [n.id for n in national.needs_in(text)], national.read(text)


def test_every_entry_of_the_vocabulary_reads_as_its_own_need(national: Vocabulary) -> None:
    """No entry is dead: each word and phrase, read as a situation, names its need (a phrase
    of function words only, 'ved ikke hvem', was once dropped without a word)."""
    dead = [
        (need.id, entry)
        for need in national.needs
        for entry in (*need.words, *need.everyday)
        if need.id not in [n.id for n in national.needs_in(entry)]
    ]
    assert dead == []


def test_every_everyday_phrase_is_read_within_one_clause_of_the_guide() -> None:
    """The guide reads a situation clause by clause (cut at commas, 'og', 'der', 'som' ...,
    and without age phrases): a phrase across a cut would never be read there."""
    from search.guide import split_needs

    across = [
        (need.id, entry)
        for need in national_needs()
        for entry in need.everyday
        if split_needs(entry, keep_filler=True) not in ([], [entry])
    ]
    assert across == []


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("sygemelt i 10 uger", "sygemelding"),  # one letter missing
        ("hun har en depresion", "depression"),
        ("han er alkholiker", "alkohol"),
    ],
)
def test_the_guide_reads_a_misspelt_word_as_the_entry_it_is_one_edit_from(
    national: Vocabulary, text: str, need: str
) -> None:
    assert need in [m.need.id for m in national.read(text, typos=True)]
    assert need not in [m.need.id for m in national.read(text)]  # the search: its own rule


def test_a_known_word_one_edit_from_an_entry_is_no_typo(national: Vocabulary) -> None:
    """'banken' (the bank) is one letter from 'banket' (beaten): a word the dictionary
    knows is never read as a typo."""
    assert "vold" not in [m.need.id for m in national.read("brev fra banken", typos=True)]


@pytest.mark.parametrize(
    ("text", "need", "phrase"),
    [
        ("han fik en blødning i hjernen for to år siden", "hjerneskade", "hjerneblødning"),
        ("skader på hjernen efter ulykken", "hjerneskade", "hjerneskade"),
    ],
)
def test_a_compound_written_apart_is_read_as_the_compound(
    national: Vocabulary, text: str, need: str, phrase: str
) -> None:
    """'X i/af/på Y' is how Danish writes the compound 'YX' apart."""
    assert (need, phrase) in [(m.need.id, m.phrase) for m in national.read(text)]


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("jeg ved simpelthen ikke hvem jeg skal ringe til", "generel-henvendelse"),
        ("har ikke råd til tandlægen", "enkeltydelse"),
    ],
)
def test_phrases_of_function_words_are_read(national: Vocabulary, text: str, need: str) -> None:
    assert need in [n.id for n in national.needs_in(text)], national.read(text)


@pytest.mark.parametrize(
    ("text", "not_need"),
    [
        ("vold i hjemmet", "personlig-pleje"),  # 'hjemmet' is no home care
        ("vold i hjemmet", "praktisk-hjaelp"),
        ("udsættelse", "udsatte-voksne"),
        ("hører stemmer", "syn-hoerelse"),  # the phrase 'kan ikke høre' needs all its words
        ("hjælper dem med at finde job", "demens"),  # the stopword 'dem' is no stem of demens
        ("psykotisk og forvirret", "handicap"),
        ("drikker hver weekend", "akut-uden-for-aabningstid"),
        ("to børn", "barsel-familieydelser"),
        ("for at få råd til stofferne", "bygningstilsyn"),  # 'råd' (afford) is no rot
        ("drikker hver lørdag", "akut-uden-for-aabningstid"),
        # a word inside a longer phrase of another need is that phrase's, not a need of its own
        ("indtil hun er kommet til kræfter", "kronisk-sygdom"),  # kræfter is no kræft
        ("lillebror skal passes, når jeg skal på arbejde", "borgerservice"),  # passe is no pas
        ("de vil sende hende hjem fra hospitalet", "akut-sygdom"),
        # a word whose base meets a common word's ('vej' in 'på vej', 'indsat' in 'indsats')
        ("han er på vej hjem fra arbejde", "veje"),
        ("familien har brug for en tidlig indsats", "loesladelse-kriminalitet"),
        ("familien har brug for en tidlig indsats", "skilsmisse-samvaer"),  # no familieretten
        ("hun har kæmpet med overvægt i årevis", "psykose"),  # overvægt is not overvåget
        ("hun stikker fingeren i halsen efter maden", "personlig-pleje"),  # maden is not mades
        ("vi skal holde fest på lørdag", "misbrug-unge"),
        ("han spiller fodbold om lørdagen", "spilleproblemer"),
        ("han spiller computer hele natten", "spilleproblemer"),
        ("køleskabet er tomt", "depression"),
        ("han går til håndbold i hallen", "loesladelse-kriminalitet"),  # hal is no hæler
        ("skimmelsvamp på væggene", "stoffer"),
        ("hun bor i en billig lejlighed", "hjemloeshed"),  # billig is no bil
        ("han kan ikke tåle lyde", "udviklingshaemning"),  # tåle is no tælle (å and æ fold)
        ("hun er selvstændig frisør", "enkeltydelse"),  # no tænder in selvstændig
        ("han har ondt i leddene", "job-ledighed"),  # led is no ledig
        ("hendes mand døde i sommer", "plejebolig"),  # dø is no døende
        ("han synes, det er svært", "syn-hoerelse"),  # synes is no synet
        ("hun bad om hjælp", "personlig-pleje"),  # bad (asked) is no bath
        ("det handler om hans økonomi", "praktisk-hjaelp"),  # handler is no shopping
        ("han har særlige behov", "sygepleje"),  # særlig is no sår
        ("det koster for meget", "sundhed"),  # koster is no kosten
        ("det passer ikke", "dagtilbud"),  # passer is no passes
        ("det gælder også hans søn", "gaeld-oekonomi"),  # gælder is no gæld
        ("det skyldes hans sygdom", "gaeld-oekonomi"),
        ("han sidder på bænken hele dagen", "vold"),  # bænk folds to bank(e)
        ("hun ringede til banken", "vold"),
        ("han er en ung fyr", "job-ledighed"),  # fyr is no fyret
        ("hun er blot træt", "seksuelle-overgreb"),  # blot is no blotter
        ("ambulancen rykker ud", "gaeld-oekonomi"),  # rykker (moves) is no reminder
        ("hun arbejder som nattevagt", "akut-uden-for-aabningstid"),
        # a longer phrase of one need holds another need's word
        ("ombygning af badeværelset til en kørestol", "byggesag"),
        ("hun står på venteliste til plejehjem", "dagtilbud"),
        ("han bor på Kriminalforsorgens pension", "pension"),
        ("børnene har været vidne til volden", "ret-og-domstol"),
        ("hun kan ikke vaske sig", "boern-underretning"),
        # an entry stands for its own word: 'familieretten' is no 'familie'
        ("min familie er lige kommet til Danmark", "skilsmisse-samvaer"),
    ],
)
def test_a_situation_is_not_read_as_another_need(
    national: Vocabulary, text: str, not_need: str
) -> None:
    assert not_need not in [n.id for n in national.needs_in(text)], national.read(text)


def test_a_mention_says_where_and_which_word(national: Vocabulary) -> None:
    text = "hun er blevet banket af kæresten"
    mention = national.read(text)[0]
    assert (mention.need.id, mention.phrase, text[mention.start : mention.end]) == (
        "vold",
        "banket",
        "banket",
    )
    phrase = national.read("der er vold i hjemmet")[0]
    assert (phrase.phrase, phrase.words, phrase.everyday) == ("vold i hjemmet", 3, False)


# ------------------------------------------------------------------ a data folder's needs.yaml


def test_needs_yaml_adds_words_to_a_national_need_and_needs_of_its_own() -> None:
    local = [
        Need(id="vold", label="Vold og krisecenter", synonyms=["akut krisecenter"]),
        Need(id="bingo", label="Bingo og banko", synonyms=["bankospil"]),
    ]
    merged = {n.id: n for n in merge(national_needs(), local)}
    violence = merged["vold"]
    assert violence.label == "Vold og krisecenter" and violence.local and violence.national
    assert {"akut krisecenter", "vold", "partnervold"} <= set(violence.words)
    assert violence.codes[0].display == "Voldeligt overgreb"
    bingo = merged["bingo"]
    assert (bingo.area, bingo.local, bingo.national, bingo.codes) == (LOCAL_AREA, True, False, ())
    assert [n.id for n in Vocabulary(list(merged.values())).needs_in("hun går til bankospil")] == [
        "bingo"
    ]


def test_the_demo_folder_extends_the_national_vocabulary(demo) -> None:
    vocab = vocabulary(demo)
    assert vocab.need("vold").label == "Vold i nære relationer og krisecenter"  # needs.yaml
    assert vocab.need("vold").codes  # and the national codes
    assert vocab.need("alle-borgere").local and not vocab.need("alle-borgere").national


def test_a_reload_with_the_same_needs_reuses_the_vocabulary(demo, tmp_path: Path) -> None:
    """The vocabulary is built once per needs.yaml content: a reload after an edit elsewhere
    (a new Directory) costs no second build; another needs.yaml gets its own."""
    import shutil

    again = load_directory(ROOT / "data")
    assert again is not demo and vocabulary(again) is vocabulary(demo)
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    needs = copy / "needs.yaml"
    needs.write_text(
        needs.read_text(encoding="utf-8").replace(
            '      - "ludomani"\n', '      - "ludomani"\n      - "spillemaskinen"\n'
        ),
        encoding="utf-8",
    )
    changed = load_directory(copy)
    assert vocabulary(changed) is not vocabulary(demo)
    assert "spillemaskinen" in [w for n in vocabulary(changed).needs for w in n.words]


# ------------------------------------------------------------------ which units a need reaches


def test_units_are_reached_through_their_own_words_without_needs_yaml(small_directory) -> None:
    assert small_directory.needs == []  # no needs.yaml, no tags
    found = reach(small_directory)
    homeless = [r.unit_id for r in found.units("hjemloeshed")]
    assert homeless == ["sof-hjemloese", "sof-bcv"]
    assert "hjemløs" in found.units("hjemloeshed")[0].phrases


def test_a_need_reaches_the_specialist_first(demo) -> None:
    found = reach(demo)
    assert found.units("vold")[0].unit_id == "ngo-danner"
    assert found.units("alkohol")[0].unit_id == "sof-crbk"
    assert found.units("psykose")[0].unit_id == "region-h-psyk-akut"


def test_a_need_does_not_reach_units_by_a_common_word(demo) -> None:
    """'på vej' is no road, 'indsats' no inmate, 'familie' no family court."""
    found = reach(demo)
    assert "sof-eki" not in [r.unit_id for r in found.units("veje")]
    assert "sof-bbu" not in [r.unit_id for r in found.units("loesladelse-kriminalitet")]
    assert "buf-sundhedsplejen" not in [r.unit_id for r in found.units("skilsmisse-samvaer")]
    assert "stat-familieretten" in [r.unit_id for r in found.units("skilsmisse-samvaer")]


def test_every_demo_unit_is_reached_by_a_need(demo) -> None:
    assert check_reach(demo) == []


def test_validate_warns_about_a_unit_no_need_reaches(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = REACH_CASES / "unit_no_need.yaml"
    raw = case.read_text(encoding="utf-8")
    target = re.search(r"^# target: (.+)$", raw, re.M).group(1)  # type: ignore[union-attr]
    expected = re.findall(r"^# expect-warning: (.+)$", raw, re.M)
    (data_dir / target).write_text(raw, encoding="utf-8")
    code = main(["validate", str(data_dir)])
    out, err = capsys.readouterr()
    assert code == 0
    for line in expected:
        assert f"{data_dir}/{line}" in out.splitlines(), out
    assert sum("ingen behov i behovsordbogen" in line for line in out.splitlines()) == 1
    assert err.startswith("0 fejl, ")


def test_the_hsds_export_reads_a_need_s_codes_as_taxonomy_terms(demo) -> None:
    from directory.exports.hsds.export import HsdsCatalog

    terms = HsdsCatalog(demo).taxonomy_terms()
    by_code = {(t["taxonomy"], t["code"]): t["name"] for t in terms}
    assert by_code[("FFB", "3412d671-22bf-456c-b963-c4e05c2725a0")] == "Voldeligt overgreb"
    assert by_code[("FFB", "293bf940-c075-4e3d-b5ef-6e331202e556")] == "Hjemløshed"
