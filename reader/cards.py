"""Self-test cards: written in the pack, or derived from its glossary and comparison.

Written cards use the Obsidian Spaced Repetition plugin's syntax, the one people who keep
notes in Markdown already know, and Anki's cloze::

    Question::Answer                      one card
    Question:::Answer                     two cards, one each way
    question lines / ? / answer lines     one card (?? for both ways); ends at a blank line
    ==hidden==  {{c1::hidden}}  {{c1::hidden::hint}}     one card per cloze number

Only files that opt in hold cards, since ordinary documentation is full of `::`: the tag
`#flashcards` anywhere in the text, front matter `cards: true`, or the manifest's
`cards = [...]`. A card lives in one paragraph as markdown-it's block parse finds it, so
code blocks, HTML blocks (comments), tables and headings never hold one; inside the
paragraph, code spans, inline HTML and link destinations are masked before separators are
looked for.

A card's id is a hash of its kind and normalised text: editing a card starts it afresh,
moving it keeps its schedule. No Textual here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from reader.files import Problem
from reader.lazy_pattern import LazyPattern
from reader.state import Record

if TYPE_CHECKING:
    from pathlib import Path

    from markdown_it.token import Token

    from reader.files import PackFile
    from reader.glossary import GlossaryEntry
    from reader.pack import Pack, Section

__all__ = [
    "CARDS_TAG",
    "Card",
    "CardSet",
    "Deletion",
    "Written",
    "cache_key",
    "cached_pack_cards",
    "cloze_back",
    "cloze_front",
    "find_cards",
    "is_card_file",
    "pack_cards",
    "read_paragraph",
]

CARDS_TAG = "#flashcards"
#: The tag as the plugin reads it: not part of a longer word; `#flashcards/deck` counts.
_TAG = LazyPattern(r"(?<![\w#/\\])#flashcards(?![\w-])", re.IGNORECASE)
#: A paragraph can hold a card only if it has one of these (a fast first look).
_MARKS = ("::", "==", "?", "{{c")
#: A link's destination; and a whole inline link, its text too (`[std::vector](url)`).
_LINK_DESTINATION = LazyPattern(r"\]\([^)\n]*+\)?")
_WHOLE_LINK = LazyPattern(r"\[[^\[\]\n]*+\]\([^()\[\]\s]*+\)")
#: What CommonMark reads as raw HTML or an autolink (not `a<b?::b>a`): a tag with
#: attributes, a closing tag, `<!…>` and `<?…>`, a URI or an e-mail address in brackets.
_TAG_OR_AUTOLINK = LazyPattern(
    r"</?[A-Za-z][A-Za-z0-9-]*+(?:\s[^<>\n]*+)?/?>"
    r"|<[!?][^<>\n]*+>"
    r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*+>"
    r"|<[^<>\s@]++@[^<>\s]++>"
)
_CLOZE_OPEN = LazyPattern(r"\{\{c(\d{1,6})::")
#: A separator: exactly two colons (one card) or three (both ways); longer runs are not.
_SEPARATOR = LazyPattern(r"(?<!:):{2,3}+(?!:)")
#: More cloze numbers than this in one paragraph are not made into cards: each card
#: holds the whole paragraph, so thousands would cost time and memory by the square.
MAX_CLOZES = 50
#: Problems of one kind reported per paragraph at most: a hostile file gets a few lines.
MAX_PARAGRAPH_PROBLEMS = 10
_FIRST_LINK = LazyPattern(r"\]\(\s*<?([^)\s>]++)")
#: What stands for a hidden deletion without a hint.
HIDDEN = "[...]"  # as Anki shows a cloze
#: A card side longer than this is cut (a wall of text is not a card).
MAX_SIDE_CHARS = 4000


class Deletion(NamedTuple):
    """One cloze deletion: where it is in the paragraph's Markdown and what it hides."""

    start: int  # of the whole `{{c1::…}}` or `==…==`
    end: int
    number: int
    hidden: str  # the Markdown it hides
    hint: str


