"""Reading the files a command names: their bytes, or one clear environment failure."""

from __future__ import annotations

import sys
from pathlib import Path

from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.i18n import _


def read_inputs(paths: list[str]) -> list[tuple[str, bytes]]:
    """The bytes of each named file ('-' is standard input), or an environment failure."""
    inputs = []
    for path in paths:
        if path == "-":
            inputs.append(("<stdin>", sys.stdin.buffer.read()))
            continue
        try:
            inputs.append((path, Path(path).read_bytes()))
        except FileNotFoundError:
            raise EnvironmentFailure(
                _("cannot read {path}: no such file").format(path=path),
                hint=_("check the path"),
            ) from None
        except IsADirectoryError:
            raise EnvironmentFailure(
                _("cannot read {path}: it is a directory").format(path=path),
                hint=_("name the YAML files in it"),
            ) from None
        except OSError as exc:
            raise EnvironmentFailure(
                _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)
            ) from None
    return inputs
