"""A synthetic project of N records, for benchmarks: `python benchmarks/corpus.py N DEST`.

The mix follows the example site: 40% bulletins (2 to 4 A4 pages, with tables and
lists), 20% webinars (with a Q&A log), 40% notices, spread over the months before
2026-01-01, two audiences, about 30 topics. Seeded, so every run writes the same
files and figures compare from run to run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOPICS = ["Anti-spoofing", "GDPR", "Portal", "Skype for Business", "Account management",
          "Calendar federation", "Service status", "Office 365 Hybrid", "Passwords", "Security",
          "Phishing", "Mailbox", "NHS Directory", "Encryption", "Inactive accounts",
          "Business continuity", "Application accounts", "Growth areas", "Mobile devices",
          "Teams", "OneDrive", "Licences", "Data protection", "Helpdesk", "Training",
          "Accessibility", "Shared mailboxes", "Distribution lists", "Migration", "Single Sign-On"]
WORDS = ("account administrator mailbox portal service release security password user "
         "organisation directory update change guidance helpdesk domain email calendar "
         "report licence data policy local national access device migration").split()


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng, rng.randint(9, 18)) for _ in range(sentences))


def bulletin_body(rng: random.Random) -> str:
    parts = [paragraph(rng, 4)]
    for section in range(rng.randint(5, 8)):
        parts.append(f"## {rng.choice(TOPICS)} update {section + 1}")
        parts.append(paragraph(rng, rng.randint(3, 6)))
        if section % 3 == 0:
            parts.append("\n".join(f"- {sentence(rng, 8)}" for _ in range(4)))
        if section % 3 == 1:
            parts.append("\n".join(f"{i}. {sentence(rng, 10)}" for i in range(1, 5)))
        if section % 4 == 2:
            rows = ["| Date | Time | Services affected |", "| --- | --- | --- |"]
            rows += [f"| {rng.randint(1, 28)} June | 20:00 to 23:59 | {sentence(rng, 4)} |"
                     for _ in range(4)]
            parts.append("\n".join(rows))
    return "\n\n".join(parts)


def front(fields: dict) -> str:
    lines = []
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(value)}]")
        else:  # JSON strings are YAML strings: titles may hold ': '
            lines.append(f"{key}: {json.dumps(value) if key in ('title', 'summary') else value}")
    return "\n".join(lines)


def write_corpus(n: int, dest: Path, pdf: bool = True, seed: int = 2018,
                 config: str | None = None) -> Path:
    """Write a project of `n` records into `dest` (replaced); returns its mkdocs.yml.
    `config` is the text of the mkdocs.yml to start from (default: this checkout's)."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    for folder in ("bulletins", "webinars", "content/notices"):
        (dest / folder).mkdir(parents=True)
    (dest / "content" / "index.md").write_text(
        "---\ntitle: Communications\n---\n\nSynthetic communications for benchmarks.\n")
    config = (ROOT / "mkdocs.yml").read_text() if config is None else config
    config = config.replace("      old_after_months: 12\n",
                            f"      old_after_months: 12\n      pdf: {'true' if pdf else 'false'}\n")
    (dest / "mkdocs.yml").write_text(config)
    start = dt.date(2026, 1, 1)
    for i in range(n):
        date = start - dt.timedelta(days=i * 3650 // max(n, 1))
        kind = ("bulletin", "bulletin", "webinar", "notice", "notice")[i % 5]
        topics = rng.sample(TOPICS, rng.randint(2, 5))
        fields = {"title": f"{kind.capitalize()} {i}: {rng.choice(TOPICS)} and more",
                  "date": date.isoformat(),
                  "audience": "la" if kind != "notice" else rng.choice(["users", "[users, la]"]),
                  "summary": sentence(rng, 20), "topics": topics}
        if kind == "bulletin":
            body, folder = bulletin_body(rng), "bulletins"
        elif kind == "webinar":
            body, folder = paragraph(rng, 6) + "\n\n## Agenda\n\n" + "\n".join(
                f"- {sentence(rng, 8)}" for _ in range(6)), "webinars"
            qa = "\n".join(f"  - question: {sentence(rng, 9)[:-1]}?\n    answer: {sentence(rng, 20)}"
                           for _ in range(5))
            fields["recording"] = f"https://video.example.org/webinars/{i}"
        else:
            body, folder = "\n\n".join(paragraph(rng, 4) for _ in range(3)), "content/notices"
        slug = f"{date.isoformat()}-{kind}-{i}"
        head = front(fields) + (f"\nqa:\n{qa}" if kind == "webinar" else "")
        (dest / folder / f"{slug}.md").write_text(f"---\n{head}\n---\n\n{body}\n")
    return dest / "mkdocs.yml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("dest", type=Path, help="folder to write the project into (replaced)")
    parser.add_argument("--no-pdf", action="store_true", help="turn PDFs off in its mkdocs.yml")
    args = parser.parse_args()
    print(write_corpus(args.n, args.dest, pdf=not args.no_pdf))


if __name__ == "__main__":
    main()
