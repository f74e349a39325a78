"""A pack's glossary: the terms its definition lists define, and where text uses them.

A glossary is Markdown authors already write: a definition list (`Term` on one line,
`: definition` under it; Pandoc, PHP Markdown Extra, mdit-py-plugins' `deflist`) in a
file named `glossary.md`, or in any file whose front matter says `glossary: true`. It
stays an ordinary section of the pack. `Immunoglobulin E (IgE)` names one entry twice
(a trailing parenthesis lists other names, comma-separated), and a last definition line
`: Aliases: a, b` adds spellings a parenthesis would make awkward: both live beside the
term the author edits, and work in a folder with no manifest.

`TermMatcher` finds the terms in running text: whole words, case-insensitive except the
words an author capitalised inside (`IgE`, `HLA`, `IL-13` match only as written), simple
plurals, accents composed or not. It is a table from a term's first word to the names
that start with it, looked up once per word of the text: one pass, and building it costs
no more than reading the names (measured against one compiled alternation, a trie-shaped
one and pyahocorasick in docs/performance.md). No Textual here.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from reader.files import PackFile, Problem
from reader.lazy_pattern import LazyPattern
from reader.scan import closes_fence, front_matter_end, front_matter_flag, opens_fence

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = [
    "GLOSSARY_FILE_NAMES",
    "Glossary",
    "GlossaryEntry",
    "TermMatcher",
    "build_glossary",
    "fold",
    "is_glossary_file",
    "names_of",
    "parse_glossary",
    "prose_text",
]

GLOSSARY_FILE_NAMES = frozenset({"glossary.md", "glossary.markdown"})
#: A name longer than this is not a term but a sentence someone put on a term's line.
MAX_NAME_CHARS = 120
#: How many words a name may have: the matcher looks this far ahead of a word.
MAX_NAME_WORDS = 12
#: `Aliases: a, b` (also `*Aliases:*`, `Also:`), a definition that lists other names.
_ALIASES = LazyPattern(
    r"^[*_]{0,2}(?:aliases|also(?: called| known as)?)\s*:[*_]{0,2}\s*(.*)$", re.I | re.S
)
#: A trailing parenthesis on a term's line: its other names (`Immunoglobulin E (IgE)`).
_PARENTHESIS = LazyPattern(r"^(.*?\S)\s*\(([^()]{1,200})\)$", re.S)
#: A word of running text; combining accents belong to their letter (text not in NFC).
_WORD = LazyPattern(r"(?:\w|[\u0300-\u036f])+")
_EMPTY_DEFINITION = LazyPattern(r"^ {0,3}[:~][ \t]*$")
_DEFINITION_LINE = LazyPattern(r"^ {0,3}[:~][ \t]+")
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_APOSTROPHES = "'\u2019\u02bc"
#: Separators that mean the same between the words of a name: dashes, apostrophes,
#: and any run of white space (a line break in the Markdown is one).
_SEPARATOR_FOLD = str.maketrans({**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_APOSTROPHES, "'")})
_SPACE_RUN = LazyPattern(r"\s+")


def fold(name: str) -> str:
    """A name as looked up: composed accents, case folded, white space and dashes one
    way; `reader --define ige` finds `IgE`."""
    name = unicodedata.normalize("NFC", name).translate(_SEPARATOR_FOLD)
    return _SPACE_RUN.sub(" ", name).strip().casefold()


class GlossaryEntry:
    """One defined term: how the glossary writes it, its names, its definition (Markdown)
    and where it is (a plain class: see `reader.pack.Section`)."""

    __slots__ = ("definition", "line", "names", "path", "term")

    def __init__(
        self, term: str, names: Sequence[str], definition: str, path: str, line: int
    ) -> None:
        self.term = term  # as the glossary shows it: "Immunoglobulin E (IgE)"
        self.names = tuple(names)  # every name that finds it: "Immunoglobulin E", "IgE"
        self.definition = definition  # Markdown, links relative to `path`
        self.path = path  # the glossary file, relative to the pack
        self.line = line  # the term's line, 1-based

    def __repr__(self) -> str:
        return f"GlossaryEntry({self.term!r})"

    @property
    def aliases(self) -> tuple[str, ...]:
        """The names besides the first."""
        return self.names[1:]


def is_glossary_file(pack_file: PackFile) -> bool:
    """Named `glossary.md`, or its front matter says `glossary: true`."""
    name = pack_file.relative.rsplit("/", 1)[-1].casefold()
    return name in GLOSSARY_FILE_NAMES or front_matter_flag(pack_file.text, "glossary")


def names_of(term: str) -> list[str]:
    """The names a term line gives: `Atopic dermatitis (AD, atopic eczema)` gives three.
    A parenthesis of digits alone (`(1980)`) is part of the term, not a name."""
    term = _SPACE_RUN.sub(" ", term).strip()
    match = _PARENTHESIS.match(term)
    if match is None:
        return [term] if term else []
    extra = [name.strip() for name in re.split(r"[,;]", match[2])]
    if not all(any(character.isalpha() for character in name) for name in extra):
        return [match[1]]  # `Hanifin–Rajka criteria (1980)`: found without the year
    return [match[1], *(name for name in extra if name)]


def parse_glossary(text: str, path: str) -> tuple[list[GlossaryEntry], list[Problem]]:
    """The entries of a glossary file's definition lists, and what is wrong with them
    (an empty definition; no definition list at all). Duplicates are the pack's to judge
    (`build_glossary`): a name may be defined in another glossary file."""
    from reader.markdown import markdown_parser

    lines = text.split("\n")
    body = _without_front_matter(lines)
    tokens = markdown_parser().parse("\n".join(body))
    entries: list[GlossaryEntry] = []
    problems: list[Problem] = []
    found_list = False
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token.type == "dl_open":
            found_list = True
        elif token.type == "dt_open":
            line = token.map[0] if token.map else 0
            term = _inline_plain(tokens[position + 1])
            definitions, position = _definitions(tokens, position + 3, lines, line)
            entry, problem = _entry(term, definitions, path, line + 1)
            if entry is not None:
                entries.append(entry)
            if problem is not None:
                problems.append(problem)
            continue
        elif token.type == "inline" and tokens[position - 1].type == "paragraph_open":
            problems.extend(_empty_definitions(token, path))
        position += 1
    if not found_list:
        problems.append(
            Problem(
                path,
                0,
                "a glossary file holds no definition list (a term on one line, "
                "': its definition' on the next)",
            )
        )
    return entries, problems


def _empty_definitions(paragraph: Token, path: str) -> Iterator[Problem]:
    """A term whose `:` line has nothing after it: markdown-it reads the two lines as a
    paragraph, so the entry would vanish without a word."""
    lines = paragraph.content.split("\n")
    first = paragraph.map[0] if paragraph.map else 0
    for number, line in enumerate(lines[1:], start=1):
        if _EMPTY_DEFINITION.match(line) and lines[number - 1].strip():
            term = lines[number - 1].strip()
            yield Problem(path, first + number, f"glossary term '{term}' has an empty definition")


def _without_front_matter(lines: list[str]) -> list[str]:
    """The lines with front matter blanked: markdown-it would read `---` as a rule and
    `glossary: true` as a heading; line numbers stay as the file has them."""
    start = front_matter_end(lines)
    return [""] * start + lines[start:]


def _inline_plain(token: Token) -> str:
    from reader.markdown import inline_token_text

    return inline_token_text(token)


def _definitions(
    tokens: list[Token], position: int, lines: list[str], term_line: int
) -> tuple[list[str], int]:
    """The Markdown of each `: definition` after a term, as written (marker and indent
    taken off), and the token after the last."""
    definitions: list[str] = []
    while position < len(tokens) and tokens[position].type == "dd_open":
        opening = tokens[position]
        depth, position = 1, position + 1
        while position < len(tokens) and depth:
            kind = tokens[position].type
            depth += 1 if kind == "dd_open" else -1 if kind == "dd_close" else 0
            position += 1
        start, end = opening.map if opening.map else (term_line + 1, term_line + 2)
        definitions.append(_definition_source(lines, max(start, term_line + 1), end))
    return definitions, position


def _definition_source(lines: list[str], start: int, end: int) -> str:
    """A definition's lines as Markdown of their own: its first line without the `:`
    marker, the rest without the indent that placed them under it."""
    while start < end and not lines[start].strip():
        start += 1
    if start >= end:
        return ""
    marker = _DEFINITION_LINE.match(lines[start])
    indent = len(marker[0].expandtabs(4)) if marker else 0
    first = lines[start][marker.end() :] if marker else lines[start]
    rest = [_dedent(line, max(2, min(indent, 4))) for line in lines[start + 1 : end]]
    return "\n".join([first, *rest]).strip()


def _dedent(line: str, width: int) -> str:
    taken = 0
    while taken < width and taken < len(line) and line[taken] == " ":
        taken += 1
    return line[taken:]


def _entry(
    term: str, definitions: list[str], path: str, line: int
) -> tuple[GlossaryEntry | None, Problem | None]:
    names = [name for name in names_of(term) if len(name) <= MAX_NAME_CHARS]
    aliases: list[str] = []
    kept: list[str] = []
    for definition in definitions:
        match = _ALIASES.match(definition)
        if match is not None and "\n\n" not in definition:
            aliases.extend(name.strip() for name in re.split(r"[,;]", match[1]))
        else:
            kept.append(definition)
    names.extend(name for name in aliases if name and len(name) <= MAX_NAME_CHARS)
    if not names:
        return None, Problem(path, line, "a glossary term with no name")
    definition = "\n\n".join(part for part in kept if part.strip())
    entry = GlossaryEntry(_SPACE_RUN.sub(" ", term).strip(), names, definition, path, line)
    if not definition:
        return entry, Problem(path, line, f"glossary term '{entry.term}' has an empty definition")
    return entry, None


class Glossary:
    """Every entry of a pack's glossary files, looked up by any name, ignoring case.

    Two readings of the same files: `names` (each term's names) come from a line scan,
    so the first screen marks terms without waiting for markdown-it to parse a glossary
    (30 KB: 14 ms); `entries` (names, definitions, problems) come from the parse, done
    the first time a definition is asked for. A test holds the two to the same names.
    """

    def __init__(self, files: Sequence[PackFile] = ()) -> None:
        self._files = list(files)
        self.files = frozenset(pack_file.relative for pack_file in files)
        self._names: list[tuple[str, ...]] | None = None
        self._entries: list[GlossaryEntry] | None = None
        self._problems: list[Problem] = []
        self._by_name: dict[str, int] = {}
        self._matcher: TermMatcher | None = None
        self._usage: list[list[str]] | None = None
        self._folded_names: set[str] | None = None
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self.names)

    def __bool__(self) -> bool:
        return bool(self._files) and bool(self.names)

    def __repr__(self) -> str:
        return f"Glossary({len(self)} terms)"

    @property
    def names(self) -> list[tuple[str, ...]]:
        """Each term's names, in file order, as the line scan finds them (a name defined
        twice only the first time)."""
        with self._lock:
            if self._names is None:
                seen: set[str] = set()
                names: list[tuple[str, ...]] = []
                for pack_file in self._files:
                    for term_names, _ in scan_terms(pack_file.text):
                        fresh = tuple(name for name in term_names if fold(name) not in seen)
                        seen.update(fold(name) for name in fresh)
                        if fresh:
                            names.append(fresh)
                self._names = names
            return self._names

    @property
    def entries(self) -> list[GlossaryEntry]:
        """Every entry with its definition, parsed on first use."""
        with self._lock:
            if self._entries is None:
                self._entries, self._problems = _parse_files(self._files)
                for index, entry in enumerate(self._entries):
                    for name in entry.names:
                        self._by_name.setdefault(fold(name), index)
            return self._entries

    @property
    def problems(self) -> list[Problem]:
        """What is wrong with the glossary files: duplicate names, empty definitions, a
        glossary file with no definition list."""
        self.entries  # noqa: B018 - parsed with the entries
        return self._problems

    def defines(self, name: str) -> bool:
        """Whether `name` is one of the terms' names (any case): asked of every search
        query, so answered from the line scan, without parsing a definition."""
        with self._lock:
            if self._folded_names is None:
                self._folded_names = {fold(known) for names in self.names for known in names}
            return fold(name) in self._folded_names

    def index_of(self, name: str) -> int | None:
        """The entry a name (any of its names, any case) finds, by its index."""
        self.entries  # noqa: B018 - the map is filled with the entries
        return self._by_name.get(fold(name))

    def lookup(self, name: str) -> GlossaryEntry | None:
        index = self.index_of(name)
        return None if index is None else self.entries[index]

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """Up to `limit` names close to one nothing defines: what `--define` offers."""
        import difflib

        folded = fold(name)
        names = {fold(known): known for entry_names in self.names for known in entry_names}
        starting = [names[key] for key in names if key.startswith(folded) and folded]
        close = difflib.get_close_matches(folded, list(names), n=limit, cutoff=0.6)
        chosen = list(dict.fromkeys([*(names[key] for key in close), *starting]))
        return chosen[:limit]

    def usage(self, sections: Iterable[tuple[str, str]]) -> list[list[str]]:
        """For each term (by its index in `names`), the ids of the sections, of those
        given as `(id, markdown)`, whose words use it outside code; counted once and
        kept (a 3.5 MB pack takes a fraction of a second, off the UI thread)."""
        with self._lock:
            if self._usage is None:
                matcher = self.matcher
                used: list[list[str]] = [[] for _ in self.names]
                for section_id, markdown in sections:
                    for entry in sorted({found[2] for found in matcher.find(prose_text(markdown))}):
                        used[entry].append(section_id)
                self._usage = used
            return self._usage

    @property
    def matcher(self) -> TermMatcher:
        """The matcher of every name, built on first use (a pack without a glossary never
        builds one). It finds `names` by their index."""
        with self._lock:
            if self._matcher is None:
                self._matcher = TermMatcher(self.names)
            return self._matcher


def build_glossary(files: Iterable[PackFile]) -> Glossary:
    """The glossary of a pack's files: its glossary files, read when first asked for."""
    return Glossary([pack_file for pack_file in files if is_glossary_file(pack_file)])


