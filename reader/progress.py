"""Reading progress over the outline: what a chapter's tick and its `3/4` mean, and
where the next unread section is. No Textual: the outline, the header and the end of
the pack all ask these questions of the same functions.

A chapter (any section with subsections) counts as read only when it and every section
below it are read, so a tick never flatters.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from reader.pack import Pack, Section

__all__ = ["counts", "is_complete", "next_unread", "subtree", "unread"]


def subtree(section: Section) -> Iterator[Section]:
    """The section and every section below it, in reading order."""
    pending = [section]
    while pending:  # a stack, not recursion: a pack's nesting is bounded, but not by much
        node = pending.pop()
        yield node
        pending.extend(reversed(node.children))


def counts(section: Section, read: Collection[str]) -> tuple[int, int]:
    """(read, total) over the section and everything below it."""
    total = done = 0
    for node in subtree(section):
        total += 1
        done += node.id in read
    return done, total


def is_complete(section: Section, read: Collection[str]) -> bool:
    """Read, and so is every section below it."""
    return all(node.id in read for node in subtree(section))


def unread(pack: Pack, read: Collection[str]) -> list[Section]:
    """Every section not read yet, in reading order."""
    return [section for section in pack.sections if section.id not in read]


def next_unread(pack: Pack, after: Section | None, read: Collection[str]) -> Section | None:
    """The first unread section after `after` in reading order, wrapping to the start;
    None when everything is read."""
    sections = pack.sections
    start = after.index + 1 if after is not None else 0
    for index in range(len(sections)):
        section = sections[(start + index) % len(sections)]
        if section.id not in read and section is not after:
            return section
    return None
