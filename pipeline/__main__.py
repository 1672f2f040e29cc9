"""Entry point: `python -m pipeline <command>` (see `python -m pipeline --help`)."""

import sys

from pipeline.cli import main

sys.exit(main())