def _parse_files(files: Iterable[PackFile]) -> tuple[list[GlossaryEntry], list[Problem]]:
    """Every glossary file's entries, in file order. A name defined twice is reported
    (the first definition wins); so is a definition that is empty, and a glossary file
    without a definition list."""
    entries: list[GlossaryEntry] = []
    problems: list[Problem] = []
    seen: dict[str, GlossaryEntry] = {}
    for pack_file in files:
        found, trouble = parse_glossary(pack_file.text, pack_file.relative)
        problems.extend(trouble)
        for entry in found:
            fresh: list[str] = []
            for name in entry.names:
                first = seen.get(fold(name))
                if first is None:
                    seen[fold(name)] = entry
                    fresh.append(name)
                elif first is not entry:
                    where = f"{first.path}:{first.line}"
                    problems.append(
                        Problem(
                            entry.path,
                            entry.line,
                            f"glossary term '{name}' is defined twice (first at {where})",
                        )
                    )
            if fresh:
                entry.names = tuple(fresh)
                entries.append(entry)
    return entries, problems


def scan_terms(text: str) -> list[tuple[list[str], int]]:
    """Each term of a glossary file's definition lists, its names and its line (1-based),
    found line by line as markdown-it's `deflist` would: a line after a blank one, with
    `: definition` on the next line (or the one after a blank line), outside code; a
    definition line `: Aliases: a, b` adds names."""
    from reader.markdown import strip_inline_markup

    lines = text.split("\n")
    found: list[tuple[list[str], int]] = []
    fence: tuple[str, int, int] | None = None
    number = front_matter_end(lines)
    after_blank = True
    while number < len(lines):
        line = lines[number]
        if fence is not None:
            if closes_fence(line, fence):
                fence = None
            number += 1
            continue
        fence = opens_fence(line, 0)
        blank = not line.strip()
        if fence is None and not blank and after_blank and _could_be_term(line):
            following = number + 1
            if following < len(lines) and not lines[following].strip():
                following += 1
            if following < len(lines) and _DEFINITION_LINE.match(lines[following]):
                names = names_of(strip_inline_markup(line))
                names = [name for name in names if len(name) <= MAX_NAME_CHARS]
                end = _entry_end(lines, following)
                for definition in lines[following:end]:
                    marker = _DEFINITION_LINE.match(definition)
                    aliases = _ALIASES.match(definition[marker.end() :]) if marker else None
                    if aliases is not None:
                        names.extend(
                            name.strip()
                            for name in re.split(r"[,;]", aliases[1])
                            if name.strip() and len(name.strip()) <= MAX_NAME_CHARS
                        )
                if names:
                    found.append((names, number + 1))
                number, after_blank = end, not lines[end - 1].strip()
                continue
        after_blank = blank
        number += 1
    return found


