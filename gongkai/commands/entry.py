"""The one program of the standalone build (独立版), and ``python -m gongkai``:
``gongkai mkdocs …`` runs MkDocs (see gongkai.commands.programs), anything else is a
``gongkai`` command."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import NoReturn

EXIT_INTERRUPTED = 130  # Ctrl+C, as shells report a SIGINT (gongkai.commands.cli's too)


def run() -> NoReturn:
    """The program's start (程序入口): the ``gongkai`` command, ``python -m gongkai`` and the
    standalone executable. Ctrl+C while the program still loads ends it with one sentence
    (Python would print a traceback from whichever module it was reading); Ctrl+C once the
    command has ended, while Python tidies up, leaves its result as it is."""
    try:
        code = main()
    except KeyboardInterrupt:
        print(_INTERRUPTED_LOADING if not _loaded else "已中断。", file=sys.stderr)
        code = EXIT_INTERRUPTED
    signal.signal(signal.SIGINT, _leaving_with(code))
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if all(thread.daemon for thread in others):  # none that Python would wait for
        _leave_untidied(code)
    sys.exit(code)


def _leave_untidied(code: int) -> NoReturn:
    """End the program as Python does, but for its last step: freeing, one by one, every
    object the command made (after a build of 5,000 project-years, 1.1 s of waiting once the
    site was in place). What is registered to run at exit runs (children, logs, temporary
    files), the output is written, then the process ends."""
    atexit._run_exitfuncs()
    _end(code)


def _end(code: int) -> NoReturn:
    """End the process at once with ``code``, its output written."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


_INTERRUPTED_LOADING = "已中断：命令还没有开始工作，什么都没有改动。"
_loaded = False  # the command's modules are read: from here on it answers Ctrl+C itself


def _leaving_with(code: int) -> Callable[[int, FrameType | None], None]:
    """A Ctrl+C handler that ends the program at once with ``code``."""

    def leave(signum: int, frame: FrameType | None) -> None:
        _end(code)

    return leave


def main(argv: list[str] | None = None) -> int:
    """The standalone executable: ``gongkai mkdocs …`` runs MkDocs, anything else is a
    ``gongkai`` command."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "mkdocs":
        from mkdocs.__main__ import cli

        _loading_done()
        return _exit_code(lambda: cli.main(args=args[1:], prog_name="mkdocs"))
    from gongkai.commands.cli import main as gongkai  # not loaded for MkDocs' runs

    _loading_done()
    return gongkai(args)


def _loading_done() -> None:
    global _loaded
    _loaded = True


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
