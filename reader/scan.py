"""Find the headings of a Markdown file without parsing all of it.

Splitting a 3.5 MB pack into sections must not wait for markdown-it to parse every
paragraph, so this line scanner finds top-level ATX and setext headings, skipping front
matter, fenced code, indented code, raw HTML blocks and `<details>` blocks (a heading
inside a collapsible block belongs to the block, not to the outline). Headings nested
in a list item or block quote stay in their section too: cutting there would split the
list or quote in two. A test checks it agrees with markdown-it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from reader.lazy_pattern import LazyPattern
from reader.markdown_syntax import (
    ATX_HEADING,
    ATX_OPENING,
    DEFINITION,
    DETAILS_CLOSE,
    DETAILS_OPEN,
    HTML_BLOCK_KINDS,
    SETEXT_UNDERLINE,
    html_block_kind,
)

__all__ = [
    "FileScan",
    "Heading",
    "RawHeading",
    "closes_fence",
    "front_matter_end",
    "front_matter_flag",
    "opens_fence",
    "scan_lines",
    "scan_markdown",
    "unfenced_lines",
]

# Headings and HTML come from reader.markdown_syntax, which the renderer shares. Every
# pattern runs in linear time on any line (tests/unit/test_redos.py): a run the pattern
# cannot give back usefully is taken possessively (`*+`, `++`), so a failing match never
# retries each split of it.
_FENCE = LazyPattern(r"^ {0,3}(`{3,}+|~{3,}+)(.*+)$")
_THEMATIC = LazyPattern(r"^ {0,3}([-*_])(?:[ \t]*+\1){2,}+[ \t]*+$")
_LIST_ITEM = LazyPattern(r"^( {0,3})(?:[-+*]|(\d{1,9})[.)])(?:([ \t]++)(.*+)|$)")
_QUOTE = LazyPattern(r"^ {0,3}>(.*+)$")
_TABLE_DELIMITER = LazyPattern(
    r"^ {0,3}\|?[ \t]*+:?-++:?[ \t]*+(?:\|[ \t]*+:?-++:?[ \t]*+)*+\|?[ \t]*+$"
)
# `(.+?)\s*$` as it was: the shortest text that only spaces and a line end follow (or,
# when only white space follows `title:`, its last character that is not a line end).
_FRONT_MATTER_TITLE = LazyPattern(
    r"^title:\s*(\S(?:[^\S\n]*+\S)*+|[^\S\n](?=\s*+\Z))\s*$", re.MULTILINE
)
_ENDS_AT_BLANK = LazyPattern(r"^$")
_CELL_BORDER = LazyPattern(r"(?<!\\)\|")


class Heading(NamedTuple):
    """One heading: its level, raw inline text, and the lines it spans (0-based)."""

    level: int
    text: str
    line: int  # first line of the heading (the text line, for setext)
    end_line: int  # line after the heading (after the underline, for setext)


class FileScan(NamedTuple):
    """What the scanner learned about one file."""

    headings: list[Heading]
    body_start: int  # first line after front matter
    front_matter_title: str | None
    break_lines: list[int]  # blank lines outside code, HTML and details: safe places to split
    #: Lines where a link reference or footnote definition (`[label]:`) starts, outside
    #: code and HTML (also in a quote or a list item): a file's definitions serve every
    #: section of it.
    definition_lines: list[int]


#: A heading as the loader needs it: (level, raw inline text, first line, line after).
RawHeading = tuple[int, str, int, int]


def scan_markdown(lines: list[str]) -> FileScan:
    """Scan lines (without line endings) for headings and safe split points."""
    raw, start, title, break_lines, definition_lines = scan_lines(lines)
    headings = [Heading(level, text, line, end_line) for level, text, line, end_line in raw]
    return FileScan(headings, start, title, break_lines, definition_lines)


def scan_lines(
    lines: list[str],
) -> tuple[list[RawHeading], int, str | None, list[int], list[int]]:
    """What `scan_markdown` finds, with headings as plain tuples.

    The loader reads each heading once; building 20,000 frozen dataclasses it throws
    away costs more than the tuples do.
    """
    headings: list[RawHeading] = []
    break_lines: list[int] = []
    definition_lines: list[int] = []
    start, title = _front_matter(lines)
    fence: tuple[str, int, int] | None = None  # marker, its length, the list's indent
    html_end: LazyPattern[str] | None = None  # inside raw HTML until this matches
    details_depth = 0
    paragraph_start: int | None = None  # a top-level paragraph, which setext can underline
    continues = False  # plain lines continue a list item, quote or table, not a paragraph
    list_indent: int | None = None  # content column of the open top-level list item

    for number in range(start, len(lines)):
        line = lines[number]
        if fence is not None:
            # A top-level fence (indent 0) never ends by dedent, so skip measuring indents.
            if fence[2] and line.strip(" \t") and _indent(line) < fence[2]:
                fence = list_indent = None  # the list item ends, and its code block with it
            else:
                if closes_fence(line, fence):
                    fence = None
                continue
        elif html_end is not None:
            blank = not line.strip(" \t")
            details_depth = _count_details(line, details_depth)
            if html_end.search("" if blank else line):
                html_end = None
            if blank and html_end is None and not details_depth:
                break_lines.append(number)
            continue
        elif details_depth:
            if not line.strip(" \t"):
                paragraph_start, continues = None, False  # inside details: no break line
                continue
            details_depth = _count_details(line, details_depth)
            if not details_depth:  # the closing tag's line may go on as an HTML block
                html_end = _html_block_end(line, interrupting=False)
                html_end = None if html_end and html_end.search(line.lstrip(" ")) else html_end
            continue
        # Outside code, HTML and details.
        if not line:  # the commonest blank line: nothing to strip
            paragraph_start, continues = None, False
            break_lines.append(number)
            continue
        first = line[0]
        if first.isalpha() and "|" not in line:  # plain prose, the commonest text line
            # No indent, so it never belongs to an open list item: it ends the item
            # unless it is a lazy continuation line, as in the general path below.
            if not continues:
                list_indent = None
                if paragraph_start is None:
                    paragraph_start = number
            continue
        if first in " \t":
            text = line.lstrip(" \t")
            if not text:  # blank, but for spaces or tabs
                paragraph_start, continues = None, False
                break_lines.append(number)
                continue
            # What `_indent(line)` says, counted here when there is no tab to expand.
            indent = len(line) - len(text)
            if "\t" in line:
                indent = _indent(line)
        else:
            if first == "#":  # most often a heading: the general path would try it first
                atx = _atx(line)
                if atx is not None:
                    headings.append((atx[0], atx[1], number, number + 1))
                    paragraph_start, continues, list_indent = None, False, None
                    continue
            elif first in "-*+" and line[1:2] == " " and line[2:3].isalpha():
                # "- Word": a bullet item and nothing else (no break, no underline, no
                # other block starts so). The general path below would set just this:
                # the item's content column, and its text as a paragraph to continue.
                list_indent, paragraph_start, continues = 2, None, True
                continue
            text, indent = line, 0
        # Every block pattern below starts with at most three spaces and then its own
        # character, so `mark` (the first character after the indent) rules most of them
        # out without running them; the ones it allows run exactly as before, in order.
        mark = text[0]
        if list_indent is not None:
            if indent >= list_indent:  # the list item's own content: nested, never a section
                # The calls below return None and True for a line that cannot open a code
                # fence or any other block: skip them when the first character says so.
                fence = opens_fence(line, list_indent) if mark in "`~" else None
                continues = fence is None and (mark not in "#`~-*_" or _is_paragraph_text(text))
                continue
            if not continues:
                list_indent = None  # a blank line and then less indent: the list is over
        if indent >= 4 and paragraph_start is None:
            continue  # indented code, or a lazy line of a list item or quote
        if mark in "`~":
            fence = opens_fence(line, 0)
            if fence is not None:
                paragraph_start, continues, list_indent = None, False, None
                continue
        elif mark == "#":
            atx = _atx(line)
            if atx is not None:
                headings.append((atx[0], atx[1], number, number + 1))
                paragraph_start, continues, list_indent = None, False, None
                continue
        if paragraph_start is not None and mark in "=-" and SETEXT_UNDERLINE.match(line):
            level = 1 if mark == "=" else 2
            text = " ".join(part.strip() for part in lines[paragraph_start:number])
            headings.append((level, text, paragraph_start, number + 1))
            paragraph_start = None
            continue
        if mark == "<":
            html = _html_block_end(line, interrupting=paragraph_start is not None or continues)
            if html is not None:
                details_depth = _count_details(line, 0)
                html_end = None if html.search(line.lstrip(" ")) else html
                paragraph_start, continues, list_indent = None, False, None
                continue
        if mark in "-*_" and line.count(mark) >= 3 and _THEMATIC.match(line):  # 3 marks at least
            paragraph_start, continues, list_indent = None, False, None
            continue
        if mark in "-*+" or mark.isdigit():
            item = _LIST_ITEM.match(line)
            if item and not (paragraph_start is not None and _cannot_interrupt(item)):
                content = item[4] or ""
                marker_end = item.start(3) if item[3] is not None else len(line)
                spaces = len((item[3] or "").expandtabs(4))
                list_indent = marker_end + (spaces if 1 <= spaces <= 4 and content else 1)
                paragraph_start, continues = None, _is_paragraph_text(content)
                if content[:1] == "[" and DEFINITION.match(content):  # `- [x]: /url`
                    definition_lines.append(number)  # (its title may go on: `continues`)
                continue
        if mark == ">":
            quote = _QUOTE.match(line)
            if quote:
                quoted = quote[1][1:] if quote[1][:1] == " " else quote[1]
                if (
                    quoted[:1] == "["
                    and DEFINITION.match(quoted)
                    and (not continues or quoted.startswith("[^"))
                ):
                    definition_lines.append(number)  # `> [x]: /url` defines it for the file
                paragraph_start, continues, list_indent = None, _is_paragraph_text(quote[1]), None
                continue
        if _starts_table(line, lines, number):
            paragraph_start, continues = None, True
            continue
        # A link reference definition cannot interrupt a paragraph; a footnote's can (the
        # footnote plugin's rule, as cmark-gfm reads it).
        if mark == "[" and DEFINITION.match(line):
            if text.startswith("[^"):  # its text may go on in lazy lines, as a paragraph's
                definition_lines.append(number)
                paragraph_start, continues, list_indent = None, True, None
                continue
            if paragraph_start is None and not continues:
                definition_lines.append(number)
                continue
        if paragraph_start is None and not continues:
            paragraph_start = number
    return headings, start, title, break_lines, definition_lines


def _atx(line: str) -> tuple[int, str] | None:
    """An ATX heading's level and stripped text: what `ATX_HEADING` gives, without its cost.

    `ATX_HEADING` tries the closing-hashes pattern after every space run of the text
    (several microseconds a heading). Here the opening is matched, then trailing spaces
    and a closing run of '#' after a space or tab are cut off, which is the shortest
    text `ATX_HEADING` can leave (test_load_speed_paths compares the two).
    """
    if "\n" in line:  # never in a loaded file; the pattern's `$` treats it specially
        match = ATX_HEADING.match(line)
        return (len(match[1]), (match[2] or "").strip()) if match else None
    opening = ATX_OPENING.match(line)
    if opening is None:
        return None
    text = line[opening.end() :].rstrip(" \t")
    without_closing = text.rstrip("#")
    if without_closing != text and without_closing[-1:] in (" ", "\t"):
        text = without_closing
    return len(opening[1]), text.strip()


def _indent(line: str) -> int:
    """Columns of leading whitespace, tabs to multiples of four as CommonMark counts them."""
    if line[:1] not in (" ", "\t"):
        return 0
    stripped = line.lstrip(" ")
    if stripped[:1] != "\t":  # spaces only, the usual indent: one column each
        return len(line) - len(stripped)
    stripped = line.lstrip(" \t")
    return len(line[: len(line) - len(stripped)].expandtabs(4))


def _is_paragraph_text(text: str) -> bool:
    """Whether a container's line is paragraph text, which lazy lines may continue."""
    text = text.lstrip(" \t")
    if not text:
        return False
    # Each pattern needs its own first character (the indent is gone): run only that one.
    mark = text[0]
    if mark == "#":
        return not ATX_HEADING.match(text)
    if mark in "`~":
        return not _FENCE.match(text)
    if mark in "-*_":
        return text.count(mark) < 3 or not _THEMATIC.match(text)  # a break has 3 marks
    return True


