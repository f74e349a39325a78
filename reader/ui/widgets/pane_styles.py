"""The reading pane's colours, taken from the theme and made readable in every depth.

The drawing pipeline (reader.render) takes plain Rich styles; this module is where the
pane's component classes and theme variables become those styles, so the widget itself
only scrolls and draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color as TextualColor
from textual.color import ColorParseError

from reader.render.blocks import BASE_STYLES, BuildContext
from reader.render.draw import BlockRenderer, Highlighter, RenderStyles, syntax_theme
from reader.ui.styles import TEXT, component_style, readable

if TYPE_CHECKING:
    from rich.syntax import SyntaxTheme
    from textual.widget import Widget

__all__ = ["MATCH_CURRENT", "ROLES", "SYNTAX_COLOURS", "PaneStyles"]

MATCH_CURRENT = "document--match-current"
#: The pane's component classes: each a role the stylesheet colours (reader.tcss).
ROLES = {
    "document--h1", "document--h2", "document--h3", "document--h4",
    "document--link", "document--focus", "document--match", MATCH_CURRENT,
    "document--code", "document--code-inline", "document--quote", "document--rule",
    "document--summary", "document--table-header", "document--dim", "document--bullet",
}  # fmt: skip

#: The theme variable and text style of each kind of code token (SYNTAX_ROLES): the
#: theme's text colours, which Textual makes readable on the background already.
SYNTAX_COLOURS: dict[str, tuple[str, str]] = {
    "keyword": ("text-primary", "bold"),
    "name": ("text-accent", ""),
    "builtin": ("text-secondary", ""),
    "string": ("text-success", ""),
    "number": ("text-warning", ""),
    "comment": ("foreground", "italic"),  # dimmed below, as $text-muted is
    "error": ("text-error", ""),
}
#: How much of the foreground a comment keeps over the code's background.
_COMMENT_OPACITY = 0.6


class PaneStyles:
    """Builds the renderer and build context for one pane from its current theme."""

    def __init__(self, pane: Widget) -> None:
        self.pane = pane
        #: The body text's colour, made readable over the pane (see `renderer`).
        self.body = Style()
        #: The focused link's and the current match's styles, readable.
        self.marks: dict[str, Style] = {}
        #: The code colours, by theme and code background: built when code first shows.
        self._syntax_themes: dict[tuple[str, object], SyntaxTheme] = {}

    def build_context(self) -> BuildContext:
        """Styles of inline roles (links, code, images) for a new section's build."""
        styles = dict(BASE_STYLES)
        pane = self.pane
        if pane.is_mounted:
            styles["link"] = component_style(pane, "document--link", minimum=TEXT)
            styles["code"] = component_style(pane, "document--code-inline", minimum=TEXT)
            # Muted by colour, not `dim`: a terminal's dim halves the contrast unseen.
            dim = component_style(pane, "document--dim", minimum=TEXT)
            styles["footnote"] = dim
            styles["image"] = dim + Style(italic=True)
        return BuildContext(styles=styles)

    def renderer(
        self, highlighter: Highlighter | None, *, load_lexers: bool = True
    ) -> BlockRenderer:
        """A block renderer in the pane's colours, every one readable over its background
        in every depth (see reader.ui.styles.readable), the body text's too."""
        pane = self.pane
        styles = RenderStyles()
        if pane.is_mounted:

            def get(name: str) -> Style:
                return component_style(pane, name, minimum=TEXT)

            base = pane.rich_style
            dark = pane.app.current_theme.dark
            if base.color is not None and base.bgcolor is not None:
                self.body = Style(color=readable(base.color, base.bgcolor, TEXT, dark))
            code = get("document--code")
            self.marks = {role: get(role) for role in ("document--focus", MATCH_CURRENT)}
            rule = component_style(pane, "document--rule")  # lines: decoration
            styles = RenderStyles(
                heading=[get(f"document--h{min(level, 4)}") for level in range(1, 7)],
                rule=rule,
                bullet=get("document--bullet"),
                quote=get("document--quote"),
                quote_bar=rule,
                code=code,
                match=get("document--match"),
                summary=get("document--summary"),
                table_header=get("document--table-header"),
                table_border=rule,
                dim=get("document--dim"),
                dark=dark,
                syntax=lambda: self._syntax_theme(code),
            )
        return BlockRenderer(pane.app.console, styles, highlighter, load_lexers=load_lexers)

    def mark(self, role: str) -> Style:
        return self.marks.get(role) or self.pane.get_component_rich_style(role)

    def _syntax_theme(self, code: Style) -> SyntaxTheme:
        """The code colours: the theme's own (SYNTAX_COLOURS), each made readable over
        the code block's background; built once per theme, when code is first drawn.

        Taken from the theme's variables here, not from component classes in the
        stylesheet: the first screen would parse and style seven rules for code that
        most first screens do not show."""
        app = self.pane.app
        key = (app.theme, code.bgcolor)
        if key not in self._syntax_themes:
            background = code.bgcolor or self.pane.rich_style.bgcolor
            dark = app.current_theme.dark
            variables = app.get_css_variables()
            roles = {}
            for role, (variable, text_style) in SYNTAX_COLOURS.items():
                style = Style.parse(text_style) if text_style else Style()
                color = _theme_colour(variables, variable, background)
                if color is not None and background is not None:
                    style += Style(color=readable(color, background, TEXT, dark))
                roles[role] = style
            self._syntax_themes[key] = syntax_theme(roles)
        return self._syntax_themes[key]


def _theme_colour(
    variables: dict[str, str], name: str, background: RichColor | None
) -> RichColor | None:
    """A theme variable as a Rich colour; a comment's foreground faded over `background`."""
    value = variables.get(name)
    if value is None:
        return None
    try:
        color = TextualColor.parse(value)
    except ColorParseError:  # "auto 60%" and the like: no fixed colour to take
        return None
    if name == "foreground" and background is not None:
        under = TextualColor.from_rich_color(background)
        color = under.blend(color, _COMMENT_OPACITY)
    return color.rich_color
