"""Publishing over time: scheduled records, drafts in preview, superseded records, actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from commsite.catalogue import Catalogue
from commsite.pages import PageRenderer, long_date
from commsite.records import load_records
from commsite.settings import Settings

from .test_build import ROOT, mkdocs_build

RECORDS = {
    "bulletins/2018-06-04-old.md": "title: June bulletin\ndate: 2018-06-04\naudience: la\n"
    "summary: The June news.\nsuperseded_by: 2018-07-12-new\n",
    "bulletins/2018-07-12-new.md": "title: July bulletin\ndate: 2018-07-12\naudience: la\n"
    "summary: The July news.\naction_required: Check the inactive accounts report.\n"
    "deadline: 2018-08-01\n",
    "bulletins/2018-09-01-future.md": "title: September bulletin\ndate: 2018-09-01\n"
    "audience: la\nsummary: Not out yet.\n",
    "content/notices/2018-07-20-draft.md": "title: Draft notice\ndate: 2018-07-20\n"
    "audience: users\nsummary: Being written.\ndraft: true\n",
    "content/notices/2018-05-01-plain.md": "title: Plain notice\ndate: 2018-05-01\n"
    "audience: users\nsummary: Nothing special.\n",
}


def make_project(root: Path) -> Path:
    config = (ROOT / "mkdocs.yml").read_text().replace("      old_after_months: 12\n",
                                                       "      old_after_months: 12\n      pdf: false\n")
    (root / "content").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(config)
    (root / "content" / "index.md").write_text("---\ntitle: Communications\n---\n\nHello.\n")
    for rel, fields in RECORDS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"---\n{fields}---\n\nBody of {rel}.\n")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("lifecycle"))
    result = mkdocs_build(project, project / "site", COMMSITE_BUILD_DATE="2018-07-25")
    assert result.returncode == 0, result.stderr
    return project / "site"


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "lxml")


def items(site: Path) -> dict[str, object]:
    return {li.a.get_text(): li for li in soup(site, "").select("#communications > li")}


def test_scheduled_and_draft_records_are_left_out_until_their_day(built, tmp_path):
    listed = items(built)
    assert set(listed) == {"June bulletin", "July bulletin", "Plain notice"}
    assert not (built / "bulletins/2018-09-01-future").exists()
    assert not (built / "notices/2018-07-20-draft").exists()
    # On the scheduled day, the record appears.
    project = make_project(tmp_path / "later")
    result = mkdocs_build(project, project / "site", COMMSITE_BUILD_DATE="2018-09-01")
    assert result.returncode == 0, result.stderr
    assert "September bulletin" in items(project / "site")


def test_a_superseded_record_says_so_and_links_to_its_replacement(built):
    old = soup(built, "bulletins/2018-06-04-old/")
    banner = old.select_one(".comms-superseded")
    assert "has been replaced by July bulletin (12 July 2018)" in " ".join(banner.get_text().split())
    assert banner.a["href"] == "../2018-07-12-new/"
    item = items(built)["June bulletin"]
    assert item["data-status"] == "superseded"
    assert item.select_one(".comms-flag").get_text() == "Superseded"
    assert soup(built, "bulletins/2018-07-12-new/").select_one(".comms-superseded") is None


def test_action_required_is_prominent_on_the_page_in_listings_and_as_a_filter(built):
    page = soup(built, "bulletins/2018-07-12-new/")
    action = page.select_one(".comms-action")
    assert action.select_one(".admonition-title").get_text(" ", strip=True) == \
        "Action required by 1 August 2018"
    assert "Check the inactive accounts report." in action.get_text()
    # Prominent: straight after the title, before the page's details.
    assert page.select_one("article h1").find_next_sibling("div") is action
    item = items(built)["July bulletin"]
    assert item["data-status"] == "action"
    assert item.select_one(".comms-flag--action").get_text() == "Action required by 1 August 2018"
    options = [(o["value"], o.get_text()) for o in soup(built, "").select("select[name=status] option")]
    assert options == [("", "Any status"), ("action", "Action required (1)"),
                       ("superseded", "Superseded (1)")]
    listed = [a.get_text() for a in soup(built, "status/action/").select("#communications li h2 a")]
    assert listed == ["July bulletin"]
    assert "status/action/" in [a["href"] for a in soup(built, "").select(".comms-browse a")]


def test_the_preview_shows_drafts_with_a_banner(tmp_path):
    project = make_project(tmp_path)
    settings = Settings(root=project, preview=True, pdf=False)
    settings.build_date = settings.build_date.replace(2018, 7, 25)
    catalogue = Catalogue(load_records(settings), settings)
    draft = next(r for r in catalogue.records if r.draft)
    html = PageRenderer(catalogue, lambda r: None, lambda p: None).record(draft)
    banner = BeautifulSoup(html, "lxml").select_one(".comms-draft")
    assert "shown only in the preview" in banner.get_text()
    # A scheduled record is shown too, with its own banner (and only in the preview).
    scheduled = next(r for r in catalogue.records if r.title == "September bulletin")
    banner = BeautifulSoup(PageRenderer(catalogue, lambda r: None, lambda p: None)
                           .record(scheduled), "lxml").select_one(".comms-scheduled")
    assert banner.select_one(".admonition-title").get_text() == \
        f"Scheduled: publishes on {long_date(scheduled.date)}"
    assert catalogue.status(scheduled) == ("scheduled",)
    settings.preview = False
    assert "September bulletin" not in [r.title for r in
                                        Catalogue(load_records(settings), settings).records]
