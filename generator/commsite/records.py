"""Records: the communications comms staff write, loaded and checked.

`load_records` reads every record folder, validates each file against the
schema and the files on disk, and returns the records, or raises RecordError
with every problem of the run. Everything after this module can trust a Record.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from .body import Body, BodyRenderer
from .filetypes import ATTACHMENTS, IMAGES, refusal
from .parallel import map_shares
from .problems import Problem, RecordError, field_name
from .schema import Checker, parse_date
from .settings import RecordType, Settings
from .slugs import slugify, topic_slug
from .source import RECORD_SUFFIXES, Source, read_source

UK_TIME = ZoneInfo("Europe/London")
BODY_CACHE = "bodies.json"  # rendered record bodies, in the cache folder
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = {"index", "feeds", "assets"}


@dataclass(frozen=True)
class LocalFile:
    """A file of the record's folder that the site publishes beside the record's page."""

    rel: str  # path relative to the record's folder, as the author wrote it
    path: Path
    title: str = ""

    @property
    def href(self) -> str:
        """The link to the published file, relative to the record's page: a name with '#',
        '%' or spaces is percent-encoded, so the link leads to the file."""
        return quote(self.rel, safe="/")


@dataclass(frozen=True)
class Change:
    date: dt.date
    note: str


@dataclass(frozen=True)
class QA:
    question: str
    answer_html: str
    links: tuple[str, ...] = ()  # hrefs in the answer, for `commsite check`


@dataclass
class Record:
    type: RecordType
    slug: str
    source: str  # path relative to the project root, for messages
    title: str
    date: dt.date
    audiences: tuple[str, ...]
    summary: str
    body: Body
    topics: tuple[str, ...] = ()  # labels as written; the catalogue merges spellings
    updated: dt.date | None = None
    changes: tuple[Change, ...] = ()
    draft: bool = False
    pdf: bool = True
    attachments: tuple[LocalFile, ...] = ()
    slides: LocalFile | None = None
    recording: str | None = None
    qa: tuple[QA, ...] = ()
    images: tuple[LocalFile, ...] = ()  # local images the body shows
    folder: Path = field(default=Path("."))
    # The record's life: when to review it, what replaces it, what readers must do by when.
    review_by: dt.date | None = None
    superseded_by: str | None = None  # 'slug' or 'type-folder/slug', checked across records
    action_required: str | None = None
    deadline: dt.date | None = None
    # Webinars: when it runs (an aware datetime) and for how long.
    start: dt.datetime | None = None
    duration: dt.timedelta | None = None
    # Where each top-level field is in the file, for checks that run after loading.
    field_lines: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def url(self) -> str:
        return f"{self.type.url}/{self.slug}/"

    @property
    def pdf_url(self) -> str:
        return f"{self.url}{self.slug}.pdf"

    @property
    def last_changed(self) -> dt.date:
        """The day the record last changed: its `updated` date, else its date. Feeds and
        calendars date entries by it, never by the build, so a rebuild changes nothing."""
        return self.updated or self.date

    @property
    def month(self) -> str:
        return self.date.strftime("%Y-%m")

    @cached_property
    def topic_slugs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(topic_slug(t) for t in self.topics))

    @property
    def local_files(self) -> tuple[LocalFile, ...]:
        """Every file to publish beside the page: attachments, slides and images."""
        files = {f.rel: f for f in (*self.attachments, *filter(None, [self.slides]), *self.images)}
        return tuple(files.values())


def find_sources(settings: Settings) -> list[tuple[RecordType, Path]]:
    found = []
    for rtype in settings.types:
        folder = settings.root / rtype.folder
        if folder.is_dir():
            found += [(rtype, p) for p in sorted(folder.iterdir())
                      if p.suffix in RECORD_SUFFIXES and p.is_file()]
    return found


def load_records(settings: Settings) -> list[Record]:
    """Every record of the project, drafts included; RecordError lists all problems."""
    records, problems = load_all(settings)
    if problems:
        raise RecordError(problems)
    return records


def load_all(settings: Settings, scan: Callable[[Source], list[Problem]] | None = None
             ) -> tuple[list[Record], list[Problem]]:
    """The records that load, and the problems of those that do not (for `commsite check`).

    `scan`, when given, is run on every file that reads, valid or not, where the file is
    read (possibly in another process); its findings join the problems."""
    problems: list[Problem] = []
    records: list[Record] = []
    checkers = {t.key: Checker(settings, t.key) for t in settings.types}
    renderer = BodyRenderer()
    renderer.load_from(settings.cache_dir / BODY_CACHE)
    sources = [(rtype, path, path.relative_to(settings.root).as_posix())
               for rtype, path in find_sources(settings)]

    max_bytes = int(settings.max_file_mb * 1024 * 1024)

    def load(chunk):
        """Read, validate, render and build each file: the costly part, shared between cores.
        Returns what the loop below needs, and the bodies used, for the cache."""
        done = []
        for rtype, path, rel in chunk:
            src, found = read_source(path, rel)
            record = None
            if src.fields_read:
                found += checkers[rtype.key].check(src)
                if not found:
                    record, found = _build(src, rtype, path.stem, renderer, max_bytes)
                else:  # the body's own problems (alt text...) in the same run
                    found += _bodies(src, renderer, max_bytes)[3]
            scanned = scan(src) if scan else []
            done.append((record, found, scanned, renderer.take_used()))
        return done

    seen: dict[tuple[str, str], str] = {}
    for (rtype, path, rel), (record, found, scanned, bodies) in zip(sources,
                                                                  map_shares(load, sources)):
        renderer.adopt(bodies)
        slug = path.stem
        slug_problem = _check_slug(slug, path.name, rel)
        if slug_problem:
            problems.append(slug_problem)
        elif (rtype.key, slug) in seen:
            problems.append(Problem(rel, 1, "", f"another {rtype.label.lower()} has the slug "
                                    f"'{slug}' ({seen[rtype.key, slug]}); rename one of the files"))
        else:
            seen[rtype.key, slug] = rel
        problems += found + scanned
        if record is not None and not found and not slug_problem:
            records.append(record)
    # A record whose own file has problems still counts as existing for superseded_by.
    broken = {slug for (_, slug) in seen} | {f"{settings.type(k).url}/{slug}" for k, slug in seen}
    problems += _check_superseded(records, broken)
    renderer.keep()  # the next load (a preview's rebuild) renders only the bodies that changed
    renderer.save_to(settings.cache_dir / BODY_CACHE)
    return records, sorted(problems)


def _check_superseded(records: list[Record], existing: set[str]) -> list[Problem]:
    """superseded_by must name a newer record: by slug, or 'folder/slug' where slugs repeat."""
    by_slug: dict[str, list[Record]] = {}
    for record in records:
        by_slug.setdefault(record.slug, []).append(record)
        by_slug.setdefault(f"{record.type.url}/{record.slug}", []).append(record)
    problems = []
    for record in records:
        if not record.superseded_by:
            continue
        found = by_slug.get(record.superseded_by, [])
        where = (record.source, record.field_lines.get("superseded_by", 1), "superseded_by")
        if not found and record.superseded_by in existing:
            continue  # that file's own problems are reported already
        if not found:
            problems.append(Problem(*where, f"no record is called '{record.superseded_by}'; give "
                                    "the file name of the newer record, without .md"))
        elif len(found) > 1:
            options = ", ".join(f"{r.type.url}/{r.slug}" for r in found)
            problems.append(Problem(*where, f"'{record.superseded_by}' is the name of "
                                    f"{len(found)} records; write one of: {options}"))
        elif found[0] is record or found[0].date < record.date:
            problems.append(Problem(*where, f"'{record.superseded_by}' is not newer than this "
                                    "record; name the record that replaces it"))
    return problems


def _start(src: Source, data: dict, problems: list) -> dt.datetime | None:
    """A webinar's start as an aware datetime: UK time unless the author gave an offset."""
    if "start" not in data:
        return None
    try:
        start = dt.datetime.fromisoformat(data["start"].replace(" ", "T", 1))
    except ValueError:
        problems.append(Problem(src.rel, src.line_of(("start",)), "start",
                                f"'{data['start']}' is not a real date and time; write it like "
                                "2018-07-03 14:00"))
        return None
    return start if start.tzinfo else start.replace(tzinfo=UK_TIME)


