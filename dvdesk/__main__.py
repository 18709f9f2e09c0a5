"""``python -m dvdesk COMMAND``: the headless command line (the app opens via ``dvdesk``)."""

import sys

from dvdesk.cli.main import main

sys.exit(main())
