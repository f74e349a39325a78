"""The reader shows the words GitHub shows: at least 98% of cases, and every exception listed.

Each case of the three corpora (the CommonMark spec's examples, gfm_cases.md, the default
pack) is rendered by cmark-gfm and by the reading pane's pipeline and their words compared
(harness.py says how). mismatches.md must be exactly the mismatching cases, each under a
reason, so a fix shows up as an entry to delete and a regression as one to explain.
"""

from __future__ import annotations

import pytest

from tests.fidelity import mismatch_list
from tests.fidelity.harness import Outcome, all_cases, compare

GOAL = 0.98
#: Reasons for Markdown GitHub does not have at all (a definition list): listed like every
#: mismatch, but no part of the rate, which measures GitHub's own syntax.
EXTENSION = "Not GitHub's syntax: "


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return list(compare(all_cases()))


def _describe(outcomes: list[Outcome]) -> str:
    return "\n".join(f"  {o.case.key} ({o.case.section}): {o.first_difference()}" for o in outcomes)


def test_the_reader_shows_githubs_words_for_at_least_98_percent_of_cases(
    outcomes: list[Outcome],
) -> None:
    reason_of = mismatch_list.listed_keys(mismatch_list.read_reasons())
    outcomes = [o for o in outcomes if not reason_of.get(o.case.key, "").startswith(EXTENSION)]
    mismatches = [outcome for outcome in outcomes if not outcome.matches]
    rate = 1 - len(mismatches) / len(outcomes)
    assert rate >= GOAL, (
        f"{rate:.2%} of {len(outcomes)} cases match, the goal is {GOAL:.0%}; "
        f"the {len(mismatches)} mismatches (reasons in tests/fidelity/mismatches.md):\n"
        + _describe(mismatches)
    )


def test_every_mismatch_is_listed_under_a_reason(outcomes: list[Outcome]) -> None:
    reason_of = mismatch_list.listed_keys(mismatch_list.read_reasons())
    unexplained = [
        outcome
        for outcome in outcomes
        if not outcome.matches
        and reason_of.get(outcome.case.key, mismatch_list.REASON_NEEDED)
        == mismatch_list.REASON_NEEDED
    ]
    assert [outcome.case.key for outcome in unexplained] == [], (
        "these cases show other words than GitHub and mismatches.md gives no reason "
        "(fix the renderer, or run `python -m tests.fidelity --write` and write the "
        "reason):\n" + _describe(unexplained)
    )


def test_every_listed_case_still_mismatches(outcomes: list[Outcome]) -> None:
    mismatching = {outcome.case.key for outcome in outcomes if not outcome.matches}
    listed = mismatch_list.listed_keys(mismatch_list.read_reasons())
    stale = sorted(key for key in listed if key not in mismatching)
    assert stale == [], (
        "mismatches.md lists cases that now match GitHub (or no longer exist): "
        f"{', '.join(stale)}; run `python -m tests.fidelity --write` to drop them"
    )
