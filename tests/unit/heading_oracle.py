"""markdown-it as the oracle for the line scanner: which headings split a file.

Shared by test_scan (the cases written down) and test_load_speed_paths (the shortcuts).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence

from reader.markdown import parse
from reader.scan import scan_markdown

_DETAILS_TAG = re.compile(r"<(/?)details(?=[\s/>]|$)", re.IGNORECASE)


def lines_of(text: str) -> list[str]:
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def without_front_matter(text: str) -> str:
    """Blank a leading YAML block (`---` ... `---`), which markdown-it alone reads as Markdown."""
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        for number in range(1, len(lines)):
            if lines[number].rstrip() in ("---", "..."):
                return "\n" * (number + 1) + "\n".join(lines[number + 1 :])
    return text


def markdown_it_headings(text: str) -> list[tuple[int, int]]:
    """(0-based line, level) of top-level headings markdown-it sees outside `<details>`."""
    depth = 0
    found = []
    for token in parse(without_front_matter(text)):
        if token.type == "html_block":
            for match in _DETAILS_TAG.finditer(token.content):
                depth = max(0, depth - 1) if match[1] else depth + 1
        elif token.type == "heading_open" and token.level == 0 and depth == 0:
            assert token.map is not None
            found.append((token.map[0], int(token.tag[1])))
    return found


def scanner_headings(text: str) -> list[tuple[int, int]]:
    return [(h.line, h.level) for h in scan_markdown(lines_of(text)).headings]


def random_documents(lines: Sequence[str], count: int, seed: int, most_lines: int) -> Iterator[str]:
    """Seeded random mixes of `lines`, 1 to `most_lines` of them; none opens with front
    matter's `---` (the scanner reads it as front matter, markdown-it as a rule)."""
    rng = random.Random(seed)
    for _ in range(count):
        chosen = [rng.choice(lines) for _ in range(rng.randint(1, most_lines))]
        if chosen[0] != "---":
            yield "\n".join(chosen) + "\n"
