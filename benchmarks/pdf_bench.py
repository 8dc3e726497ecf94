"""PDF build figures, on this machine, in one run: `python benchmarks/pdf_bench.py [--n 1000]`.

Builds synthetic projects (`corpus.write_corpus`) with `mkdocs build`, each in a
subprocess as a comms officer would run it, and prints:

1. the HTML-only build time (`pdf: false`) for N = 200 and N;
2. the cold build with PDFs for N, and what the PDFs add to it per document
   beside a bare WeasyPrint loop over the same print HTML in the same number of
   processes (the limit on this machine; goal: ratio <= 1.10), and what the PDF/UA
   tag repairs (`commsite.pdf.tagging`, pikepdf; part of the PDF stage) cost alone;
3. a rebuild with no change: PDFs rendered (must be 0) and its time as a ratio
   of the HTML-only build (goal <= 1.05);
4. a rebuild after editing one record: PDFs rendered (must be 1);
5. the peak memory of the cold build: the whole process tree (host, fork
   server, workers), sampled from /proc, as RSS and as PSS (shared pages
   counted once), and the largest single process.

Other people's work on the same machine slows some runs down, so cold builds
alternate with the bare loop and no-change rebuilds with HTML-only builds, and
the fastest run of each counts; every run's time and the load average before
and after are printed too. CPU times, which the load disturbs less, stand beside
the wall-clock ratios.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus  # noqa: E402
from commsite.settings import DEFAULT_CACHE_DIR  # noqa: E402

SUMMARY = re.compile(r"PDFs: (\d+) rendered, (\d+) reused from the cache, (\d+) failed")


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; zeros once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", text, re.M))
    return int(values.get("Rss", 0)), int(values.get("Pss", 0))


class Build:
    """One `mkdocs build` in a subprocess: its time, PDF counts and peak memory."""

    def __init__(self, config: Path):
        self.config = config
        self.seconds = 0.0
        self.counts: tuple[int, int, int] | None = None
        self.peak_rss = self.peak_pss = self.peak_single = 0
        self._cpu: dict[int, float] = {}  # the latest CPU time seen, by process

    @property
    def cpu(self) -> float:
        """CPU seconds of the whole process tree (sampled: the last 0.25 s may be missed)."""
        return sum(self._cpu.values())

    def run(self) -> "Build":
        command = [sys.executable, "-m", "mkdocs", "build", "-f", str(self.config),
                   "--site-dir", str(self.config.parent / "site")]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True, env=env)
        done = threading.Event()
        sampler = threading.Thread(target=self._sample, args=(process.pid, done), daemon=True)
        sampler.start()
        _, stderr = process.communicate()
        self.seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        if process.returncode != 0:
            sys.exit(f"the build of {self.config} failed:\n{stderr}")
        match = SUMMARY.search(stderr)
        self.counts = tuple(int(n) for n in match.groups()) if match else None
        return self

    def _sample(self, pid: int, done: threading.Event) -> None:
        while not done.wait(0.25):
            tree = _tree(pid)
            for p in tree:
                self._cpu[p] = max(self._cpu.get(p, 0.0), _cpu_seconds(p))
            sizes = [_memory_kb(p) for p in tree]
            self.peak_rss = max(self.peak_rss, sum(r for r, _ in sizes))
            self.peak_pss = max(self.peak_pss, sum(p for _, p in sizes))
            self.peak_single = max([self.peak_single, *(r for r, _ in sizes)])


def _bare_render(item: tuple[str, str, str]) -> None:
    from weasyprint import HTML

    html, base_url, target = item
    HTML(string=html, base_url=base_url).write_pdf(target, pdf_variant="pdf/ua-1",
                                                   pdf_identifier=False)


def bare_loop(config: Path, processes: int, out: Path) -> tuple[float, float, int]:
    """Plain WeasyPrint over the same print HTML the build renders: no cache, no pool of
    ours, no guard, WeasyPrint's own fetcher. Returns (seconds, CPU seconds, documents)."""
    from commsite.catalogue import Catalogue
    from commsite.pdf.document import print_html
    from commsite.records import load_records
    from commsite.settings import Settings

    import yaml

    options = yaml.safe_load(config.read_text())  # the corpus's config has no YAML tags
    settings = Settings(root=config.parent, site_name=options["site_name"],
                        site_url=options.get("site_url") or "")
    records = [r for r in load_records(settings) if not r.draft]
    catalogue = Catalogue(records, settings)
    out.mkdir(parents=True, exist_ok=True)
    items = [(print_html(r, catalogue), f"{r.folder}/", str(out / f"{i}.pdf"))
             for i, r in enumerate(catalogue.records) if r.pdf]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with mp.get_context("fork").Pool(processes) as pool:
        for _ in pool.imap_unordered(_bare_render, items, chunksize=1):
            pass
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, len(items)


def _repair(path: str) -> None:
    from commsite.pdf.tagging import repair

    repair(path)


def repair_loop(out: Path, processes: int) -> tuple[float, int]:
    """The tag repairs alone, over the bare loop's PDFs: (seconds, documents)."""
    paths = sorted(str(p) for p in out.glob("*.pdf"))
    started = time.perf_counter()
    with mp.get_context("fork").Pool(processes) as pool:
        for _ in pool.imap_unordered(_repair, paths, chunksize=8):
            pass
    return time.perf_counter() - started, len(paths)


