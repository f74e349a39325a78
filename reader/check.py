"""Validate a pack for its author: every problem as `file:line: message`. No Textual."""

from __future__ import annotations

from reader.files import Problem
from reader.pack import Pack

__all__ = ["check_pack"]


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
    problems.sort(key=lambda problem: (problem.path, problem.line))
    return problems


def is_failure(problem: Problem) -> bool:
    """Errors and warnings fail a check; notes (an empty file, a split section) do not."""
    return problem.severity in ("error", "warning")
