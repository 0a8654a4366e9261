"""Min ringeliste: the signed-in caseworker's own call list (units pinned from a result card
or a unit page), with numbers to call, open now, and the call-list downloads."""

import streamlit as st

import ui
import ui.min_ringeliste
import ui.widgets
from directory.rules.hours import now

directory = ui.require_directory()
st.title("Min ringeliste", anchor=False)
ui.example_notice(directory)

pinned = ui.widgets.my_pins(fresh=True)  # fresh: pins made on another server or tab count
if pinned is None:
    st.info(ui.min_ringeliste.NO_LIST_DA, icon=":material/login:")
    st.stop()
if not pinned:
    st.info(ui.min_ringeliste.EMPTY_DA, icon=":material/keep:")
    st.stop()
ui.min_ringeliste.my_call_list(directory, pinned, now())
