"""Borgerens situation: a guided referral. The caseworker describes the situation (free text
and/or chosen needs, the citizen's age, optionally their own unit) and gets, per need, the
unit to contact, why, the number to call first and whether it is open; the order of calls;
the referral path from their own unit; and a printable summary for the citizen.

State lives in the URL (`?tekst=...&alder=42&fra=bif-jobcenter&behov=...`), so the page is
a link that can be shared. The logic is `search.guide`, the widgets `ui.situation`.
"""

import ui.situation
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.situation.page()
