"""`python -m tests.fuzz [EXAMPLES] [NAME...]`: the Hypothesis property tests, each run with
EXAMPLES (default 20,000) random examples instead of CI's few hundred derandomized ones: the
card parser, the Anki export's HTML, and issue 21's fuzzing of the sanitizer, the search
query parser, the glossary parser, the reading pane's pipeline and the pack loader
(tests/unit/test_fuzz_*.py). NAMEs pick the properties whose name starts with one of them
(`python -m tests.fuzz 2000 render pack`). A failure prints Hypothesis's smallest example;
make it a regression test."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))

import test_cards as cards  # found through the path above
import test_export as export
import test_fuzz_glossary as fuzz_glossary
import test_fuzz_pack as fuzz_pack
import test_fuzz_render as fuzz_render
import test_fuzz_sanitize as fuzz_sanitize
import test_fuzz_search_query as fuzz_search


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
        *issue_21_runs(),
    ]


def issue_21_runs() -> list[tuple[str, object, tuple[st.SearchStrategy[object], ...]]]:
    """The fuzzing properties of issue 21, with the strategies CI gives them."""
    render_flags = (fuzz_render.WIDTH, st.booleans(), st.booleans())
    return [
        (
            "sanitize: no control",
            fuzz_sanitize.test_sanitize_leaves_no_control_escape_or_invisible_character,
            (fuzz_sanitize.HOSTILE_TEXT,),
        ),
        (
            "sanitize: line ends, fixed point",
            fuzz_sanitize.test_sanitize_keeps_every_line_end_and_is_its_own_fixed_point,
            (fuzz_sanitize.HOSTILE_TEXT,),
        ),
        (
            "sanitize: printable unchanged",
            fuzz_sanitize.test_sanitize_returns_printable_text_as_it_is,
            (fuzz_sanitize.PRINTABLE,),
        ),
        (
            "sanitize: one line",
            fuzz_sanitize.test_sanitize_line_is_one_clean_line_with_single_spaces,
            (fuzz_sanitize.HOSTILE_TEXT,),
        ),
        (
            "search: FTS5 syntax",
            fuzz_search.test_no_query_makes_an_fts5_syntax_error,
            (fuzz_search.QUERY,),
        ),
        (
            "search: corrected FTS5 syntax",
            fuzz_search.test_a_typo_corrected_query_is_valid_fts5_too,
            (fuzz_search.QUERY, fuzz_search.VOCABULARY),
        ),
        (
            "search: highlights agree",
            fuzz_search.test_what_fts5_matches_the_highlighter_finds,
            (fuzz_search.DOCUMENT, fuzz_search.WORD_QUERY),
        ),
        (
            "glossary: entries",
            fuzz_glossary.test_every_entry_has_a_term_and_every_problem_a_line,
            (fuzz_glossary.GLOSSARY_TEXT,),
        ),
        (
            "glossary: lookup and marks",
            fuzz_glossary.test_a_glossary_of_any_files_looks_up_and_marks_its_own_terms,
            (fuzz_glossary.GLOSSARY_FILES, fuzz_glossary.PROSE),
        ),
        (
            "glossary: names",
            fuzz_glossary.test_names_of_any_term_line_are_non_empty,
            (fuzz_glossary.TERM_LINE,),
        ),
        (
            "render: any width",
            fuzz_render.test_any_markdown_is_drawn_at_any_width,
            (fuzz_render.MARKDOWN, *render_flags),
        ),
        (
            "render: blocks down to width 1",
            fuzz_render.test_each_block_alone_draws_at_widths_down_to_one,
            (fuzz_render.MARKDOWN,),
        ),
        (
            "render: chunked sections",
            fuzz_render.test_a_section_long_enough_to_be_parsed_in_chunks,
            (fuzz_render.LONG_SECTION,),
        ),
        (
            "pack: folders",
            fuzz_pack.test_any_folder_loads_or_fails_with_a_pack_error,
            (fuzz_pack.SHAPE,),
        ),
        (
            "pack: single files",
            fuzz_pack.test_any_single_file_loads_or_fails_with_a_pack_error,
            (fuzz_pack.CONTENT, fuzz_pack.NAME),
        ),
    ]


def main(argv: list[str]) -> int:
    examples = int(argv[0]) if argv else 20_000
    wanted = tuple(argv[1:])
    long_run = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    for name, test, strategies in runs():
        if wanted and not name.startswith(wanted):
            continue
        inner = test.hypothesis.inner_test  # type: ignore[attr-defined]
        started = time.perf_counter()
        long_run(given(*strategies)(inner))()
        print(f"{name}: {examples:,} examples, {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
