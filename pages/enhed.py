"""Enhed: everything about one unit, at the shareable link /enhed?id=<unit-id>.

An unknown or missing id gets a friendly page with a search box, never a traceback.
"""

import streamlit as st

import ui
import ui.enhed
import ui.rediger
from directory.rules.hours import now

directory = ui.require_directory()
ui.example_notice(directory)

unit_id = st.query_params.get("id")
unit = directory.units.get(unit_id) if unit_id else None
if unit is None:
    ui.enhed.unknown_unit(unit_id)
    st.stop()

viewer = ui.viewer()
ui.rediger.edit_section(directory, unit, viewer)
at = now()
ui.enhed.unit_page(directory, unit, at, at.date())
ui.enhed.report_form(unit, directory)
ui.rediger.history_section(unit, viewer)
