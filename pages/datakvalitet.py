"""Datakvalitet: what is wrong, old or missing in the data, and caseworkers' open reports.

Works when the data has errors too: the problems are listed, the rest waits for a fix.
"""

import streamlit as st

import ui
import ui.datakvalitet
import ui.widgets
from directory.quality.health import build_health, departments_in
from directory.quality.reports import ReportLog, ReportStore
from directory.rules.hours import now
from directory.storage import STORAGE_ERRORS

ui.use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
st.title("Datakvalitet")
viewer = ui.viewer()
if not viewer.staff:  # app.py leaves the page out of the navigation too
    st.info("Datakvalitet er kun for medarbejdere. Log ind for at se siden.")
    st.stop()
validation = ui.validation()
directory = validation.directory
options = ui.widgets.department_options(departments_in(validation), directory)
wanted = st.query_params.get("forvaltning")
department = st.selectbox(
    "Forvaltning",
    list(options),
    index=list(options).index(wanted) if wanted in options else 0,
    format_func=options.__getitem__,
)
if department:
    st.query_params["forvaltning"] = department
else:
    st.query_params.pop("forvaltning", None)

try:
    log = ReportStore().read()
except STORAGE_ERRORS as exc:
    st.warning(ui.STORAGE_DOWN_DA + ui.md_escape(exc))
    log = ReportLog()
health = build_health(validation, today=now().date(), reports=log.reports, department=department)

cols = st.columns(5)
cols[0].metric("Fejl", health.error_count)
cols[1].metric("Advarsler", len(health.problems) - health.error_count)
cols[2].metric("Forældede", len(health.stale))
cols[3].metric("Mangler oplysninger", len(health.missing))
cols[4].metric("Åbne fejlmeldinger", sum(len(r) for r in health.open_reports.values()))

st.header("Fejl og advarsler i datafilerne")
st.caption(
    "Ret fejlen i filen og på linjen, der står (stien er inde i datamappen). Kør "
    "`.venv/bin/landkort validate data` for at tjekke igen."
)
ui.datakvalitet.full_table(ui.datakvalitet.problem_rows(health), "Ingen fejl eller advarsler. 👍")
if directory is None:
    st.warning(
        "Data har fejl, så resten af siden kan først vises, når fejlene ovenfor er rettet. "
        "De andre sider viser fejllisten, indtil da."
    )
    st.stop()

ui.datakvalitet.sections(health, directory, viewer, log.skipped_lines)
