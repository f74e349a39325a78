"""The `reader` command: start the app, or print an outline, a section, search results;
and the subcommands `check`, `cards`, `export`, `index` and `review`.

Textual is imported only when the full-screen app really starts, so the printing modes
stay fast and a session without a terminal (`ssh -T`, sftp, a pipe) never draws. Plain
mode (`--plain`, for screen readers and pipes) never imports it at all.
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
    from collections.abc import Callable, Mapping
    from datetime import datetime

    from rich.text import Text

    from reader.cards import Card
    from reader.glossary import GlossaryEntry
    from reader.markdown import Definitions

__all__ = ["main"]

RESTRICTED_ENV = "READER_RESTRICTED"
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
_PATH_HELP = "pack folder or Markdown file (default: bundled)"
_HOW_TO_WRITE_CARDS = (
    "a file holds cards when it has the tag #flashcards, front matter 'cards: true', "
    "or is listed in pack.toml's cards"
)


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
_START_FLAGS = {"--restricted": "restricted", "--no-state": "no_state", "--plain": "plain"}
#: Environment variables that ask for line-by-line output instead of a drawn screen:
#: ours, and the `ACCESSIBLE` convention other terminal tools follow (any value but
#: empty or "0"). `TERM=dumb` asks for it too: such a terminal cannot be drawn on.
PLAIN_ENV = "READER_PLAIN"
_ACCESSIBLE_ENV = "ACCESSIBLE"


def _common_start(args: list[str]) -> SimpleNamespace | None:
    """`reader [PATH] [--restricted] [--no-state] [--plain]`, the way nearly every
    session starts, read without argparse: loading it and building the parser cost ~5 ms
    of the first screen. Anything else (another option, `--`, a second path) is None: for
    argparse, which gives the same answer here (tests/unit/test_cli.py compares them)."""
    options = dict.fromkeys(("path", "print_section", "search", "state_dir", "define", "config"))
    options.update(
        list=False, restricted=False, no_state=False, glossary=False, plain=False, config_path=False
    )
    for arg in args:
        if arg in _START_FLAGS:
            options[_START_FLAGS[arg]] = True
        elif arg.startswith("-") or options["path"] is not None:
            return None
        else:
            options["path"] = arg
    return SimpleNamespace(**options)


#: The subcommands, as `reader --help` lists them (each has its own `--help`).
_COMMANDS_HELP = """\
commands (each with its own --help):
  reader check [PATH]          validate a pack: links, files, headings, glossary, cards
  reader cards [PATH] [--due]  list the self-test cards, one a line: DUE, SECTION-ID, QUESTION
  reader review [PATH]         start the reader in a review of the cards due now
  reader index [PATH] [--index-dir DIR]
                               build the pack's search index once, for every user to share
  reader export (--anki FILE.apkg | --tsv FILE) [PATH]
                               export the cards for Anki: a deck package or a text file"""


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read and study a folder of Markdown in the terminal.",
        epilog=_COMMANDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", help=_PATH_HELP)
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
    _session_options(parser, "where reading state is kept")
    parser.add_argument(
        "--config-path",
        action="store_true",
        help="print where the settings file (config.toml) is read from, and exit",
    )
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
        command = _SUBCOMMANDS.get(args[0]) if args else None
        if command is not None:
            return command(args[1:])
        return _run(_common_start(args) or build_parser().parse_args(args))
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

        restricted = "--restricted" in args or _restricted_by_environment()
        return report_internal_error(error, restricted=restricted)
    finally:
        gc.enable()


def _restricted_by_environment() -> bool:
    return os.environ.get(RESTRICTED_ENV, "") not in ("", "0")


def _check(args: list[str]) -> int:
    import argparse

    from reader.check import check_pack, is_failure, pack_card_set

    parser = argparse.ArgumentParser(
        prog="reader check",
        description="Validate a pack: links, files, headings, glossary and cards, each "
        "problem as FILE:LINE: MESSAGE.",
    )
    parser.add_argument("path", nargs="?", help=_PATH_HELP)
    _index_dir_option(parser, "where to look for the shared search index")
    options = parser.parse_args(args)
    pack = load_pack(options.path)
    gc.enable()
    problems = check_pack(pack)
    for problem in problems:
        print(sanitize_line(str(problem)))
    index_note = _shared_index_note(pack, options.index_dir)
    if index_note is not None:
        print(sanitize_line(index_note))
    failures = sum(1 for problem in problems if is_failure(problem))
    links = sum(len(section.links) for section in pack.sections)
    terms = len(pack.glossary)
    glossary = f", {terms} glossary term{'s' if terms != 1 else ''}" if terms else ""
    cards = len(pack_card_set(pack)[0])
    card_count = f", {cards} card{'s' if cards != 1 else ''}" if cards else ""
    summary = (
        f"{len(pack.files)} files, {len(pack.sections)} sections, {links} links{glossary}"
        f"{card_count}: {failures} problem{'s' if failures != 1 else ''}"
    )
    print(summary, file=sys.stderr if failures else sys.stdout)
    return EXIT_PROBLEMS if failures else 0


def _refusing_restricted_option(parser: argparse.ArgumentParser) -> None:
    """`--restricted` on a command that writes files: it then refuses, as in restricted mode."""
    parser.add_argument(
        "--restricted",
        action="store_true",
        help=f"refuse, as in restricted mode (also ${RESTRICTED_ENV}=1)",
    )


def _refused_in_restricted_mode(options: argparse.Namespace, command: str) -> bool:
    """True (and said on stderr) when a command that writes files runs restricted."""
    if not (options.restricted or _restricted_by_environment()):
        return False
    print(
        f"reader: {command} is not available in restricted mode (it writes files)", file=sys.stderr
    )
    return True


def _index_dir_option(parser: argparse.ArgumentParser, purpose: str) -> None:
    from reader.search import INDEX_DIR_ENV

    parser.add_argument(
        "--index-dir",
        type=Path,
        metavar="DIR",
        help=f"{purpose}: one file per pack in DIR (also ${INDEX_DIR_ENV}; "
        "default: .reader/index.sqlite in the pack folder)",
    )


def _shared_index_note(pack: Pack, index_dir: Path | None) -> str | None:
    """`reader check`'s line on the shared search index: only when there is one, or a
    folder for them was named (a pack without one checks exactly as before)."""
    from reader.search import INDEX_DIR_ENV, shared_index_path, shared_index_state

    named = index_dir is not None or bool(os.environ.get(INDEX_DIR_ENV))
    path = shared_index_path(pack.root, index_dir)
    if not named and not os.path.lexists(path):
        return None
    found = shared_index_state(pack, path)
    shown = _shown_path(path, pack.root)
    rebuild = "reader index" + (f" --index-dir {index_dir}" if index_dir is not None else "")
    if found.state == "fresh":
        return f"note: shared search index {shown} is fresh"
    if found.state == "missing":
        return f"note: no shared search index at {shown}: run {rebuild} to build it"
    if found.state == "stale":
        return f"note: shared search index {shown} is stale: run {rebuild}"
    return f"note: shared search index {shown} cannot be used ({found.reason}): run {rebuild}"


def _shown_path(path: Path, root: Path) -> str:
    """A path inside the pack as the pack's authors know it (`.reader/index.sqlite`)."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _index(args: list[str]) -> int:
    """`reader index`: build the pack's search index once, where every session of the
    pack finds it (beside the pack, or in --index-dir/$READER_INDEX_DIR), so that no
    user builds or caches their own copy."""
    import argparse
    import time

    from reader.search import shared_index_path, write_shared_index

    parser = argparse.ArgumentParser(
        prog="reader index",
        description="Build the pack's search index for every user of the pack to share: "
        "sessions open it read-only instead of indexing the pack themselves, as long as "
        "the pack's files are unchanged (after a change, run this again; until then each "
        "user falls back to a private index).",
    )
    parser.add_argument("path", nargs="?", help=_PATH_HELP)
    _index_dir_option(parser, "where to write it")
    _refusing_restricted_option(parser)
    options = parser.parse_args(args)
    if _refused_in_restricted_mode(options, "index"):
        return EXIT_USAGE
    pack = load_pack(options.path)
    gc.enable()
    import sqlite3

    path = shared_index_path(pack.root, options.index_dir)
    started = time.perf_counter()
    try:
        sections = write_shared_index(pack, path)
    except (OSError, sqlite3.Error) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        print(f"reader: cannot write the search index {path}: {reason}", file=sys.stderr)
        return EXIT_PROBLEMS
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    print(
        sanitize_line(
            f"wrote {path} ({sections} sections, {size / 1_000_000:.1f} MB) in {seconds:.2f} s"
        )
    )
    return 0