def _count_details(line: str, depth: int) -> int:
    depth += len(DETAILS_OPEN.findall(line))
    return max(0, depth - len(DETAILS_CLOSE.findall(line)))


def _html_block_end(line: str, interrupting: bool) -> LazyPattern[str] | None:
    """If `line` starts a raw HTML block, the pattern that ends it (CommonMark's rules)."""
    if _indent(line) >= 4:
        return None
    text = line.lstrip(" ")
    if not text.startswith("<"):
        return None
    kind = html_block_kind(text)
    if kind is None:
        return None
    _, closer, can_interrupt = HTML_BLOCK_KINDS[kind - 1]
    if interrupting and not can_interrupt:
        return None
    return _ENDS_AT_BLANK if closer is None else closer


def _cannot_interrupt(item: re.Match[str]) -> bool:
    """CommonMark: only a non-empty item, and only '1.' when ordered, interrupts a paragraph."""
    return not (item[4] or "").strip() or (item[2] is not None and item[2] != "1")


def _starts_table(line: str, lines: list[str], number: int) -> bool:
    """A GitHub table: a header row with pipes, then a delimiter row with as many cells."""
    if "|" not in line or number + 1 >= len(lines):
        return False
    delimiter = lines[number + 1]
    if "-" not in delimiter or not _TABLE_DELIMITER.match(delimiter):  # cheap test first
        return False
    return _cells(line) == _cells(delimiter)


