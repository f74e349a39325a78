"""The package's stylesheets beyond reader.tcss, added to the running app when needed.

Parsing CSS is a large part of a Textual app's start-up, so `ReaderApp.CSS_PATH` holds
only what the first frame shows; the sidebar's widgets and the dialogs bring theirs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from textual.app import App
from textual.scrollbar import ScrollBar, ScrollBarRender

from reader.glyphs import Glyphs

if TYPE_CHECKING:
    from textual.widget import Widget

__all__ = ["component_style", "use_glyphs", "use_stylesheet"]

HERE = Path(__file__).parent


def use_stylesheet(app: App[object], name: str) -> None:
    """Add the .tcss file `name` from this folder to the app's styles, once.

    Call it before mounting or pushing what it styles: the rules are parsed (only the
    new file; the rest is cached) when those widgets are registered.
    """
    path = os.path.abspath(HERE / name)  # the key Stylesheet.read files it under
    if not app.stylesheet.has_source(path):
        app.stylesheet.read(path)


def component_style(widget: Widget, *names: str) -> Style:
    """A component class's own style (what `partial=True` gives: no inherited colour or
    background), with its colours composed over the widget's background.

    Textual's partial style keeps only a colour's RGB: `StylesBase.partial_rich_style`
    (textual/css/styles.py) converts with `Color.rich_color` (textual/color.py), which
    ignores alpha. So `$boost` (white at 4%) became an opaque white background and
    `$text-muted` (`auto 60%`) opaque white text. The full style does what Textual does
    when it paints (`DOMNode.rich_style`: each background blended over its parent's, the
    colour over that): its colours are taken wherever the component sets one.
    """
    partial = widget.get_component_rich_style(*names, partial=True)
    if partial.color is None and partial.bgcolor is None:
        return partial
    full = widget.get_component_rich_style(*names)
    return partial + Style.from_color(
        full.color if partial.color is not None else None,
        full.bgcolor if partial.bgcolor is not None else None,
    )


class AsciiScrollBarRender(ScrollBarRender):
    """Scrollbars drawn with blanks only: a thumb's ends round to whole cells instead of
    using the eighth-block characters (▁▂▃ ▉▊▋) a console font lacks."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def use_glyphs(app: App[object], glyphs: Glyphs) -> None:
    """Make Textual's own drawing match the reader's glyphs: ASCII scrollbars and the
    `-ascii` class on the app, which the stylesheets use for ASCII borders.

    `ScrollBar.renderer` is Textual's documented hook (and global to the process: set
    again by every app, so an ASCII app in a test does not leak into the next).
    """
    ScrollBar.renderer = AsciiScrollBarRender if glyphs.ascii else ScrollBarRender
    app.set_class(glyphs.ascii, "-ascii")