def _check_slug(slug: str, name: str, rel: str) -> Problem | None:
    if SLUG.fullmatch(slug) and slug not in RESERVED_SLUGS:
        return None
    suggestion = slugify(slug) or "new-record"
    if slug in RESERVED_SLUGS:
        suggestion = f"{slug}-1"
    return Problem(rel, 1, "", f"the file name '{name}' cannot be a web address; use lowercase "
                              f"letters, digits and single hyphens, e.g. '{suggestion}"
                              f"{Path(name).suffix}'")


def _bodies(src: Source, renderer: BodyRenderer, max_bytes: int | None = None):
    """The body and the Q&A answers rendered, their images checked (alt text, files of the
    folder) and their headings: this needs only the text, so it runs, and its problems
    show, even when other fields of the record are wrong."""
    problems: list[Problem] = []
    folder = src.path.parent
    qa = src.data.get("qa") if isinstance(src.data.get("qa"), list) else []
    body = renderer.render(src.body)
    answers = [renderer.render(q["answer"]) if isinstance(q, dict)
               and isinstance(q.get("answer"), str) else None for q in qa]
    images = []

    def check_images(found: list, line_of, field_name: str) -> None:
        for image_src, alt in found:
            line = line_of(image_src)
            if not alt.strip():
                problems.append(Problem(src.rel, line, field_name, f"the image '{image_src}' has "
                                        "no alt text; describe it: ![what the image shows]("
                                        f"{image_src})"))
            parts = urlsplit(image_src)
            if parts.scheme or parts.netloc:
                problems.append(Problem(src.rel, line, field_name, f"the image '{image_src}' is "
                                        "not a file of the record's folder; images must be files "
                                        "beside the record (remote images are not allowed)"))
                continue
            rel = unquote(parts.path)
            problem = (_check_local(folder, rel, max_bytes)
                       or refusal(folder / rel, rel, IMAGES) or _check_pixels(folder / rel, rel))
            if problem:
                problems.append(Problem(src.rel, line, field_name, f"image: {problem}"))
            else:
                images.append(LocalFile(rel=unquote(parts.path), path=folder / unquote(parts.path)))

    check_images(body.images, lambda image: _line_in_body(
        src, image, rf"!\[[^\]]*\]\(\s*<?{re.escape(image)}"), "body")
    for i, answer in enumerate(answers):  # an answer's images are published like the body's
        if answer is not None:
            check_images(answer.images, lambda _, i=i: src.line_of(("qa", i, "answer")),
                         field_name(("qa", i, "answer")))
    for entry in body.toc:
        if entry["level"] == 1:
            name = re.escape(entry["name"])
            line = _line_in_body(src, entry["name"], rf"^(#[ \t]+{name}|{name}[ \t]*\n=+[ \t]*$)")
            problems.append(Problem(src.rel, line, "body",
                                    f"'# {entry['name']}' is a top-level heading; the title is "
                                    "the page's only one, so start body headings at '##'"))
    return body, answers, images, problems


