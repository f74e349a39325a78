"""A pack's glossary: the terms its definition lists define, and where text uses them.

A glossary is Markdown authors already write: a definition list (`Term` on one line,
`: definition` under it; Pandoc, PHP Markdown Extra, mdit-py-plugins' `deflist`) in a
file named `glossary.md`, or in any file whose front matter says `glossary: true`. It
stays an ordinary section of the pack. `Immunoglobulin E (IgE)` names one entry twice
(a trailing parenthesis lists other names, comma-separated), and a last definition line
`: Aliases: a, b` adds spellings a parenthesis would make awkward: both live beside the
term the author edits, and work in a folder with no manifest.

A glossary file is parsed by markdown-it's block rules alone (`deflist` decides what a
term is; no inline parse): the bundled 30 KB in ~6 ms (a third of a full parse), once,
when the glossary is first asked for (the app asks right after its first screen). A
definition is kept as the Markdown its lines hold and drawn like any section.

`TermMatcher` finds the terms in running text: whole words, case-insensitive except the
words an author capitalised inside (`IgE`, `HLA`, `IL-13` match only as written), simple
plurals, accents composed or not. It is a trie of words, walked once per word of the
text: one pass, and building it costs no more than reading the names (measured against
one compiled alternation, a trie-shaped one and pyahocorasick in docs/performance.md).
No Textual here.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from reader.files import GLOSSARY_FILE_NAMES, PackFile, Problem, is_glossary_file
from reader.lazy_pattern import LazyPattern
from reader.scan import front_matter_end, unfenced_lines

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

#: A name longer than this is not a term but a sentence someone put on a term's line.
MAX_NAME_CHARS = 120
#: How many words a name may have: the matcher looks this far ahead of a word.
MAX_NAME_WORDS = 12
#: `Aliases: a, b` (also `*Aliases:*`, `Also called:`), a definition's line of names.
_ALIASES = LazyPattern(
    r"^[*_]{0,2}(?:aliases|also called|also known as)[ \t]*+:[*_]{0,2}[ \t]*+(.*)$", re.I
)
#: A trailing parenthesis on a term's line: its other names (`Immunoglobulin E (IgE)`).
_PARENTHESIS = LazyPattern(r"^(.*?\S)\s*\(([^()]{1,200})\)$", re.S)
#: A word of running text; combining accents belong to their letter (text not in NFC).
_WORD = LazyPattern(r"(?:\w|[\u0300-\u036f])+")
#: A footnote mark (`[^1]`) on a term's line: drawn after the term, never part of a name.
_FOOTNOTE_MARK = LazyPattern(r"\[\^[^\]\s]{1,100}\]")
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

    @property
    def unshown_names(self) -> tuple[str, ...]:
        """The names the term as written does not show (an `Aliases:` line's): what a
        listing adds after it as "also: …"."""
        return tuple(name for name in self.aliases if name not in self.term)


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
    (an empty definition; no definition list at all). Duplicates are judged across all
    the pack's glossary files (`Glossary.entries`)."""
    lines = text.split("\n")
    body = _without_front_matter(lines)
    from reader.markdown import block_parser

    tokens = block_parser().parse("\n".join(body))
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
            problem = f"glossary term '{_short(term)}' has an empty definition"
            yield Problem(path, first + number, problem)


def _without_front_matter(lines: list[str]) -> list[str]:
    """The lines with front matter blanked: markdown-it would read `---` as a rule and
    `glossary: true` as a heading; line numbers stay as the file has them."""
    start = front_matter_end(lines)
    return [""] * start + lines[start:]


def _inline_plain(token: Token) -> str:
    """A term's words: its inline Markdown (left unparsed by the block parser) as text."""
    from reader.markdown import strip_inline_markup

    return strip_inline_markup(token.content)


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
    term = _SPACE_RUN.sub(" ", _FOOTNOTE_MARK.sub("", term)).strip()
    names = [name for name in names_of(term) if _findable(name)]
    if not names:  # a term nothing in running text could ever be
        if len(term) > MAX_NAME_CHARS:
            why = f"a glossary term longer than {MAX_NAME_CHARS} characters"
        else:
            why = f"glossary term '{term}' has no letter or digit to find it by"
        return None, Problem(path, line, why)
    kept: list[str] = []
    for definition in definitions:
        first, _, rest = definition.partition("\n")
        match = _ALIASES.match(first)
        if match is None:
            kept.append(definition)
            continue
        # A line of names; lines after it (no blank between) are definition text.
        aliases = (name.strip() for name in re.split(r"[,;]", match[1]))
        names.extend(name for name in aliases if _findable(name))
        if rest.strip():
            kept.append(rest.strip())
    definition = "\n\n".join(part for part in kept if part.strip())
    entry = GlossaryEntry(term, names, definition, path, line)
    if not definition:
        return entry, Problem(path, line, f"glossary term '{_short(term)}' has an empty definition")
    return entry, None


def _findable(name: str) -> bool:
    """A name the matcher can find: a letter or digit in it (`.*` has none), and short
    enough to be a name, not a sentence on a term's line."""
    return 0 < len(name) <= MAX_NAME_CHARS and _WORD.search(name) is not None


def _short(term: str) -> str:
    return term if len(term) <= 60 else term[:59] + "…"


class Glossary:
    """Every entry of a pack's glossary files, looked up by any name, ignoring case.

    The files are parsed the first time anything is asked (see the module docstring).
    """

    def __init__(self, files: Sequence[PackFile] = ()) -> None:
        self._files = list(files)
        self.files = frozenset(pack_file.relative for pack_file in files)
        self._entries: list[GlossaryEntry] | None = None
        self._problems: list[Problem] = []
        self._by_name: dict[str, int] = {}
        self._matcher: TermMatcher | None = None
        self._usage: tuple[tuple[str, ...], list[list[str]]] | None = None
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self._files) and bool(self.entries)

    def __repr__(self) -> str:
        return f"Glossary({len(self)} terms)"

    @property
    def entries(self) -> list[GlossaryEntry]:
        """Every entry with its definition, in file order."""
        with self._lock:
            if self._entries is None:
                self._entries, self._problems = _parse_files(self._files)
                for index, entry in enumerate(self._entries):
                    # The term as the glossary writes it finds it too: `--glossary`
                    # prints "Immunoglobulin E (IgE)", and a reader may copy that.
                    for name in (*entry.names, entry.term):
                        self._by_name.setdefault(fold(name), index)
            return self._entries

    @property
    def names(self) -> list[tuple[str, ...]]:
        """Each entry's names (a name defined twice only the first time), by entry."""
        return [entry.names for entry in self.entries]

    @property
    def problems(self) -> list[Problem]:
        """What is wrong with the glossary files: duplicate names, empty definitions, a
        glossary file with no definition list."""
        self.entries  # noqa: B018 - parsed with the entries
        return self._problems

    def defines(self, name: str) -> bool:
        """Whether `name` is one of the terms' names (any case)."""
        return self.index_of(name) is not None

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

        folded = _unaccented(fold(name))  # `naive` is close to `Naïve T cell`
        names = {_unaccented(fold(known)): known for entry in self.entries for known in entry.names}
        starting = [names[key] for key in names if key.startswith(folded) and folded]
        close = difflib.get_close_matches(folded, list(names), n=limit, cutoff=0.6)
        chosen = list(dict.fromkeys([*(names[key] for key in close), *starting]))
        return chosen[:limit]

    def usage(self, sections: Iterable[tuple[str, str]]) -> list[list[str]]:
        """For each entry (by index), the ids of the sections, of those given as
        `(id, markdown)`, whose words use it outside code. Kept for the same sections
        (a 3.5 MB pack takes a fraction of a second: off the UI thread)."""
        given = list(sections)
        ids = tuple(section_id for section_id, _ in given)
        with self._lock:
            if self._usage is None or self._usage[0] != ids:
                matcher = self.matcher
                used: list[list[str]] = [[] for _ in self.entries]
                for section_id, markdown in given:
                    for entry in sorted({found[2] for found in matcher.find(prose_text(markdown))}):
                        used[entry].append(section_id)
                self._usage = (ids, used)
            return self._usage[1]

    @property
    def matcher(self) -> TermMatcher:
        """The matcher of every name, built on first use (a pack without a glossary never
        builds one). It finds entries by their index."""
        with self._lock:
            if self._matcher is None:
                self._matcher = TermMatcher(self.names)
            return self._matcher


