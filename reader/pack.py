"""Turn a folder of Markdown (or one file) into a pack of navigable sections.

Every heading starts a section, so one outline entry never means rendering a whole
giant file. Loading reads every file but cuts only the first into sections; the others
are scanned line by line when something asks for them (the app does it right after its
first screen), and markdown-it parses a section only when its text or links are first
asked for. So the first screen of a 3.5 MB pack waits for neither. No Textual here.

No file's text stays in memory (reader.files): a section is a title and offsets, and
reads its Markdown from its file when asked. A file changed on disk since loading
raises PackChanged rather than give text its sections no longer match;
`Pack.changed_files` tells which.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from reader.files import (
    PackChanged,
    PackError,
    PackFile,
    Problem,
    discover_files,
    is_glossary_file,
    read_markdown,
)
from reader.lazy_pattern import LazyPattern
from reader.links import LinkTarget, resolve_href
from reader.markdown import (
    NO_DEFINITIONS,
    Definitions,
    Link,
    collect_definitions,
    github_slug,
    github_slugs,
    heading_titles,
    iter_links,
    parse,
    plain_text,
)
from reader.markdown_syntax import HTML_ID, SUMMARY, TAG, escape_markdown
from reader.sanitize import sanitize_line
from reader.scan import scan_lines

if TYPE_CHECKING:
    from reader.cards import CardSet
    from reader.glossary import Glossary
    from reader.summary import TocEntry

__all__ = [
    "LinkTarget",
    "Pack",
    "PackChanged",
    "PackError",
    "Problem",
    "Section",
    "file_cut_hooks",
    "file_definitions",
    "load_pack",
]

#: Each is called with a file as it is cut into sections, in the order files are cut: a
#: pack cuts its first file when it loads and the others when something asks for them.
#: Tests add one to see how lazily a pack loads; the reader itself adds none.
file_cut_hooks: list[Callable[[PackFile], None]] = []

MANIFEST_NAME = "pack.toml"
MAX_MANIFEST_BYTES = 1024 * 1024
#: A folder's own page, whose title names the pack when the manifest does not.
_ROOT_PAGES = ("readme.md", "index.md", "readme.markdown", "index.markdown")
#: The file mdBook reads its table of contents from (matched ignoring case); read by
#: reader.summary, which loads only for a pack that has one or an index page.
SUMMARY_NAME = "summary.md"
_GENERIC_TITLES = frozenset(
    {"index", "readme", "read me", "contents", "table of contents", "toc", "home", "start"}
)
_TOML_LINE = LazyPattern(r"\(at line (\d{1,9}), column \d{1,9}\)")
#: A section longer than this is cut into parts at blank lines, so no outline entry
#: ever means rendering megabytes (a file with no headings, or one 5 MB line).
MAX_SECTION_CHARS = 512 * 1024
MAX_LEVEL_DEPTH = 6
#: A pack this small is cut whole for its first screen (the sidebar fits its titles at
#: once): its texts are kept from loading until every file is cut, not read twice in a
#: row. Bigger packs read each file again when they cut it.
SMALL_PACK_CHARS = 256 * 1024
#: A pack that is one file this big or smaller keeps its text (PackFile.keep_text).
LONE_FILE_CHARS = 1024 * 1024
#: Folders nest in the outline this deep; files deeper down join the deepest entry.
MAX_FOLDER_DEPTH = 4
_VERSUS = LazyPattern(r"\b(?:vs\.?|versus)\s", re.IGNORECASE)


class Section:
    """One heading and the Markdown under it, up to the next heading.

    Plain classes here, not dataclasses: defining a dataclass costs ~1 ms of start-up,
    and the first screen waits for every module it imports.
    """

    __slots__ = (
        "_line", "_parsed", "anchor", "children", "depth", "end", "end_line", "file", "id",
        "index", "level", "parent", "start", "title",
    )  # fmt: skip

    def __init__(
        self,
        id: str,
        title: str,
        level: int,
        file: PackFile,
        line: int,
        end_line: int,
        start: int,
        end: int,
        *,
        anchor: str = "",
    ) -> None:
        self.id = id
        self.title = title
        self.level = level
        self.file = file
        # 0-based, its heading's line: the same int as the section before's end_line (one
        # object for both, 20,000 fewer ints in a file of 20,000 headings).
        self._line = line
        self.end_line = end_line  # 1-based, inclusive
        self.start = start  # character offsets into the file's text
        self.end = end
        self.index = 0
        self.depth = 0
        self.parent: Section | None = None
        # One shared empty tuple until a first child comes (`_add_child`): most sections
        # have none, and 20,000 empty lists cost a megabyte.
        self.children: Sequence[Section] = ()
        self.anchor = anchor  # GitHub anchor within its file
        # Plain text and links, parsed together on first use: one slot, not two, makes
        # each section 16 bytes smaller.
        self._parsed: tuple[str, list[Link]] | None = None

    def __repr__(self) -> str:
        return f"Section({self.id!r}, {self.title!r}, {self.path}:{self.start_line})"

    @property
    def start_line(self) -> int:
        """Its first line (the heading's), 1-based."""
        return self._line + 1

    @property
    def path(self) -> str:
        """The file it comes from, relative to the pack root."""
        return self.file.relative

    @property
    def markdown(self) -> str:
        """Its Markdown, read from its file each time (raises PackChanged if the file
        changed since the pack was loaded)."""
        return self.file.read(self.start, self.end)

    @property
    def text(self) -> str:
        """Plain text of the section, parsed on first use and kept."""
        return self._parse()[0]

    @property
    def links(self) -> list[Link]:
        """Links in the section; their `line` is 1-based in the source file."""
        return self._parse()[1]

    @property
    def definitions(self) -> Definitions:
        """The link references and footnotes its file defines, wherever in the file."""
        return file_definitions(self.file)

    def _parse(self) -> tuple[str, list[Link]]:
        if self._parsed is None:
            tokens = parse(self.markdown, self.definitions.environment())
            links = [
                Link(link.href, link.text, link.line + self.start_line)
                for link in iter_links(tokens)
            ]
            self._parsed = (plain_text(tokens), links)
        return self._parsed

    @property
    def ancestors(self) -> list[Section]:
        """From the top-level section down to the parent."""
        chain: list[Section] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def breadcrumb(self) -> str:
        return " › ".join(section.title for section in [*self.ancestors, self])


class Pack:
    """A pack: title, sections in reading order, and what went wrong on the way.

    `load_pack` reads every file and cuts only the first into sections. The rest are
    cut and indexed in file order when first needed: `sections`, `by_id`, `problems`
    and `comparison_id` wait for all of them, `get` and `following` only for as many
    as they need. Ids come out the same either way, since each file is indexed after
    the ones before it.
    """

    __slots__ = (
        "_anchors", "_by_id", "_card_files", "_card_sets", "_comparison_id", "_cut_ahead",
        "_file_starts", "_files_by_real", "_files_indexed", "_folder_chain", "_glossary",
        "_glossary_files", "_loaded_texts", "_lock", "_may_hold_cards", "_plan", "_problems",
        "_sections", "_slugs", "_wanted_comparison", "files", "manifest", "root", "title",
    )  # fmt: skip

    def __init__(
        self,
        root: Path,
        title: str,
        files: list[PackFile],
        problems: list[Problem],
        *,
        wanted_comparison: object = None,
        manifest: dict[str, object] | None = None,
    ) -> None:
        self.root = root
        #: The manifest's settings as read (`{}` without one): each feature reads its own.
        self.manifest: dict[str, object] = {} if manifest is None else manifest
        self.title = title
        self.files = files  # every readable file, in reading order
        self._problems = problems
        self._wanted_comparison = wanted_comparison  # the manifest's `comparison`, if any
        self._sections: list[Section] = []
        self._by_id: dict[str, Section] = {}
        self._comparison_id: str | None = None
        # File -> anchor -> section, for the files that links have pointed into.
        self._anchors: dict[str, dict[str, Section]] = {}
        self._file_starts: dict[str, Section] = {}
        self._files_by_real: dict[Path, PackFile] = {}
        self._slugs: dict[str, int] = {}  # ids given so far, for `_unique`, while indexing
        self._files_indexed = 0  # files[:_files_indexed] are in `_sections`
        self._cut_ahead: dict[int, list[Section]] = {}  # for the title
        #: A small pack's texts as loading read them, by relative path, until every file
        #: is cut (see `load_pack`); empty for a bigger pack, whose files are read again.
        self._loaded_texts: dict[str, str] = {}
        self._folder_chain: list[tuple[str, Section]] = []  # the last file's folder entries
        self._glossary: Glossary | None = None
        self._glossary_files: list[int] | None = None
        self._card_sets: dict[tuple[bool, bool], CardSet] = {}
        self._card_files: dict[str, bool] = {}  # by relative path: see `holds_cards`
        self._may_hold_cards: bool | None = None
        #: The pack's own reading order (a SUMMARY.md or an index page), if it has one.
        self._plan: _ReadingPlan | None = None
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"Pack({self.title!r}, {len(self.files)} files, root={str(self.root)!r})"

    @property
    def loaded(self) -> bool:
        """Whether every file is cut into sections and indexed."""
        return self._files_indexed == len(self.files)

    def load_all(self) -> None:
        """Cut and index the files not done yet: a 3.5 MB pack takes a tenth of a second."""
        while self._index_next_file():
            pass

    @property
    def sections(self) -> list[Section]:
        self.load_all()
        return self._sections

    @property
    def by_id(self) -> dict[str, Section]:
        self.load_all()
        return self._by_id

    @property
    def problems(self) -> list[Problem]:
        self.load_all()
        return self._problems

    @property
    def comparison_id(self) -> str | None:
        self.load_all()
        return self._comparison_id

    @property
    def glossary(self) -> Glossary:
        """The terms the pack's glossary files define (none: an empty glossary), read the
        first time they are asked for."""
        with self._lock:
            if self._glossary is None:
                from reader.glossary import Glossary  # a pack without one never loads it

                self._glossary = Glossary([self.files[index] for index in self.glossary_files])
            return self._glossary

    @property
    def glossary_files(self) -> list[int]:
        """Which files (by position) are glossary files: told without reading them."""
        with self._lock:
            if self._glossary_files is None:
                self._glossary_files = [
                    index
                    for index, pack_file in enumerate(self.files)
                    if is_glossary_file(pack_file)
                ]
            return self._glossary_files

    @property
    def has_glossary(self) -> bool:
        """Whether the pack defines any term (a pack with no glossary file reads nothing)."""
        return bool(self.glossary_files) and bool(self.glossary)

    @property
    def card_files_listed(self) -> list[str]:
        """The files the manifest's `cards = [...]` opts into holding cards."""
        listed = self.manifest.get("cards")
        if not isinstance(listed, list):
            return []
        return [name for name in listed if isinstance(name, str)]

    def holds_cards(self, section: Section) -> bool:
        """Whether the section's file has opted into holding cards (drawn as cards)."""
        with self._lock:
            relative = section.file.relative
            known = self._card_files.get(relative)
            if known is None:
                listed = self.card_files_listed
                known = relative in listed
                if not known and _might_opt_in_file(section.file, unknown=False):
                    from reader.cards import is_card_file  # only a file that might, reads it

                    known = is_card_file(section.file, listed)
                self._card_files[relative] = known
            return known

    def may_hold_cards(self) -> bool:
        """Whether the pack could have any card at all, told without reading cards: a
        manifest list, a glossary, a comparison, or a file mentioning the tag or front
        matter `cards:` (the app then does not even load the study modules)."""
        if self._may_hold_cards is None:
            self._may_hold_cards = bool(
                self.card_files_listed or self.glossary_files or self.comparison_id
            ) or any(_might_opt_in_file(pack_file, unknown=True) for pack_file in self.files)
        return self._may_hold_cards

    def changed_files(self) -> list[str]:
        """The files (pack-relative) changed, replaced or deleted since the pack was
        loaded, by their stat identity: one `stat` a file, cheap to ask every few seconds."""
        changed = [pack_file.relative for pack_file in self.files if pack_file.changed()]
        hidden = self._plan.hidden if self._plan is not None else None
        if hidden is not None and hidden.changed():  # the order itself changed
            changed.append(hidden.relative)
        return changed

    def cards(self, *, glossary: bool = True, comparison: bool = True) -> CardSet:
        """The pack's self-test cards, found the first time they are asked for (a pack
        that never reviews never reads them); derived ones can be left out."""
        with self._lock:
            key = (glossary, comparison)
            if key not in self._card_sets:
                from reader.cards import pack_cards

                self._card_sets[key] = pack_cards(self, glossary=glossary, comparison=comparison)
            return self._card_sets[key]

    def section_at(self, path: str, line: int) -> Section | None:
        """The section of file `path` (relative) that holds its line `line` (1-based)."""
        found: Section | None = None
        for section in self.sections:
            if section.path == path and section.start_line <= line:
                found = section
            elif found is not None and section.path != path:
                break
        return found

    def definitions_of(self, path: str) -> Definitions:
        """The link references and footnotes file `path` (relative) defines, as its
        sections know them: what a glossary definition's `[text][ref]` needs."""
        for pack_file in self.files:
            if pack_file.relative == path:
                self._sections_of(self.files.index(pack_file))  # cut: its definitions found
                return file_definitions(pack_file)
        return NO_DEFINITIONS

    def in_glossary(self, section: Section) -> bool:
        """Whether the section is part of a glossary file (its terms are not marked)."""
        return any(self.files[index] is section.file for index in self.glossary_files)

    @property
    def top_level(self) -> list[Section]:
        return [section for section in self.sections if section.parent is None]

    @property
    def first_section(self) -> Section:
        """Where reading starts; `load_pack` has cut its file already."""
        return self._sections[0]

    def get(self, section_id: str) -> Section | None:
        """A section by id, cutting files only up to the one that holds it."""
        section = self._by_id.get(section_id)
        while section is None and self._index_next_file():
            section = self._by_id.get(section_id)
        # Another thread may have indexed the last files between the look and the loop.
        return section if section is not None else self._by_id.get(section_id)

    def following(self, section: Section) -> Section | None:
        """The section after this one in reading order, or None at the end."""
        index = section.index + 1
        while index >= len(self._sections) and self._index_next_file():
            pass
        return self._sections[index] if index < len(self._sections) else None

    def find(self, query: str) -> Section | None:
        """A section by id, by exact title, or by title ignoring case: for `--print`."""
        if query in self.by_id:
            return self.by_id[query]
        folded = query.casefold().strip()
        for section in self.sections:
            if section.title.casefold() == folded:
                return section
        return self.by_id.get(github_slug(query))

    def resolve(self, section: Section, href: str) -> LinkTarget:
        """Where a link in `section` leads: a section of this pack, or why not."""
        self.load_all()
        if not self._files_by_real:
            self._files_by_real = {pack_file.real: pack_file for pack_file in self.files}
        target = resolve_href(self.root, section.file, href, self._files_by_real)
        if target.kind != "file" or target.file is None:
            return target
        fragment = target.fragment
        if fragment:
            found = self._file_anchors(target.file).get(fragment.lower())
            if found is None:
                start = self._file_starts.get(target.file.relative)
                return LinkTarget(
                    "missing",
                    href,
                    section_id=start.id if start else None,
                    reason=f"no heading '#{fragment}' in {target.file.relative}",
                )
            return LinkTarget("section", href, section_id=found.id)
        start = self._file_starts.get(target.file.relative)
        if start is None:
            return LinkTarget("missing", href, reason=f"{target.file.relative} has no sections")
        return LinkTarget("section", href, section_id=start.id)

    def _file_anchors(self, pack_file: PackFile) -> dict[str, Section]:
        """A file's sections by anchor, gathered the first time a link points into it
        (kept for every section of a 20,000-heading file, the map cost 2 MB)."""
        anchors = self._anchors.get(pack_file.relative)
        if anchors is None:
            anchors = {}
            start = self._file_starts.get(pack_file.relative)
            if start is not None:
                sections = itertools.islice(self._sections, start.index, None)
                of_file = list(itertools.takewhile(lambda s: s.file is pack_file, sections))
                for section in of_file:
                    if section.anchor:
                        anchors.setdefault(section.anchor, section)
                _add_html_ids(anchors, of_file)
            self._anchors[pack_file.relative] = anchors
        return anchors

    def _index_next_file(self) -> bool:
        """Cut the next file into sections and index them; False once all are in.

        Locked: the search index's thread may ask for every section while the app asks
        for one.
        """
        with self._lock:
            position = self._files_indexed
            if position == len(self.files):
                return False
            plan = self._plan
            if plan is not None:  # ids come in the order files had before: give them first
                last = len(plan.id_files) - 1 if position + 1 == len(self.files) else None
                _give_ids_through(self, plan.id_rank[position] if last is None else last)
            sections = self._cut_ahead.pop(position, None)
            if sections is None:
                sections = self._split(position)
            _index_file(self, sections)
            if position + 1 == len(self.files):
                self._comparison_id = _comparison(self, self._wanted_comparison)
                self._slugs = {}  # no id is given after the last file
                self._loaded_texts = {}
            self._files_indexed = position + 1
            return True

    def _sections_of(self, position: int) -> list[Section]:
        """One file's sections, cut now (and kept for its turn) if it is not indexed yet."""
        with self._lock:
            if position >= self._files_indexed:
                if position not in self._cut_ahead:
                    self._cut_ahead[position] = self._split(position)
                return self._cut_ahead[position]
            pack_file = self.files[position]
            start = self._file_starts[pack_file.relative].index
            return list(
                itertools.takewhile(
                    lambda section: section.file is pack_file, self._sections[start:]
                )
            )

    def _split(self, position: int) -> list[Section]:
        """Cut one file, from the text loading read if a small pack still holds it."""
        pack_file = self.files[position]
        text = self._loaded_texts.get(pack_file.relative, "")
        return _split_safely(pack_file, self._problems, text)


def _might_opt_in_file(pack_file: PackFile, *, unknown: bool) -> bool:
    """`_might_opt_in` of a file, as found when it was cut (read again if it was not);
    `unknown` for a file that changed since loading."""
    known = pack_file.mentions_cards
    if known is not None:
        return known
    try:
        return _might_opt_in(pack_file.text)
    except PackChanged:
        return unknown


def _might_opt_in(text: str) -> bool:
    """Whether a file's text could opt it into holding cards (the `#flashcards` tag in a
    usual spelling, or front matter naming `cards`), told by plain searches: most files
    are ruled out without loading reader.cards."""
    return (
        "lashcards" in text
        or "LASHCARDS" in text
        or "lashCards" in text
        or (text.startswith("---") and "cards:" in text[:65536])
    )


def default_pack_path() -> Path:
    """The bundled eczema pack: inside the wheel, or beside the package when editable."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_content", here.parent / "content"):
        if candidate.is_dir():
            return candidate
    return here / "_content"


def load_pack(path: Path | str | None = None) -> Pack:
    """Load a pack from a folder or a single Markdown file; raise PackError if impossible."""
    root_path = Path(path) if path is not None else default_pack_path()
    problems: list[Problem] = []
    manifest = _read_manifest(root_path, problems) if root_path.is_dir() else {}
    found = discover_files(root_path, problems, order=manifest.get("order"))
    files: list[PackFile] = []
    texts: dict[str, str] = {}  # kept until each file is cut, while the pack is small
    tocs: dict[str, tuple[PackFile, str]] = {}  # root files that may give the order
    first_text, total = "", 0
    for pack_file in found:
        text = read_markdown(pack_file, problems)
        # Files with more than whitespace: `text.strip()` would copy the text to say so.
        if text and not text.isspace():
            files.append(pack_file)
            first_text = first_text or text
            total += len(text)
            if total <= SMALL_PACK_CHARS:
                texts[pack_file.relative] = text
            if pack_file.relative.lower() in _TOC_NAMES:  # only at the root: no "/"
                tocs[pack_file.relative.lower()] = (pack_file, text)
        del text
    if not files:  # say why: "binary file" or "empty file" beats "no Markdown here"
        why = "; ".join(str(problem) for problem in problems[:3])
        raise PackError(
            f"{root_path}: no readable Markdown here (.md or .markdown files)"
            + (f" ({why})" if why else "")
        )
    plan: _ReadingPlan | None = None
    if tocs and root_path.is_dir():
        names = {pack_file.relative for pack_file in found}
        ordered = _reading_plan(files, tocs, manifest.get("order"), problems, names)
        if ordered is not None:
            reordered, plan = ordered
            if reordered[0] is not files[0]:
                first_text = texts.get(reordered[0].relative, "")  # else read again
            files = reordered
    del tocs
    root = root_path.resolve() if root_path.is_dir() else root_path.resolve().parent
    pack = Pack(
        root, "", files, problems, wanted_comparison=manifest.get("comparison"), manifest=manifest
    )
    pack._plan = plan
    if total <= SMALL_PACK_CHARS:
        pack._loaded_texts = texts
    elif len(files) == 1 and total <= LONE_FILE_CHARS:
        files[0].keep_text(first_text)
    elif len(files) == 1:  # cut whole just below: kept for that, not read again (<details)
        pack._loaded_texts = {files[0].relative: first_text}
    del texts
    # No second read (a pack whose own order starts elsewhere reads its first file again).
    pack._cut_ahead[0] = _split_safely(files[0], problems, first_text)
    if not pack._cut_ahead[0]:  # read again, and changed since: nowhere to start reading
        raise PackChanged(files[0].relative)
    del first_text
    pack._index_next_file()  # the first file: where reading starts
    pack.title = _pack_title(root_path, manifest, pack)
    return pack


def _read_manifest(folder: Path, problems: list[Problem]) -> dict[str, object]:
    """The manifest's settings, or none: a manifest that cannot be used is a problem of
    the pack (`reader check` shows it), never a reason not to open the pack's files."""
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    # The same containment as a Markdown file: a manifest linked in from outside the pack
    # would show (and order by) text from anywhere on the host. The folder walk has
    # already reported the link.
    if not manifest.resolve().is_relative_to(folder.resolve()):
        return {}
    import tomllib  # only packs with a manifest pay for it

    try:
        if manifest.stat().st_size > MAX_MANIFEST_BYTES:
            raise ValueError(f"larger than {MAX_MANIFEST_BYTES // 1024} KB")
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        # ValueError covers TOMLDecodeError and UnicodeDecodeError; tomllib recurses once
        # per level of nesting, so `a=[[[[…` thousands deep ends in RecursionError.
        problems.append(Problem(MANIFEST_NAME, _toml_line(error), _manifest_error(error)))
        return {}
    return data


def _manifest_error(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        reason = "nested too deeply"
    elif isinstance(error, OSError):
        reason = error.strerror or str(error)
    elif isinstance(error, UnicodeDecodeError):
        reason = "not valid UTF-8"
    else:
        reason = str(error)
    return f"cannot read the manifest ({reason}); ignored"


def _toml_line(error: BaseException) -> int:
    """The line tomllib names in its message ("… (at line 3, column 7)"), else 0."""
    found = _TOML_LINE.search(str(error)) if isinstance(error, ValueError) else None
    return int(found.group(1)) if found else 0


def _pack_title(path: Path, manifest: dict[str, object], pack: Pack) -> str:
    """The manifest's title, a lone file's first heading, a README's or index's first
    top-level heading, or the folder's name. Only README and index files are cut for it."""
    title = manifest.get("title")
    if isinstance(title, str) and title.strip():
        return sanitize_line(title)
    if path.is_file() or len(pack.files) == 1:
        return pack.first_section.title
    for position, pack_file in enumerate(pack.files):
        if pack_file.relative.lower() in _ROOT_PAGES:
            for section in pack._sections_of(position):
                # The file's entry (a front matter title) or its first top-level heading;
                # "Index" or "README" says nothing (the Node.js docs showed Index › Index).
                if section.level <= 1 and section.title.casefold() not in _GENERIC_TITLES:
                    return section.title
                if section.level <= 1:
                    break
    return sanitize_line(path.resolve().name) or "Untitled pack"


def _split_safely(pack_file: PackFile, problems: list[Problem], text: str = "") -> list[Section]:
    """`_split_file`, or no sections for a file changed since loading: the outline the
    pack was loaded with stays whole, and `changed_files` names the file."""
    try:
        return _split_file(pack_file, problems, text)
    except PackChanged:
        problems.append(
            Problem(pack_file.relative, 0, "changed since the pack was opened; reload to read it")
        )
        return []


def _split_file(pack_file: PackFile, problems: list[Problem], text: str = "") -> list[Section]:
    """Cut a file into sections at its headings; the text before them is one more.

    The file's text (read again unless given) and lines live only as long as this:
    kept for every file of a 3.5 MB pack, they cost more memory than anything else.
    Raises PackChanged for a file changed since loading.
    """
    for hook in file_cut_hooks:
        hook(pack_file)
    text = text or pack_file.text
    pack_file.mentions_cards = _might_opt_in(text)
    pack_file.mentions_details = "<details" in text
    lines = text.split("\n")
    lines.pop()  # the "" after the final line end (`read_markdown` ends every text so)
    headings, body_start, front_matter_title, break_lines, definition_lines = scan_lines(lines)
    # Where each line starts: accumulate runs in C, a third faster than appending in a loop.
    offsets = list(itertools.accumulate([len(line) + 1 for line in lines], initial=0))
    if definition_lines:
        pack_file.definition_starts = [offsets[number] for number in definition_lines]
    # Each heading is (level, raw text, first line, line after), as `scan_lines` gives it.
    has_intro = not headings or _has_text(lines[body_start : headings[0][2]])
    if front_matter_title and (has_intro or headings[0][0] != 1):
        # The front matter names the file (npm's and Hugo's docs open with `title:` and
        # then generic headings: Synopsis, Description): the file is one entry in the
        # outline, level 0, and every heading in it nests below.
        headings.insert(0, (0, front_matter_title, body_start, body_start))
    elif has_intro:
        title = _title_from_name(pack_file.relative)
        first_level = min((heading[0] for heading in headings), default=1)
        headings.insert(0, (first_level, title, body_start, body_start))
    ends = [heading[2] for heading in headings[1:]]  # a section ends where the next starts
    ends.append(len(lines))
    del lines  # before the sections are made: they take the memory the lines free
    titles = heading_titles([heading[1] for heading in headings])
    if "" in titles:  # one look for the rare empty heading, not a test per title
        titles = [title or "(untitled)" for title in titles]
    sections: list[Section] = []
    end = 0
    for (level, _, line, _), title, anchor, end_line in zip(
        headings, titles, github_slugs(titles), ends, strict=True
    ):
        # Fresh ints (`+ 0` makes one), one where a section ends and the next starts: kept
        # from the list, every fourth of its 80,000 ints held most of their memory pages
        # (2 MB) after the rest were freed.
        start = end if end == offsets[line] else offsets[line] + 0
        end = offsets[end_line] + 0
        section = Section("", title, level, pack_file, line, end_line, start, end)
        section.anchor = anchor  # set apart: a keyword argument costs more than this
        if end - start <= MAX_SECTION_CHARS:
            sections.append(section)
        else:
            sections.extend(_cut_if_huge(section, text, break_lines, offsets, problems))
    pack_file.map_offsets(text, [section.start for section in sections])
    return sections


def _add_html_ids(anchors: dict[str, Section], sections: list[Section]) -> None:
    """Anchors of the HTML ids in a file's text (`<a id="DEP0190"></a>` above a heading,
    as the Node.js docs mark theirs): an id leads to the section holding it, or to the
    next one when nothing but tags follows it in its own (it marks the next heading).
    Headings' own anchors win."""
    if not sections:
        return
    try:
        text = sections[0].file.text
    except PackChanged:
        return  # its sections cannot be read either: no anchors to lead to them
    if "<" not in text:
        return
    starts = [section.start for section in sections]
    for match in HTML_ID.finditer(text):
        at = bisect.bisect_right(starts, match.start()) - 1
        if at < 0:
            continue
        section = sections[at]
        rest = text[match.end() : section.end]
        if at + 1 < len(sections) and not TAG.sub("", rest[rest.find(">") + 1 :]).strip():
            section = sections[at + 1]
        anchor = (match[1] or match[2] or match[3] or "").lower()
        if anchor:
            anchors.setdefault(anchor, section)


def file_definitions(pack_file: PackFile) -> Definitions:
    """A file's link reference and footnote definitions, parsed once on first use."""
    if pack_file.definitions is None:
        starts = pack_file.definition_starts
        definitions = collect_definitions(pack_file.text, starts) if starts else NO_DEFINITIONS
        pack_file.definitions = definitions
    return pack_file.definitions


def _cut_if_huge(
    section: Section,
    text: str,
    break_lines: list[int],
    offsets: list[int],
    problems: list[Problem],
) -> list[Section]:
    """A section over MAX_SECTION_CHARS as parts cut at blank lines; `text` is its file's,
    and `offsets` says where each of its lines starts."""
    if section.end - section.start <= MAX_SECTION_CHARS:
        return [section]
    breaks = [offsets[n] for n in break_lines if section.start_line <= n < section.end_line]
    cuts = [section.start]
    while section.end - cuts[-1] > MAX_SECTION_CHARS:  # every part must fit, not just the last
        low, limit = cuts[-1] + MAX_SECTION_CHARS // 2, cuts[-1] + MAX_SECTION_CHARS
        at = bisect.bisect_right(breaks, limit) - 1
        if at >= 0 and breaks[at] >= low:
            cuts.append(breaks[at])  # at a blank line
        else:  # none near: after a line end, else after a space, else anywhere
            newline, space = text.rfind("\n", low, limit), text.rfind(" ", low, limit)
            cuts.append(newline + 1 if newline >= 0 else space + 1 if space >= 0 else limit)
    cuts.append(section.end)
    problems.append(
        Problem(
            section.path,
            section.start_line,
            f"section '{section.title}' is {(section.end - section.start) // 1024}"
            f" KB; shown in {len(cuts) - 1} parts",
            severity="note",
        )
    )
    parts = []
    for number, (start, end) in enumerate(itertools.pairwise(cuts), start=1):
        title = section.title if number == 1 else f"{section.title} (part {number})"
        parts.append(
            Section(
                "",
                title,
                section.level,
                section.file,
                bisect.bisect_right(offsets, start) - 1,  # the line holding it, 0-based
                bisect.bisect_right(offsets, max(start, end - 1)),  # 1-based
                start,
                end,
                anchor=section.anchor if number == 1 else "",
            )
        )
    return parts


def _has_text(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _title_from_name(relative: str) -> str:
    stem = PurePosixPath(relative).stem
    words = stem.lstrip("0123456789-_ ").replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) if words else stem


def _index_file(pack: Pack, sections: list[Section]) -> None:
    """Number one file's sections after those already in, nest them by level (afresh in
    every file), and give them ids unique in the pack."""
    if not sections:
        return
    stack: list[Section] = []
    pack._file_starts[sections[0].file.relative] = sections[0]
    plan = pack._plan
    if plan is not None and sections[0].file.relative in plan.parents:
        folder, outer_folder, base_depth, folder_entry = _enter_summary(pack, plan, sections)
    else:
        folder, outer_folder, base_depth, folder_entry = _enter_folders(pack, sections)
    if plan is None:  # ids come in reading order, a folder's entry before its files
        _give_ids(pack, sections)
    by_id = pack._by_id
    for index, section in enumerate(sections, start=len(pack._sections)):
        section.index = index
        level = section.level
        while stack and stack[-1].level >= level:
            stack.pop()
        if len(stack) >= MAX_LEVEL_DEPTH:
            stack = stack[: MAX_LEVEL_DEPTH - 1]
        if stack:
            parent: Section | None = stack[-1]
        elif section is folder_entry:  # a folder's README: the folder's own entry
            parent = outer_folder
        else:  # the file's top sections live in its folder
            parent = folder
        section.parent = parent
        section.depth = len(stack) + (base_depth - 1 if section is folder_entry else base_depth)
        if parent is not None:
            _add_child(parent, section)
        if section is not folder_entry:  # its file's other top sections nest below it
            stack.append(section)
        by_id[section.id] = section
    pack._sections.extend(sections)


def _give_ids(pack: Pack, sections: list[Section], problems: list[Problem] | None = None) -> None:
    """Give one file's sections ids unique in the pack, after the files given theirs
    before it: GitHub's anchors, `-1`, `-2` after a repeat."""
    seen = pack._slugs
    problems = pack._problems if problems is None else problems
    file_anchors: dict[str, int] = {}
    relative = sections[0].file.relative if sections else ""
    for section in sections:
        # `_unique` inline for a slug not seen yet, the usual case: same result, no call.
        anchor = section.anchor
        slug = anchor or github_slug(section.title) or "section"
        if slug in seen:
            slug = _unique(slug, seen)
        else:
            seen[slug] = 0
        section.id = slug
        if anchor:
            if anchor in file_anchors:
                unique = _unique(anchor, file_anchors)
                problems.append(
                    Problem(
                        relative,
                        section.start_line,
                        f"duplicate heading '{section.title}': its anchor"
                        f" is #{unique}, links to #{anchor} go to"
                        " the first one",
                        severity="warning",
                    )
                )
                section.anchor = anchor = unique
            else:
                file_anchors[anchor] = 0


def _add_child(parent: Section, child: Section) -> None:
    """Append a child, giving the parent a list of its own at the first one."""
    children = parent.children
    if isinstance(children, list):
        children.append(child)
    else:
        parent.children = [child]


def _enter_folders(
    pack: Pack, sections: list[Section]
) -> tuple[Section | None, Section | None, int, object]:
    """The outline entries of a file's folders, made as the file is indexed.

    A pack with folders (npm's `commands/`, `configuring-npm/`) reads as a book with
    chapters: each folder is an entry holding its files. A folder's README or index,
    when it comes first in the folder, is the folder's entry itself; otherwise a
    short entry titled after the folder is made (its page lists what it holds). Files
    of one folder that the manifest's order separates get one entry per run, so the
    outline always follows reading order.

    Returns the innermost folder's entry (None at the root), the entry of the folder
    around it, the depth of the file's top sections, and the file's section that is the
    folder's entry, if the file provides one.
    """
    pack_file = sections[0].file
    parts = pack_file.relative.split("/")[:-1][:MAX_FOLDER_DEPTH]
    chain = pack._folder_chain
    kept = 0
    while kept < min(len(chain), len(parts)) and chain[kept][0] == "/".join(parts[: kept + 1]):
        kept += 1
    del chain[kept:]
    folder_entry: object = None
    for depth in range(kept, len(parts)):
        path = "/".join(parts[: depth + 1])
        parent = chain[-1][1] if chain else None
        stem = PurePosixPath(pack_file.relative).stem.lower()
        is_last = depth == len(parts) - 1
        if is_last and stem in ("readme", "index") and len(parts) <= MAX_FOLDER_DEPTH:
            entry = sections[0]  # indexed with the file's sections, below
            folder_entry = entry
        else:
            entry = _folder_section(pack, path, parts[depth])
            entry.parent = parent
            entry.depth = depth
            if parent is not None:
                _add_child(parent, entry)
            _index_folder_section(pack, entry, path)
        chain.append((path, entry))
    folder = chain[-1][1] if chain else None
    outer = chain[-2][1] if len(chain) > 1 else None  # the parent of this folder's entry
    return folder, outer, len(chain), folder_entry


def _folder_section(pack: Pack, path: str, name: str) -> Section:
    """An outline entry for a folder without a README or index of its own."""
    title = _title_from_name(name) or name
    text = f"# {escape_markdown(title)}\n"
    folder_file = PackFile(pack.root / path / "index.md", f"{path}/", pack.root / path, text)
    return Section("", title, 0, folder_file, 0, 1, 0, len(text))


def _index_folder_section(pack: Pack, section: Section, path: str) -> None:
    """Number a folder's entry and give it its id: the next one the folder was given in
    the order ids come in, or (a pack with its own order, where a folder's files can
    come in more runs than before) one of the made entries' own (`_made_id`)."""
    section.index = len(pack._sections)
    plan = pack._plan
    if plan is None:
        section.id = _unique(github_slug(section.title) or "folder", pack._slugs)
    else:
        reserved = plan.folder_ids.get(path)
        section.id = reserved.pop(0) if reserved else _made_id(plan, "folder", section.title)
    pack._by_id[section.id] = section
    pack._sections.append(section)


class _ReadingPlan:
    """A pack's own reading order (`reader.summary`), and what laying it out needs.

    Ids do not follow it: a section keeps the id it had in path (or manifest) order, so
    reading state (progress, bookmarks, history) keyed by ids survives a SUMMARY.md
    being added or edited. Ids are given file by file in that old order, as far as the
    file being indexed needs (`_give_ids_through`), cutting the files before it early.
    """

    __slots__ = (
        "folder_ids", "hidden", "hidden_text", "id_chain", "id_files", "id_rank",
        "ids_given", "made", "made_slugs", "parents", "parts", "position_by_rank", "stack",
        "toc_name", "with_children",
    )  # fmt: skip

    def __init__(self, toc_name: str, id_files: list[PackFile], reading: list[PackFile]) -> None:
        self.toc_name = toc_name  # the file the order comes from, pack-relative
        self.id_files = id_files  # every file in the order ids are given in
        rank = {pack_file.relative: number for number, pack_file in enumerate(id_files)}
        self.id_rank = [rank[pack_file.relative] for pack_file in reading]  # by position
        self.position_by_rank = [-1] * len(id_files)  # -1: the hidden SUMMARY.md
        for position, number in enumerate(self.id_rank):
            self.position_by_rank[number] = position
        self.ids_given = 0
        self.hidden: PackFile | None = None  # a SUMMARY.md that is the order, not a page
        self.hidden_text = ""
        self.folder_ids: dict[str, list[str]] = {}  # ids folders' entries were given
        self.id_chain: list[str] = []  # folders of the last file given ids
        #: Each file the order places (and each part title) -> its parent there: a file's
        #: path, a part's key, or "" at the top.
        self.parents: dict[str, str] = {}
        self.with_children: set[str] = set()  # files other files are listed under
        self.parts: dict[str, tuple[str, int]] = {}  # part key -> (title, line)
        self.made: dict[str, Section] = {}  # part key -> its outline entry, once made
        self.stack: list[tuple[str, Section]] = []  # the entries open while laying out
        self.made_slugs: dict[str, int] = {}


#: The files at the pack root that may give its reading order, lower case.
_TOC_NAMES = frozenset({SUMMARY_NAME, *_ROOT_PAGES})


def _reading_plan(
    files: list[PackFile],
    tocs: dict[str, tuple[PackFile, str]],
    order: object,
    problems: list[Problem],
    found: set[str],
) -> tuple[list[PackFile], _ReadingPlan] | None:
    """The files in the pack's own order and the plan laying them out, from a root
    SUMMARY.md, else a root index page that is mostly links to pack files; None when
    neither gives one. `files` are in path (or manifest) order, `tocs` the candidate
    files' texts by lower-case name; the manifest's `order` keeps its files first."""
    from reader.summary import index_entries, summary_entries

    named = {str(name) for name in order} if isinstance(order, list) else set()
    by_name = {pack_file.relative: pack_file for pack_file in files}
    front: list[PackFile] = []
    hidden: PackFile | None = None
    summary = tocs.get(SUMMARY_NAME)
    if summary is not None:
        toc_file, text = summary
        entries = summary_entries(text)
        if toc_file.relative not in named:
            hidden = toc_file
        _report_summary(toc_file.relative, entries, found, problems)
    else:
        for name in _ROOT_PAGES:
            if name not in tocs:
                continue
            toc_file, text = tocs[name]
            others = by_name.keys() - {toc_file.relative}
            listed_entries = index_entries(text, "", others.__contains__)
            if listed_entries:
                entries = listed_entries
                front = [] if toc_file.relative in named else [toc_file]
                break
        else:
            return None
    taken = named | {pack_file.relative for pack_file in front}
    if hidden is not None:
        taken.add(hidden.relative)
    listed: list[PackFile] = []
    parents: dict[str, str] = {}
    parts: dict[str, tuple[str, int]] = {}
    with_children: set[str] = set()
    open_entries: list[tuple[int, str]] = []  # (depth, key) of the entries a new one may nest in
    for entry in entries:
        if entry.kind == "part":
            key = f"\0part{len(parts)}"  # never a file's path
            parts[key] = (sanitize_line(entry.title) or "Part", entry.line)
            parents[key] = ""
            open_entries = [(entry.depth, key)]
            continue
        if entry.kind != "chapter" or entry.path not in by_name or entry.path in taken:
            continue
        taken.add(entry.path)
        while open_entries and open_entries[-1][0] >= entry.depth:
            open_entries.pop()
        parent = open_entries[-1][1] if open_entries else ""
        parents[entry.path] = parent
        if parent in by_name:
            with_children.add(parent)
        open_entries.append((entry.depth, entry.path))
        listed.append(by_name[entry.path])
    if not listed:
        return None
    first = [pack_file for pack_file in files if pack_file.relative in named]  # manifest order
    rest = [pack_file for pack_file in files if pack_file.relative not in taken]
    reading = first + front + listed + rest
    plan = _ReadingPlan(toc_file.relative, files, reading)
    plan.hidden = hidden
    plan.parents = parents
    plan.parts = parts
    plan.with_children = with_children
    if hidden is not None:
        plan.hidden_text = text
    return reading, plan


def _report_summary(
    name: str, entries: list[TocEntry], found: set[str], problems: list[Problem]
) -> None:
    """What `reader check` says of a SUMMARY.md's entries: a file that is not there, one
    out of the pack or not Markdown, one listed twice. (A file found but unreadable or
    empty has its own problem already.)"""
    seen: set[str] = set()
    for entry in entries:
        if entry.kind == "chapter":
            if entry.path not in found:
                problems.append(Problem(name, entry.line, f"'{entry.path}' does not exist"))
            elif entry.path in seen:
                problems.append(
                    Problem(name, entry.line, f"'{entry.path}' is listed again; shown once", "note")
                )
            seen.add(entry.path)
        elif entry.kind == "outside":
            problems.append(
                Problem(
                    name, entry.line, f"'{entry.href}' is outside the pack; left out", "warning"
                )
            )
        elif entry.kind == "other":
            problems.append(
                Problem(
                    name, entry.line, f"'{entry.href}' is not a Markdown file; left out", "warning"
                )
            )


def _give_ids_through(pack: Pack, rank: int) -> None:
    """Give ids to the files up to `rank` in the order ids come in, as the pack gave
    them before it had an order of its own (folders' entries included): each file is
    cut now, and kept for its turn in reading order."""
    plan = pack._plan
    if plan is None:
        return
    while plan.ids_given <= rank:
        position = plan.position_by_rank[plan.ids_given]
        problems: list[Problem] | None = None  # the pack's
        if position >= 0:
            sections = pack._sections_of(position)
        elif plan.hidden is not None:  # its headings' ids stay taken, as before
            sections = _split_safely(plan.hidden, [], plan.hidden_text)
            problems, plan.hidden_text = [], ""  # its own problems were said when read
        else:
            sections = []
        if sections:
            _reserve_folder_ids(pack, plan, sections)
            _give_ids(pack, sections, problems)
        plan.ids_given += 1


def _reserve_folder_ids(pack: Pack, plan: _ReadingPlan, sections: list[Section]) -> None:
    """The ids `_enter_folders` gave this file's folders' entries in the old order,
    kept for whichever entries of those folders the outline makes."""
    relative = sections[0].file.relative
    parts = relative.split("/")[:-1][:MAX_FOLDER_DEPTH]
    chain = plan.id_chain
    kept = 0
    while kept < min(len(chain), len(parts)) and chain[kept] == "/".join(parts[: kept + 1]):
        kept += 1
    del chain[kept:]
    stem = PurePosixPath(relative).stem.lower()
    for depth in range(kept, len(parts)):
        path = "/".join(parts[: depth + 1])
        is_last = depth == len(parts) - 1
        if not (is_last and stem in ("readme", "index") and len(parts) <= MAX_FOLDER_DEPTH):
            title = _title_from_name(parts[depth]) or parts[depth]
            slug = _unique(github_slug(title) or "folder", pack._slugs)
            plan.folder_ids.setdefault(path, []).append(slug)
        chain.append(path)


def _enter_summary(
    pack: Pack, plan: _ReadingPlan, sections: list[Section]
) -> tuple[Section | None, Section | None, int, object]:
    """`_enter_folders` for a file the pack's order places: it nests under the entry it
    is listed under (a part title, another file) when that entry is open, else at the
    top. A file other files are listed under is their entry: its first section, with
    its other sections below it, as a folder's README is."""
    relative = sections[0].file.relative
    chain: list[str] = []
    key = plan.parents[relative]
    while key:
        chain.append(key)
        key = plan.parents.get(key, "")
    chain.reverse()
    stack = plan.stack
    kept = 0
    while kept < min(len(stack), len(chain)) and stack[kept][0] == chain[kept]:
        kept += 1
    del stack[kept:]
    for key in chain[kept:]:
        if key not in plan.parts or key in plan.made or len(stack) >= MAX_FOLDER_DEPTH:
            break  # a file placed elsewhere (the manifest's order): nest in what is open
        entry = _part_section(pack, plan, key)
        entry.parent = stack[-1][1] if stack else None
        entry.depth = len(stack)
        if entry.parent is not None:
            _add_child(entry.parent, entry)
        plan.made[key] = entry
        _append_made(pack, entry, _made_id(plan, "part", entry.title))
        stack.append((key, entry))
    pack._folder_chain.clear()  # a file after this one enters its folders afresh
    parent = stack[-1][1] if stack else None
    if relative in plan.with_children and len(stack) < MAX_FOLDER_DEPTH:
        stack.append((relative, sections[0]))
        return sections[0], parent, len(stack), sections[0]
    return parent, None, len(stack), None


def _part_section(pack: Pack, plan: _ReadingPlan, key: str) -> Section:
    """An outline entry for an mdBook part title, holding the chapters after it."""
    title, line = plan.parts[key]
    text = f"# {escape_markdown(title)}\n"
    name = plan.toc_name
    part_file = PackFile(pack.root / name, name, pack.root / name, text)
    return Section("", title, 0, part_file, line - 1, line, 0, len(text))


def _made_id(plan: _ReadingPlan, kind: str, title: str) -> str:
    """An id for an entry the old order did not have (a part, a folder's extra run):
    `part:intro`. No heading's or folder's id holds a colon, so none is ever taken."""
    return _unique(f"{kind}:{github_slug(title) or kind}", plan.made_slugs)


def _append_made(pack: Pack, section: Section, section_id: str) -> None:
    section.index = len(pack._sections)
    section.id = section_id
    pack._by_id[section_id] = section
    pack._sections.append(section)


def _unique(slug: str, seen: dict[str, int]) -> str:
    """GitHub's rule: the second 'intro' is 'intro-1', the third 'intro-2'."""
    count = seen.get(slug)
    if count is None:
        seen[slug] = 0
        return slug
    while True:
        count += 1
        candidate = f"{slug}-{count}"
        if candidate not in seen:
            seen[slug] = count
            seen[candidate] = 0
            return candidate


def _comparison(pack: Pack, wanted: object) -> str | None:
    """The section holding the pack's comparison: named in the manifest, or found.

    Runs once the last file is indexed: it uses every section's number and the first
    section of each file.
    """
    if isinstance(wanted, str) and wanted in pack._by_id:
        return wanted
    # The first section that holds "<details" and a comparison in it. Each file is searched
    # once for "<details", and only the sections around what is found are looked at:
    # checking all 20,000 sections of a file, or copying each out, took milliseconds.
    sections = pack._sections
    firsts = [section.index for section in pack._file_starts.values()]  # in file order
    for first, next_first in itertools.pairwise([*firsts, len(sections)]):
        pack_file = sections[first].file
        stop = next_first  # before the next file's folder entries, which have no text here
        while stop > first + 1 and sections[stop - 1].file is not pack_file:
            stop -= 1
        if pack_file.mentions_details is False:
            continue  # known when it was cut: not read again
        try:
            text = pack._loaded_texts.get(pack_file.relative) or pack_file.text
        except PackChanged:
            continue
        at = text.find("<details")
        while at >= 0:
            number = bisect.bisect_right(sections, at, first, stop, key=_start) - 1
            section = sections[number] if number >= first else None
            if section is None or at + len("<details") > section.end:
                at = text.find("<details", at + 1)  # before the first section, or across two
                continue
            if _holds_comparison(text, section):
                return section.id
            at = text.find("<details", section.end)
    return None


def _start(section: Section) -> int:
    return section.start


def _holds_comparison(text: str, section: Section) -> bool:
    """A `<summary>` saying "vs" or "versus", and a table after it, within the section.

    The section is searched in place, giving the answers a search of `section.markdown`
    would: the pattern has no anchors or lookbehinds for the slice's edges to change.
    """
    last_pipe = text.rfind("|", section.start, section.end)  # once, not once a summary
    for summary in SUMMARY.finditer(text, section.start, section.end):
        if summary.end() > last_pipe:
            return False  # no table after this summary, nor after any later one
        if _VERSUS.search(summary[1]):
            return True
    return False
