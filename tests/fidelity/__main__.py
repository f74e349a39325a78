"""`python -m tests.fidelity [--write]`: the match rates, and the mismatches by section.

Prints each corpus's rate and the overall one, then the mismatches by the spec section
(or GFM group) they belong to and by the reason mismatches.md gives them. Exits 1 when
mismatches.md is out of date (a mismatch not listed, or a listed case that now matches);
`--write` rewrites it instead (see mismatch_list.py) and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict

from tests.fidelity import mismatch_list
from tests.fidelity.harness import CORPORA, Outcome, all_cases, compare


def rate_table(outcomes: list[Outcome]) -> list[str]:
    """One line per corpus and one for all: cases, matches, and the rate."""
    lines = [f"{'corpus':<16}{'cases':>7}{'match':>7}{'rate':>9}"]
    for corpus in (*CORPORA, None):
        chosen = [o for o in outcomes if corpus is None or o.case.corpus == corpus]
        matched = sum(o.matches for o in chosen)
        rate = 100 * matched / len(chosen) if chosen else 100.0
        lines.append(f"{corpus or 'overall':<16}{len(chosen):>7}{matched:>7}{rate:>8.2f}%")
    return lines


def by_section(mismatches: list[Outcome]) -> list[str]:
    """Mismatches grouped by section, biggest group first, with their keys."""
    groups: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for outcome in mismatches:
        groups[outcome.case.corpus, outcome.case.section].append(outcome.case.key)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    return [
        f"{len(keys):>4}  {section} ({corpus}): {' '.join(keys)}"
        for (corpus, section), keys in ordered
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fidelity", description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite mismatches.md")
    arguments = parser.parse_args(argv)

    started = time.perf_counter()
    outcomes = list(compare(all_cases()))
    seconds = time.perf_counter() - started
    mismatches = [outcome for outcome in outcomes if not outcome.matches]

    print("Words shown by GitHub (cmark-gfm) and by the reader, compared case by case\n")
    print("\n".join(rate_table(outcomes)))
    print(f"({len(outcomes)} cases in {seconds:.1f} s)\n")
    print("Mismatches by section:")
    print("\n".join(by_section(mismatches)) or "  none")

    if arguments.write:
        reasons = mismatch_list.write(mismatches)
        print(f"\nWrote {mismatch_list.MISMATCH_FILE}")
    else:
        reasons = mismatch_list.read_reasons()
    counts = Counter({reason.title: len(reason.keys) for reason in reasons})
    print("\nMismatches by reason (mismatches.md):")
    for title, count in counts.most_common():
        print(f"{count:>4}  {title}")

    listed = mismatch_list.listed_keys(reasons)
    unlisted = [o.case.key for o in mismatches if o.case.key not in listed]
    mismatching = {o.case.key for o in mismatches}
    now_matching = [key for key in listed if key not in mismatching]
    if unlisted or now_matching:
        print("\nmismatches.md is out of date (run with --write, then give the reasons):")
        if unlisted:
            print(f"  not listed: {' '.join(unlisted)}")
        if now_matching:
            print(f"  listed but now matching: {' '.join(now_matching)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
