"""Site-root-relative URLs, made relative to the page that links to them.

Every link we write is relative, so the built site works under any path prefix
and straight from the file system. Pages use directory URLs: '' is the home
page, 'bulletins/' a listing, 'bulletins/x/x.pdf' a file.
"""

from __future__ import annotations

import posixpath


def relative(target: str, page: str) -> str:
    page_dir = page if page.endswith("/") or not page else posixpath.dirname(page) + "/"
    if "." in target or "." in page_dir:  # maybe '.' or '..' parts: let posixpath resolve them
        rel = posixpath.relpath("/" + target, "/" + page_dir)
    else:
        # A listing links to each record it shows, so this runs a hundred thousand times in
        # a big build: plain names compare part by part, as relpath would, without its work.
        to, here = [p for p in target.split("/") if p], [p for p in page_dir.split("/") if p]
        common = 0
        for a, b in zip(to, here):
            if a != b:
                break
            common += 1
        rel = "/".join([".."] * (len(here) - common) + to[common:]) or "."
    if rel == ".":
        return "./"
    return rel + "/" if target.endswith("/") else rel


def absolute(site_url: str, target: str) -> str:
    """The full address of a page, for PDFs and feeds; '' when no site_url is set."""
    return site_url.rstrip("/") + "/" + target if site_url else ""
