"""`commsite`: the comms team's commands. `commsite --help` and `commsite COMMAND --help`.

  init     make a new site folder: settings, example drafts, README, CI that publishes daily
  new      write a new record from a template, named and placed correctly
  import   make a draft record of a Word document (.docx), its images beside it
  check    check every record without building (exit 0 clean, 1 findings, 2 could not run)
  schema   print the JSON Schema of the record format, for editors
  build    build the site with this project's mkdocs.yml (--host mkdocs, properdocs or zensical)
  serve    preview the site while you write (drafts shown, PDFs off unless --pdf)
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from .blank import new_record
from .children import die_with_parent, interrupt_with_parent
from .hosts import HOSTS, installed, missing_message
from .project import ProjectError, dev_addr, load_project
from .settings import default_types
from .slugs import slugify

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PREVIEW_ADDRESS = "http://127.0.0.1:8000/"  # where `commsite serve` (mkdocs serve) listens
TYPE_KEYS = [t.key for t in default_types()]  # the record types, from where they are defined

class _Refused(Exception):
    """A command's option is wrong or its file exists: the message, and the exit status."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


def _new_draft(args, settings, title: str) -> tuple:
    """(type, date, audiences, slug, path) of a new record; _Refused when it cannot be."""
    rtype = settings.type(args.type)
    date = args.date or settings.build_date.isoformat()
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise _Refused(f"--date '{date}' is not a date written YYYY-MM-DD") from None
    audiences = args.audience or [next(iter(settings.audiences))]
    unknown = [a for a in audiences if a not in settings.audiences]
    if unknown:
        raise _Refused(f"--audience: unknown key '{unknown[0]}'; allowed: "
                       f"{', '.join(settings.audiences)}")
    slug = f"{date}-{slugify(title)[:60].strip('-')}".strip("-")
    folder = settings.root / rtype.folder
    existing = [p for p in folder.glob(f"{slug}.*") if p.suffix in (".md", ".yml", ".yaml")]
    if existing:
        raise _Refused(f"{existing[0].relative_to(settings.root)} already exists; nothing was "
                       "written (choose another title, or edit that file)", EXIT_FINDINGS)
    return rtype, date, audiences, slug, folder / f"{slug}.md"


def _write_draft(args, settings, rtype, date, audiences, slug, path, title, **text) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
        out.write(new_record(type_key=rtype.key, kind=rtype.label.lower(), title=title,
                             date=date, audiences=audiences, audience_keys=settings.audiences,
                             **text))
    rel = path.relative_to(settings.root).as_posix()
    print(rel)
    print(next_steps(rel, f"{rtype.url}/{slug}/", date, args.date is None))


def cmd_new(args, settings) -> int:
    try:
        draft = _new_draft(args, settings, args.title)
    except _Refused as err:
        print(f"commsite new: {err}", file=sys.stderr)
        return err.code
    _write_draft(args, settings, *draft, title=args.title)
    return EXIT_CLEAN


def cmd_import(args, settings) -> int:
    from .wordimport import ImportError_, read_docx

    try:
        if not args.file.is_file():
            raise _Refused(f"{args.file}: no such file")
        read = read_docx(args.file)
        draft = _new_draft(args, settings, read.title)  # the file's name comes from the title
        rtype, date, audiences, slug, path = draft
        imported = read.named(slug)
        images = [path.parent / image.rel for image in imported.images]
        taken = [p for p in images if p.exists()]
        if taken:
            raise _Refused(f"{taken[0].relative_to(settings.root)} already exists; nothing was "
                           "written", EXIT_FINDINGS)
    except ImportError_ as err:
        print(f"commsite import: {err}", file=sys.stderr)
        return EXIT_ERROR
    except _Refused as err:
        print(f"commsite import: {err}", file=sys.stderr)
        return err.code
    for image, target in zip(imported.images, images):
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as out:
            out.write(image.data)
    _write_draft(args, settings, *draft, title=imported.title, body=imported.body)
    for image, target in zip(imported.images, images):
        print(f"  with {target.relative_to(settings.root).as_posix()}"
              + ("" if image.alt else " (no alt text)"))
    for note in imported.notes:
        print(f"Note: {note}")
    return EXIT_CLEAN


def next_steps(rel: str, url: str, date: str, defaulted: bool) -> str:
    """What `commsite new` and `commsite import` tell the author to do with the new draft."""
    when = (f"dated {date}, today: give --date YYYY-MM-DD for another day" if defaulted
            else f"dated {date}")
    return "\n".join([
        f"A draft {when}. Next:",
        f"  1. edit {rel}: the summary, the topics and the text",
        f"  2. preview it: run 'commsite serve' and open {PREVIEW_ADDRESS}{url}",
        "  3. run 'commsite check' and fix what it lists",
        "  4. to publish it, remove the line 'draft: true'; the next build publishes it "
        f"on {date} or later",
    ])


