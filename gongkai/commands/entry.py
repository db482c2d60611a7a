"""The one program of the standalone build (独立版), and ``python -m gongkai``:
``gongkai mkdocs …`` runs MkDocs (see gongkai.commands.programs), anything else is a
``gongkai`` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """The standalone executable: ``gongkai mkdocs …`` runs MkDocs, anything else is a
    ``gongkai`` command."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "mkdocs":
        from mkdocs.__main__ import cli

        return _exit_code(lambda: cli.main(args=args[1:], prog_name="mkdocs"))
    from gongkai.commands.cli import main as gongkai  # not loaded for MkDocs' runs

    return gongkai(args)


def _exit_code(run: object) -> int:
    try:
        result = run()  # type: ignore[operator]
    except SystemExit as done:
        code = done.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    return result if isinstance(result, int) else 0