def runs(builds: list[Build]) -> str:
    return ", ".join(f"{b.seconds:.1f}" for b in builds) + " s"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="records in the large corpus")
    parser.add_argument("--small", type=int, default=200, help="records in the small corpus")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the no-change rebuild, each beside an HTML-only build "
                             "(the fastest of each counts)")
    parser.add_argument("--cold-repeat", type=int, default=2,
                        help="cold builds with PDFs, each followed by the bare loop")
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="commsite-pdf-bench-"))
    cores = os.cpu_count() or 1
    from commsite.pdf.system import harfbuzz_subset_available
    from importlib.metadata import version

    print(f"commsite PDF benchmark: N={args.n}, {cores} cores, {cores} PDF worker processes "
          f"(pdf_workers: 0), WeasyPrint {version('weasyprint')}, libharfbuzz-subset "
          f"{'present' if harfbuzz_subset_available() else 'MISSING'}; work folder {work}")
    print(f"load average at start: {load()}")

    small = write_corpus(args.small, work / f"html-{args.small}", pdf=False)
    large = write_corpus(args.n, work / f"html-{args.n}", pdf=False)
    Build(small).run()  # warm-up: imports compiled, files in the page cache
    html_small = Build(small).run().seconds
    pdf = write_corpus(args.n, work / f"pdf-{args.n}", pdf=True)
    html_builds = [Build(large).run()]
    # Cold builds alternate with the bare loop, so both meet the same load; the fastest
    # of each counts (the run the other users of the machine disturbed least).
    colds, bares = [], []
    for _ in range(args.cold_repeat):
        shutil.rmtree(pdf.parent / DEFAULT_CACHE_DIR, ignore_errors=True)  # a cold build
        colds.append(Build(pdf).run())
        bares.append(bare_loop(pdf, cores, work / "bare"))
    cold = min(colds, key=lambda b: b.seconds)
    bare = min(seconds for seconds, _, _ in bares)
    bare_cpu = min(cpu for _, cpu, _ in bares)
    documents = bares[0][2]
    # The no-change rebuilds alternate with HTML-only builds, so both meet the same load.
    again = []
    for _ in range(args.repeat):
        again.append(Build(pdf).run())
        html_builds.append(Build(large).run())
    html_large = min(b.seconds for b in html_builds)  # the run the load disturbed least
    html_cpu = min(b.cpu for b in html_builds)
    print(f"(1) HTML-only build (pdf: false): N={args.small}: {html_small:.1f} s; "
          f"N={args.n}: {html_large:.1f} s (fastest of {runs(html_builds)})")
    added = cold.seconds - html_large
    ratio = added / bare
    added_cpu = min(b.cpu for b in colds) - html_cpu
    print(f"(2) cold build with PDFs, N={args.n}: {cold.seconds:.1f} s (fastest of "
          f"{runs(colds)}); PDFs rendered, reused, failed: "
          f"{'; '.join(', '.join(map(str, b.counts)) for b in colds)}")
    print(f"    PDF stage: +{added:.1f} s over the HTML-only build = "
          f"{1000 * added / documents:.0f} ms per document")
    print(f"    bare WeasyPrint loop over the same {documents} print HTML documents in {cores} "
          f"processes: {bare:.1f} s (fastest of {', '.join(f'{b[0]:.1f}' for b in bares)} s) "
          f"= {1000 * bare / documents:.0f} ms per document")
    print(f"    ratio {ratio:.2f} (goal <= 1.10): {verdict(ratio <= 1.10)}")
    repair_seconds, repaired = repair_loop(work / "bare", cores)
    print(f"    of which PDF/UA tag repairs (pikepdf, once per PDF): {repair_seconds:.1f} s over "
          f"{repaired} PDFs in {cores} processes = {1000 * repair_seconds / repaired:.0f} ms per "
          f"document, {100 * repair_seconds / bare:.0f}% of the bare loop")
    print(f"    in CPU time, which the load disturbs less: the PDFs add {added_cpu:.1f} s "
          f"({1000 * added_cpu / documents:.0f} ms per document) against {bare_cpu:.1f} s "
          f"({1000 * bare_cpu / documents:.0f} ms) for the bare loop: ratio "
          f"{added_cpu / bare_cpu:.2f}")

    rebuild = min(b.seconds for b in again)
    rebuild_cpu = min(b.cpu for b in again)
    zero = all(b.counts[0] == 0 for b in again)
    print(f"(3) rebuild with no change: {rebuild:.1f} s (fastest of {runs(again)}); PDFs "
          f"rendered {', '.join(str(b.counts[0]) for b in again)} (must be 0): "
          f"{verdict(zero)}; ratio to the HTML-only build {rebuild / html_large:.2f} "
          f"(goal <= 1.05): {verdict(rebuild / html_large <= 1.05)}; in CPU time "
          f"{rebuild_cpu:.1f} s against {html_cpu:.1f} s: {rebuild_cpu / html_cpu:.2f}")

    record = sorted((pdf.parent / "bulletins").glob("*.md"))[0]
    record.write_text(record.read_text() + "\nOne sentence added for the benchmark.\n")
    edited = Build(pdf).run()
    print(f"(4) rebuild after editing one record: {edited.seconds:.1f} s; PDFs rendered "
          f"{edited.counts[0]} (must be 1): {verdict(edited.counts[0] == 1)}")

    print(f"(5) peak memory of the cold build (host + fork server + workers, sampled every "
          f"0.25 s): {mib(max(b.peak_pss for b in colds))} PSS, "
          f"{mib(max(b.peak_rss for b in colds))} RSS summed, largest process "
          f"{mib(max(b.peak_single for b in colds))}; HTML-only build N={args.n}: largest process "
          f"{mib(max(b.peak_single for b in html_builds))}")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
