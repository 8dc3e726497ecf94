"""How the HTML build scales, beside Material for MkDocs' own blog plugin.

    .venv/bin/python benchmarks/scale_bench.py [--sizes 200 1000 10000] [--blog-sizes 200 1000]

Builds synthetic sites (benchmarks/corpus.py; PDFs off, so this measures the HTML
build) and, in the same run, the same records as posts of Material's blog plugin
with its archive and categories on. Prints wall time and peak memory of each
build, then the ratios the team's goals are stated in:
- ours / blog at 1,000 records (goal: at most 0.5);
- ours at 10,000 / ours at 1,000 (goal: at most 11, i.e. close to linear);
- peak memory at 10,000 records (goal: under 2 GB).
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

# Runs one build in a child and reports its wall time and the peak RSS of it and its workers.
MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mib": peak_kib / 1024, "rc": done.returncode,
                  "err": done.stderr[-2000:]}))
"""


def measure(config: Path, site: Path) -> dict:
    cmd = [sys.executable, "-c", MEASURE, sys.executable, "-m", "mkdocs", "build", "-q",
           "-f", str(config), "-d", str(site)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"build of {config} failed:\n{result['err']}")
    return result


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
    parser.add_argument("--blog-sizes", type=int, nargs="+", default=[200, 1000])
    args = parser.parse_args()
    ours, blog = {}, {}
    with tempfile.TemporaryDirectory(prefix="commsite-scale-") as tmp:
        work = Path(tmp)
        for n in sorted(set(args.sizes) | set(args.blog_sizes)):
            config = write_corpus(n, work / f"ours-{n}", pdf=False)
            if n in args.sizes:
                ours[n] = measure(config, work / f"ours-{n}" / "site")
                print(f"commsite    {n:>6} records: {ours[n]['seconds']:7.1f} s, "
                      f"peak {ours[n]['peak_mib']:7.0f} MiB", flush=True)
            if n in args.blog_sizes:
                blog_config = write_blog(config.parent, work / f"blog-{n}")
                blog[n] = measure(blog_config, work / f"blog-{n}" / "site")
                print(f"blog plugin {n:>6} posts:   {blog[n]['seconds']:7.1f} s, "
                      f"peak {blog[n]['peak_mib']:7.0f} MiB", flush=True)
    print()
    for n in sorted(set(ours) & set(blog)):
        ratio = ours[n]["seconds"] / blog[n]["seconds"]
        goal = " (goal at 1,000: at most 0.5)" if n == 1000 else ""
        print(f"ours / blog plugin at {n}: {ratio:.2f}{goal}")
    if 1000 in ours and 10000 in ours:
        print(f"growth 10,000 / 1,000: {ours[10000]['seconds'] / ours[1000]['seconds']:.1f} "
              "(goal: at most 11)")
        print(f"peak memory at 10,000: {ours[10000]['peak_mib']:.0f} MiB (goal: under 2048)")


if __name__ == "__main__":
    main()