def _unaccented(text: str) -> str:
    """The text without its accents, for telling close names apart from far ones."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(character for character in decomposed if not unicodedata.combining(character))


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


class _Node:
    """A word of the trie: the names that end here, and the words that may follow."""

    __slots__ = ("following", "patterns")

    def __init__(self) -> None:
        self.following: dict[str, _Node] = {}
        self.patterns: list[_Pattern] = []


class TermMatcher:
    """Finds the names of glossary entries in running text, in one pass over its words.

    `find` gives `(start, end, entry)` for each name found, the longest where names
    start at the same word, never two overlapping. The names are a trie of words (case
    folded), so 10,000 names that share a first word cost a lookup a word, not a try each.
    """

    def __init__(self, names_by_entry: Sequence[Sequence[str]]) -> None:
        self._root = _Node()
        for entry, names in enumerate(names_by_entry):
            for name in names:
                for pattern in _patterns(entry, name):
                    node = self._root
                    for word in pattern.folded:
                        node = node.following.setdefault(word, _Node())
                    node.patterns.append(pattern)

    def __bool__(self) -> bool:
        return bool(self._root.following)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        top = self._root.following
        if not top:
            return found
        word_at = _WORD.search
        covered = 0  # where the last name found ends: names never overlap
        for match in _WORD.finditer(text):
            if match.start() < covered:
                continue
            node = top.get(_fold_word(match[0]))
            if node is None:
                continue
            reached = [node]  # the trie nodes the words from here reach
            end = match.end()
            while node.following and len(reached) < MAX_NAME_WORDS:
                following = word_at(text, end)
                if following is None:
                    break
                node = node.following.get(_fold_word(following[0]))
                if node is None:
                    break
                reached.append(node)
                end = following.end()
            hit = _longest(reached, text, match, word_at, covered)
            if hit is not None:
                found.append(hit)
                covered = hit[1]
        return found


def _longest(
    reached: list[_Node],
    text: str,
    first: re.Match[str],
    word_at: Callable[[str, int], re.Match[str] | None],
    covered: int,
) -> tuple[int, int, int] | None:
    """The longest name among those the words reached that really matches there (case,
    separators, punctuation around it), starting after `covered`."""
    for node in reversed(reached):
        for pattern in node.patterns:
            start = first.start() - len(pattern.prefix)
            if start < covered:
                continue
            end = _match_at(pattern, text, first, word_at)
            if end is not None:
                return start, end, pattern.entry
    return None


def _fold_word(word: str) -> str:
    return word.casefold() if word.isascii() else unicodedata.normalize("NFC", word).casefold()


def _is_exact(word: str) -> bool:
    """Whether a word of a name must match as written: it has a capital after its first
    letter (`IgE`, `HLA`, `mRNA`), or it is a capital and one letter more at most (the
    `B` of `B cell`; `As`, arsenic, must not mark the word "as")."""
    return any(character.isupper() for character in word[1:]) or (
        len(word) <= 2 and word[:1].isupper()
    )


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
    if last.endswith(("s", "x", "z", "sh")):
        plurals = [last + "es"]
    elif last.endswith("ch"):  # churches, but stomachs and epochs
        plurals.append(last + "es")
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

    text = "\n".join(line for _, line in unfenced_lines(markdown))
    return search_text(_INLINE_CODE.sub(" ", text) if "`" in text else text)
