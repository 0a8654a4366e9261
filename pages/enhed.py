"""Enhed: everything about one unit, at the shareable link /enhed?id=<unit-id>.

An unknown or missing id gets a friendly page with a search box, never a traceback.
"""

import ui.enhed
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.enhed.page()