_NOT_A_TERM = LazyPattern(r"^ {0,3}(?:#|>|[-+*][ \t]|\d{1,9}[.)][ \t]|[:~][ \t]|<|\|)|^(?: {4}|\t)")


def _could_be_term(line: str) -> bool:
    """Whether a line may be a definition list's term: not a heading, quote, list item,
    definition, HTML, table row or indented code."""
    return not _NOT_A_TERM.match(line)


def _entry_end(lines: list[str], start: int) -> int:
    """The line after a term's definitions: the first line after a blank one that is
    neither indented (a definition's next paragraph) nor another definition."""
    number = start + 1
    while number < len(lines):
        if not lines[number].strip():
            following = number + 1
            while following < len(lines) and not lines[following].strip():
                following += 1
            if following >= len(lines):
                return following
            next_line = lines[following]
            if not (_DEFINITION_LINE.match(next_line) or next_line.startswith(("  ", "\t"))):
                return following
            number = following
        number += 1
    return number


# ---------------------------------------------------------------------------- matching


class _Pattern:
    """One spelling of a name, word by word: what the text's words must be, and what
    must stand between them."""

    __slots__ = ("entry", "exact", "folded", "prefix", "separators", "suffix", "words")

    def __init__(
        self,
        entry: int,
        words: list[str],
        exact: list[bool],
        separators: list[str],
        prefix: str,
        suffix: str,
    ) -> None:
        self.entry = entry
        self.words = words
        self.exact = exact
        self.folded = [_fold_word(word) for word in words]
        self.separators = separators
        self.prefix = prefix
        self.suffix = suffix


