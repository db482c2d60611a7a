"""``mkdocs serve`` and ``gongkai serve`` rebuild when a data file changes (the clerk's
preview loop); ``gongkai serve`` rewrites only what the change touches."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import as_a_terminal_starts_it, copy_project, run_cli, running


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


def start(
    command: str, project: Path, temporary: Path | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """``mkdocs serve`` or ``gongkai serve`` in ``project`` on a free port (its preview folder
    in ``temporary``, if given)."""
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if temporary is not None:
        env["TMPDIR"] = str(temporary)
    server = subprocess.Popen(
        [sys.executable, *COMMANDS[command], f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        preexec_fn=as_a_terminal_starts_it,
    )
    return server, port


def stop(server: subprocess.Popen[bytes]) -> int:
    """End a preview as the clerk does, with Ctrl+C; its exit code."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
    try:
        return server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        raise


@pytest.mark.parametrize("command", list(COMMANDS))
def test_serve_rebuilds_when_data_changes(tmp_path: Path, command: str) -> None:
    project = copy_project(tmp_path / "project")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    server, port = start(command, project, temporary)
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
        # Ctrl+C ends the session cleanly, its writers stopped and its preview folder removed.
        assert stop(server) == 0
        assert [p.name for p in temporary.iterdir() if p.name.startswith("mkdocs_")] == []
    finally:
        stop(server)


@pytest.mark.browser
def test_a_broken_file_shows_its_error_in_the_browser(browser: object, tmp_path: Path) -> None:
    """Saving a broken file while previewing: the open page reloads by itself, shows the Chinese
    error above the last good content, and loses the error once the file is fixed."""
    project = copy_project(tmp_path / "project")
    server, port = start("gongkai", project)
    try:
        url = f"http://127.0.0.1:{port}/2023/baoan-feiyong/"
        assert wait_for(url, "保安费用"), "gongkai serve did not come up"
        pages = []
        for width in (390, 1280):
            # Not open_page: the live-reload request never idles the network.
            page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
            page.goto(url, wait_until="load")
            pages.append(page)
        path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
        good = path.read_text(encoding="utf-8")
        broken = good.replace("executed: 80000", "executed: 八万", 1)
        assert broken != good
        path.write_text(broken, encoding="utf-8")
        for page in pages:
            alert = page.locator(".gk-build-error")  # type: ignore[attr-defined]
            alert.wait_for(timeout=60_000)  # the page reloaded by itself
            text = alert.inner_text()
            assert "数据有错" in text and "baoan-feiyong.yml" in text and "八万" in text
            assert "第" in text and "行" in text and "executed" in text
            assert alert.get_attribute("role") == "alert"
            # The last good page is still there beneath the error, and fits the screen.
            assert page.locator("article h1").inner_text() == "保安费用"  # type: ignore[attr-defined]
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
        path.write_text(
            good.replace("problems: 无。", "problems: 改正后的内容。"), encoding="utf-8"
        )
        for page in pages:
            page.locator("text=改正后的内容。").wait_for(timeout=60_000)  # type: ignore[attr-defined]
            assert page.locator(".gk-build-error").count() == 0  # type: ignore[attr-defined]
            page.close()  # type: ignore[attr-defined]
    finally:
        stop(server)


def _server(root: Path) -> object:
    from mkdocs.livereload import LiveReloadServer

    return LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root))


def test_a_saved_file_is_noticed_at_once(tmp_path: Path) -> None:
    import watchdog.observers.polling

    from gongkai.watching import notify_at_once

    data = tmp_path / "data"
    (data / "2023").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    server = _server(tmp_path)
    server.watch(str(data))
    server.watch(str(data))  # twice, as MkDocs and a hook may both ask
    server.watch(str(tmp_path / "mkdocs.yml"))
    notify_at_once(server)
    assert not isinstance(server.observer, watchdog.observers.polling.PollingObserver)
    assert server._watched_paths == {str(data): 2, str(tmp_path / "mkdocs.yml"): 1}
    (data / "2023" / "b.yml").write_text("name: b\n", encoding="utf-8")
    server.observer.start()
    try:
        # A build reads every data file and takes the data folder's lock: neither may start
        # another build, or each build would start the next.
        (data / "2023" / "b.yml").read_text(encoding="utf-8")
        (data / ".data.lock").write_text("1234\n", encoding="utf-8")
        (data / ".data.lock").unlink()
        time.sleep(0.5)
        assert not server._want_rebuild
        started = time.monotonic()
        (data / "2023" / "a.yml").write_text("name: x\n", encoding="utf-8")
        while not server._want_rebuild and time.monotonic() - started < 5:
            time.sleep(0.01)
        # MkDocs' polling looks every 0.5 s; the system tells at once.
        assert server._want_rebuild
        assert time.monotonic() - started < 0.4
    finally:
        server.observer.stop()
        server.observer.join()
        server.server_close()


