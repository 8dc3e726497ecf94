"""While records have problems, the preview answers every page with the list of them.

MkDocs' own behaviour, when a rebuild fails, is to hold every request until a build
succeeds ("The server will appear stuck until build errors are resolved"): the
author sees a spinner and no reason. Instead, a preview build with bad records goes
on with the records that load (so it always finishes), and this wrapper around the
server answers each page the browser asks for at once with the problems (file,
line, message). The page carries MkDocs' live-reload script, so it reloads itself
after the next build: the site again once the records are fixed.
"""

from __future__ import annotations

from typing import Callable


class ProblemPages:
    """A WSGI app around MkDocs' live-reload server. `page()` is the problems page to
    show, or None while every record is right."""

    def __init__(self, server, page: Callable[[], str | None]):
        self.server, self.page, self.app = server, page, server.get_app()
        server.set_app(self)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        html = None if path.startswith("/livereload/") else self.page()
        if html is None or not (path.endswith("/") or path.endswith(".html")):
            return self.app(environ, start_response)
        content = html.encode("utf-8")
        inject = getattr(self.server, "_inject_js_into_html", None)
        if inject is not None:  # MkDocs' live-reload script: reload after the next build
            content = inject(content, getattr(self.server, "_visible_epoch", 0))
        else:  # another MkDocs: ask again every two seconds
            content = content.replace(b"<head>", b'<head><meta http-equiv="refresh" content="2">')
        start_response("503 Service Unavailable", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(content))),
            ("Cache-Control", "no-store")])
        return [content]
