"""``mkdocs serve`` and ``gongkai serve`` rebuild when a data file changes (the clerk's
preview loop); ``gongkai serve`` rewrites only what the change touches."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import copy_project


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return True
        time.sleep(0.5)
    return False


COMMANDS = {
    "mkdocs": ["-m", "mkdocs", "serve", "-a"],
    "gongkai": ["-m", "gongkai.commands.cli", "serve", "--dev-addr"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_serve_rebuilds_when_data_changes(tmp_path: Path, command: str) -> None:
    project = copy_project(tmp_path / "project")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, *COMMANDS[command], f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/2023/baoan-feiyong/"
        assert wait_for(url, "保安费用"), "mkdocs serve did not come up"
        path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
        text = path.read_text(encoding="utf-8").replace(
            "problems: 无。", "problems: 本年度新发现的问题。"
        )
        path.write_text(text, encoding="utf-8")
        assert wait_for(url, "本年度新发现的问题。"), (
            "the page was not rebuilt after the data changed"
        )
        # A second edit in the same session: the incremental build sees it too.
        path.write_text(text.replace("本年度新发现的问题。", "第二次修改。"), encoding="utf-8")
        assert wait_for(url, "第二次修改。"), "the second edit was not shown"
    finally:
        server.terminate()
        server.wait(timeout=30)