class TermMatcher:
    """Finds the names of glossary entries in running text, in one pass over its words.

    `find` gives `(start, end, entry)` for each name found, longest first where names
    overlap, never two overlapping.
    """

    def __init__(self, names_by_entry: Sequence[Sequence[str]]) -> None:
        self._by_first: dict[str, list[_Pattern]] = {}
        for entry, names in enumerate(names_by_entry):
            for name in names:
                for pattern in _patterns(entry, name):
                    self._by_first.setdefault(pattern.folded[0], []).append(pattern)
        for patterns in self._by_first.values():
            patterns.sort(key=lambda pattern: -len(pattern.words))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        by_first = self._by_first
        if not by_first:
            return found
        word_at = _WORD.search
        covered = 0  # where the last name found ends: names never overlap
        for match in _WORD.finditer(text):
            if match.start() < covered:
                continue
            candidates = by_first.get(_fold_word(match[0]))
            if candidates is None:
                continue
            for pattern in candidates:
                end = _match_at(pattern, text, match, word_at)
                if end is not None:
                    found.append((match.start() - len(pattern.prefix), end, pattern.entry))
                    covered = end
                    break
        return found


def _fold_word(word: str) -> str:
    return word.casefold() if word.isascii() else unicodedata.normalize("NFC", word).casefold()