def _cells(row: str) -> int:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return len(_CELL_BORDER.split(row))


def opens_fence(line: str, indent: int) -> tuple[str, int, int] | None:
    """A code fence opened on this line, `indent` columns into a list item (0: top level)."""
    text = line.lstrip(" \t")
    if text[:1] not in ("`", "~") or _indent(line) - indent >= 4:
        return None
    match = _FENCE.match(text)
    if match is None or (match[1][0] == "`" and "`" in match[2]):
        return None
    return match[1][0], len(match[1]), indent


def closes_fence(line: str, fence: tuple[str, int, int]) -> bool:
    stripped = line.strip(" \t")
    marker, length, indent = fence
    return (
        stripped[:1] == marker  # most lines in a code block are code: cheapest test first
        and len(stripped) >= length
        and stripped == marker * len(stripped)
        and _indent(line) - indent < 4
    )


def _front_matter(lines: list[str]) -> tuple[int, str | None]:
    """Skip a YAML front matter block; its `title:` names an untitled file."""
    if not lines or lines[0].rstrip() != "---":
        return 0, None
    for number in range(1, min(len(lines), 400)):
        if lines[number].rstrip() in ("---", "..."):
            match = _FRONT_MATTER_TITLE.search("\n".join(lines[1:number]))
            title = match[1].strip("'\"") if match else None
            return number + 1, title
    return 0, None


