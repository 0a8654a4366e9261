"""Behov: the needs vocabulary (national, on KL's FFB and FSIII, plus the data folder's
needs.yaml), each need with its codes, its words and the units it reaches."""

import ui.behov
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.behov.page()
