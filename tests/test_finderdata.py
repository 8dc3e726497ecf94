"""The finder's table and item files (finder/facets.json, finder/items/N.json), read back
as the browser reads them and checked against what the built pages say: each record's
filter values as its page gives them to the search index, the home page's option
counts and its static list."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup


FACETS = ("audience", "type", "topic", "month", "status")


def decoded(site):
    """Each record's values per facet, in the table's order, decoded as commsite.js does."""
    data = json.loads((site / "finder" / "facets.json").read_text())
    digit = {d: i for i, d in enumerate(data["digits"])}
    rows = [{} for _ in range(data["total"])]
    for name in FACETS:
        facet = data["facets"][name]
        width, values = facet["width"], facet["values"]
        cells = facet["rows"].split(",") if data["total"] else []
        assert len(cells) == data["total"], name
        for i, cell in enumerate(cells):
            codes = []
            for at in range(0, len(cell), width):
                code = 0
                for d in cell[at:at + width]:
                    code = code * len(data["digits"]) + digit[d]
                codes.append(code)
            rows[i][name] = {values[c] for c in codes}
    return data, rows


def items(site, data):
    out = []
    for n in range((data["total"] + data["batch"] - 1) // data["batch"]):
        out += json.loads((site / "finder" / "items" / f"{n}.json").read_text())
    return [BeautifulSoup(markup, "lxml").li for markup in out]


def page_filters(site, href):
    """The filter values a record page hands Pagefind (data-pagefind-filter)."""
    soup = BeautifulSoup((site / href.strip("/") / "index.html").read_text(), "lxml")
    values = {name: set() for name in FACETS}
    for span in soup.select("[data-pagefind-filter]"):
        values[span["data-pagefind-filter"]].add(span.get_text())
    return values


def built_site(which: str, request) -> Path:
    """The site folder of the fixture `which` names: the shared example, or the shared
    corpus of 73 records (more than three item files, the last one part-full)."""
    return request.getfixturevalue(which).site


@pytest.mark.parametrize("which", ["example", "corpus_build"])
def test_every_record_is_in_the_table_with_the_values_its_page_gives_the_index(which, request):
    site = built_site(which, request)
    data, rows = decoded(site)
    listed = items(site, data)
    pages = [p for p in site.rglob("index.html") if b"data-pagefind-body" in p.read_bytes()]
    assert data["total"] == len(listed) == len(rows) == len(pages) >= 20
    assert len({li.a["href"] for li in listed}) == len(listed)
    for li, row in zip(listed, rows):
        assert row == page_filters(site, li.a["href"]), li.a["href"]
        # The item's data-* attributes (what the browser tests check a result by) agree too.
        assert set(li["data-audience"].split()) == row["audience"]
        assert {li["data-type"]} == row["type"] and {li["data-month"]} == row["month"]


def test_the_table_counts_what_the_home_page_offers_and_lists_in_its_order(example):
    _, site, _, _ = example
    data, rows = decoded(site)
    home = BeautifulSoup((site / "index.html").read_text(), "lxml")
    for name in FACETS:
        tally = Counter(v for row in rows for v in row[name])
        for option in home.select(f"#comms-filter-{name} option[value]"):
            if option["value"]:
                assert option.get_text() == f"{option['data-label']} ({tally[option['value']]})"
    static = [li.a["href"] for li in home.select("#communications > li")]
    assert [li.a["href"] for li in items(site, data)][:len(static)] == static
    assert home.select_one("#comms-filters")["data-finder"] == "finder/facets.json"


def test_a_change_of_the_drop_downs_fetches_a_few_small_files(example):
    _, site, _, _ = example
    data, _ = decoded(site)
    files = sorted((site / "finder" / "items").glob("*.json"))
    assert len(files) == -(-data["total"] // data["batch"])
    assert max(f.stat().st_size for f in files) < 64 * 1024
    # A few bytes a record, whatever the records say.
    assert (site / "finder" / "facets.json").stat().st_size < 2048 + 40 * data["total"]


@pytest.mark.parametrize("which", ["example", "corpus_build"])
def test_each_search_result_id_leads_to_its_record_in_the_table(which, request):
    # Keywords: Pagefind answers with its ids; pagefind/positions.json gives each id's
    # place in the table, from which the finder shows that record's item.
    from .search_index import unpacked

    site = built_site(which, request)
    data, _ = decoded(site)
    listed = items(site, data)
    ids = json.loads((site / "pagefind" / "positions.json").read_text())
    assert len(ids) == data["total"] == len(set(ids)) and None not in ids
    for place, pagefind_id in enumerate(ids):
        fragment = json.loads(unpacked(site / "pagefind" / "fragment" / f"{pagefind_id}.pf_fragment"))
        assert fragment["url"].lstrip("/") == listed[place].a["href"].lstrip("/"), place


@pytest.mark.parametrize("which", ["example", "corpus_build"])
def test_each_values_item_files_list_its_records_in_reading_order(which, request):
    # The finder shows a change's results from the files of the rarest value chosen: they
    # must hold exactly that value's records, in the table's order.
    site = built_site(which, request)
    data, rows = decoded(site)
    listed = [li.a["href"] for li in items(site, data)]
    checked = 0
    for name in FACETS:
        folder = site / "finder" / "items" / name
        if name == "month":
            assert not folder.exists()
            continue
        for number, value in enumerate(data["facets"][name]["values"]):
            want = [href for href, row in zip(listed, rows) if value in row[name]]
            files = sorted((folder / str(number)).glob("*.json"), key=lambda f: int(f.stem))
            assert len(files) == -(-len(want) // data["value_batch"]), (name, value)
            got = [BeautifulSoup(m, "lxml").li.a["href"]
                   for f in files for m in json.loads(f.read_text())]
            assert got == want, (name, value)
            checked += len(got)
    assert checked > 2 * data["total"]
