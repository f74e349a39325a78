"""The glossary through the installed `reader` in a real terminal (issue 18): `t` and its
filter, a term's definition from the text, and `reader --define` at a shell prompt."""

from __future__ import annotations

import re

import pytest
from tmux import (
    FIRST_SCREEN_TEXT,
    PACK_TITLE,
    AppPlace,
    StartReader,
    Tmux,
    assert_no_traceback,
    env_argv,
    reader_command,
)

pytestmark = pytest.mark.terminal

IGE = "Immunoglobulin E (IgE)"
IGE_DEFINITION = "The antibody class behind allergic"


def test_t_filters_the_glossary_and_opens_a_section_that_uses_a_term(
    tmux: Tmux, start_reader: StartReader
) -> None:
    start_reader("--no-state", width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT, PACK_TITLE)
    tmux.wait_screen(lambda screen: "% read" in screen.splitlines()[0], why="the sidebar")
    tmux.send("t")
    tmux.wait_for("Glossary: 98 terms", "Type to filter the terms")
    tmux.type("ige")
    # IgE's own count (not the one of the term shown before the filter was typed).
    screen = tmux.wait_screen(
        lambda s: IGE in s and IGE_DEFINITION in s and re.search(r"Used in [1-9]\d* sections", s),
        why="IgE, its definition and the sections using it",
    )
    assert screen.index(IGE) < screen.index("Autoallergy"), "the best match first"
    tmux.send("Enter")  # to the sections that use IgE
    tmux.send("Enter")  # open the first
    screen = tmux.wait_screen(lambda s: "Glossary: 98" not in s, why="the glossary to close")
    header = screen.splitlines()[0]
    assert "Start here" not in header, header
    tmux.send("BSpace")  # back where reading was
    tmux.wait_screen(lambda s: "Start here" in s.splitlines()[0], why="back to Start here")
    tmux.send("q")
    assert tmux.wait_dead() == 0
    assert_no_traceback(tmux.history())


def test_enter_on_a_term_shows_its_definition_over_the_text(
    tmux: Tmux, start_reader: StartReader
) -> None:
    start_reader("--no-state", width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT)
    tmux.wait_screen(lambda screen: "% read" in screen.splitlines()[0], why="the sidebar")
    tmux.send("f")  # the start page's first marked term: eczema
    tmux.send("Enter")
    screen = tmux.wait_for("A family name for several itchy", "Esc close")
    assert FIRST_SCREEN_TEXT in screen, "the text stays where it was under the box"
    tmux.send("Escape")
    tmux.wait_screen(lambda s: "Esc close" not in s, why="the definition to close")
    tmux.send("q")
    assert tmux.wait_dead() == 0


def test_define_prints_a_definition_and_suggests_close_names(tmux: Tmux, place: AppPlace) -> None:
    """`reader --define` from a shell in a terminal: the term, its definition indented,
    and for a misspelt term exit status 1 with names close to it."""
    environment = place.env()
    shell = env_argv(environment, ["sh"])
    tmux.start(shell, width=100, height=30)
    command = reader_command()
    tmux.type(f"{command} --define ige; echo status=$?\n")
    screen = tmux.wait_for("status=0")
    lines = screen.splitlines()
    term_row = next(row for row, line in enumerate(lines) if line.startswith(IGE))
    assert lines[term_row + 1].startswith("    The antibody class"), lines[term_row + 1]
    tmux.type(f"{command} --define immunoglobin; echo status=$?\n")
    screen = tmux.wait_for("status=1")
    assert "did you mean: " in screen and "Immunoglobulin E" in screen
    assert_no_traceback(tmux.history())