def cmd_init(args) -> int:
    from .starter import InitError, make_site

    try:
        written = make_site(args.folder, args.name, dt.date.today())
    except InitError as err:
        print(f"commsite init: {err}", file=sys.stderr)
        return EXIT_ERROR
    folder = args.folder
    print(f"Made the site '{args.name}' in {folder}/ ({len(written)} files):")
    for path in written:
        print(f"  {path.relative_to(folder).as_posix()}")
    print("\n".join([
        "Next:",
        f"  1. cd {folder} && python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
        "  2. set your organisation's contacts, audiences and brand in mkdocs.yml",
        f"  3. preview it: .venv/bin/commsite serve, then open {PREVIEW_ADDRESS}",
        "  4. put the folder in a git repository on GitHub or GitLab: it publishes on every "
        "push and every morning (see README.md)",
    ]))
    return EXIT_CLEAN


def cmd_check(args, settings) -> int:
    from .checks import check

    report = check(settings)
    for finding in report.findings:
        print(finding)
    for note in report.notes:
        print(note)
    count = len(report.findings)
    print(f"{report.records} record{'s' if report.records != 1 else ''} checked: "
          f"{count or 'no'} finding{'s' if count != 1 else ''}", file=sys.stderr)
    return EXIT_FINDINGS if count else EXIT_CLEAN


def cmd_schema(args, settings) -> int:
    from .schema import record_schema

    print(json.dumps(record_schema(settings, args.type), indent=2, ensure_ascii=False))
    return EXIT_CLEAN


def run_mkdocs(command: str, args, extra_env: dict) -> int:
    """mkdocs or properdocs (the same plugin runs in both: README, Hosts)."""
    if not installed(args.host):
        print(f"commsite {command}: {missing_message(args.host)}", file=sys.stderr)
        return EXIT_ERROR
    env = {**os.environ, **extra_env}
    if args.build_date:  # the build reads it from the environment (see settings.py)
        env["COMMSITE_BUILD_DATE"] = args.build_date
    cmd = [sys.executable, "-m", args.host, command, "-f", str(args.config), *args.mkdocs_args]
    # Stopping commsite stops mkdocs, so no preview holds the port: Ctrl-C, TERM or HUP is
    # passed on as one SIGINT, after which mkdocs cleans up (children.py says why), and a
    # second stops it at once; on Linux the kernel interrupts mkdocs even when commsite is
    # killed outright. mkdocs runs in a process group of its own, so that the terminal's
    # Ctrl-C reaches it once, through us: a second SIGINT would cut its clean-up short.
    child = subprocess.Popen(cmd, env=env, preexec_fn=interrupt_with_parent, process_group=0)
    asked = []

    def stop(signum, frame) -> None:
        if child.poll() is None:
            child.send_signal(signal.SIGKILL if asked else signal.SIGINT)
        asked.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, stop)
    try:
        code = child.wait()
        return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as shells say
    except BaseException:  # anything else: never leave it
        child.kill()
        child.wait()
        raise


def serve_address(args) -> tuple[str, int]:
    """Where `mkdocs serve` will listen: --dev-addr/-a, else dev_addr in mkdocs.yml."""
    value = None
    rest = list(args.mkdocs_args)
    for i, arg in enumerate(rest):
        if arg in ("-a", "--dev-addr") and i + 1 < len(rest):
            value = rest[i + 1]
        elif arg.startswith("--dev-addr="):
            value = arg.split("=", 1)[1]
    if value is None:
        value = dev_addr(args.config)
    host, _, port = (value or "127.0.0.1:8000").rpartition(":")
    try:
        return host or "127.0.0.1", int(port)
    except ValueError:
        return host, -1  # mkdocs says what is wrong with it


def address_in_use(host: str, port: int) -> bool:
    if port <= 0:
        return False
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as mkdocs' server does
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as err:
            return err.errno == errno.EADDRINUSE
    return False


def cmd_build(args, settings) -> int:
    if args.host == "zensical":
        if not installed("zensical"):
            print(f"commsite build: {missing_message('zensical')}", file=sys.stderr)
            return EXIT_ERROR
        from .hosts.zensical import main_build

        return main_build(args.config, settings, args.mkdocs_args)
    return run_mkdocs("build", args, {})


