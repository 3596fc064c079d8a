"""The `--help` texts of the built command line, in the current language.

Typer takes each command's help from its docstring or `help=` and each option's from its
`help=`; they are English msgids of the catalog. Translating the built tree, rather than
each definition, keeps the command definitions as they are written and covers Typer's
own options (--install-completion, --show-completion) too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gmsc_cli.i18n import _


def help_texts(command: Any) -> Iterator[str]:
    """Every help text of a built command, its parameters and its subcommands."""
    for text in (command.help, getattr(command, "short_help", None)):
        if text:
            yield text
    for param in command.params:
        if getattr(param, "help", None):
            yield param.help
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)


def translate_help(command: Any) -> None:
    """Put the current language's help texts on a built command and everything under it."""
    if command.help:
        command.help = _(command.help)
    if getattr(command, "short_help", None):
        command.short_help = _(command.short_help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)
