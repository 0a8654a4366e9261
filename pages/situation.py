"""Borgerens situation: a guided referral. The caseworker describes the situation (free text
and/or chosen needs, the citizen's age, optionally their own unit) and gets, per need, the
unit to contact, why, the number to call first and whether it is open; the order of calls;
the referral path from their own unit; and a printable summary for the citizen.

State lives in the URL (`?tekst=...&alder=42&fra=bif-jobcenter&behov=...`), so the page is
a link that can be shared. The logic is `search.guide`, the widgets `ui.situation`.
"""

import streamlit as st

import ui
import ui.situation
from directory.rules.hours import now
from search.guide import Guide
from search.missing import holds_cpr
from ui.widgets import age_input, unit_picker

directory = ui.require_directory()
index = ui.search_index()
ui.example_notice(directory)

st.title("Borgerens situation", anchor=False)
st.markdown(ui.situation.INTRO)
text = st.text_area(
    "Situationen",
    key="tekst",
    bind="query-params",
    placeholder="fx lejer har brev fra fogeden, to børn og drikker for meget",
    height=100,
)
cols = st.columns([4, 1.4, 3], vertical_alignment="top")  # the picker is taller
needs = cols[0].multiselect(
    "Behov (valgfrit)", index.needs(), key="behov", bind="query-params", placeholder="Vælg behov"
)
age = age_input(cols[1])
# The own unit is kept in the link by id (`?fra=bif-jobcenter`), not by its shown name.
with cols[2]:
    own = unit_picker(
        "Din enhed (valgfri): vis henvisningsvejen",
        ui.unit_finder(),
        "fra",
        selected=st.query_params.get("fra"),
        search_label="Søg efter din enhed",
        placeholder="Vælg din enhed",
    )
if own:
    st.query_params["fra"] = own
elif "fra" in st.query_params:
    del st.query_params["fra"]

if holds_cpr(text or ""):
    st.error(ui.situation.CPR_REFUSED, icon=":material/privacy_tip:")
    st.stop()
if not (text or "").strip() and not needs:
    st.stop()

guide = Guide(index, graph=ui.referral_graph())
guidance = guide.guide(
    text or "", needs, age=None if age is None else int(age), from_unit=own, at=now()
)
ui.situation.results(guidance)
