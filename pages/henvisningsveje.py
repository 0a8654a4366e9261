"""Henvisningsveje: the documented referral routes between units, for staff and managers.

An adapter: the analyses are in `directory.graph.analysis`, figures and tables in
`ui.present.graph_plot`, the widgets of each tab in `ui.henvisningsveje`. Only the open
tab is computed, so the costly analyses (betweenness, loops) wait until someone asks for them.
"""

import ui.henvisningsveje
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.henvisningsveje.page()