def _is_exact(word: str) -> bool:
    """Whether a word of a name must match as written: it has a capital after its first
    letter (`IgE`, `HLA`, `mRNA`), or it is one capital letter (the `B` of `B cell`)."""
    return any(character.isupper() for character in word[1:]) or (len(word) == 1 and word.isupper())


def _patterns(entry: int, name: str) -> Iterator[_Pattern]:
    """A name's spellings: as written and, when its last word is a plain word, plural."""
    name = unicodedata.normalize("NFC", _SPACE_RUN.sub(" ", name).strip())
    pieces = _WORD.split(name)
    words = _WORD.findall(name)
    if not words or len(words) > MAX_NAME_WORDS:
        return
    prefix, suffix, separators = pieces[0], pieces[-1], pieces[1:-1]
    exact = [_is_exact(word) for word in words]
    yield _Pattern(entry, words, exact, separators, prefix, suffix)
    last = words[-1]
    if suffix or len(last) < 2 or not last.isalpha():
        return
    plurals = [last + "s"]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        plurals = [last + "es"]
    elif last.endswith("y") and last[-2].lower() not in "aeiou":
        plurals.append(last[:-1] + "ies")
    for plural in plurals:
        yield _Pattern(entry, [*words[:-1], plural], exact, separators, prefix, suffix)