def _cards(args: list[str]) -> int:
    """`reader cards`: one line a card, `DUE<TAB>SECTION-ID<TAB>QUESTION`, for grep, cut
    and scripts. What is due, and in which order, is `Study`'s answer: the app's too."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="reader cards",
        description="List the pack's self-test cards, one a line: DUE<TAB>SECTION-ID<TAB>"
        "QUESTION, in reading order. DUE is 'new' for a card never reviewed, else the time "
        "it is next due in ISO 8601, UTC, to the second (2026-12-06T10:00:00Z). QUESTION is "
        "plain text on one line.",
    )
    parser.add_argument("path", nargs="?", help=_PATH_HELP)
    parser.add_argument(
        "--due",
        action="store_true",
        help="only the cards a review started now would show, in its order: the reviews "
        "due (earliest first), then new cards within today's new-card limit",
    )
    parser.add_argument("--state-dir", type=Path, help="where review state is kept")
    parser.add_argument(
        "--no-state", action="store_true", help="ignore saved review state: every card is new"
    )
    options = parser.parse_args(args)
    pack = load_pack(options.path)
    gc.enable()
    from reader.state_io import cache_folder
    from reader.study import Study

    saving = not options.no_state
    restricted = _restricted_by_environment()
    study = Study.open(
        pack,
        state_dir=options.state_dir,
        enabled=saving,
        # The cards cache the app keeps (read only when restricted, none with --no-state).
        cache_dir=cache_folder("cards") if saving or restricted else None,
        write_cache=not restricted,
    )
    everything = study.cards.cards
    cards = study.queue() if options.due else everything
    state = study.state
    for message in [*study.messages, *study.store.take_notices()]:
        print(f"reader: {sanitize_line(message)}", file=sys.stderr)
    if not everything:
        print(f"reader: this pack has no cards ({_HOW_TO_WRITE_CARDS})", file=sys.stderr)
        return 0
    if not cards:
        upcoming = study.next_due()
        later = f"; the next falls due {_due_text(upcoming)}" if upcoming is not None else ""
        print(f"reader: no card is due now{later}", file=sys.stderr)
        return 0
    lines = []
    for card in cards:
        progress = state.get(card.id)
        due = "new" if progress is None else _due_text(progress.due)
        lines.append(f"{due}\t{sanitize_line(card.section_id)}\t{_plain_question(card)}")
    print("\n".join(lines))  # a closed pipe is BrokenPipeError, answered in main
    return 0


def _due_text(moment: datetime) -> str:
    """ISO 8601 in UTC to the second, `2026-12-06T10:00:00Z`: sorts as text, and reads
    the same on every machine."""
    from datetime import UTC

    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _plain_question(card: Card) -> str:
    """The card's front as one line of plain text: its Markdown's words without markup,
    every run of white space (a line end, a tab) one space, nothing that talks to the
    terminal (an entity such as `&#27;` decodes to a control character, removed here)."""
    from reader.markdown import strip_inline_markup

    return sanitize_line(strip_inline_markup(" ".join(card.question.splitlines())))


def _export(args: list[str]) -> int:
    """`reader export`: the pack's cards (as the user's settings choose them, as reviews
    do) to an Anki deck package or a text file for Anki's import."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="reader export",
        description="Export the pack's cards for Anki. Importing the file again updates the "
        "notes imported before instead of adding copies.",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--anki",
        metavar="FILE.apkg",
        type=Path,
        help="write an Anki deck package (one deck named after the pack)",
    )
    target.add_argument(
        "--tsv",
        metavar="FILE",
        type=Path,
        help="write a text file for Anki's import (File › Import; Anki 2.1.55 or later)",
    )
    parser.add_argument("path", nargs="?", help=_PATH_HELP)
    _refusing_restricted_option(parser)
    options = parser.parse_args(args)
    if _refused_in_restricted_mode(options, "export"):
        return EXIT_USAGE
    destination: Path = options.anki if options.anki is not None else options.tsv
    if options.anki is not None and not destination.name.lower().endswith(".apkg"):
        print(
            f"reader: warning: Anki opens a deck package only from a file ending in .apkg; "
            f"writing {sanitize_line(str(destination))} all the same",
            file=sys.stderr,
        )
    pack = load_pack(options.path)
    gc.enable()
    from reader.export import ExportError, export_anki, export_tsv
    from reader.study import Study

    study = Study.open(pack, enabled=False)  # only the settings: nothing read or written
    for message in study.messages:
        print(f"reader: {sanitize_line(message)}", file=sys.stderr)
    try:
        if options.anki is not None:
            report = export_anki(study.cards, pack.title, destination)
        else:
            report = export_tsv(study.cards, pack.title, destination)
    except ExportError as error:
        print(f"reader: {sanitize_line(str(error))}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(report.message())
    return 0


def _review(args: list[str]) -> int:
    """`reader review`: the full-screen app, opened in a review of what is due. The
    arguments are a plain start's, read the same quick way."""
    options = _common_start(args) or _review_parser().parse_args(args)
    restricted = options.restricted or _restricted_by_environment()
    _use_config_file(options.config)
    pack = load_pack(options.path)
    return _start_session(pack, options, restricted=restricted, start_review=True)


def _review_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="reader review",
        description="Start the reader in a review of the cards due now (reviews due, then "
        "today's new cards); q ends it, and the reader stays open.",
    )
    parser.add_argument("path", nargs="?", help=_PATH_HELP)
    _session_options(parser, "where reading and review state is kept")
    return parser


