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

st.header("Optælling pr. forvaltning")
ui.datakvalitet.full_table(ui.datakvalitet.count_rows(health), "Ingen forvaltninger.")

st.header("Forældede oplysninger")
st.caption(
    "Tjekket for mere end 12 måneder siden, samlet pr. forvaltning og pr. ejer. Tjek "
    "oplysningerne, og ret datoen i »verified«."
)
if not health.stale:
    st.caption("Intet forældet.")
else:
    ui.datakvalitet.full_table(
        ui.datakvalitet.stale_summary(health, "department", "Forvaltning"), "Intet forældet."
    )
    ui.datakvalitet.full_table(
        ui.datakvalitet.stale_summary(health, "owner", "Ejer"), "Intet forældet."
    )
    with st.expander(f"Alle {len(health.stale)} forældede poster"):
        ui.datakvalitet.full_table(ui.datakvalitet.stale_rows(health), "Intet forældet.")

st.header("Enheder, der mangler oplysninger")
st.caption("Mangler telefon, kontaktperson, åbningstid eller adresse.")
ui.widgets.show_table(
    ui.datakvalitet.missing_rows(health),
    "Alle enheder har telefon, kontakt, åbningstid og adresse.",
    links=True,
)

st.header("Nøglepersoner uden stedfortræder")
st.caption(
    "Nøglepersoner (gatekeepere), der ikke har en stedfortræder (»backup«), der kan tage over "
    "ved fravær."
)
ui.widgets.show_table(
    ui.datakvalitet.no_backup_rows(health),
    "Alle nøglepersoner har en stedfortræder.",
    links=True,
)

st.header("Åbne fejlmeldinger pr. ejer")
if log.skipped_lines:
    st.caption(f"{log.skipped_lines} ulæselige linjer i fejlmeldingsfilen blev sprunget over.")
ui.datakvalitet.open_reports(health.open_reports, directory, viewer)

st.header("Søgninger uden resultater")
st.caption(
    "Hvad medarbejderne søgte på de sidste 90 dage uden at finde noget. Tilføj et synonym "
    "eller et nøgleord, så de næste finder svaret. Kun antal gemmes; søgninger med "
    "CPR-nummer, telefonnummer eller e-mail gemmes aldrig."
)
ui.widgets.show_table(
    ui.datakvalitet.zero_hit_rows(ui.storage()), "Ingen søgninger uden resultater."
)

st.header("Ord, der mangler")
st.caption(
    "Ord, som medarbejderne har meldt som manglende (»Meld ordet som manglende« på Søg) de "
    "sidste 90 dage, med deres noter om, hvad de mente. Tilføj ordet som synonym eller "
    "nøgleord. Ord og noter med CPR-nummer, telefonnummer eller e-mail gemmes aldrig."
)
ui.widgets.show_table(
    ui.datakvalitet.missing_word_rows(ui.storage()), "Ingen ord er meldt som manglende."
)
