"""Peak memory of a build with a huge attachment: `python benchmarks/memory_bench.py [--gb 2]`.

A synthetic project (benchmarks/corpus.py, 40 records with PDFs) whose first bulletin
carries a sparse attachment of `--gb` gigabytes (a hole: no disk space, yet every byte
reads). `mkdocs build` runs in a fresh process; its peak resident memory comes from
resource.getrusage (RUSAGE_CHILDREN of a wrapper: the build's own process, where files
are hashed and copied; the PDF workers, children of multiprocessing's fork server, are
not waited for and do not count), beside the same build without the attachment. Also prints the disk space
the published copy takes: a sparse copy keeps the holes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

WRAPPER = textwrap.dedent("""
    import resource, subprocess, sys
    done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
""")


def peak_mib(config: Path) -> float:
    done = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "mkdocs",
                           "build", "-f", str(config)], capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if done.returncode:
        raise SystemExit(f"the build failed:\n{done.stderr}")
    return int(done.stdout) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2)
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    size = int(args.gb * (1 << 30))
    with tempfile.TemporaryDirectory(prefix="commsite-memory-") as tmp:
        config = write_corpus(args.n, Path(tmp) / "project")
        baseline = peak_mib(config)
        bulletin = sorted((config.parent / "bulletins").glob("*.md"))[0]
        big = config.parent / "bulletins" / "files" / "disk.img"
        big.parent.mkdir()
        with open(big, "wb") as file:
            file.truncate(size)
        bulletin.write_text(bulletin.read_text().replace(
            "\n---\n", "\nattachments:\n  - file: files/disk.img\n    title: A disk image\n---\n", 1))
        config.write_text(config.read_text().replace(
            "      old_after_months: 12\n",
            f"      old_after_months: 12\n      max_file_mb: {size // (1 << 20) + 1}\n"))
        with_big = peak_mib(config)
        copy = config.parent / "site" / "bulletins" / bulletin.stem / "files" / "disk.img"
        used = copy.stat().st_blocks * 512
        print(f"mkdocs build, {args.n} records with PDFs, {os.cpu_count()} cores:")
        print(f"  peak memory without the attachment:   {baseline:7.0f} MiB")
        print(f"  peak memory with a {args.gb:g} GB attachment: {with_big:7.0f} MiB")
        print(f"  the published copy: {copy.stat().st_size / (1 << 30):.1f} GB long, "
              f"{used / (1 << 20):.1f} MiB on disk (holes kept)")


if __name__ == "__main__":
    main()