def _match_at(
    pattern: _Pattern,
    text: str,
    first: re.Match[str],
    word_at: Callable[[str, int], re.Match[str] | None],
) -> int | None:
    """Where the pattern ends if it matches at the word `first`, else None."""
    if pattern.prefix and not _same_separator(
        text[max(0, first.start() - len(pattern.prefix)) : first.start()], pattern.prefix
    ):
        return None
    match: re.Match[str] | None = first
    end = first.start()
    for index, expected in enumerate(pattern.words):
        if index:
            match = word_at(text, end)
            if match is None or not _same_separator(
                text[end : match.start()], pattern.separators[index - 1]
            ):
                return None
        assert match is not None
        word = match[0]
        if pattern.exact[index]:
            if word != expected and unicodedata.normalize("NFC", word) != expected:
                return None
        elif _fold_word(word) != pattern.folded[index]:
            return None
        end = match.end()
    if pattern.suffix:
        if not _same_separator(text[end : end + len(pattern.suffix)], pattern.suffix):
            return None
        end += len(pattern.suffix)
        if end < len(text) and _WORD.match(text, end):
            return None
    return end


def _same_separator(text: str, expected: str) -> bool:
    """Whether what stands between two words of the text is what the name has there:
    white space of any kind and length for a space, any dash for a dash."""
    if expected.isspace():
        return bool(text) and text.isspace()
    return _SPACE_RUN.sub(" ", text.translate(_SEPARATOR_FOLD)) == _SPACE_RUN.sub(
        " ", expected.translate(_SEPARATOR_FOLD)
    )


# ---------------------------------------------------------------------------- usage


# A code span on one line (a rarer span across lines or of double backticks is counted
# as prose); possessive, so a line of unmatched backticks is linear.
_INLINE_CODE = LazyPattern(r"`[^`\n]*+`")


def prose_text(markdown: str) -> str:
    """A section's words without its fenced and inline code, for counting where terms
    are used without parsing: the pattern-based plain text search indexes. (Indented
    code stays: told apart from a list's indented lines only by a parse.)"""
    from reader.markdown import search_text

    kept: list[str] = []
    fence: tuple[str, int, int] | None = None
    for line in markdown.split("\n"):
        if fence is not None:
            if closes_fence(line, fence):
                fence = None
            continue
        opened = opens_fence(line, 0)
        if opened is not None:
            fence = opened
            continue
        kept.append(line)
    text = "\n".join(kept)
    return search_text(_INLINE_CODE.sub(" ", text) if "`" in text else text)