def _session_options(parser: argparse.ArgumentParser, state_help: str) -> None:
    """The options of a session in the full-screen reader (`reader`, `reader review`)."""
    parser.add_argument(
        "--restricted",
        action="store_true",
        help=f"locked-down mode for SSH ForceCommand (also ${RESTRICTED_ENV}=1)",
    )
    parser.add_argument("--no-state", action="store_true", help="remember nothing on disk")
    parser.add_argument("--state-dir", type=Path, help=state_help)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="line-by-line text and typed commands, for screen readers and pipes (also "
        f"TERM=dumb, {_ACCESSIBLE_ENV}=1 or {PLAIN_ENV}=1)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        help="read settings and keys from FILE (also $READER_CONFIG; see --config-path)",
    )


def _run(args: argparse.Namespace | SimpleNamespace) -> int:
    restricted = args.restricted or _restricted_by_environment()
    _use_config_file(args.config)
    if args.config_path:
        return _print_config_path()
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
        return _print_search(pack, args.search, saving=not args.no_state, restricted=restricted)
    return _start_session(pack, args, restricted=restricted)


def _use_config_file(config: Path | None) -> None:
    """`--config FILE` becomes `$READER_CONFIG` for this process, so that everything
    that reads settings (the app, a review, plain mode, the reader started again by
    "Reload pack") finds the same file without being handed it."""
    if config is not None:
        from reader.config import ENV_CONFIG

        os.environ[ENV_CONFIG] = str(config.expanduser().absolute())


