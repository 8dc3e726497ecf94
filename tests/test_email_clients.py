"""Bulletin emails in the mail clients LAs use, and everything the page asks of the reader.

doiuse-email (caniemail's data, pinned in package-lock.json, run by Node) reads every
bulletin's email.html as Outlook for Windows, Gmail and Apple Mail would; the parity
tests read email.html and email.txt for the action, the deadline, its calendar file,
the PDF and the attachments, at absolute addresses.
"""

from __future__ import annotations

import json
import re
import subprocess
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from commsite.pages import long_date

from .pdf_helpers import ROOT
from .test_mailout import bulletins, email

CLIENTS = ("outlook.windows", "gmail.*", "apple-mail.*")
SITE_URL = "https://comms.example.org/"
HTML5 = ("article", "aside", "details", "figcaption", "figure", "footer", "header", "main",
         "mark", "nav", "section", "summary", "time")


def doiuse(paths) -> list[dict]:
    result = subprocess.run(["node", str(ROOT / "tests/email/doiuse_email.js"), ",".join(CLIENTS),
                             *map(str, paths)], capture_output=True, text=True, timeout=300,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_bulletin_email_has_no_errors_in_outlook_gmail_and_apple_mail(example, unusual):
    paths = [site / r.url / "email.html" for _, site, settings, records in (example, unusual)
             for r in bulletins(settings, records)]
    results = doiuse(paths)
    assert len(results) == len(paths) * len(CLIENTS) >= 3 * 5
    for result in results:
        assert result["errors"] == [], (result["file"], result["client"])


def test_the_checker_sees_an_error_outlook_would_show(tmp_path):
    # The check can fail: the markup of before (a <time> in the text) is an Outlook error.
    sample = tmp_path / "email.html"
    sample.write_text('<!DOCTYPE html><html><body><p>On <time datetime="2018-07-12">12 July'
                      '</time></p></body></html>')
    [outlook, gmail, apple] = doiuse([sample])
    assert outlook["errors"] and "HTML5 semantics" in outlook["errors"][0]


def test_outlook_safe_markup(example, unusual):
    for _, site, settings, records in (example, unusual):
        for record in bulletins(settings, records):
            soup, raw, _ = email(site, record)
            assert soup.find(HTML5) is None, record.slug
            assert "margin" not in (soup.body.get("style") or ""), "Outlook ignores it"
            for el in soup.find_all(style=re.compile("line-height:")):
                assert "mso-line-height-rule:exactly" in el["style"], el.name
            for el in soup.find_all(style=re.compile(r"(^|;)(padding|border(?!-collapse))[\w-]*:")):
                assert el.name in ("td", "th", "pre", "code", "ul", "ol"), \
                    f"{record.slug}: a box on <{el.name}> Outlook will not draw"


def test_emails_carry_the_action_its_deadline_the_pdf_and_attachments_at_absolute_addresses(
        example):
    _, site, settings, records = example
    checked = 0
    for record in bulletins(settings, records):
        soup, _, text = email(site, record)
        page = SITE_URL + record.url
        hrefs = [a["href"] for a in soup.find_all("a", href=True)]
        for href in hrefs:
            assert href.startswith(("https://", "http://", "mailto:", "tel:")), href
        assert page + record.slug + ".pdf" in hrefs and page + record.slug + ".pdf" in text
        for attachment in record.attachments:
            assert page + attachment.href in hrefs
            assert f"- {attachment.title}: {page + attachment.href}" in text
            assert soup.find("a", href=page + attachment.href).get_text() == attachment.title
        if record.action_required:
            html_text = " ".join(soup.get_text(" ").split())
            assert " ".join(record.action_required.split()) in html_text
            assert " ".join(record.action_required.split()[:5]) in " ".join(text.split())
            if record.deadline:
                ics = page + record.slug + "-deadline.ics"
                assert f"Action required by {long_date(record.deadline)}" in html_text
                assert f"ACTION REQUIRED BY {long_date(record.deadline).upper()}" in text
                assert ics in hrefs and f"Add the deadline to your calendar: {ics}" in text
                assert (site / record.url / f"{record.slug}-deadline.ics").is_file()
                checked += 1
        # The page's links from the body are the email's too, absolute.
        page_html = BeautifulSoup((site / record.url / "index.html").read_text(), "lxml")
        for a in page_html.select(".comms-record__body a[href]"):
            if not a["href"].startswith("#"):
                assert urljoin(page, a["href"]) in hrefs, a["href"]
    assert checked >= 1  # the July bulletin asks LAs to act by 1 August 2018