def cmd_serve(args, settings) -> int:
    if args.host == "zensical":
        if not installed("zensical"):
            print(f"commsite serve: {missing_message('zensical')}", file=sys.stderr)
            return EXIT_ERROR
        from .hosts.zensical_preview import main_serve

        host, port = serve_address(args)
        if address_in_use(host, port):
            print(f"commsite serve: {host}:{port} is in use (another preview still running?); "
                  f"stop it, or preview at another port: commsite serve --host zensical "
                  f"--dev-addr {host}:{port + 1}", file=sys.stderr)
            return EXIT_ERROR
        return main_serve(args.config, settings, args.mkdocs_args, pdf=args.pdf,
                          address=f"{host}:{port}", preexec=die_with_parent)
    # --dirty: after a save MkDocs rebuilds only the pages the plugin reports changed
    # (plugin/preview.py), so a site of a thousand records follows typing; --full (or
    # mkdocs' own --clean or --dirty) leaves the choice to mkdocs.
    chosen = {"--clean", "-c", "--dirty", "--dirtyreload"} & set(args.mkdocs_args)
    if not args.full and not chosen:
        args.mkdocs_args = ["--dirty", *args.mkdocs_args]
    host, port = serve_address(args)
    if address_in_use(host, port):
        print(f"commsite serve: {host}:{port} is in use (another preview still running?); stop "
              f"it, or preview at another port: commsite serve --dev-addr {host}:{port + 1}",
              file=sys.stderr)
        return EXIT_ERROR
    return run_mkdocs("serve", args, {"COMMSITE_PREVIEW_PDF": "1"} if args.pdf else {})


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="commsite", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter,
                                  epilog=__doc__.split("\n\n", 1)[1])
    top.add_argument("-f", "--config", type=Path, default=Path("mkdocs.yml"),
                     help="the project's mkdocs.yml (default: ./mkdocs.yml)")
    top.add_argument("--build-date", help="act as if today were this date (YYYY-MM-DD): "
                     "scheduled records and review dates follow it")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ini = sub.add_parser("init", help="make a new site folder, ready to write and publish")
    ini.add_argument("folder", type=Path, help="a new (or empty) folder for the site")
    ini.add_argument("--name", required=True, help="the site's name, e.g. \"Org communications\"")
    ini.set_defaults(run=cmd_init, needs_project=False)
    new = sub.add_parser("new", help="write a new record from a template")
    new.add_argument("type", choices=TYPE_KEYS)
    new.add_argument("--title", required=True, help="the record's title")
    new.add_argument("--date", help="publication date, YYYY-MM-DD (default: today)")
    new.add_argument("--audience", action="append", help="an audience key; repeat for several")
    new.set_defaults(run=cmd_new)
    imp = sub.add_parser("import", help="make a draft record of a Word document (.docx)")
    imp.add_argument("file", type=Path, metavar="FILE.docx", help="the Word document")
    imp.add_argument("--type", choices=TYPE_KEYS, default="bulletin",
                     help="the record's type (default: bulletin)")
    imp.add_argument("--date", help="publication date, YYYY-MM-DD (default: today)")
    imp.add_argument("--audience", action="append", help="an audience key; repeat for several")
    imp.set_defaults(run=cmd_import)
    chk = sub.add_parser("check", help="check every record without building")
    chk.set_defaults(run=cmd_check)
    sch = sub.add_parser("schema", help="print the record format as JSON Schema")
    sch.add_argument("--type", choices=TYPE_KEYS,
                     help="one type's schema (default: every field of every type)")
    sch.set_defaults(run=cmd_schema)
    for name, run, text in (("build", cmd_build, "build the site into ./site"),
                            ("serve", cmd_serve, "preview the site at http://127.0.0.1:8000/")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--host", choices=HOSTS, default="mkdocs",
                         help="the program that frames the pages (default: mkdocs; README: Hosts)")
        if name == "serve":
            cmd.add_argument("--pdf", action="store_true", help="render PDFs in the preview too")
            cmd.add_argument("--full", action="store_true", help="rebuild every page after "
                             "each save (slower; by default only the pages that changed)")
        cmd.set_defaults(run=run, passes_on=True)
        cmd.epilog = ("Other options are passed on to mkdocs or properdocs (e.g. --strict, "
                      "--site-dir DIR); with --host zensical: -d/--site-dir DIR, --strict"
                      + (", -a/--dev-addr IP:PORT." if name == "serve" else "."))
    for name, command in sub.choices.items():
        if name != "init":  # as mkdocs writes it, after the command too: build -f FILE
            command.add_argument("-f", "--config-file", dest="config", type=Path,
                                 default=argparse.SUPPRESS, help="the project's mkdocs.yml "
                                 "(default: ./mkdocs.yml)")
    return top


def main(argv=None) -> int:
    top = parser()
    args, rest = top.parse_known_args(argv)
    if rest and not getattr(args, "passes_on", False):
        top.error(f"unrecognized arguments: {' '.join(rest)}")
    args.mkdocs_args = rest
    if args.build_date:
        try:
            build_date = dt.date.fromisoformat(args.build_date)
        except ValueError:
            print(f"commsite: --build-date '{args.build_date}' is not a date written YYYY-MM-DD",
                  file=sys.stderr)
            return EXIT_ERROR
    try:
        if getattr(args, "needs_project", True) is False:  # init: there is no project yet
            return args.run(args)
        settings = load_project(args.config)
        if args.build_date:
            settings.build_date = build_date
        return args.run(args, settings)
    except ProjectError as err:  # one line per wrong option
        for line in str(err).splitlines():
            print(f"commsite {args.command}: {line}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as err:  # a folder that cannot be read or written: say so, no traceback
        print(f"commsite {args.command}: {err.strerror}: {err.filename}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:  # Ctrl-C: the shell's convention, 128 + SIGINT
        print(f"commsite {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
