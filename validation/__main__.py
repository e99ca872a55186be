"""``python -m validation``: see :mod:`validation.run`."""

from validation.run import main

raise SystemExit(main())
