"""Filter speed and page weight in a real browser: `python benchmarks/filter_bench.py`.

Builds a synthetic site of 1,000 records (benchmarks/corpus.py, PDFs off) with
`mkdocs build`, serves it on 127.0.0.1 and opens the home page in Chromium
(Debian's /usr/bin/chromium through Playwright). It then makes 20 drop-down
changes, one facet after another, and times each inside the page from the change
event to the list being updated:

- "script": the change handler has hidden and shown the items and set the count;
- "laid out": the browser has also recomputed styles and layout of the page;
- "next frame": the next animation frame after the change has run (what a reader
  waits for before the new list can be on screen).

It prints the median and the worst of each, the home page's HTML size, and
whether they meet the goals (under 50 ms to the list laid out per change, under
700 KB of HTML). Each change is also checked: the count and the shown items agree
with the records' data-* attributes, so a fast but wrong filter is no success.
Figures vary with the machine: compare runs on one machine.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import write_corpus  # noqa: E402

CHROMIUM = os.environ.get("COMMSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
GOAL_MS = 50.0
GOAL_BYTES = 700 * 1024

# One change, timed in the page. Returns [script, laid out, next frame] in ms and
# what the page then shows, for the check.
TIME_CHANGE = """async ([name, value]) => {
  const select = document.querySelector(`#comms-filters select[name="${name}"]`);
  const list = document.getElementById("communications");
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event("change", {bubbles: true}));
  const t1 = performance.now();
  void list.getBoundingClientRect().height;  // forces style and layout now
  const t2 = performance.now();
  await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const t3 = performance.now();
  const shown = Array.from(list.children).filter(li => !li.hidden).map(li => li.dataset);
  return {times: [t1 - t0, t2 - t0, t3 - t0], count: document.getElementById("comms-count").textContent,
          shown: shown.map(d => [d.audience, d.type, d.topics, d.month])};
}"""

STATE = """() => Object.fromEntries(Array.from(document.querySelectorAll("#comms-filters select"))
  .map(s => [s.name, s.value]))"""

OPTIONS = """() => Object.fromEntries(Array.from(document.querySelectorAll("#comms-filters select"))
  .map(s => [s.name, Array.from(s.options).map(o => o.value).filter(v => v)]))"""

ITEMS = """() => Array.from(document.getElementById("communications").children)
  .map(li => [li.dataset.audience, li.dataset.type, li.dataset.topics, li.dataset.month])"""


def build(n: int, work: Path) -> Path:
    config = write_corpus(n, work / "project", pdf=False)
    site = work / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config),
                             "--site-dir", str(site)], capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        sys.exit(f"the synthetic site did not build:\n{result.stderr}")
    return site


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def changes(options: dict[str, list[str]], count: int) -> list[tuple[str, str]]:
    """`count` changes that walk the facets in turn, narrowing and widening the list."""
    plan = []
    cursor = {name: 0 for name in options}
    names = ["type", "audience", "topic", "month"]
    for i in range(count):
        name = names[i % len(names)]
        values = options[name]
        if (i // len(names)) % 2 == 1:
            value = ""  # every other round goes back to "All ..."
        else:
            value = values[cursor[name] % len(values)]
            cursor[name] += 7
        plan.append((name, value))
    return plan


def expected_shown(items, state):
    def keep(item):
        audience, rtype, topics, month = item
        return ((not state["audience"] or state["audience"] in audience.split())
                and (not state["type"] or state["type"] == rtype)
                and (not state["topic"] or state["topic"] in topics.split())
                and (not state["month"] or state["month"] == month))
    return [list(item) for item in items if keep(item)]


def measure(site: Path, n_changes: int) -> tuple[int, list[list[float]]]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_port}/")
            page.wait_for_selector("#comms-filters:not([hidden])")
            items = page.evaluate(ITEMS)
            plan = changes(page.evaluate(OPTIONS), n_changes)
            page.evaluate(TIME_CHANGE, ["type", ""])  # warm-up, not counted
            timings = []
            for name, value in plan:
                result = page.evaluate(TIME_CHANGE, [name, value])
                want = expected_shown(items, page.evaluate(STATE))
                if result["shown"] != want or \
                        result["count"] != f"Showing {len(want)} of {len(items)} communications":
                    sys.exit(f"wrong result after {name}={value!r}: {result['count']}")
                timings.append(result["times"])
            browser.close()
    finally:
        server.shutdown()
        thread.join()
    return len(items), timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="records in the synthetic site")
    parser.add_argument("--changes", type=int, default=20, help="drop-down changes to time")
    parser.add_argument("--site", type=Path, help="use this built site instead of building one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="commsite-bench-") as tmp:
        site = args.site or build(args.records, Path(tmp))
        html = (site / "index.html").stat().st_size
        records, timings = measure(site, args.changes)

    print(f"home page: {records} records, {html:,} bytes of HTML ({html / 1024:.0f} KB); "
          f"goal < {GOAL_BYTES // 1024} KB: {'met' if html < GOAL_BYTES else 'NOT MET'}")
    print(f"filter change, {len(timings)} changes in Chromium (median / worst):")
    for i, label in enumerate(("script", "laid out", "next frame")):
        column = [t[i] for t in timings]
        print(f"  {label:>10}: {statistics.median(column):6.1f} ms / {max(column):6.1f} ms")
    laid_out = statistics.median(t[1] for t in timings)
    print(f"goal < {GOAL_MS:.0f} ms to the list laid out: {'met' if laid_out < GOAL_MS else 'NOT MET'}")


if __name__ == "__main__":
    main()
