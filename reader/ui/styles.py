"""The package's stylesheets beyond reader.tcss, added to the running app when needed.

Parsing CSS is a large part of a Textual app's start-up, so `ReaderApp.CSS_PATH` holds
only what the first frame shows; the sidebar's widgets and the dialogs bring theirs.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import App

__all__ = ["use_stylesheet"]

HERE = Path(__file__).parent


def use_stylesheet(app: App[object], name: str) -> None:
    """Add the .tcss file `name` from this folder to the app's styles, once.

    Call it before mounting or pushing what it styles: the rules are parsed (only the
    new file; the rest is cached) when those widgets are registered.
    """
    path = os.path.abspath(HERE / name)  # the key Stylesheet.read files it under
    if not app.stylesheet.has_source(path):
        app.stylesheet.read(path)
