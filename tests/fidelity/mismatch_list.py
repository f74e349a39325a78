"""mismatches.md: every case whose words differ from GitHub's, grouped under its reason.

The file is for reviewers first: a table of reasons by count, then one `## reason` section
per kind of difference (a paragraph under the heading may explain it), each listing its
cases with where their words part. People write the reasons; `python -m tests.fidelity
--write` writes the entries, so the list is always exactly the mismatching cases while the
reasons survive: an entry keeps the reason it was listed under, one that now matches goes,
and a new one goes under REASON NEEDED.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tests.fidelity.harness import Outcome

MISMATCH_FILE = Path(__file__).resolve().parent / "mismatches.md"
REASON_NEEDED = "REASON NEEDED"

_ENTRY = re.compile(r"^- `([^`]+)`")
_HEADER = """\
# Fidelity mismatches

Every case of the fidelity suite (tests/fidelity) whose words, as the reader shows them,
differ from the words GitHub's renderer (cmark-gfm) shows, grouped by reason.
`python -m tests.fidelity` prints the match rates; `python -m tests.fidelity --write`
rewrites the entries below from the current renderer: an entry keeps the reason it is
listed under, an entry that now matches is removed, and a new one goes under
REASON NEEDED. Edit the reasons (a `## ` heading and an optional paragraph under it), not
the entries. tests/fidelity/test_fidelity.py fails when this list is not exactly the
mismatching cases.
"""


@dataclass
class Reason:
    """One kind of difference: its heading, its explanation, and the cases listed under it."""

    title: str
    explanation: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


def read_reasons(path: Path = MISMATCH_FILE) -> list[Reason]:
    """The reasons of a mismatch file, in file order (none if there is no file yet)."""
    if not path.exists():
        return []
    reasons: list[Reason] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            reasons.append(Reason(line[3:].strip()))
        elif reasons:
            entry = _ENTRY.match(line)
            if entry:
                reasons[-1].keys.append(entry.group(1))
            elif line.strip() and not reasons[-1].keys:
                reasons[-1].explanation.append(line)
    return reasons


def listed_keys(reasons: Iterable[Reason]) -> dict[str, str]:
    """Each listed case's key and the reason it is listed under."""
    return {key: reason.title for reason in reasons for key in reason.keys}


def regroup(reasons: list[Reason], mismatches: list[Outcome]) -> list[Reason]:
    """The reasons for today's mismatches: old entries keep theirs, new ones need one.

    REASON NEEDED comes first, then the reasons by how many cases they hold (most first);
    a reason left with no case is dropped. Entries are in corpus order.
    """
    reason_of = listed_keys(reasons)
    by_title = {reason.title: Reason(reason.title, list(reason.explanation)) for reason in reasons}
    for outcome in mismatches:
        title = reason_of.get(outcome.case.key, REASON_NEEDED)
        by_title.setdefault(title, Reason(title)).keys.append(outcome.case.key)
    order = {title: index for index, title in enumerate(by_title)}
    kept = [reason for reason in by_title.values() if reason.keys]
    return sorted(
        kept,
        key=lambda reason: (reason.title != REASON_NEEDED, -len(reason.keys), order[reason.title]),
    )


def render(reasons: list[Reason], mismatches: list[Outcome]) -> str:
    """The whole mismatch file for these reasons (see the module doc)."""
    outcome_of = {outcome.case.key: outcome for outcome in mismatches}
    lines = [_HEADER, "| reason | cases |", "| --- | ---: |"]
    lines += [f"| {_table_cell(reason.title)} | {len(reason.keys)} |" for reason in reasons]
    lines.append(f"| **total** | **{len(mismatches)}** |")
    for reason in reasons:
        lines += ["", f"## {reason.title}", ""]
        if reason.explanation:
            lines += [*reason.explanation, ""]
        lines += [_entry(outcome_of[key]) for key in reason.keys]
    return "\n".join(lines) + "\n"


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _entry(outcome: Outcome) -> str:
    source = repr(outcome.case.markdown)
    if len(source) > 70:
        source = source[:69] + "…"
    where = outcome.case.section
    return f"- `{outcome.case.key}` ({where}) `` {source} ``: {outcome.first_difference()}"


def write(mismatches: list[Outcome], path: Path = MISMATCH_FILE) -> list[Reason]:
    """Rewrite the mismatch file for today's mismatches; the reasons it now holds."""
    reasons = regroup(read_reasons(path), mismatches)
    path.write_text(render(reasons, mismatches), encoding="utf-8")
    return reasons
