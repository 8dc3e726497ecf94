"""`commsite serve` as a process: a busy port is one line; stopping it stops its mkdocs child."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .pdf_helpers import mkdocs_project

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(root: Path, port: int, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "commsite.cli", "serve", "--dev-addr",
                             f"127.0.0.1:{port}"], cwd=root, env=env or ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def until(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def answers(port: int) -> bool:
    with socket.socket() as client:
        return client.connect_ex(("127.0.0.1", port)) == 0


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return True
    return state == "Z"  # exited, waiting for its parent to read its status


def test_a_busy_port_is_one_line(tmp_path):
    root = mkdocs_project(tmp_path / "project", "      pdf: false\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "commsite.cli", "serve", "--dev-addr",
                               f"127.0.0.1:{port}"], cwd=root, env=ENV, capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"commsite serve: 127.0.0.1:{port} is in use (another preview still running?); stop it, "
        f"or preview at another port: commsite serve --dev-addr 127.0.0.1:{port + 1}"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["Ctrl-C", "TERM", "KILL"])
def test_stopping_commsite_serve_stops_its_mkdocs_child_and_leaves_no_copy_of_the_site(
        tmp_path, sig):
    """However the preview is stopped (Ctrl-C in its terminal, which signals its whole
    process group; TERM; or killed outright), mkdocs stops too, lets the port go and
    deletes the copy of the site it served from a temporary folder."""
    root = mkdocs_project(tmp_path / "project", "      pdf: false\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    command = serve(root, port, {**ENV, "TMPDIR": str(temporary)})
    try:
        until(lambda: answers(port), "the preview answered")
        children = Path(f"/proc/{command.pid}/task/{command.pid}/children").read_text().split()
        [child] = [int(pid) for pid in children]
        [served] = temporary.glob("mkdocs_*")
        assert (served / "index.html").is_file(), "the preview serves a site built here"
        if sig == signal.SIGINT:
            os.killpg(command.pid, sig)  # as the terminal sends Ctrl-C
        else:
            command.send_signal(sig)
        command.wait(timeout=60)
        until(lambda: gone(child), "the mkdocs child stopped", timeout=60)
        until(lambda: not answers(port), "the port was let go", timeout=60)
        until(lambda: not served.exists(), "the served copy of the site was deleted", timeout=60)
        assert list(temporary.glob("mkdocs_*")) == []  # (the template cache stays, by design)
        if sig != signal.SIGKILL:
            assert command.returncode == 0, command.stderr.read()
    finally:
        if command.poll() is None:
            command.kill()


def test_a_preview_that_does_not_stop_when_asked_is_killed_at_the_second_signal(tmp_path):
    """The first Ctrl-C or TERM reaches mkdocs as one SIGINT, which it may take a while to
    act on (or never, if stuck in its clean-up): a second one kills it, and commsite ends
    with 128 + 9, as a shell reports a killed command. Never a hang. Here mkdocs is a
    stand-in (as properdocs) that notes the SIGINT and goes on waiting."""
    root = mkdocs_project(tmp_path / "project", "      pdf: false\n")
    fake = tmp_path / "fake" / "properdocs"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    noted = tmp_path / "noted"
    (fake / "__main__.py").write_text(
        "import pathlib, signal, time\n"
        f"note = pathlib.Path({str(noted)!r})\n"
        "signal.signal(signal.SIGINT, lambda *_: note.write_text('SIGINT'))\n"
        "note.write_text('started')\n"
        "time.sleep(3600)\n")
    env = {**ENV, "PYTHONPATH": os.pathsep.join([str(fake.parent), *sys.path])}
    command = subprocess.Popen([sys.executable, "-m", "commsite.cli", "serve", "--host",
                                "properdocs", "--dev-addr", f"127.0.0.1:{free_port()}"],
                               cwd=root, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    child = None
    try:
        until(lambda: noted.exists() and noted.read_text() == "started", "the stand-in started")
        [child] = [int(pid) for pid in
                   Path(f"/proc/{command.pid}/task/{command.pid}/children").read_text().split()]
        command.send_signal(signal.SIGTERM)
        until(lambda: noted.read_text() == "SIGINT", "the first signal reached it as SIGINT")
        assert command.poll() is None and not gone(child), "one signal: it may clean up"
        command.send_signal(signal.SIGTERM)
        assert command.wait(timeout=60) == 128 + signal.SIGKILL, command.stderr.read()
        until(lambda: gone(child), "the stand-in was killed", timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
        if child is not None and not gone(child):
            os.kill(child, signal.SIGKILL)  # what a failure left: not for an hour