def _print_config_path() -> int:
    """`reader --config-path`: the file settings are read from, whether or not it
    exists yet (stderr says which), so that a user knows where to create it."""
    from reader.config import config_path

    path = config_path()
    if path is None:
        print("reader: no home folder to keep a config.toml in; use --config FILE", file=sys.stderr)
        return EXIT_PROBLEMS
    print(sanitize_line(str(path)))
    if not path.exists():
        print("reader: (no such file yet; the reader runs with its defaults)", file=sys.stderr)
    return 0


def wants_plain(environ: Mapping[str, str]) -> bool:
    """Whether the environment asks for plain mode: `TERM=dumb`, `ACCESSIBLE` set to
    anything but empty or "0", or `READER_PLAIN` likewise."""
    if environ.get("TERM", "").strip() == "dumb":
        return True
    return any(
        environ.get(name, "").strip() not in ("", "0") for name in (_ACCESSIBLE_ENV, PLAIN_ENV)
    )


def _start_session(
    pack: Pack,
    options: argparse.Namespace | SimpleNamespace,
    *,
    restricted: bool,
    start_review: bool = False,
) -> int:
    """Plain mode when asked for, by option or environment; else the full-screen app."""
    start: Callable[..., int] = _start_app
    if options.plain or wants_plain(os.environ):
        from reader.plain import run_plain as start  # core: no Textual

        gc.enable()
    return start(
        pack,
        restricted=restricted,
        no_state=options.no_state,
        state_dir=options.state_dir,
        start_review=start_review,
    )


