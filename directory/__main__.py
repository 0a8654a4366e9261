"""`python -m directory ...`: see `cli`."""

import sys

from cli import main

sys.exit(main())
