"""``python -m dmsite.cli``: the dmsite command."""

import sys

from . import main

sys.exit(main())
