"""The program gongkai starts as a child — MkDocs, to build an archived year's version — and
how the standalone build (独立版), which holds it, starts it.

Run from a virtual environment, the child is this interpreter with MkDocs' module. The
standalone build carries its own Python inside one executable and has no interpreter to hand a
module to, so there the child is the executable itself, told which program to be:
``gongkai mkdocs build``.
"""

from __future__ import annotations

import sys

PROGRAMS = ("mkdocs",)


def standalone() -> bool:
    """Whether this is the standalone build (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def program(name: str) -> list[str]:
    """The command that starts ``name`` (one of ``PROGRAMS``) as a child process."""
    if name not in PROGRAMS:
        raise ValueError(name)
    if standalone():
        return [sys.executable, name]
    return [sys.executable, "-m", "mkdocs"]
