"""`python -m directory ...`: see `directory.cli`."""

import sys

from directory.cli import main

sys.exit(main())
