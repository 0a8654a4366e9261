"""Kort: where each forvaltning and its partners sit, open now, and the nearest open office."""

import ui.kort
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.kort.page()
