"""The `reader` command: start the app, or print an outline, a section, search results.

Textual is imported only when the full-screen app really starts, so the printing modes
stay fast and a session without a terminal (`ssh -T`, sftp, a pipe) never draws.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from reader.pack import Pack, PackError, Section, load_pack
from reader.sanitize import sanitize, sanitize_line

if TYPE_CHECKING:
    import argparse

    from rich.text import Text

    from reader.glossary import GlossaryEntry
    from reader.markdown import Definitions

__all__ = ["main"]

RESTRICTED_ENV = "READER_RESTRICTED"
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def package_version() -> str:
    """The installed version, from the package metadata: the one place it is written."""
    from importlib.metadata import PackageNotFoundError, version  # slow: only for --version

    try:
        return version("reader")
    except PackageNotFoundError:
        return "unknown"


def _version_action() -> type[argparse.Action]:
    """Like argparse's version action, but reads the metadata only when asked (a class
    made when a parser is built: argparse itself loads only for a parser)."""
    import argparse

    class VersionAction(argparse.Action):
        def __init__(
            self,
            option_strings: list[str],
            dest: str = argparse.SUPPRESS,
            default: str = argparse.SUPPRESS,
            help: str | None = None,
        ) -> None:
            super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

        def __call__(
            self,
            parser: argparse.ArgumentParser,
            namespace: object,
            values: object,
            option_string: str | None = None,
        ) -> None:
            print(f"reader {package_version()}")
            parser.exit()

    return VersionAction


#: The options a reading session is started with, by the attribute they set.
_START_FLAGS = {"--restricted": "restricted", "--no-state": "no_state"}


def _plain_start(args: list[str]) -> SimpleNamespace | None:
    """`reader [PATH] [--restricted] [--no-state]`, the way nearly every session starts,
    read without argparse: loading it and building the parser cost ~5 ms of the first
    screen. Anything else (another option, `--`, a second path) is None: for argparse,
    which gives the same answer here (tests/unit/test_cli.py compares them)."""
    options = dict.fromkeys(("path", "print_section", "search", "state_dir", "define"))
    options.update(list=False, restricted=False, no_state=False, glossary=False)
    for arg in args:
        if arg in _START_FLAGS:
            options[_START_FLAGS[arg]] = True
        elif arg.startswith("-") or options["path"] is not None:
            return None
        else:
            options["path"] = arg
    return SimpleNamespace(**options)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read and study a folder of Markdown in the terminal.",
        epilog="Also: 'reader check [PATH]' validates a pack (links, files, headings, glossary).",
    )
    parser.add_argument("path", nargs="?", help="pack folder or Markdown file (default: bundled)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="print the outline and exit")
    mode.add_argument(
        "--print",
        metavar="SECTION",
        dest="print_section",
        help="print one section (id or title) and exit",
    )
    mode.add_argument("--search", metavar="QUERY", help="print ranked search results and exit")
    mode.add_argument(
        "--define", metavar="TERM", help="print a glossary term's definition and exit"
    )
    mode.add_argument(
        "--glossary", action="store_true", help="print every glossary term and definition"
    )
    parser.add_argument(
        "--restricted",
        action="store_true",
        help=f"locked-down mode for SSH ForceCommand (also ${RESTRICTED_ENV}=1)",
    )
    parser.add_argument("--no-state", action="store_true", help="remember nothing on disk")
    parser.add_argument("--state-dir", type=Path, help="where reading state is kept")
    parser.add_argument("--version", action=_version_action(), help="show the version and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code instead of raising for anything a user did.

    The cyclic garbage collector is off while the reader starts: nearly everything
    start-up allocates (modules, the pack, the widget tree) lives as long as the
    process, yet the collector would scan it again and again, once for ~50 ms just
    before the first screen. The full-screen app turns it back on after its first
    frame (see `ReaderApp`); the printing modes turn it on once the pack is loaded.
    """
    gc.disable()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # `reader.entry` ends the process quietly on Ctrl-C while modules load; from here
        # a Ctrl-C is Python's KeyboardInterrupt again, answered below.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if args[:1] == ["check"]:
            return _check(args[1:])
        return _run(_plain_start(args) or build_parser().parse_args(args))
    except PackError as error:
        print(f"reader: {sanitize_line(str(error))}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as error:  # a bug of ours: one line, the details only to a log
        from reader.crash import report_internal_error

        restricted = "--restricted" in args or os.environ.get(RESTRICTED_ENV, "") not in ("", "0")
        return report_internal_error(error, restricted=restricted)
    finally:
        gc.enable()


def _check(args: list[str]) -> int:
    import argparse

    from reader.check import check_pack, is_failure

    parser = argparse.ArgumentParser(prog="reader check", description="Validate a pack.")
    parser.add_argument("path", nargs="?", help="pack folder or Markdown file (default: bundled)")
    pack = load_pack(parser.parse_args(args).path)
    gc.enable()
    problems = check_pack(pack)
    for problem in problems:
        print(sanitize_line(str(problem)))
    failures = sum(1 for problem in problems if is_failure(problem))
    links = sum(len(section.links) for section in pack.sections)
    terms = len(pack.glossary)
    glossary = f", {terms} glossary term{'s' if terms != 1 else ''}" if terms else ""
    summary = (
        f"{len(pack.files)} files, {len(pack.sections)} sections, {links} links{glossary}: "
        f"{failures} problem{'s' if failures != 1 else ''}"
    )
    print(summary, file=sys.stderr if failures else sys.stdout)
    return EXIT_PROBLEMS if failures else 0


def _run(args: argparse.Namespace | SimpleNamespace) -> int:
    restricted = args.restricted or os.environ.get(RESTRICTED_ENV, "") not in ("", "0")
    pack = load_pack(args.path)
    if args.list or args.print_section is not None or args.search is not None:
        gc.enable()
    if args.define is not None or args.glossary:
        gc.enable()
        return _print_glossary(pack, args.define)
    if args.list:
        print_outline(pack)
        return 0
    if args.print_section is not None:
        return _print_section(pack, args.print_section)
    if args.search is not None:
        return _print_search(pack, args.search)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "reader: needs an interactive terminal (use ssh -t); try --list, --print or --search",
            file=sys.stderr,
        )
        if not restricted:
            print_outline(pack)
        return EXIT_USAGE
    from reader.ui.app import run_app  # Textual loads only for the full-screen app

    return run_app(pack, restricted=restricted, no_state=args.no_state, state_dir=args.state_dir)


