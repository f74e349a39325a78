"""Fixtures for driving the installed `reader` in a real terminal (tmux).

Each test gets a private tmux server and its own HOME, XDG folders and state dir under
tmp_path, so it cannot read or write the developer's real reading state or caches, and
the tmp path doubles as a marker to find every process the test started.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tmux import AppPlace, StartReader, Tmux, env_argv, reader_command, tmux_fixture  # noqa: F401


@pytest.fixture
def place(tmp_path: Path) -> AppPlace:
    """A fresh HOME and state dir for this test's reader."""
    return AppPlace(tmp_path / "home", tmp_path / "state", str(tmp_path))


@pytest.fixture
def start_reader(tmux: Tmux, place: AppPlace) -> StartReader:
    """`start_reader("--no-state", width=80, height=24, term="dumb")` runs the real command."""

    def start(
        *args: str,
        width: int = 100,
        height: int = 30,
        term: str = "xterm-256color",
        env: dict[str, str] | None = None,
    ) -> None:
        environment = place.env(term=term, **(env or {}))
        argv = env_argv(environment, [reader_command(), *args])
        tmux.restart(argv, width=width, height=height)  # a second call is a second run

    return start
