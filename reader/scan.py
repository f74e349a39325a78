"""Find the headings of a Markdown file without parsing all of it.

Splitting a 3.5 MB pack into sections must not wait for markdown-it to parse every
paragraph, so this line scanner finds ATX and setext headings, skipping front matter,
fenced code, indented code and `<details>` blocks (a heading inside a collapsible block
belongs to the block, not to the outline). A test checks it agrees with markdown-it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FileScan", "Heading", "scan_markdown"]

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_NOT_PARAGRAPH = re.compile(r"^ {0,3}(?:[-+*]\s|\d{1,9}[.)]\s|>|<|\||[-*_](?:\s*[-*_]){2,}\s*$)")
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_FRONT_MATTER_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Heading:
    """One heading: its level, raw inline text, and the lines it spans (0-based)."""

    level: int
    text: str
    line: int  # first line of the heading (the text line, for setext)
    end_line: int  # line after the heading (after the underline, for setext)


@dataclass(slots=True)
class FileScan:
    """What the scanner learned about one file."""

    headings: list[Heading]
    body_start: int  # first line after front matter
    front_matter_title: str | None
    break_lines: list[int]  # blank lines outside code and details: safe places to split


def scan_markdown(lines: list[str]) -> FileScan:
    """Scan lines (without line endings) for headings and safe split points."""
    headings: list[Heading] = []
    break_lines: list[int] = []
    start, title = _front_matter(lines)
    fence: tuple[str, int] | None = None
    details_depth = 0
    paragraph_start: int | None = None

    for number in range(start, len(lines)):
        line = lines[number]
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
            continue
        if not line.strip():
            paragraph_start = None
            if details_depth == 0:
                break_lines.append(number)
            continue
        if details_depth or _DETAILS_OPEN.search(line):
            details_depth += len(_DETAILS_OPEN.findall(line))
            details_depth = max(0, details_depth - len(_DETAILS_CLOSE.findall(line)))
            paragraph_start = None
            continue
        if paragraph_start is None and (line.startswith("    ") or line.startswith("\t")):
            continue  # indented code, or a list item's continuation: never a heading
        fence_match = _FENCE.match(line)
        if fence_match and not (fence_match[1][0] == "`" and "`" in fence_match[2]):
            fence = (fence_match[1][0], len(fence_match[1]))
            paragraph_start = None
            continue
        atx = _ATX.match(line)
        if atx:
            headings.append(Heading(len(atx[1]), (atx[2] or "").strip(), number, number + 1))
            paragraph_start = None
            continue
        setext = _SETEXT.match(line)
        if setext and paragraph_start is not None:
            level = 1 if setext[1][0] == "=" else 2
            text = " ".join(part.strip() for part in lines[paragraph_start:number])
            headings.append(Heading(level, text, paragraph_start, number + 1))
            paragraph_start = None
            continue
        if _NOT_PARAGRAPH.match(line):
            paragraph_start = None  # lists, quotes, HTML and tables end a paragraph
        elif paragraph_start is None:
            paragraph_start = number
    return FileScan(headings, start, title, break_lines)


def _closes_fence(line: str, fence: tuple[str, int]) -> bool:
    stripped = line.strip()
    marker, length = fence
    return (
        len(line) - len(line.lstrip(" ")) < 4
        and len(stripped) >= length
        and stripped == marker * len(stripped)
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
