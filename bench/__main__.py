"""``python -m bench``: see bench/README.md, or ``python -m bench --help``."""

from bench._driver import main

main()
