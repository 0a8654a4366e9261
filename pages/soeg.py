"""Søg: the frontline start page. One search box (focused, Enter searches), results as cards.

The query and the filters live in the URL (`?q=herberg&alder=17&aaben=true`), so a search
is a link that can be shared. Matching and ranking are `search.SearchIndex`'s; the cards
are `ui.soeg`'. The search box, filters and results are one fragment: a query reruns only
them (issue 14: a cheap rerun per keystroke for every caseworker).
"""

import ui.soeg
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.soeg.page()
