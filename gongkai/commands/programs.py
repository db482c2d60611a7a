"""The programs gongkai starts as children — MkDocs to build a year's version, mike to keep the
archive — and the one program that holds them all in the standalone build (独立版).

Run from a virtual environment, a child is this interpreter with the program's module. The
standalone build carries its own Python inside one executable and has no interpreter to hand a
module to, so there the child is the executable itself, told which program to be:
``gongkai mkdocs build`` and ``gongkai mike deploy …``. mike itself starts ``mkdocs`` by name,
so the standalone folder also holds a small ``mkdocs`` launcher beside the executable, which the
archive commands put first on the child's ``PATH``.
"""

from __future__ import annotations

import sys

PROGRAMS = ("mkdocs", "mike")


def standalone() -> bool:
    """Whether this is the standalone build (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def program(name: str) -> list[str]:
    """The command that starts ``name`` (one of ``PROGRAMS``) as a child process."""
    if name not in PROGRAMS:
        raise ValueError(name)
    if standalone():
        return [sys.executable, name]
    if name == "mkdocs":
        return [sys.executable, "-m", "mkdocs"]
    return [
        sys.executable,
        "-c",
        "import sys; from mike.driver import main; sys.argv[0] = 'mike'; sys.exit(main())",
    ]