def print_outline(pack: Pack) -> None:
    print(sanitize_line(pack.title))
    for section in pack.sections:
        print(f"{'  ' * (section.depth + 1)}{section.title}  [{section.id}]")


def _print_section(pack: Pack, wanted: str) -> int:
    section = pack.find(wanted)
    if section is None:
        print(f"reader: no section '{sanitize_line(wanted)}' (see reader --list)", file=sys.stderr)
        return EXIT_PROBLEMS
    if sys.stdout.isatty():
        _print_formatted(section)
    else:
        print(sanitize(section.markdown).rstrip("\n"))
    return 0


def _print_formatted(section: Section) -> None:
    """A section drawn for a terminal as the reading pane draws it (its file's references
    and footnotes, alerts, task lists, HTML read as text), with nothing in it that talks
    to the terminal.

    Links print as `text (target)`: a terminal hyperlink (OSC 8) would let a pack show
    one address and open another. Every piece of text is sanitized again on its way out.
    """
    from rich.console import Console

    console = Console(highlight=False)
    for line in _drawn(section.markdown, console.width, section.definitions, styled=True):
        console.print(line, soft_wrap=True)


def _print_glossary(pack: Pack, wanted: str | None) -> int:
    """`--define TERM` (None: `--glossary`, every term): each term unindented, its
    definition under it indented by four spaces; wrapped to a terminal, one line a
    paragraph when piped, never an escape sequence but a terminal's styles."""
    if wanted is not None and not wanted.strip():
        print("reader: --define needs a term (reader --glossary lists them)", file=sys.stderr)
        return EXIT_USAGE
    glossary = pack.glossary
    if not glossary:
        message = "reader: this pack has no glossary (a glossary.md of definition lists)"
        print(message, file=sys.stderr)
        return EXIT_PROBLEMS
    if wanted is None:
        entries = glossary.entries
    else:
        entry = glossary.lookup(wanted)
        if entry is None:
            close = glossary.suggestions(wanted)
            hint = f"did you mean: {', '.join(close)}?" if close else "reader --glossary lists them"
            message = f"reader: no term '{wanted}' in the glossary; {hint}"
            print(sanitize_line(message), file=sys.stderr)
            return EXIT_PROBLEMS
        entries = [entry]
    if sys.stdout.isatty():
        _print_entries_styled(pack, entries)
        return 0
    for entry in entries:  # plain print: a closed pipe is BrokenPipeError, answered in main
        print(sanitize_line(entry.term))
        if entry.unshown_names:
            print("    also: " + sanitize_line(", ".join(entry.unshown_names)))
        lines = _drawn(entry.definition, 100_000, pack.definitions_of(entry.path), styled=False)
        for line in lines:
            print(f"    {line.plain}" if line.plain else "")
    return 0