def _build(src: Source, rtype: RecordType, slug: str, renderer: BodyRenderer,
           max_bytes: int | None = None):
    data, problems = src.data, []
    folder = src.path.parent

    def local(rel_field: tuple, rel: str, title: str = "") -> LocalFile | None:
        problem = _check_local(folder, rel, max_bytes) or refusal(folder / rel, rel, ATTACHMENTS)
        if problem:
            problems.append(Problem(src.rel, src.line_of(rel_field), field_name(rel_field), problem))
            return None
        return LocalFile(rel=rel, path=(folder / rel), title=title)

    audience = data["audience"]
    attachments = [local(("attachments", i, "file"), a["file"], a["title"])
                   for i, a in enumerate(data.get("attachments", []))]
    slides = local(("slides",), data["slides"], "Slides") if "slides" in data else None
    date, updated = parse_date(data["date"]), None
    if "updated" in data:
        updated = parse_date(data["updated"])
        if updated < date:
            problems.append(Problem(src.rel, src.line_of(("updated",)), "updated",
                                    f"{updated} is before the publication date {date}; "
                                    "it must be the same day or later"))
    body, answers, images, found = _bodies(src, renderer, max_bytes)
    problems += found
    record = Record(
        type=rtype, slug=slug, source=src.rel, folder=folder,
        title=data["title"].strip(), date=date,
        audiences=tuple([audience] if isinstance(audience, str) else audience),
        summary=" ".join(data["summary"].split()), body=body,
        topics=tuple(t.strip() for t in data.get("topics", [])), updated=updated,
        changes=tuple(sorted((Change(parse_date(c["date"]), c["note"]) for c in
                              data.get("changes", [])), key=lambda c: c.date, reverse=True)),
        draft=data.get("draft", False), pdf=data.get("pdf", True),
        attachments=tuple(filter(None, attachments)), slides=slides,
        recording=data.get("recording"),
        qa=tuple(QA(q["question"], answer.html, tuple(answer.links))
                 for q, answer in zip(data.get("qa", []), answers)),
        images=tuple(images),
        review_by=parse_date(data["review_by"]) if "review_by" in data else None,
        superseded_by=data.get("superseded_by"),
        action_required=" ".join(data["action_required"].split()) if "action_required" in data
        else None,
        deadline=parse_date(data["deadline"]) if "deadline" in data else None,
        start=_start(src, data, problems),
        duration=dt.timedelta(minutes=data["duration"]) if "duration" in data else None,
        field_lines={path[0]: line for path, line in src.lines.items() if len(path) == 1},
    )
    for i, label in enumerate(record.topics):
        if not topic_slug(label):
            problems.append(Problem(src.rel, src.line_of(("topics", i)), f"topics[{i + 1}]",
                                    f"'{label}' has no letters or digits; use a word, e.g. GDPR"))
    return record, problems