class Written(NamedTuple):
    """One card as written, or a run of lines that holds none: what the reading pane
    draws, and what `Card`s are made from."""

    kind: str  # "basic", "both" (`:::` or `??`), "cloze", or "text"
    question: str  # Markdown; a cloze's whole paragraph; the lines themselves for "text"
    answer: str  # Markdown; "" for a `?` card whose answer is the block after it
    line: int  # its first line, counted from the paragraph's first (0)
    deletions: tuple[Deletion, ...] = ()
    #: A `?` card's separator line (from the paragraph's first); -1 for others. Its
    #: answer runs to a blank line: a list or a quote straight after it belongs to it.
    separator: int = -1

    @property
    def numbers(self) -> list[int]:
        """A cloze's numbers, in order, once each."""
        return sorted({deletion.number for deletion in self.deletions})


class Card(Record):
    """One card to review: both sides as Markdown, where it comes from, and its identity."""

    __slots__ = (
        "anki_text", "answer", "breadcrumb", "cloze", "id", "kind", "line", "note", "path",
        "question", "section_id",
    )  # fmt: skip
    FIELDS = __slots__

    def __init__(
        self,
        kind: str,
        question: str,
        answer: str,
        *,
        identity: str,
        note: str,
        path: str = "",
        line: int = 0,
        section_id: str = "",
        breadcrumb: str = "",
        cloze: int = 0,
        anki_text: str = "",
    ) -> None:
        self.id = identity
        self.kind = kind  # "basic", "reversed", "cloze", "glossary" or "comparison"
        self.question = question
        self.answer = answer
        self.path = path
        self.line = line  # 1-based
        self.section_id = section_id
        self.breadcrumb = breadcrumb
        self.note = note  # shared by a `:::` pair's two cards and a paragraph's clozes
        self.cloze = cloze
        self.anki_text = anki_text

    def __repr__(self) -> str:
        return f"Card({self.kind!r}, {self.question[:40]!r}, {self.path}:{self.line})"

    def __hash__(self) -> int:  # type: ignore[override]  # equal cards have equal ids
        return hash(self.id)


class CardSet:
    """A pack's cards in reading order, and what is wrong with how some are written."""

    __slots__ = ("by_id", "cards", "problems")

    def __init__(self, cards: list[Card], problems: list[Problem]) -> None:
        self.cards = cards
        self.problems = problems
        self.by_id = {card.id: card for card in cards}

    def __len__(self) -> int:
        return len(self.cards)

    def in_sections(self, section_ids: set[str]) -> list[Card]:
        return [card for card in self.cards if card.section_id in section_ids]

    def counts(self) -> dict[str, int]:
        """How many cards of each kind: written ("basic", "reversed", "cloze") and derived."""
        counts: dict[str, int] = {}
        for card in self.cards:
            counts[card.kind] = counts.get(card.kind, 0) + 1
        return counts


# ----------------------------------------------------------------- opting in
def is_card_file(pack_file: PackFile, listed: Iterable[str] = ()) -> bool:
    """Whether a file holds cards: listed in the manifest, front matter `cards: true`, or
    the `#flashcards` tag in its text (front matter `cards: false` opts out of the tag)."""
    if pack_file.relative in listed:
        return True
    from reader.scan import front_matter_flag

    flag = front_matter_flag(pack_file.text, "cards")
    if flag is not None:
        return flag
    text = pack_file.text
    # Plain searches before the pattern: no lower-cased copy of a big file. Obsidian's tags
    # are case-blind; these spellings cover the ones people write.
    if "lashcards" not in text and "LASHCARDS" not in text and "lashCards" not in text:
        return False
    return _tag_in_prose(text) or _tag_in_front_matter(text)


def _tag_in_prose(text: str) -> bool:
    """The tag outside code (fenced, indented or a span): a page that documents the
    syntax in code does not opt itself in."""
    from reader.scan import unfenced_lines

    for _, line in unfenced_lines(text):
        if line.startswith(("    ", "\t")) or _TAG.search(line) is None:
            continue
        if _TAG.search(_blank(line, _code_spans(line))) is not None:
            return True
    return False