def _print_entries_styled(pack: Pack, entries: list[GlossaryEntry]) -> None:
    """The entries for a terminal: wrapped to its width, the term in bold."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    width = max(20, console.width - 4)
    for entry in entries:
        console.print(Text(sanitize_line(entry.term), style="bold"))
        if entry.unshown_names:
            also = "    also: " + sanitize_line(", ".join(entry.unshown_names))
            console.print(Text(also, style="italic"))
        for line in _drawn(entry.definition, width, pack.definitions_of(entry.path), styled=True):
            console.print(Text("    ") + line if line.plain else Text(""))


def _drawn(markdown: str, width: int, definitions: Definitions, *, styled: bool) -> list[Text]:
    """Markdown drawn as the reading pane draws it (links as `text (target)`, references
    resolved by the `definitions` of its file), as lines of sanitized text; without
    styles for a pipe."""
    from rich.console import Console
    from rich.text import Text

    from reader.render.blocks import BASE_STYLES, BuildContext
    from reader.render.document import RenderedDocument
    from reader.render.draw import BlockRenderer, RenderStyles

    console = Console(width=width, color_system="standard" if styled else None)
    context = BuildContext(dict(BASE_STYLES), definitions, printing=True)
    renderer = BlockRenderer(console, RenderStyles(dark=True))
    document = RenderedDocument(markdown, renderer, width, context)
    document.fill()
    lines: list[Text] = []
    for row in range(document.line_count):
        line = Text()
        for segment in document.line(row):
            line.append(sanitize(segment.text), segment.style if styled else None)
        line.rstrip()
        lines.append(line)
    return lines


def _print_search(pack: Pack, query: str) -> int:
    from reader.search import SearchIndex, pack_documents

    index = SearchIndex.build(pack_documents(pack))
    hits = index.search(query, limit=20)
    for hit in hits:
        print(f"{sanitize_line(hit.title)}  [{hit.id}]")
        if hit.path:
            print(f"    in {sanitize_line(hit.path)}")
        print(f"    {sanitize_line(hit.snippet)}")
    if not hits:
        print(f"reader: nothing matches '{sanitize_line(query)}'", file=sys.stderr)
        return EXIT_PROBLEMS
    return 0


def _silence_stdout() -> None:
    """After a closed pipe (`reader --list | head`), let Python exit without a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
