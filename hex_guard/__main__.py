from __future__ import annotations

import sys

from hex_guard.main import main

sys.exit(main())