def _tag_in_front_matter(text: str) -> bool:
    """`tags: [flashcards]`, `tags: flashcards` or a `- flashcards` item under `tags:`,
    as the plugin reads front matter."""
    from reader.scan import front_matter_end

    lines = text[: 64 * 1024].split("\n", 400)[:400]
    end = front_matter_end(lines)
    in_tags = False
    for line in lines[1 : max(1, end - 1)]:
        name, colon, value = line.partition(":")
        if colon and not line.startswith((" ", "\t", "-")):
            in_tags = name.strip().casefold() == "tags"
            words = re.findall(r"[\w/#-]+", value.casefold())
            if in_tags and any(word.lstrip("#") == "flashcards" for word in words):
                return True
        elif in_tags and line.strip().lstrip("- ").strip("'\"#").casefold() == "flashcards":
            return True
    return False


# ----------------------------------------------------------------- paragraphs
def read_paragraph(content: str) -> tuple[list[Written], list[tuple[int, str]]]:
    """The cards a paragraph's Markdown holds, with the lines between them as "text", and
    what is malformed (line offset, message). No card: an empty list, so the caller draws
    the paragraph as it is."""
    if not any(mark in content for mark in _MARKS):
        return [], []
    lines = content.split("\n")
    problems: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        if line.strip() in ("?", "??"):
            return _multiline(lines, number, problems), problems
    masked = _masked(content)
    deletions, cloze_problems = _deletions(content, masked)
    # A deletion's `::` separates nothing; nor does an unclosed `{{c1::`'s.
    spans = [(deletion.start, deletion.end) for deletion in deletions]
    spans.extend(match.span() for match in _CLOZE_OPEN.finditer(masked))
    masked = _blank(masked, spans)
    pieces = _inline_cards(lines, masked.split("\n"), problems)
    if pieces:
        return [_with_clozes(piece, problems) for piece in pieces], problems
    problems.extend(cloze_problems)
    if deletions:
        return [Written("cloze", content, "", 0, tuple(deletions))], problems
    return [], problems


def _with_clozes(piece: Written, problems: list[tuple[int, str]]) -> Written:
    """Lines between `Q::A` cards that hide cloze deletions: a cloze card of their own."""
    if piece.kind != "text" or not any(mark in piece.question for mark in ("==", "{{c")):
        return piece
    deletions, found = _deletions(piece.question, _masked(piece.question))
    problems.extend((piece.line + line, message) for line, message in found)
    if not deletions:
        return piece
    return Written("cloze", piece.question, "", piece.line, tuple(deletions))


def _multiline(lines: list[str], separator: int, problems: list[tuple[int, str]]) -> list[Written]:
    question = "\n".join(lines[:separator]).strip()
    answer = "\n".join(lines[separator + 1 :]).strip()
    if not question:
        problems.append((separator, f"a `{lines[separator].strip()}` line with no question"))
        return []
    kind = "both" if lines[separator].strip() == "??" else "basic"
    return [Written(kind, question, answer, 0, separator=separator)]


def _inline_cards(
    lines: list[str], masked_lines: list[str], problems: list[tuple[int, str]]
) -> list[Written]:
    """`Question::Answer` lines, each a card; the lines between them kept as text."""
    pieces: list[Written] = []
    text_start: int | None = None
    found = False
    for number, (line, masked) in enumerate(zip(lines, masked_lines, strict=True)):
        separator = _SEPARATOR.search(masked)
        at = separator.start() if separator else -1
        card = None
        if at >= 0:
            both = masked.startswith(":::", at)
            question = line[:at].strip()
            answer = line[at + (3 if both else 2) :].strip()
            if not question or not answer:
                side = "question" if not question else "answer"
                problems.append((number, f"a card with an empty {side}"))
            else:
                card = Written("both" if both else "basic", question, answer, number)
        if card is None:
            if text_start is None:
                text_start = number
            continue
        found = True
        if text_start is not None:
            pieces.append(Written("text", "\n".join(lines[text_start:number]), "", text_start))
            text_start = None
        pieces.append(card)
    if not found:
        return []
    if text_start is not None:
        pieces.append(Written("text", "\n".join(lines[text_start:]), "", text_start))
    return pieces


