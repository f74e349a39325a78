"""Validate a pack for its author: every problem as `file:line: message`. No Textual."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference

from reader.files import PackFile, Problem
from reader.markdown import markdown_parser
from reader.markdown_syntax import DEFINITION
from reader.pack import Pack, Section

if TYPE_CHECKING:
    from reader.cards import CardSet

__all__ = ["check_pack", "is_failure", "pack_card_set"]

# What is left as text of a reference nothing defines: `[text][label]` or `[label][]`
# (a lone `[text]` is as often meant literally, and is not reported), and `[^note]`; not
# after a word or a bracket (`matrix[0][1]` is an index).
_UNRESOLVED = re.compile(r"(?<![\w\])])(?:\[([^\[\]\n]++)\]\[([^\[\]\n]*+)\]|\[\^([^\[\]\s]++)\])")
# Every bracketed label in a file (a definition's own is where `DEFINITION` found it).
_BRACKETED = re.compile(r"\[([^\[\]]{1,999}+)\]")


def check_pack(pack: Pack) -> list[Problem]:
    """Load problems plus every internal link that leads nowhere or out of the pack."""
    problems = list(pack.problems)
    for section in pack.sections:
        for link in section.links:
            target = pack.resolve(section, link.href)
            if target.kind in ("outside", "missing"):
                label = "leaves the pack" if target.kind == "outside" else "is broken"
                detail = f" ({target.reason})" if target.reason else ""
                problems.append(
                    Problem(section.path, link.line, f"link '{link.href}' {label}{detail}")
                )
        problems.extend(_unresolved_references(section))
    for pack_file in pack.files:
        problems.extend(_unused_definitions(pack_file))
    problems.extend(_glossary_problems(pack))
    card_set, setting_problems = pack_card_set(pack)
    problems.extend(setting_problems)
    problems.extend(card_set.problems)
    problems.sort(key=lambda problem: (problem.path, problem.line))
    return problems


def _unresolved_references(section: Section) -> list[Problem]:
    """References in the section's text that nothing in its file defines: a reader sees
    the brackets and cannot follow them."""
    problems: list[Problem] = []
    environment = section.definitions.environment()
    for token in _parser().parse(section.markdown, environment):
        if token.type != "inline" or not token.children:
            continue
        line = section.start_line + (token.map[0] if token.map else 0)
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text":
                for match in _UNRESOLVED.finditer(child.content):
                    if match[3] is not None:
                        what = f"footnote '[^{match[3]}]'"
                    else:
                        what = f"reference '[{match[2] or match[1]}]'"
                    problems.append(
                        Problem(
                            section.path,
                            line,
                            f"{what} is not defined in this file",
                            severity="warning",
                        )
                    )
            elif child.type == "html_inline":
                line += child.content.count("\n")
    return problems


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """The reader's parser, but an escaped character (`\\[`) stays a token of its own
    (markdown-it's `text_join` would merge it into the text around it): brackets the
    author escaped are never taken for a reference left unresolved."""
    parser = markdown_parser.__wrapped__()
    parser.disable("text_join")
    return parser


def _unused_definitions(pack_file: PackFile) -> list[Problem]:
    """Definitions that no text of their file uses (often a reference misspelt)."""
    text = pack_file.text
    defined = [
        match for start in pack_file.definition_starts if (match := DEFINITION.match(text, start))
    ]
    own = {match.start(1) for match in defined}
    used = {
        normalizeReference(match[1])
        for match in _BRACKETED.finditer(text)
        if match.start(1) not in own
    }
    problems: list[Problem] = []
    line, counted = 1, 0
    for match in defined:  # in file order: lines are counted once
        line += text.count("\n", counted, match.start())
        counted = match.start()
        label = match[1]
        if normalizeReference(label) not in used:
            kind = "footnote" if label.startswith("^") else "link reference"
            problems.append(
                Problem(
                    pack_file.relative,
                    line,
                    f"{kind} '[{label}]' is defined but never used",
                    severity="note",
                )
            )
    return problems


def _glossary_problems(pack: Pack) -> list[Problem]:
    """Duplicate names, empty definitions, a glossary file with no definition list; and,
    as notes, terms no section uses (a misspelt name, or a term the text never needed)."""
    glossary = pack.glossary
    if not glossary.files:
        return []
    problems = list(glossary.problems)
    sections = [(s.id, s.markdown) for s in pack.sections if not pack.in_glossary(s)]
    for names, used in zip(glossary.names, glossary.usage(sections), strict=True):
        entry = glossary.lookup(names[0])
        if not used and entry is not None:
            problems.append(
                Problem(
                    entry.path,
                    entry.line,
                    f"glossary term '{entry.term}' is defined but no section uses it",
                    severity="note",
                )
            )
    return problems


def pack_card_set(pack: Pack) -> tuple[CardSet, list[Problem]]:
    """The cards the pack itself asks for (its own `[review]` settings choose the derived
    kinds: a user's settings are theirs, not the pack's), and what in those settings is
    ignored. The cards' own problems are the set's: malformed cards as warnings with
    their `file:line`, a card written twice as a note."""
    from reader.review import ReviewSettings

    settings, messages = ReviewSettings.from_tables(pack.manifest.get("review"), None)
    problems = [
        Problem("pack.toml", 0, message.removeprefix("pack.toml").lstrip(" :"), "warning")
        for message in messages
    ]
    cards = pack.cards(glossary=settings.glossary_cards, comparison=settings.comparison_cards)
    return cards, problems


def is_failure(problem: Problem) -> bool:
    """Errors and warnings fail a check; notes (an empty file, a split section) do not."""
    return problem.severity in ("error", "warning")
