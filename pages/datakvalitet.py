"""Datakvalitet: what is wrong, old or missing in the data, and caseworkers' open reports.

Works when the data has errors too: the problems are listed, the rest waits for a fix.
"""

import ui.datakvalitet
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.datakvalitet.page()
