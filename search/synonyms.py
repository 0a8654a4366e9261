"""Built-in synonyms: Copenhagen abbreviations and staff jargon, used with every directory.

A data directory's own `synonyms.yaml` adds to these (it is read by the loader into
`Directory.synonyms`). Each group lists words or phrases that mean the same to a searcher.
"""

from __future__ import annotations

BUILTIN_SYNONYMS: list[list[str]] = [
    # Forvaltninger of Københavns Kommune and their usual abbreviations.
    ["SOF", "Socialforvaltningen"],
    ["BIF", "Beskæftigelses- og Integrationsforvaltningen", "Jobcenter København"],
    ["BUF", "Børne- og Ungdomsforvaltningen"],
    ["SUF", "Sundheds- og Omsorgsforvaltningen"],
    ["KFF", "Kultur- og Fritidsforvaltningen"],
    ["TMF", "Teknik- og Miljøforvaltningen"],
    ["ØKF", "Økonomiforvaltningen"],
    # Units staff name by their initials.
    ["BBU", "Borgercenter Børn og Unge"],
    ["BCV", "Borgercenter Voksne"],
    ["BCH", "Borgercenter Handicap"],
    ["JKU", "Jobcenter København Ungecenter", "Ungecenter"],
    ["PPR", "Pædagogisk Psykologisk Rådgivning"],
    ["SKP", "Socialpsykiatri"],
    ["SSP", "skole socialforvaltning politi"],
    # Jargon.
    ["udsættelsestruet", "udsættelse", "fogedsag", "huslejerestance"],
    ["hjemløs", "hjemløshed", "gadesover", "herberg", "forsorgshjem"],
    ["misbrug", "rusmiddel", "rusmidler", "afhængighed", "stofmisbrug", "alkoholmisbrug"],
    ["bostøtte", "socialpædagogisk støtte", "støtte i eget hjem"],
    ["underretning", "bekymringshenvendelse"],
    ["partnervold", "vold i nære relationer", "voldsramt", "krisecenter"],
    ["gæld", "gældsrådgivning", "økonomisk rådgivning"],
    ["kontanthjælp", "forsørgelse", "ydelse"],
    ["hjemmehjælp", "hjemmepleje", "praktisk hjælp"],
    ["genoptræning", "rehabilitering"],
    ["handicap", "funktionsnedsættelse"],
    ["lægevagt", "1813", "akut læge"],
    ["tolk", "tolkebistand"],
    ["løsladelse", "prøveløsladelse", "løsladt"],
    ["førtidspension", "pension"],
    ["ældre", "pensionist", "senior"],
    ["psykiatri", "psykisk sygdom", "psykisk lidelse"],
]
