"""Our listing pages: the parts they share (a listed record, the browse links, the archive
drop-down) are rendered once a build and given each page's own links, and a page is then
exactly what rendering them on that page gives, whatever the records' text holds."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from commsite.catalogue import Catalogue
from commsite.pages import PageRenderer
from commsite.records import load_records
from commsite.settings import Settings
from commsite.urls import relative

from .test_lifecycle import make_project

# Labels and values with what HTML escapes, in the topic and audience links of every page.
HOSTILE = {
    "bulletins/2018-08-02-hostile.md": "title: A & B <bulletin>\ndate: 2018-08-02\n"
    "audience: [la, users]\nsummary: 'A \"quoted\" & <b>bold</b> summary.'\n"
    "topics: ['Fish & chips', '<script>x</script>', 'Quote \"this\"', Защита данных]\n",
    # Control characters (YAML's escapes) shaped like a link's mark: text, never a link.
    "bulletins/2018-08-03-marks.md": "title: \"Marks \\x1etopics/fish-chips/\\x1f here\"\n"
    "date: 2018-08-03\naudience: la\nsummary: \"\\x1e../../etc/\\x1f\"\n"
    "topics: [\"T \\x1eab\\x1f\"]\n",
    "content/notices/2017-01-31-january.md": "title: January notice\ndate: 2017-01-31\n"
    "audience: users\nsummary: Another year, for the archive's years.\n",
}


class InPlace(PageRenderer):
    """Renders each shared part on the page itself, links relative to it as it goes: what
    the pages were before the parts were shared, and what they must still be."""

    def shared(self, page_url: str, macro: str, *args, **kwargs) -> Markup:
        def url(target: str) -> str:
            return relative(target, page_url)

        module = self.env.get_template("_macros.html").make_module(self._globals(url))
        return Markup(str(getattr(module, macro)(*args, **kwargs)))


def test_every_page_is_what_rendering_its_shared_parts_in_place_gives(tmp_path: Path):
    project = make_project(tmp_path)
    for rel, fields in HOSTILE.items():
        (project / rel).write_text(f"---\n{fields}---\n\nBody.\n")
    settings = Settings(root=project, pdf=False)
    settings.build_date = settings.build_date.replace(2018, 8, 25)
    catalogue = Catalogue(load_records(settings), settings)
    shared = PageRenderer(catalogue, lambda r: None, lambda p: None)
    in_place = InPlace(catalogue, lambda r: None, lambda p: None)
    pages = {"": lambda r: r.home(), "search/": lambda r: r.search_page(),
             "topics/": lambda r: r.topics_index(), "archive/": lambda r: r.archive_index()}
    for listing in catalogue.listings():
        pages[listing.url] = lambda r, listing=listing: r.listing(listing)
    # Listings at every depth: the home page, a type, a topic, a month (archive/YYYY/MM/).
    assert {url.count("/") for url in pages} >= {0, 1, 2, 3}
    assert "topics/fish-chips/" in pages and any(u.startswith("archive/2017/") for u in pages)
    for url, render in pages.items():
        assert render(shared) == render(in_place), url
    for record in catalogue.records:  # the finder's item: the home page's, as it lists it
        assert shared.finder_item(record) == in_place.finder_item(record), record.slug
        assert shared.finder_item(record) in shared.home() or record not in \
            catalogue.home_listing()[0].records
    home = shared.home()
    assert 'href="topics/fish-chips/"' in home and "Fish &amp; chips" in home
    assert "<script>x" not in home and "&lt;script&gt;x&lt;/script&gt;" in home
    month = shared.listing(next(l for l in catalogue.listings() if l.url == "archive/2018/08/"))
    assert 'href="../../../topics/fish-chips/"' in month
    assert '<option value="./" selected>' in month, "the drop-down's own month is chosen"
