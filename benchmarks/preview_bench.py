"""How soon the preview shows an edit, with 1,000 records (goal: under 3 seconds).

    .venv/bin/python benchmarks/preview_bench.py [--records 1000] [--edits 5]

Writes a synthetic project (benchmarks/corpus.py; its mkdocs.yml asks for PDFs, as an
author's does: the preview skips them), starts `commsite serve` on a free port of
127.0.0.1 as an author would, and waits until it serves. Then, one at a time, it
appends a unique marker to a record's body and polls the record's page over HTTP
until the marker is there: that is the time from saving to the preview showing the
edit (it includes MkDocs noticing the save, which it polls for twice a second). Then
the same for new titles, which the home page must show too. Prints each figure, the
medians, and the rebuild times MkDocs logs, and the first (full) build time.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402

GOAL = 3.0
BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")
RELOADED = "Reloading browsers"  # logged after every rebuild (not after the first build)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, limit: float, server: subprocess.Popen) -> float:
    """Seconds until the page at `url` contains `text`; fails after `limit` seconds."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit status {server.returncode})")
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {text!r} within {limit:.0f} s")


def builds(log: Path) -> list[float]:
    # MkDocs logs a message only the first time: two builds of 1.64 s show as one line.
    return [float(m) for m in BUILT.findall(log.read_text(errors="replace"))]


def settle(log: Path, count: int, limit: float = 60) -> None:
    """Wait until the server has rebuilt `count` times: an edit is measured from a quiet
    server, not one still rebuilding after the edit before."""
    end = time.monotonic() + limit
    while log.read_text(errors="replace").count(RELOADED) < count:
        if time.monotonic() > end:
            raise SystemExit(f"the server did not finish rebuild {count} within {limit:.0f} s")
        time.sleep(0.05)
    time.sleep(0.3)


def start_server(project: Path, port: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "commsite.cli", "-f", str(project / "mkdocs.yml"), "serve",
         "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
             "PYTHONPATH": f"{HERE.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"})


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGINT)  # as Ctrl-C: mkdocs removes its temporary site
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5, help="body edits (and title edits)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="commsite-preview-") as tmp:
        project = write_corpus(args.records, Path(tmp) / "project").parent
        records = sorted(project.glob("bulletins/*.md")) + sorted(project.glob("webinars/*.md")) \
            + sorted(project.glob("content/notices/*.md"))
        # Spread over the types and the years; a different record for every edit.
        chosen = records[len(records) // (2 * args.edits)::len(records) // args.edits][:args.edits]
        titled = records[len(records) // (3 * args.edits)::len(records) // args.edits][:args.edits]
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        log_path = Path(tmp) / "serve.log"
        with open(log_path, "w") as log:
            started = time.perf_counter()
            server = start_server(project, port, log)
            try:
                wait_for(base, "</html>", 600, server)
                first_wall = time.perf_counter() - started
                first = builds(log_path)
                print(f"{args.records} records; first build {first[0]:.1f} s (MkDocs' figure), "
                      f"serving {first_wall:.1f} s after start", flush=True)
                body_times = []
                for i, path in enumerate(chosen):
                    settle(log_path, i)
                    marker = f"preview-marker-{uuid.uuid4().hex}"
                    with open(path, "a", encoding="utf-8") as record:
                        record.write(f"\n{marker}\n")
                    saved = time.perf_counter()
                    url = base + url_of(project, path)
                    wait_for(url, marker, 120, server)
                    body_times.append(time.perf_counter() - saved)
                    print(f"  body edit {i + 1} ({path.parent.name}/{path.name}): "
                          f"{body_times[-1]:.2f} s", flush=True)
                title_times = []
                for i, path in enumerate(titled):
                    settle(log_path, len(chosen) + i)
                    title = f"Retitled {uuid.uuid4().hex[:12]}"
                    text = path.read_text(encoding="utf-8")
                    path.write_text(re.sub(r"^title: .*$", f'title: "{title}"', text, count=1,
                                           flags=re.M), encoding="utf-8")
                    saved = time.perf_counter()
                    wait_for(base + url_of(project, path), title, 120, server)
                    wait_for(base, title, 120, server)  # the home page lists every record
                    title_times.append(time.perf_counter() - saved)
                    print(f"  title edit {i + 1} (page and home page): {title_times[-1]:.2f} s",
                          flush=True)
                settle(log_path, len(chosen) + len(titled))
                rebuilds = builds(log_path)[1:]
                reloads = log_path.read_text(errors="replace").count(RELOADED)
            finally:
                stop_server(server)
    print()
    print(f"first build: {first[0]:.1f} s")
    print(f"save to edit visible, body edits:  median {statistics.median(body_times):.2f} s, "
          f"max {max(body_times):.2f} s (goal: under {GOAL:.0f} s)")
    print(f"save to edit visible, title edits: median {statistics.median(title_times):.2f} s, "
          f"max {max(title_times):.2f} s")
    print(f"rebuilds: {reloads} for {len(body_times) + len(title_times)} edits; as MkDocs logs "
          f"them (a repeated figure once): median {statistics.median(rebuilds):.2f} s, "
          f"max {max(rebuilds):.2f} s")
    verdict = "met" if statistics.median(body_times) < GOAL else "NOT met"
    print(f"goal {verdict}")


def url_of(project: Path, path: Path) -> str:
    folder = path.parent.relative_to(project).as_posix()
    kind = {"bulletins": "bulletins", "webinars": "webinars", "content/notices": "notices"}[folder]
    return f"{kind}/{path.stem}/"


if __name__ == "__main__":
    main()
