"""How the HTML build scales on each host, beside Material for MkDocs' own blog plugin.

    .venv/bin/python benchmarks/scale_bench.py [--sizes 200 1000 10000] [--blog-sizes 200 1000]
        [--hosts mkdocs properdocs zensical]

Builds synthetic sites (benchmarks/corpus.py; PDFs off, so this measures the HTML
build) with each host (README: Hosts) and, in the same run, the same records as posts
of Material's blog plugin with its archive and categories on. Prints wall time and peak
memory of each build, then the ratios the team's goals are stated in:
- ours (mkdocs) / blog at 1,000 records (goal: at most 0.5);
- ours at 10,000 / ours at 1,000 (goal: at most 11, i.e. close to linear);
- peak memory at 10,000 records (goal: under 2 GB);
- for Zensical, where its time goes (records, docs folder, `zensical build`, finishing),
  first build and a second one with nothing changed, and our share (all but
  `zensical build`) / the MkDocs build (goal: at most 0.3).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402

# Runs one build in a child and reports its wall time, CPU time (what a busy shared machine
# inflates least) and the peak RSS of it and its workers.
MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak_kib = usage.ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mib": peak_kib / 1024, "rc": done.returncode,
                  "cpu": usage.ru_utime + usage.ru_stime,
                  "err": done.stderr[-2000:]}))
"""


# What `commsite build --host zensical` says its steps took.
STEPS = re.compile(r"records (?P<load>[\d.]+) s, docs folder (?P<docs>[\d.]+) s, zensical build "
                   r"(?P<zensical>[\d.]+) s, finishing (?P<finish>[\d.]+) s; "
                   r"(?:alongside Zensical (?P<beside>[\d.]+) s; )?commsite's CPU "
                   r"(?P<our_cpu>[\d.]+) s")


def measure(config: Path, site: Path, host: str = "mkdocs") -> dict:
    if host == "zensical":
        build = ["-m", "commsite.cli", "-f", str(config), "build", "--host", "zensical",
                 "-d", str(site)]
    else:
        build = ["-m", host, "build", "-q", "-f", str(config), "-d", str(site)]
    cmd = [sys.executable, "-c", MEASURE, sys.executable, *build]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{host} build of {config} failed:\n{result['err']}")
    steps = STEPS.search(result["err"])
    if steps:
        result["steps"] = {k: float(v) for k, v in steps.groupdict().items() if v}
    return result


def show(label: str, n: int, result: dict) -> None:
    line = (f"{label:<16} {n:>6} records: {result['seconds']:7.1f} s (CPU {result['cpu']:6.1f} s), "
            f"peak {result['peak_mib']:6.0f} MiB")
    if "steps" in result:
        steps = result["steps"]
        beside = f", alongside it {steps['beside']:.1f} s" if steps.get("beside") else ""
        line += (f"  (records {steps['load']:.1f} s, docs folder {steps['docs']:.1f} s, "
                 f"zensical build {steps['zensical']:.1f} s{beside}, finishing "
                 f"{steps['finish']:.1f} s; "
                 f"commsite's CPU {steps['our_cpu']:.1f} s)")
    print(line, flush=True)


def write_blog(project: Path, dest: Path) -> Path:
    """The corpus's records as Material blog posts: same titles, dates, topics, bodies."""
    posts = dest / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (dest / "docs" / "index.md").write_text("# Communications\n")
    (dest / "docs" / "blog" / "index.md").write_text("# Blog\n")
    for record in sorted(project.glob("*/*.md")) + sorted(project.glob("content/notices/*.md")):
        if record.name == "index.md":
            continue
        _, front, body = record.read_text().split("---\n", 2)
        title = json.loads(re.search(r"^title: (.*)$", front, re.M)[1])
        date = re.search(r"^date: (.*)$", front, re.M)[1]
        topics = re.search(r"^topics: \[(.*)\]$", front, re.M)[1].split(", ")
        (posts / record.name).write_text(
            f"---\ndate: {date}\ncategories:\n" + "".join(f"  - {t}\n" for t in topics)
            + f"---\n\n# {title}\n\n{body}")
    config = dest / "mkdocs.yml"
    config.write_text("site_name: Blog benchmark\ntheme:\n  name: material\n  font: false\n"
                      "plugins:\n  - search\n  - blog:\n      archive: true\n      categories: true\n")
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 10000])
    parser.add_argument("--blog-sizes", type=int, nargs="*", default=[200, 1000])
    parser.add_argument("--hosts", nargs="+", default=["mkdocs", "properdocs", "zensical"],
                        choices=["mkdocs", "properdocs", "zensical"])
    args = parser.parse_args()
    ours: dict[str, dict[int, dict]] = {host: {} for host in args.hosts}
    again: dict[int, dict] = {}
    blog = {}
    with tempfile.TemporaryDirectory(prefix="commsite-scale-") as tmp:
        work = Path(tmp)
        for n in sorted(set(args.sizes) | set(args.blog_sizes)):
            config = write_corpus(n, work / f"ours-{n}", pdf=False)
            if n in args.sizes:
                for host in args.hosts:
                    ours[host][n] = measure(config, work / f"ours-{n}" / f"site-{host}", host)
                    show(host, n, ours[host][n])
                    if host == "zensical":  # again, nothing changed: the docs folder is kept
                        again[n] = measure(config, work / f"ours-{n}" / f"site-{host}", host)
                        show("zensical again", n, again[n])
            if n in args.blog_sizes:
                blog_config = write_blog(config.parent, work / f"blog-{n}")
                blog[n] = measure(blog_config, work / f"blog-{n}" / "site")
                show("blog plugin", n, blog[n])
    print()
    mkdocs = ours.get("mkdocs", {})
    for n in sorted(set(mkdocs) & set(blog)):
        ratio = mkdocs[n]["seconds"] / blog[n]["seconds"]
        goal = " (goal at 1,000: at most 0.5)" if n == 1000 else ""
        print(f"ours (mkdocs) / blog plugin at {n}: {ratio:.2f}{goal}")
    for host, runs in ours.items():
        if 1000 in runs and 10000 in runs:
            print(f"{host}: growth 10,000 / 1,000: {runs[10000]['seconds'] / runs[1000]['seconds']:.1f} "
                  f"(goal: at most 11); peak memory at 10,000: {runs[10000]['peak_mib']:.0f} MiB "
                  "(goal: under 2048)")
    for n, run in sorted(ours.get("zensical", {}).items()):
        if n not in mkdocs:
            continue
        for label, result in (("first build", run), ("nothing changed", again.get(n))):
            if result is None or "steps" not in result:
                continue
            share = result["seconds"] - result["steps"]["zensical"]
            cpu = result["steps"]["our_cpu"]
            print(f"zensical at {n}, {label}: our share {share:.1f} s = "
                  f"{share / mkdocs[n]['seconds']:.2f} x the mkdocs build's wall time, "
                  f"commsite's CPU {cpu:.1f} s = {cpu / mkdocs[n]['cpu']:.2f} x the mkdocs "
                  f"build's CPU (goal: at most 0.3); zensical build "
                  f"{result['steps']['zensical']:.1f} s")


if __name__ == "__main__":
    main()
