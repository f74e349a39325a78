"""A pack's own reading order: mdBook's `SUMMARY.md`, or an index page of links.

Documentation folders say in what order they are read. mdBook books list their chapters
in `SUMMARY.md` (prefix chapters as plain links, `# Part` titles, nested lists of
`- [Title](path.md)`, `---` separators, draft chapters `- [Draft]()`, suffix chapters);
the Node.js API docs open with an `index.md` that is nothing but a list of links to the
folder's files. This module turns either into an ordered list of entries with their
nesting depth; `reader.pack` decides which files they name exist and lays the outline
out. No Textual.

Parsed with the reader's markdown-it setup, not line patterns: indentation, tabs,
escapes (`async\\_context.md`) and percent-encoding are CommonMark's to decide, and
markdown-it works in linear time (its `maxNesting` bounds how deep lists go).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import unquote

from reader.lazy_pattern import LazyPattern
from reader.markdown import inline_token_text, parse

__all__ = [
    "INDEX_MIN_LINKS",
    "INDEX_MIN_SHARE",
    "TocEntry",
    "index_entries",
    "might_be_index",
    "summary_entries",
    "toc_path",
]

#: An index page is taken as the pack's order when it lists at least this many pack
#: files, each as a list item that is one link and nothing else...
INDEX_MIN_LINKS = 3
#: ...and those items make up at least this share of all its list items.
INDEX_MIN_SHARE = 0.75

_SCHEME = LazyPattern(r"^[a-zA-Z][a-zA-Z0-9+.-]*+:")
_MARKDOWN_SUFFIXES = (".md", ".markdown")
#: What may stand beside an index item's one link without making it more than a link.
_LINK_DECORATION = " \t-–—:;,.*_`"


class TocEntry(NamedTuple):
    """One line of a table of contents, in the order written.

    `kind` is "chapter" (a Markdown file inside the pack, existing or not), "draft" (an
    mdBook chapter with an empty link), "part" (an mdBook part title), "external" (a URL),
    "outside" (a path out of the pack) or "other" (not a Markdown file, or an anchor).
    `depth` counts list nesting, one more under a part; `line` is 1-based in the file.
    """

    path: str
    title: str
    depth: int
    line: int
    kind: str
    href: str = ""


class _Walk(NamedTuple):
    """What one pass over a table of contents found."""

    entries: list[TocEntry]
    list_items: int  # every list item, linked or not
    sole_links: list[TocEntry]  # list items that are one link and nothing else
    prose_blocks: int  # paragraphs, code and tables outside lists that are not links


def toc_path(href: str, folder: str) -> tuple[str, str]:
    """The pack-relative path a table of contents link names, and its kind (see
    TocEntry): `./`, `..`, percent-escapes, `#anchors` and `?queries` as a browser
    reads them, relative to `folder` ("" at the pack root, else "sub/dir")."""
    href = href.strip()
    if not href:
        return "", "draft"
    if _SCHEME.match(href) or href.startswith("//"):
        return "", "external"
    path = unquote(href.split("#", 1)[0].split("?", 1)[0])
    if not path or "\0" in path:
        return "", "other"
    if path.startswith("/"):  # mdBook and web servers read this from the book's root
        path, folder = path.lstrip("/"), ""
    joined = posixpath.normpath(posixpath.join(folder, path))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return "", "outside"
    if not joined.lower().endswith(_MARKDOWN_SUFFIXES):
        return joined, "other"
    return joined, "chapter"


def _walk(text: str, folder: str) -> _Walk:
    """Every entry of a table of contents, with what the index rule needs to know.

    A list item's first link is its chapter (later links in it are descriptions); a
    paragraph outside lists gives a chapter per link (mdBook's prefix and suffix
    chapters, which close the part before them); a heading is the title when it comes
    before any entry, and a part title after one.
    """
    entries: list[TocEntry] = []
    sole_links: list[TocEntry] = []
    list_depth = 0
    items: list[bool] = []  # per open list item: whether its chapter is found yet
    item_count = prose = 0
    in_part = in_heading = False
    for token in parse(text):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open":
            items.append(False)
            item_count += 1
        elif kind == "list_item_close":
            items.pop()
        elif kind == "heading_open":
            in_heading = True
        elif kind == "heading_close":
            in_heading = False
        elif kind in ("fence", "code_block", "table_open") and not items:
            prose += 1
        elif kind == "inline":
            line = (token.map[0] if token.map else 0) + 1
            links, outside = _links_of(token)
            if in_heading and not links:
                if entries:  # before any entry, it is the title
                    entries.append(TocEntry("", inline_token_text(token), 0, line, "part"))
                    in_part = True
                continue
            if items and not items[-1]:
                items[-1] = True
                if links:
                    depth = list_depth - 1 + in_part
                    entry = _entry(links[0], folder, depth, line)
                    entries.append(entry)
                    if len(links) == 1 and not outside.strip(_LINK_DECORATION):
                        sole_links.append(entry)
                continue
            if items:
                continue  # more text in a list item: a description
            in_part = False  # a chapter outside lists: prefix or suffix, in no part
            if not links or outside.strip(_LINK_DECORATION):
                prose += 1
            entries.extend(_entry(link, folder, 0, line) for link in links)
    return _Walk(entries, item_count, sole_links, prose)


def _links_of(token: object) -> tuple[list[tuple[str, str, int]], str]:
    """The links of an inline token as (href, text, line offset), and the text written
    outside them."""
    children = getattr(token, "children", None) or []
    links: list[tuple[str, str, int]] = []
    outside: list[str] = []
    href: str | None = None
    words: list[str] = []
    offset = link_offset = 0
    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            offset += 1
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
            words, link_offset = [], offset
        elif kind == "link_close" and href is not None:
            links.append((href, "".join(words).strip(), link_offset))
            href = None
        elif kind in ("text", "code_inline"):
            (words if href is not None else outside).append(child.content)
        elif kind == "image" and href is None:
            outside.append("image")
    return links, "".join(outside)


def _entry(link: tuple[str, str, int], folder: str, depth: int, line: int) -> TocEntry:
    href, title, offset = link
    path, kind = toc_path(href, folder)
    return TocEntry(path, title, depth, line + offset, kind, href)


def summary_entries(text: str, folder: str = "") -> list[TocEntry]:
    """The entries of an mdBook `SUMMARY.md` in `folder`, in order (every kind)."""
    return _walk(text, folder).entries


def might_be_index(text: str) -> bool:
    """Whether an index page could pass `index_entries`: at least INDEX_MIN_LINKS lines
    that start a list item and hold `](`. One pass over the lines, no parse: most
    READMEs are ruled out here, so a pack with one costs no markdown-it run."""
    count = 0
    for line in text.split("\n"):
        start = line.lstrip(" \t")
        marker = start[:1]
        if (marker in ("-", "*", "+") or "0" <= marker <= "9") and "](" in start:
            count += 1
            if count >= INDEX_MIN_LINKS:
                return True
    return False


def index_entries(
    text: str, folder: str, is_pack_file: Callable[[str], bool]
) -> list[TocEntry] | None:
    """The pack files an index page (`index.md`, `README.md`) lists, in its order and
    nesting, when the page is mostly a list of links to them; None when it is not.

    The rule: at least INDEX_MIN_LINKS list items are each one link (nothing else but
    punctuation beside it) to a Markdown file of the pack, those items are at least
    INDEX_MIN_SHARE of all the page's list items, and the page has no more paragraphs
    of its own (outside lists, other than lines of links) than such items. A README
    of prose with a few links is not an index.
    """
    if not might_be_index(text):
        return None
    walk = _walk(text, folder)
    linked = [
        entry for entry in walk.sole_links if entry.kind == "chapter" and is_pack_file(entry.path)
    ]
    if (
        len(linked) < INDEX_MIN_LINKS
        or len(linked) < INDEX_MIN_SHARE * walk.list_items
        or walk.prose_blocks > len(linked)
    ):
        return None
    return linked