def _start_app(
    pack: Pack,
    *,
    restricted: bool,
    no_state: bool,
    state_dir: Path | None,
    start_review: bool = False,
) -> int:
    """The full-screen app, or, without a terminal to draw on, a message and exit 2."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "reader: needs an interactive terminal (use ssh -t, or --plain to read line by "
            "line); try --list, --print or --search",
            file=sys.stderr,
        )
        if not restricted:
            print_outline(pack)
        return EXIT_USAGE
    from reader.ui.app import run_app  # Textual loads only for the full-screen app

    return run_app(
        pack,
        restricted=restricted,
        no_state=no_state,
        state_dir=state_dir,
        start_review=start_review,
    )


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
        _print_formatted(section, cards=pack.holds_cards(section))
    else:
        print(sanitize(section.markdown).rstrip("\n"))
    return 0


def _print_formatted(section: Section, *, cards: bool = False) -> None:
    """A section drawn for a terminal as the reading pane draws it (its file's references
    and footnotes, alerts, task lists, HTML read as text), with nothing in it that talks
    to the terminal.

    Links print as `text (target)`: a terminal hyperlink (OSC 8) would let a pack show
    one address and open another. Every piece of text is sanitized again on its way out.
    `cards`: the file holds self-test cards, printed as cards with their answers shown.
    """
    from rich.console import Console

    console = Console(highlight=False)
    drawn = _drawn(section.markdown, console.width, section.definitions, styled=True, cards=cards)
    for line in drawn:
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


def _drawn(
    markdown: str, width: int, definitions: Definitions, *, styled: bool, cards: bool = False
) -> list[Text]:
    """Markdown drawn as the reading pane draws it (links as `text (target)`, references
    resolved by the `definitions` of its file), as lines of sanitized text; without
    styles for a pipe."""
    from rich.console import Console
    from rich.text import Text

    from reader.render.blocks import BASE_STYLES, BuildContext
    from reader.render.document import RenderedDocument
    from reader.render.draw import BlockRenderer, RenderStyles

    console = Console(width=width, color_system="standard" if styled else None)
    context = BuildContext(dict(BASE_STYLES), definitions, printing=True, cards=cards)
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


def _print_search(pack: Pack, query: str, *, saving: bool, restricted: bool) -> int:
    """Results as the app finds them, from the same index: the pack's fresh shared index,
    else the per-user cache (built and saved on the first search when saving is allowed
    and not restricted), so a second search never indexes the pack again. One character
    finds titles only, as in the app; a line on stderr says so, stdout stays results."""
    from reader.search import open_pack_index, title_letter

    with open_pack_index(pack, saving=saving, restricted=restricted) as index:
        hits = index.search(query, limit=20)
    letter = title_letter(query)
    if letter is not None:
        found = "titles starting with" if hits else "no title starts with"
        print(
            f"reader: one character searches titles only ({found} '{sanitize_line(letter)}'):"
            " give two or more to search the text",
            file=sys.stderr,
        )
        if not hits:
            return EXIT_PROBLEMS
    for hit in hits:
        print(f"{sanitize_line(hit.title)}  [{hit.id}]")
        if hit.path:
            print(f"    in {sanitize_line(hit.path)}")
        print(f"    {sanitize_line(hit.snippet)}")
    if not hits:
        print(f"reader: nothing matches '{sanitize_line(query)}'", file=sys.stderr)
        return EXIT_PROBLEMS
    return 0


#: `reader NAME ...`: run by `main` before anything else reads the arguments.
_SUBCOMMANDS = {
    "check": _check,
    "cards": _cards,
    "export": _export,
    "index": _index,
    "review": _review,
}


def _silence_stdout() -> None:
    """After a closed pipe (`reader --list | head`), let Python exit without a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