def unfenced_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line outside fenced code (and not a fence's own line), with the offset it
    starts at: fences read as the scanner reads them at the top level."""
    fence: tuple[str, int, int] | None = None
    position = 0
    for line in text.split("\n"):
        start, position = position, position + len(line) + 1
        if fence is not None:
            if closes_fence(line, fence):
                fence = None
            continue
        fence = opens_fence(line, 0)
        if fence is None:
            yield start, line


def front_matter_end(lines: list[str]) -> int:
    """The first line after a YAML front matter block (0: there is none)."""
    return _front_matter(lines[:400])[0]


def front_matter_flag(text: str, key: str) -> bool | None:
    """What the file's YAML front matter says of `key`: True (`true`, `yes`, `on`, as
    YAML 1.1 reads them), False (anything else), None (the key is not there): a file
    opts into a feature by saying so, and out of one its name would imply."""
    if not text.startswith("---"):
        return None
    lines = text[: 64 * 1024].split("\n", 400)
    start, _ = _front_matter(lines[:400])
    if not start:
        return None
    wanted = key.casefold()
    for line in lines[1 : start - 1]:
        name, colon, value = line.partition(":")
        if colon and name.strip().casefold() == wanted:
            return value.split("#", 1)[0].strip().strip("'\"").casefold() in _YAML_TRUE
    return None


_YAML_TRUE = frozenset({"true", "yes", "on"})
