"""Min ringeliste: the signed-in caseworker's own call list (units pinned from a result card
or a unit page), with numbers to call, open now, and the call-list downloads.
"""

import ui.min_ringeliste
from ui.navigation import use_app_navigation

use_app_navigation()  # a first deep link runs app.py's sign-in and navigation
ui.min_ringeliste.page()
