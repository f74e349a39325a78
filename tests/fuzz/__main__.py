"""`python -m tests.fuzz [EXAMPLES]`: the Hypothesis property tests of the card parser and
of the Anki export's HTML, each run with EXAMPLES (default 20,000) random examples instead of
CI's few hundred derandomized ones. A failure prints Hypothesis's smallest example; make it a
regression test."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))

import test_cards as cards  # found through the path above
import test_export as export


def runs() -> list[tuple[str, object, tuple[st.SearchStrategy[object], ...]]]:
    """Each property, its test function and the strategies CI gives it."""
    exported_html = st.one_of(
        st.lists(st.one_of(export.TAGS, st.sampled_from(export.HTML_PIECES)), max_size=40).map(
            "".join
        ),
        st.text(alphabet=st.sampled_from("<>/=\"' !-?&#;\n*`abcdeijnoprstuvxl:"), max_size=200),
    )
    separators = st.sampled_from(["::", ":::"])
    return [
        (
            "cards: read_paragraph",
            cards.test_read_paragraph_never_raises_and_its_pieces_are_the_inputs,
            (cards.ANY_TEXT,),
        ),
        (
            "cards: find_cards",
            cards.test_find_cards_never_raises_and_names_lines_of_the_file,
            (cards.ANY_TEXT,),
        ),
        (
            "cards: moved text",
            cards.test_text_added_above_moves_every_card_and_problem_by_as_many_lines,
            (cards.MARKDOWNISH,),
        ),
        (
            "cards: inline sides",
            cards.test_an_inline_card_is_its_two_sides,
            (cards.SIDE, cards.SIDE, separators),
        ),
        (
            "export: HTML",
            export.test_no_markdown_writes_a_script_a_handler_or_a_javascript_link,
            (exported_html,),
        ),
    ]


def main(argv: list[str]) -> int:
    examples = int(argv[0]) if argv else 20_000
    long_run = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    for name, test, strategies in runs():
        inner = test.hypothesis.inner_test  # type: ignore[attr-defined]
        started = time.perf_counter()
        long_run(given(*strategies)(inner))()
        print(f"{name}: {examples:,} examples, {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