def _deletions(content: str, masked: str) -> tuple[list[Deletion], list[tuple[int, str]]]:
    """Anki's `{{cN::…}}` and the plugin's `==…==` deletions, numbered: each `==` one
    number of its own after Anki's highest."""
    deletions: list[Deletion] = []
    problems: list[tuple[int, str]] = []
    line_ends = [match.start() for match in re.finditer("\n", masked)]

    def line_of(offset: int) -> int:
        return bisect_right(line_ends, offset - 1)

    position = 0
    while True:
        found = _CLOZE_OPEN.search(masked, position)
        if found is None:
            break
        close = masked.find("}}", found.end())
        if close < 0:  # and none of the later ones closes either
            never = f"`{{{{c{found[1]}::` is never closed with `}}}}`"
            problems.append((line_of(found.start()), never))
            break
        inner = content[found.end() : close]
        hidden, _, hint = inner.partition("::")
        number = int(found[1])
        if hidden.strip() and number > 0:
            deletions.append(Deletion(found.start(), close + 2, number, hidden, hint.strip()))
        elif len(problems) < MAX_PARAGRAPH_PROBLEMS:
            why = "hides nothing" if number > 0 else "is numbered 0 (Anki starts at c1)"
            problems.append((line_of(found.start()), f"the cloze `{{{{c{found[1]}::` {why}"))
        position = close + 2
    blanked = _blank(masked, [(deletion.start, deletion.end) for deletion in deletions])
    highlights, unclosed = _highlights(blanked)
    if unclosed is not None:
        problems.append((line_of(unclosed), "`==` is never closed"))
    after = max((deletion.number for deletion in deletions), default=0)
    for offset, (start, end) in enumerate(highlights, start=1):
        deletions.append(Deletion(start, end, after + offset, content[start + 2 : end - 2], ""))
    deletions.sort()
    numbers = sorted({deletion.number for deletion in deletions})
    if len(numbers) > MAX_CLOZES:
        kept = set(numbers[:MAX_CLOZES])
        line = line_of(deletions[0].start)
        problems.append(
            (
                line,
                f"more than {MAX_CLOZES} cloze numbers in one paragraph; "
                "the rest are shown, not hidden",
            )
        )
        deletions = [deletion for deletion in deletions if deletion.number in kept]
    return deletions, problems


def _highlights(masked: str) -> tuple[list[tuple[int, int]], int | None]:
    """`==text==` spans (text neither starting nor ending with a space, on one or more
    lines), and where an opening `==` is left unclosed."""
    runs = [
        match.start() for match in re.finditer(r"=+", masked) if match.end() - match.start() == 2
    ]
    spans: list[tuple[int, int]] = []
    opener: int | None = None
    for at in runs:
        before = masked[at - 1] if at else " "
        after = masked[at + 2] if at + 2 < len(masked) else " "
        if opener is None:
            if not after.isspace():
                opener = at
        elif not before.isspace():
            spans.append((opener, at + 2))
            opener = None
    return spans, opener


def _masked(text: str) -> str:
    """`text` with code spans, inline HTML, autolinks, comments and link destinations
    blanked (the same length, so offsets hold): no separator is looked for in them."""
    spans = _code_spans(text)
    # A backslash escape (`\::`) is a character written, not a separator.
    spans.extend(match.span() for match in re.finditer(r"\\[^\n]", text))
    covered = _blank(text, spans)
    spans.extend(_comments(covered))
    covered = _blank(text, spans)
    spans.extend(match.span() for match in _TAG_OR_AUTOLINK.finditer(covered))
    spans.extend(match.span() for match in _WHOLE_LINK.finditer(covered))
    spans.extend(match.span() for match in _LINK_DESTINATION.finditer(covered))
    return _blank(text, spans)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """CommonMark code spans: a run of backticks closed by the next run of the same
    length. Each length's runs are listed once, so a hostile line of mixed runs stays
    linear (a search per opener would not)."""
    if "`" not in text:
        return []
    runs = [(match.start(), match.end()) for match in re.finditer(r"`+", text)]
    by_length: dict[int, list[int]] = {}
    for start, end in runs:
        by_length.setdefault(end - start, []).append(start)
    spans: list[tuple[int, int]] = []
    covered_until = 0
    for start, end in runs:
        if start < covered_until:
            continue
        same = by_length[end - start]
        following = bisect_right(same, start)
        if following < len(same):
            close = same[following]
            spans.append((start, close + end - start))
            covered_until = close + end - start
    return spans


