"""`commsite serve --host zensical`: Zensical's own server, fed by the records as they are
saved (README: Hosts). Loopback only; every wait is for a condition, bounded."""

from __future__ import annotations

import os
import signal
import time

from commsite.cli import address_in_use

from .test_preview import Server, tiny_project


def test_the_zensical_preview_follows_saves_and_shows_drafts_and_scheduled(tmp_path):
    project = tiny_project(tmp_path / "p")
    scheduled = project / "bulletins" / "2018-09-03-september.md"
    scheduled.write_text("---\ntitle: September bulletin\ndate: 2018-09-03\naudience: la\n"
                         "summary: Next month's news.\n---\n\nComing soon.\n")
    server = Server(project, "--host", "zensical", build_date="2018-08-01")
    try:
        page = server.wait_for("bulletins/2018-07-12-july/", "Body of bulletins/2018-07-12-july.md")
        assert "<h1>July bulletin</h1>" in page
        draft = server.wait_for("notices/2018-07-20-draft/", "Draft notice")
        assert "comms-draft" in draft, "a draft carries its banner"
        soon = server.wait_for("bulletins/2018-09-03-september/", "September bulletin")
        assert "Scheduled: publishes on 3 September 2018" in soon
        server.wait_for_log("scheduled: bulletins/2018-09-03-september.md")

        record = project / "bulletins" / "2018-07-12-july.md"
        record.write_text(record.read_text().replace("Body of", "New body of"))
        server.wait_for("bulletins/2018-07-12-july/", "New body of bulletins/2018-07-12-july.md")

        # A new title reaches the listings too; a bad field is a line in the terminal, and
        # the other records stay in the preview.
        record.write_text(record.read_text().replace("title: July bulletin",
                                                     "title: July bulletin, revised"))
        server.wait_for("bulletins/", "July bulletin, revised")
        june = project / "bulletins" / "2018-06-04-june.md"
        june.write_text(june.read_text().replace("audience: la", "audience: LA"))
        log = server.wait_for_log("bulletins/2018-06-04-june.md:4: audience")
        assert "Traceback" not in log
        server.wait_for("bulletins/", "July bulletin, revised")

        # TERM to commsite alone (as a service manager sends it) stops Zensical's server too.
        os.kill(server.process.pid, signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0, server.log.read_text()[-2000:]
        host, port = server.base[7:-1].rsplit(":", 1)
        deadline = time.monotonic() + 30
        while address_in_use(host, int(port)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not address_in_use(host, int(port)), "the Zensical server outlived commsite"
    finally:
        server.stop()