def _line_in_body(src: Source, needle: str, pattern: str = "") -> int:
    """The body line of the first match of `pattern` (the Markdown that makes the thing),
    else of the first `needle`: the same words may come earlier in the prose."""
    match = re.search(pattern, src.body, re.M) if pattern else None
    index = match.start() if match else src.body.find(needle)
    return src.body_line + (src.body[:index].count("\n") if index >= 0 else 0)


def _check_local(folder: Path, rel: str, max_bytes: int | None = None) -> str | None:
    """Why a path written by an author cannot be published, or None when it can."""
    allowed = "give a path inside the record's folder, e.g. slides/deck.pdf"
    if any(ord(c) < 32 or ord(c) == 127 for c in rel):
        return (f"{rel!r} has a control character (a line break or tab) in its name; rename "
                "the file without it")
    if not rel or rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return f"'{rel}' is an absolute path; {allowed}"
    if ".." in Path(rel).parts:
        return f"'{rel}' leaves the record's folder; {allowed}"
    target = folder / rel
    if not target.exists():
        return f"'{rel}' does not exist in {folder.name}/; check the spelling"
    try:
        target.resolve().relative_to(folder.resolve())
    except ValueError:
        return f"'{rel}' is a link that leaves the record's folder; {allowed}"
    if target.is_dir():
        return f"'{rel}' is a folder, not a file; {allowed}"
    if not target.is_file():
        return (f"'{rel}' is not a regular file ({_kind(target)}); only files can be "
                f"published; {allowed}")
    size = target.stat().st_size  # the size is known without reading a byte
    if max_bytes is not None and size > max_bytes:
        return (f"'{rel}' is {size / 2**20:,.1f} MB; a file may be at most "
                f"{max_bytes / 2**20:g} MB (max_file_mb); make it smaller, link to it "
                "elsewhere, or raise max_file_mb")
    return None


def _kind(path: Path) -> str:
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


# Beyond this many pixels Pillow, which WeasyPrint uses to embed images, refuses an image
# as a decompression bomb, and the PDF would silently be without it.
MAX_PIXELS = 89_478_485  # Pillow's Image.MAX_IMAGE_PIXELS


def _check_pixels(path: Path, rel: str) -> str | None:
    """A raster image with more pixels than PDFs can embed; read from its header only."""
    from PIL import Image, UnidentifiedImageError

    limit = f"an image may have at most {MAX_PIXELS:,} pixels (about 9,400 x 9,400); scale it down"
    guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # the size is all we read
    try:
        with Image.open(path) as image:  # reads the header; no pixel is decoded
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None  # not a raster image Pillow knows (an SVG, say): not ours to judge here
    finally:
        Image.MAX_IMAGE_PIXELS = guard
    if width * height > MAX_PIXELS:
        return f"'{rel}' is {width:,} x {height:,} pixels; {limit}"
    return None