def _comments(text: str) -> list[tuple[int, int]]:
    spans = []
    at = text.find("<!--")
    while at >= 0:
        close = text.find("-->", at + 4)
        end = len(text) if close < 0 else close + 3
        spans.append((at, end))
        at = text.find("<!--", end)
    return spans


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    pieces = []
    position = 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        start = max(start, position)
        pieces.append(text[position:start])
        # Line ends stay: lines are counted in the masked text.
        pieces.append(re.sub(r"[^\n]", "\0", text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def cloze_front(written: Written, number: int | None = None) -> str:
    """The paragraph with cloze `number` (None: every one) hidden, as its hint or […],
    and the others shown."""
    return _cloze_text(written, _hidden_mark, number)


def cloze_back(written: Written, number: int | None = None) -> str:
    """The paragraph with cloze `number` (None: every one) shown in bold."""
    return _cloze_text(written, _bold, number)


def anki_cloze(written: Written) -> str:
    """The paragraph in Anki's cloze syntax, the `==` deletions numbered."""
    pieces = []
    position = 0
    for deletion in written.deletions:
        pieces.append(written.question[position : deletion.start])
        hint = f"::{deletion.hint}" if deletion.hint else ""
        pieces.append(f"{{{{c{deletion.number}::{deletion.hidden}{hint}}}}}")
        position = deletion.end
    pieces.append(written.question[position:])
    return "".join(pieces)


def _hidden_mark(deletion: Deletion) -> str:
    return f"\\[{deletion.hint}\\]" if deletion.hint else "\\[...\\]"


def _bold(deletion: Deletion) -> str:
    return f"**{deletion.hidden.strip()}**"


def _cloze_text(written: Written, shown: Callable[[Deletion], str], number: int | None) -> str:
    pieces = []
    position = 0
    for deletion in written.deletions:
        pieces.append(written.question[position : deletion.start])
        if number is None or deletion.number == number:
            pieces.append(shown(deletion))
        else:
            pieces.append(deletion.hidden)
        position = deletion.end
    pieces.append(written.question[position:])
    return "".join(pieces)


# ----------------------------------------------------------------- files
def find_cards(text: str, path: str) -> tuple[list[Card], list[Problem]]:
    """The cards one opted-in file writes (no sections assigned), and its malformed ones."""
    from reader.markdown import block_parser
    from reader.scan import front_matter_end

    lines = text.split("\n")
    start = front_matter_end(lines)
    body = "\n".join([""] * start + lines[start:])
    tokens = block_parser().parse(body)
    cards: list[Card] = []
    problems: list[Problem] = []
    for position, token in enumerate(tokens):
        if token.type != "inline" or tokens[position - 1].type != "paragraph_open":
            continue
        opening_map = tokens[position - 1].map
        first = opening_map[0] if opening_map else 0
        pieces, found = read_paragraph(token.content)
        for offset, message in found:
            problems.append(Problem(path, first + offset + 1, message, "warning"))
        for piece in pieces:
            answer = piece.answer
            if piece.separator >= 0:  # a list or quote right after is part of the answer
                after = _following_block(tokens, position, lines, lines[first + piece.separator])
                answer = f"{answer}\n{after}".strip() if after else answer
                if not answer:
                    where = first + piece.line + 1
                    problems.append(Problem(path, where, "a card with an empty answer", "warning"))
                    continue
            cards.extend(_cards_of(piece._replace(answer=answer), path, first + piece.line + 1))
    return cards, problems


def _following_block(
    tokens: list[Token], position: int, lines: list[str], separator_line: str
) -> str:
    """The Markdown of the block right after a `?` card's paragraph (no blank line
    between), which belongs to its answer: a list, a quote, code or a table, never a
    heading (the card ends there). Its lines lose the containers' markers the `?` line has
    (`> `, a list item's indent), so the answer reads as it would on its own."""
    opening = tokens[position - 1]
    level = opening.level
    if not opening.map:
        return ""
    end = opening.map[1]
    for token in tokens[position + 2 :]:
        if token.level < level:
            return ""
        if token.level == level and token.nesting >= 0:
            if token.type not in _ANSWER_BLOCKS or not token.map or token.map[0] != end:
                return ""
            prefix = separator_line[: separator_line.find("?")]
            answer = [_unprefixed(line, prefix) for line in lines[token.map[0] : token.map[1]]]
            return "\n".join(answer).strip()
    return ""


#: What may answer a `?` card from the lines right after it.
_ANSWER_BLOCKS = frozenset(
    {"bullet_list_open", "ordered_list_open", "blockquote_open", "alert_open", "fence",
     "code_block", "table_open", "dl_open"}
)  # fmt: skip


def _unprefixed(line: str, prefix: str) -> str:
    """`line` without a container's marker: the prefix itself, or as much indent."""
    if prefix and line.startswith(prefix):
        return line[len(prefix) :]
    indent = len(prefix) if not prefix.strip() else 0
    return line[min(indent, len(line) - len(line.lstrip(" "))) :]


def _cards_of(piece: Written, path: str, line: int) -> list[Card]:
    if piece.kind == "cloze":
        note = _identity("cloze", anki_cloze(piece))
        return [
            Card(
                "cloze",
                _cut(cloze_front(piece, number)),
                _cut(cloze_back(piece, number)),
                identity=_identity("cloze", anki_cloze(piece), str(number)),
                note=note,
                path=path,
                line=line,
                cloze=number,
                anki_text=anki_cloze(piece),
            )
            for number in piece.numbers
        ]
    if piece.kind == "text":
        return []
    question, answer = _cut(piece.question), _cut(piece.answer)
    # One way or both are different Anki note types: adding `:` makes a new note.
    note = _identity("note-both" if piece.kind == "both" else "note", question, answer)
    ways = [("basic", question, answer)]
    if piece.kind == "both":
        ways.append(("reversed", answer, question))
    return [
        Card(
            kind,
            front,
            back,
            # Both ways are known by the card as written (question, answer).
            identity=_identity(kind, question, answer),
            note=note,
            path=path,
            line=line,
        )
        for kind, front, back in ways
    ]


def _cut(side: str) -> str:
    return side if len(side) <= MAX_SIDE_CHARS else side[: MAX_SIDE_CHARS - 1] + "…"


def _identity(kind: str, *texts: str) -> str:
    """The card's id: its kind and its text, whitespace and Unicode forms evened out."""
    normal = [" ".join(unicodedata.normalize("NFC", text).split()) for text in texts]
    data = "\x1f".join([kind, *normal]).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:16]


# ----------------------------------------------------------------- the pack
def pack_cards(pack: Pack, *, glossary: bool = True, comparison: bool = True) -> CardSet:
    """Every card of the pack: each opted-in file's, in reading order, then those derived
    from the glossary and from the comparison table (each can be turned off).

    The same card written twice counts once (its review would be shared anyway); the
    second copy is noted.
    """
    listed = pack.card_files_listed
    cards: list[Card] = []
    problems: list[Problem] = []
    wanted = pack.manifest.get("cards")
    if wanted is not None and (
        not isinstance(wanted, list) or not all(isinstance(name, str) for name in wanted)
    ):
        problems.append(
            Problem(
                "pack.toml",
                0,
                'cards must be a list of file names, such as cards = ["notes.md"]; ignored',
            )
        )
    for name in listed:
        if not any(pack_file.relative == name for pack_file in pack.files):
            problems.append(
                Problem("pack.toml", 0, f"`cards` names '{name}', which is not a pack file")
            )
    section_at = _section_finder(pack)
    for pack_file in pack.files:
        if not is_card_file(pack_file, listed):
            continue
        found, trouble = find_cards(pack_file.text, pack_file.relative)
        problems.extend(trouble)
        for card in found:
            section = section_at(card.path, card.line)
            if section is not None:
                card.section_id, card.breadcrumb = section.id, section.breadcrumb
        cards.extend(found)
    if glossary and pack.has_glossary:
        cards.extend(_glossary_cards(pack, section_at))
    if comparison:
        cards.extend(_comparison_cards(pack))
    return CardSet(_unique(cards, problems), problems)


def _section_finder(pack: Pack) -> Callable[[str, int], Section | None]:
    """`Pack.section_at` for many lookups: each file's sections by first line, bisected
    (walking every section for each card took seconds in a pack of 10,000)."""
    by_path: dict[str, tuple[list[int], list[Section]]] = {}
    for section in pack.sections:
        starts, found = by_path.setdefault(section.path, ([], []))
        starts.append(section.start_line)
        found.append(section)

    def section_at(path: str, line: int) -> Section | None:
        entry = by_path.get(path)
        if entry is None:
            return None
        index = bisect_right(entry[0], line) - 1
        return entry[1][index] if index >= 0 else None

    return section_at


def _unique(cards: list[Card], problems: list[Problem]) -> list[Card]:
    seen: dict[str, Card] = {}
    unique = []
    for card in cards:
        first = seen.get(card.id)
        if first is None:
            seen[card.id] = card
            unique.append(card)
        elif card.kind not in ("glossary", "comparison"):
            where = f"{first.path}:{first.line}"
            problems.append(
                Problem(card.path, card.line, f"the same card as {where}; counted once", "note")
            )
    return unique


def _glossary_cards(pack: Pack, section_at: Callable[[str, int], Section | None]) -> list[Card]:
    """Term → definition, placed in the section the definition's first link points to
    (the one that teaches it), else beside the entry in the glossary."""
    cards = []
    for entry in pack.glossary.entries:
        question = f"Define: {entry.term}"
        card = Card(
            "glossary",
            question,
            _cut(entry.definition),
            identity=_identity("glossary", entry.term, entry.definition),
            note=_identity("glossary-note", entry.term, entry.definition),
            path=entry.path,
            line=entry.line,
        )
        section = _teaching_section(pack, entry, section_at(entry.path, entry.line))
        if section is not None:
            card.section_id, card.breadcrumb = section.id, section.breadcrumb
        cards.append(card)
    return cards


def _teaching_section(pack: Pack, entry: GlossaryEntry, home: Section | None) -> Section | None:
    link = _FIRST_LINK.search(entry.definition)
    if link is not None and home is not None:
        target = pack.resolve(home, link[1])
        if target.followable and target.section_id is not None:
            found = pack.get(target.section_id)
            if found is not None:
                return found
    return home


def _comparison_cards(pack: Pack) -> list[Card]:
    """One card per cell of the comparison table: "Title — Row: Column?" → the cell."""
    section_id = pack.comparison_id
    section = pack.get(section_id) if section_id else None
    if section is None:
        return []
    from reader.markdown import block_parser, strip_inline_markup
    from reader.markdown_syntax import SUMMARY

    markdown = section.markdown
    summary = SUMMARY.search(markdown)
    if summary is None:
        return []
    from reader.html_text import html_block_text

    title = " ".join(html_block_text(summary[1], plain=True).split())
    tokens = block_parser().parse(markdown[summary.end() :])
    first_line = section.start_line + markdown.count("\n", 0, summary.end())
    rows = _first_table(tokens)
    if not rows or len(rows) < 2:
        return []
    (_, header), *body = rows
    columns = [strip_inline_markup(cell) for cell in header]
    cards = []
    for line, cells in body:
        if not cells:
            continue
        label = strip_inline_markup(cells[0])
        for column, cell in zip(columns[1:], cells[1:], strict=False):
            if not cell.strip() or not label.strip():
                continue
            # A row label asking already ("Targets self?") asks once.
            question = f"{title} — {label.rstrip(' ?')}: {column.rstrip(' ?')}?"
            cards.append(
                Card(
                    "comparison",
                    question,
                    _cut(cell.strip()),
                    identity=_identity("comparison", question, cell),
                    note=_identity("comparison-note", question, cell),
                    path=section.path,
                    line=first_line + line,
                    section_id=section.id,
                    breadcrumb=section.breadcrumb,
                )
            )
    return cards


def _first_table(tokens: list[Token]) -> list[tuple[int, list[str]]]:
    """The first table's rows: (line offset, the cells' Markdown), header first."""
    rows: list[tuple[int, list[str]]] = []
    inside = False
    for token in tokens:
        if token.type == "table_open":
            inside = True
        elif token.type == "table_close":
            break
        elif inside and token.type == "tr_open":
            rows.append((token.map[0] if token.map else 0, []))
        elif inside and token.type == "inline" and rows:
            rows[-1][1].append(token.content)
    return rows


# ----------------------------------------------------------------- the cache
#: Bump when what a card holds, or how cards are found, changes: old caches are ignored.
CACHE_VERSION = 1
#: A cache larger than this was not written by us.
MAX_CACHE_BYTES = 64 * 1024 * 1024
_CARD_FIELDS = (
    "kind", "question", "answer", "id", "note", "path", "line", "section_id", "breadcrumb",
    "cloze", "anki_text",
)  # fmt: skip


def cache_key(pack: Pack) -> str:
    """What the pack's cards depend on: every file's name and bytes, and the manifest's
    list of card files. Edit a file and the cache is found anew."""
    digest = hashlib.sha256(f"cards-{CACHE_VERSION}\0".encode())
    for name in pack.card_files_listed:
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(b"\1")
    for pack_file in pack.files:
        digest.update(pack_file.relative.encode("utf-8", "surrogatepass") + b"\0")
        pack_file.hash_into(digest)  # the file's bytes, a chunk at a time: no text copy
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def cached_pack_cards(pack: Pack, cache_dir: Path | None, *, write: bool = True) -> CardSet:
    """Every card of the pack (derived ones included), read from the cache when the pack
    has not changed since, else found and (when `write`) cached: a review started from
    the command line shows its first card without parsing the pack's files."""
    if cache_dir is None:
        return pack.cards()
    import json

    path = cache_dir / f"cards-{cache_key(pack)}.json"
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CACHE_BYTES + 1)
        if len(data) <= MAX_CACHE_BYTES:
            found = _from_cache(json.loads(data))
            if found is not None:
                return found
    except (OSError, ValueError, RecursionError):
        pass  # no cache, or not a usable one: found anew below
    cards = pack.cards()
    if write:
        _write_cache(path, cards)
    return cards


