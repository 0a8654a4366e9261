"""The app's document, made Danish and accessible where Streamlit 1.67 has no option for it.

`install()` runs on every page (app.py). It adds one `st.html` element with
- a script (`ui/document.js`) that sets `<html lang="da">` (screen readers read Danish with a
  Danish voice), puts Streamlit's own English labels in Danish ("Skip to main content",
  "Clear entry"), opens `tel:` links in the same tab, marks result lists as lists, keeps
  one history entry per click on a link to another page (so Back returns to the results)
  and one per search (so Back returns to the search before), and puts the cursor in Søg's
  search box when the page opens;
- a style sheet: a visible focus ring on every link and button (WCAG 2.4.7), captions in a
  solid grey (4.5:1 needs more than Streamlit's 60 % opacity), and the result card's unit
  name as its most prominent line.

The theme's `textColor` (`.streamlit/config.toml`) keeps Streamlit's other faded texts above
4.5:1; captions get a solid grey here.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

SCRIPT = (Path(__file__).with_name("document.js")).read_text(encoding="utf-8")

# The focus ring: 3 px in the theme's primary colour (contrast 8.6:1 on white), never clipped.
STYLE = """
<style>
[data-testid=stMain] a:focus-visible, [data-testid=stSidebar] a:focus-visible,
[data-testid=stSkipToContent]:focus-visible, button:focus-visible {
  outline: 3px solid #1f4e8c !important; outline-offset: 2px; border-radius: 2px;
}
/* captions: Streamlit draws them at 60 % opacity, which also fades their code and links
   below 4.5:1 (WCAG 1.4.3); a solid grey keeps them subdued at 7.6:1 on white */
[data-testid=stCaptionContainer] { opacity: 1 !important; color: #50555f; }
/* section headings are h2 now (no jump from h1 to h3): at the size Streamlit gives h3 */
[data-testid=stMain] h2 { font-size: 1.6rem !important; padding-top: 0.75rem; }
@media (max-width: 640px) {
  [data-testid=stMain] h2 { font-size: 1.35rem !important; }
  /* a long Danish title ("samarbejdspartnere") fits a phone, hyphenated (lang="da") */
  [data-testid=stMain] h1 { font-size: 2rem !important; hyphens: auto; }
}
/* less empty space above the title, so that three result cards fit a 1280x900 screen */
[data-testid=stMainBlockContainer] { padding-top: 3.5rem !important; }
[data-testid=stMain] h1 { padding-top: 0.5rem !important; font-size: 2.4rem; }
/* the lines of a result card sit closer together */
[class*="st-key-punkt-"] [data-testid=stVerticalBlock],
[class*="st-key-forslag-"] [data-testid=stVerticalBlock] { gap: 0.45rem; }
[class*="st-key-punkt-"][data-testid=stVerticalBlockBorderWrapper],
[class*="st-key-punkt-"] { padding: 0.7rem 0.9rem !important; }
/* a result card's unit name is its most prominent line (ui.soeg: containers `navn-…`) */
[class*="st-key-navn-"] [data-testid=stPageLink-NavLink] p {
  font-size: 1.3rem; line-height: 1.35;
}
/* long unit names wrap instead of being cut off on a phone */
[data-testid=stMain] [data-testid=stPageLink-NavLink] *,
[data-testid=stMain] [data-testid=stPageLink-NavLink] {
  white-space: normal; overflow-wrap: anywhere; text-overflow: clip; overflow: visible;
  height: auto;
}
</style>
"""


def install() -> None:
    """Add the script and the style sheet to the page (once per run, before the page).

    In the sidebar (drawn, though hidden, on a phone too): the main area holds no script but
    the page's own."""
    with st.sidebar:
        st.html(f"{STYLE}<script>{SCRIPT}</script>", unsafe_allow_javascript=True)
