"""The one escaping rule of the UI: every value from data or the URL shown as markdown is
literal text (`md_escape`)."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'@/%])")


def md_escape(value: object) -> str:
    """The one rule for every value (from data or the URL) shown as markdown: literal text.

    No links, images, HTML, emphasis, LaTeX, icons or entities can come from it: ASCII
    punctuation is backslash-escaped (CommonMark drops the backslash). Streamlit's GFM
    autolinking still turns a bare `http://x.example`, `www.x.example` or `a@b.dk` into a
    link after escapes, so an invisible word joiner (U+2060) sits inside every `://`,
    after every `@` and inside `www.` (checked in the browser, tests/test_browser_payload.py).
    The result is one line."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    text = text.replace("\\:\\/", "\\:" + NO_LINK + "\\/").replace("\\@", "\\@" + NO_LINK)
    return _WWW.sub("\\1" + NO_LINK + "\\2", text)


NO_LINK = "\u2060"  # word joiner: invisible, breaks GFM autolinks


_WWW = re.compile(r"(www)(\\\.)", re.IGNORECASE)
