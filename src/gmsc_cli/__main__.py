"""Run the command line as ``python -m gmsc_cli``."""

from gmsc_cli.cli.app import main

main()
