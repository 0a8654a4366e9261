"""The app's screens and widgets (streamlit): one module per screen (`soeg.py`, `enhed.py`, ...,
each with its `page()`), and one module per job of the UI edge: `serving` (the data, cached),
`auth` (who is looking), `state` (the app's own state), `escape` (`md_escape`), `links`
(links and assets), `navigation` (the page list), `widgets` (shared widgets), `document`
(the Danish, accessible document), `present` (the map and the graph figures).

Only `app.py`, `pages/` and the tests that drive the UI import it; the core never does.
"""
