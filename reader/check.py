"""Validate a pack for its author: every problem as `file:line: message`. No Textual."""

from __future__ import annotations

import re

from markdown_it.common.utils import normalizeReference

from reader.files import PackFile, Problem
from reader.markdown import parse
from reader.pack import Pack, Section

__all__ = ["check_pack"]

# What is left as text of a reference nothing defines: `[text][label]` or `[label][]`
# (a lone `[text]` is as often meant literally, and is not reported), and `[^note]`; not
# after a word or a bracket (`matrix[0][1]` is an index).
_UNRESOLVED = re.compile(r"(?<![\w\])])(?:\[([^\[\]\n]++)\]\[([^\[\]\n]*+)\]|\[\^([^\[\]\s]++)\])")
# Every bracketed label in a file, and a definition's own label at its start.
_BRACKETED = re.compile(r"\[([^\[\]]{1,999}+)\]")
_DEFINED = re.compile(r" {0,3}\[((?:[^\[\]\\]|\\.){1,999}+)\]:")


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
    problems.sort(key=lambda problem: (problem.path, problem.line))
    return problems


def _unresolved_references(section: Section) -> list[Problem]:
    """References in the section's text that nothing in its file defines: a reader sees
    the brackets and cannot follow them."""
    problems: list[Problem] = []
    written: dict[str, bool] = {}  # each text looked up in the source once
    for token in parse(section.markdown, section.definitions.environment()):
        if token.type != "inline" or not token.children:
            continue
        line = section.start_line + (token.map[0] if token.map else 0)
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text":
                for match in _UNRESOLVED.finditer(child.content):
                    if match[0] not in written:
                        written[match[0]] = _written_unescaped(match[0], section.markdown)
                    if not written[match[0]]:
                        continue  # `\[a\]\[b\]`: brackets the author escaped
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


def _written_unescaped(text: str, source: str) -> bool:
    """Whether `text` stands in the Markdown source as written, not after a backslash (an
    escaped bracket) or a word (`x[a][b]` in a code span is not where it came from)."""
    at = source.find(text)
    while at > 0 and (source[at - 1] in "\\])" or source[at - 1].isalnum()):
        at = source.find(text, at + 1)
    return at >= 0


def _unused_definitions(pack_file: PackFile) -> list[Problem]:
    """Definitions that no text of their file uses (often a reference misspelt)."""
    text = pack_file.text
    defined = [
        match for start in pack_file.definition_starts if (match := _DEFINED.match(text, start))
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


def is_failure(problem: Problem) -> bool:
    """Errors and warnings fail a check; notes (an empty file, a split section) do not."""
    return problem.severity in ("error", "warning")
