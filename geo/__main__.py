"""``python -m geo``: command-line arguments -> the ``news-atlas`` CLI's exit status."""

from __future__ import annotations

from geo.cli import main

raise SystemExit(main())