def _from_cache(data: object) -> CardSet | None:
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    rows, problems = data.get("cards"), data.get("problems")
    if not isinstance(rows, list) or not isinstance(problems, list):
        return None
    cards = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(_CARD_FIELDS):
            return None
        values = dict(zip(_CARD_FIELDS, row, strict=True))
        if not all(isinstance(values[name], int) for name in ("line", "cloze")):
            return None
        texts = [values[name] for name in _CARD_FIELDS if name not in ("line", "cloze")]
        if not all(isinstance(text, str) for text in texts):
            return None
        cards.append(
            Card(
                values["kind"],
                values["question"],
                values["answer"],
                identity=values["id"],
                note=values["note"],
                path=values["path"],
                line=values["line"],
                section_id=values["section_id"],
                breadcrumb=values["breadcrumb"],
                cloze=values["cloze"],
                anki_text=values["anki_text"],
            )
        )
    found: list[Problem] = []
    for row in problems:
        if not isinstance(row, list) or len(row) != 4:
            return None
        path, line, message, severity = row
        if not (isinstance(path, str) and isinstance(line, int) and isinstance(message, str)):
            return None
        found.append(Problem(path, line, message, str(severity)))
    return CardSet(cards, found)


def _write_cache(path: Path, cards: CardSet) -> None:
    """Write the cache atomically; a cache that cannot be written is simply not kept."""
    import contextlib
    import json
    import os
    import tempfile

    data = {
        "version": CACHE_VERSION,
        "cards": [[getattr(card, name) for name in _CARD_FIELDS] for card in cards.cards],
        "problems": [list(problem) for problem in cards.problems],
    }
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".cards-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file, ensure_ascii=False, separators=(",", ":"))
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError:
        pass
