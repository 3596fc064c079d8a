"""The console script `gmsc`: choose the language first, then build the command line.

Typer reads help texts when the commands are defined and built, so the language
(`--lang`, else GMSC_LANG, else the locale) is chosen from argv and the environment
before `cli.app` is imported. A value that is not a language is left to the `--lang`
option to refuse as a usage error (exit 2); until then English is spoken.
"""

from __future__ import annotations

import gc
import os
import sys

from gmsc_cli import i18n


def main() -> None:
    """Run `gmsc` in the language asked for."""
    try:
        language = i18n.choose(i18n.lang_in_argv(sys.argv[1:]), os.environ)
    except ValueError:
        language = i18n.Language.en
    i18n.set_language(language)
    from gmsc_cli.cli.app import main as run

    try:
        run()
    finally:
        # The process ends with this command. The interpreter's last garbage collections
        # would walk every object the imports made (psycopg's alone cost ~20 ms there);
        # frozen objects are skipped. Exit handlers still run and files are still flushed.
        gc.freeze()
