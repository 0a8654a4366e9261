"""Kommunalt landkort: the Streamlit entry point.

`LANDKORT_DATA=DIR streamlit run app.py` serves the app on that data directory (default
`data/`). The server imports this file as the module `app` and serves the `st.App` below
(Streamlit finds it by this literal call): the read-only HSDS API under `/api/hsds/` on the
same server, every request and WebSocket through `ui.auth.HostGuard` first
(`ui.api.server_options`). Then it runs the file as the page script on every rerun: the
shell (`ui.shell.main`: page config, who is looking, the navigation of the pages in
`pages/`, listed once in `ui/navigation.py`).
"""

import streamlit as st

if __name__ != "__main__":  # imported by `streamlit run` to serve it
    import ui.api

    app = st.App(__file__, **ui.api.server_options())
else:  # the page script
    import ui.shell

    ui.shell.main()
