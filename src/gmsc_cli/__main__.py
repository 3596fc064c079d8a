"""Run the command line as ``python -m gmsc_cli``."""

from gmsc_cli.cli.entry import main

main()