def test_without_the_systems_watcher_the_session_keeps_polling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchdog.observers.polling

    from gongkai import watching

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watching.watchdog.observers.Observer, "schedule", refuse)
    server = _server(tmp_path)
    server.watch(str(tmp_path))
    watching.notify_at_once(server)
    assert isinstance(server.observer, watchdog.observers.polling.PollingObserver)
    assert server._watched_paths == {str(tmp_path): 1}
    server.server_close()


def test_a_taken_address_is_told_without_a_traceback(tmp_path: Path) -> None:
    """A second preview on the same port (the clerk left one running): said in Chinese with
    what to do, exit 1, no traceback."""
    project = copy_project(tmp_path / "project")
    temporary = tmp_path / "tmp"  # where MkDocs puts the preview's folder
    temporary.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        ran = subprocess.run(
            [sys.executable, "-m", "gongkai.commands.cli", "serve", "--dev-addr", address],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,  # a serve that did bind would run until then, and fail here
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(temporary)},
        )
    assert ran.returncode == 1 and "Traceback" not in ran.stderr, ran.stderr
    # The session's writers stopped before MkDocs removed the preview's folder.
    assert [p.name for p in temporary.iterdir() if p.name.startswith("mkdocs_")] == []
    assert f"预览地址 {address} 已被占用，可能已有一个 gongkai serve 在运行" in ran.stderr
    assert "用 --dev-addr 127.0.0.1:8001 换一个端口" in ran.stderr


@pytest.mark.parametrize("command", ["build", "serve"])
def test_without_a_site_configuration_the_clerk_is_told_where_to_run(
    tmp_path: Path, command: str
) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "gongkai.commands.cli", command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 1 and "Traceback" not in ran.stderr, ran.stderr
    assert f"找不到网站配置文件 mkdocs.yml（当前文件夹 {tmp_path}）" in ran.stderr
    assert "请在网站项目的文件夹（有 mkdocs.yml 和 data 的那个）中运行" in ran.stderr


def test_a_failure_that_is_not_the_address_is_told_as_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder the first build could not write was said to be the address's fault ("预览地址
    # … 无法使用（No such file or directory）").
    import errno

    from mkdocs.commands import serve as serving

    project = copy_project(tmp_path / "project")

    def unwritable(**kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(project / "x.json"))

    monkeypatch.setattr(serving, "serve", unwritable)
    ran = run_cli(project, "serve", "--dev-addr", "127.0.0.1:8765")
    assert ran.returncode == 1
    assert "预览未能开始：没有写入权限" in ran.stderr and "x.json" in ran.stderr, ran.stderr
    assert "预览地址 127.0.0.1:8765 无法使用" not in ran.stderr

    # The address itself: still told as the address.
    def elsewhere(**kwargs: object) -> None:
        raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")

    monkeypatch.setattr(serving, "serve", elsewhere)
    ran = run_cli(project, "serve", "--dev-addr", "10.255.255.1:8765")
    assert "预览地址 10.255.255.1:8765 无法使用（Cannot assign requested address）" in ran.stderr


def _children(pid: int) -> set[int]:
    """The processes ``pid`` has forked that still run."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return {child for child in found if running(child)}


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_a_session_ended_by_sigterm_ends_as_by_ctrl_c(tmp_path: Path) -> None:
    """A service manager or ``kill`` ends a preview with SIGTERM, here while it rewrites after an
    edit: the session ends as by Ctrl+C, its children stopped and its preview folder removed
    (killed outright, it left the folder, and a child writing on into it)."""
    project = copy_project(tmp_path / "project")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, *COMMANDS["gongkai"], f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(temporary)},
        preexec_fn=as_a_terminal_starts_it,
    )
    try:
        url = f"http://127.0.0.1:{port}/2023/baoan-feiyong/"
        assert wait_for(url, "保安费用"), "gongkai serve did not come up"
        before = _children(server.pid)
        path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("problems: 无。", "problems: 新问题。"), encoding="utf-8")
        deadline = time.monotonic() + 60
        for look in itertools.count():  # until the rebuild's children run, or it has ended
            if children := _children(server.pid) - before:
                break
            if look % 20 == 19 and "新问题。" in (fetch(url) or ""):
                break  # done before a child was seen: the session still ends as it should
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        server.send_signal(signal.SIGTERM)  # to the session alone, not to its process group
        _, err = server.communicate(timeout=60)
        assert "Traceback" not in err.decode("utf-8", "replace"), err
        deadline = time.monotonic() + 30
        while left := [c for c in children | before if running(c)]:
            assert time.monotonic() < deadline, f"children still running: {left}"
            time.sleep(0.05)
        assert [p.name for p in temporary.iterdir() if p.name.startswith("mkdocs_")] == []
    finally:
        stop(server)


def test_a_second_stop_while_the_session_ends_interrupts_at_once() -> None:
    from types import SimpleNamespace

    from gongkai import memory

    server = SimpleNamespace(_shutdown=False)
    assert memory.end_session() is False  # no session serves: the command is interrupted
    memory.session = server
    try:
        assert memory.end_session() is True and server._shutdown is True  # ends between builds
        assert memory.end_session() is False  # asked again: interrupted where it is
    finally:
        memory.session = None
