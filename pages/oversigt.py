"""Forvaltninger: what the landkort holds, per forvaltning, and each one's units."""

import ui.oversigt
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.oversigt.page()
