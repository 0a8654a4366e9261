"""Ringelister og eksport: the call list of a forvaltning or a search, as CSV, Excel, print, vCard.

`?forvaltning=<id>` or `?q=<search>` makes a shareable link to a list.
"""

import ui.ringeliste
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.ringeliste.page()
