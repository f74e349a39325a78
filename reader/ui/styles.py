"""The package's stylesheets beyond reader.tcss, added to the running app when needed.

Parsing CSS is a large part of a Textual app's start-up, so `ReaderApp.CSS_PATH` holds
only what the first frame shows; the sidebar's widgets and the dialogs bring theirs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.color import Color, ColorSystem, ColorType
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.app import App
from textual.color import Color as TextualColor
from textual.color import ColorParseError
from textual.filter import LineFilter
from textual.scrollbar import ScrollBar, ScrollBarRender

from reader.glyphs import Glyphs
from reader.render.blocks import BASE_STYLES, BuildContext
from reader.render.document import FOCUS, MATCH_CURRENT
from reader.render.draw import BlockRenderer, Highlighter, RenderStyles, syntax_theme
from reader.ui.textual_compat import add_stylesheet, replace_no_color_filter

if TYPE_CHECKING:
    from rich.syntax import SyntaxTheme
    from textual.widget import Widget

    from reader.glossary import Glossary
    from reader.markdown import Definitions

__all__ = [
    "ROLES",
    "SECONDARY",
    "SYNTAX_COLOURS",
    "TEXT",
    "NoColorFilter",
    "PaneStyles",
    "adapt_to_terminal",
    "component_style",
    "contrast",
    "readable",
    "use_stylesheet",
]

HERE = Path(__file__).parent

#: WCAG's minimum contrast ratios: body text, and secondary (large or incidental) text.
TEXT = 4.5
SECONDARY = 3.0

#: How a 16-colour terminal is modelled: the VGA palette Rich matches colours against
#: when it downgrades (the Linux console's own), grey on black or black on white.
_VGA = [
    (0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0),
    (0, 0, 170), (170, 0, 170), (0, 170, 170), (170, 170, 170),
    (85, 85, 85), (255, 85, 85), (85, 255, 85), (255, 255, 85),
    (85, 85, 255), (255, 85, 255), (85, 255, 255), (255, 255, 255),
]  # fmt: skip
_CONSOLES = {
    True: TerminalTheme((0, 0, 0), (170, 170, 170), _VGA),
    False: TerminalTheme((255, 255, 255), (0, 0, 0), _VGA),
}
_DEPTHS = (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT, ColorSystem.STANDARD, None)
_WHITE = Color.from_rgb(255, 255, 255)
_BLACK = Color.from_rgb(0, 0, 0)
#: ANSI colours tried, in order, when a theme's ANSI colour is unreadable: its bright
#: (or normal) twin, the terminal's default, then the rest.
_ANSI_ORDER = (15, 0, 7, 8, 11, 14, 10, 3, 6, 2, 9, 13, 12, 1, 5, 4)
_RGB = tuple[int, int, int]


def _linear(value: int) -> float:
    """An sRGB channel (0-255) as linear light, as WCAG's relative luminance takes it."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


@lru_cache(maxsize=1024)
def _luminance(rgb: _RGB) -> float:
    r, g, b = rgb
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(a: _RGB, b: _RGB) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@lru_cache(maxsize=1024)  # a theme's few backgrounds are looked up for every colour
def _shown(color: Color, depth: ColorSystem | None, foreground: bool, dark: bool) -> _RGB:
    """The colour a terminal shows for `color` at `depth` (None: NO_COLOR, where the
    reader's filter keeps truecolour as grey and ANSI colours as the default)."""
    console = _CONSOLES[dark]
    if depth is None:
        if color.type != ColorType.TRUECOLOR:
            color = Color.default()
        else:
            r, g, b = color.get_truecolor()
            grey = round(r * 0.2126 + g * 0.7152 + b * 0.0722)  # Textual's Color.monochrome
            return (grey, grey, grey)
    elif depth != ColorSystem.TRUECOLOR:
        color = color.downgrade(depth)
    triplet = color.get_truecolor(console, foreground=foreground)
    return (triplet.red, triplet.green, triplet.blue)


def _worst(color: Color, backgrounds: tuple[Color, ...], dark: bool) -> float:
    """The lowest contrast of `color` over any of `backgrounds`, at any depth."""
    return min(
        contrast(_shown(color, depth, True, dark), _shown(background, depth, False, dark))
        for background in backgrounds
        for depth in _DEPTHS
    )


def _mix(color: Color, target: Color, amount: float) -> Color:
    (r, g, b), (tr, tg, tb) = color.get_truecolor(), target.get_truecolor()
    return Color.from_rgb(r + (tr - r) * amount, g + (tg - g) * amount, b + (tb - b) * amount)


def _around(background: Color) -> tuple[Color, ...]:
    """A background and its neighbours 3% lighter and darker: the reading pane's focus
    tint must not take a colour below the line, nor tip a 16-colour downgrade."""
    if background.type != ColorType.TRUECOLOR:
        return (background,)
    return (background, _mix(background, _WHITE, 0.03), _mix(background, _BLACK, 0.03))


@lru_cache(maxsize=512)
def readable(color: Color, background: Color, minimum: float, dark: bool) -> Color:
    """`color`, changed as little as needed to reach `minimum` contrast over `background`
    in every colour depth: truecolour, 256 colours (xterm's palette), 16 colours (Rich's
    downgrade, shown in the VGA palette) and NO_COLOR (grey). `dark`: the theme's.

    A truecolour is mixed towards white or black (whichever the background needs) in
    steps of 5%; an ANSI colour (the terminal's palette, which cannot be mixed) is
    replaced by the first readable of its twin, the default colour and the others.
    Cached: one theme asks for a few dozen.
    """
    backgrounds = _around(background)
    if _worst(color, backgrounds, dark) >= minimum:
        return color
    if color.type != ColorType.TRUECOLOR:
        candidates = [Color.default()]
        if color.number is not None and color.number < 16:
            candidates.insert(0, Color.from_ansi(color.number ^ 8))
        candidates += [Color.from_ansi(number) for number in _ANSI_ORDER]
        best = max(candidates, key=lambda c: min(_worst(c, backgrounds, dark), minimum))
        return next((c for c in candidates if _worst(c, backgrounds, dark) >= minimum), best)
    shown = _shown(background, ColorSystem.TRUECOLOR, False, dark)
    towards = sorted(
        (_WHITE, _BLACK), key=lambda t: contrast(t.get_truecolor(), shown), reverse=True
    )
    best, best_ratio = color, 0.0
    for target in towards:
        for step in range(1, 21):
            mixed = _mix(color, target, step / 20)
            ratio = _worst(mixed, backgrounds, dark)
            if ratio >= minimum:
                return mixed
            if ratio > best_ratio:
                best, best_ratio = mixed, ratio
    return best


def readable_style(style: Style, background: Color, minimum: float, dark: bool) -> Style:
    """`style` with its colour made readable (see `readable`) over its own background,
    or over `background` when it has none. A style without a colour is left alone."""
    if style.color is None or not minimum:
        return style
    under = style.bgcolor or background
    color = readable(style.color, under, minimum, dark)
    if style.bgcolor is not None and _worst(color, _around(under), dark) < minimum:
        # No text colour reads on this background in some depth (an orange that a
        # 16-colour terminal shows as brown): keep the text, change the background.
        return style + Style(bgcolor=readable(style.bgcolor, style.color, minimum, dark))
    return style if color == style.color else style + Style(color=color)


def use_stylesheet(app: App[Any], name: str) -> None:
    """Add the .tcss file `name` from this folder to the app's styles, once.

    Call it before mounting or pushing what it styles: the rules are parsed (only the
    new file; the rest is cached) when those widgets are registered.
    """
    add_stylesheet(app, HERE / name)


def component_style(widget: Widget, *names: str, minimum: float = 0.0) -> Style:
    """A component class's own style (what `partial=True` gives: no inherited colour or
    background), with its colours composed over the widget's background; with `minimum`,
    its text colour made readable over its background (see `readable`): a component
    that sets only a background gets the widget's colour, made readable over it.

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
    style = partial + Style.from_color(
        full.color if partial.color is not None or minimum else None,
        full.bgcolor if partial.bgcolor is not None else None,
    )
    if minimum and full.bgcolor is not None:
        style = readable_style(style, full.bgcolor, minimum, widget.app.current_theme.dark)
    return style


class AsciiScrollBarRender(ScrollBarRender):
    """Scrollbars drawn with blanks only: a thumb's ends round to whole cells instead of
    using the eighth-block characters (▁▂▃ ▉▊▋) a console font lacks."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def adapt_to_terminal(app: App[Any], glyphs: Glyphs) -> None:
    """Make Textual's own drawing match the terminal: ASCII scrollbars and the `-ascii`
    class on the app, which the stylesheets use for ASCII borders; and under NO_COLOR,
    the reader's `NoColorFilter` instead of Textual's.

    `ScrollBar.renderer` is Textual's documented hook (and global to the process: set
    again by every app, so an ASCII app in a test does not leak into the next).
    """
    ScrollBar.renderer = AsciiScrollBarRender if glyphs.ascii else ScrollBarRender
    app.set_class(glyphs.ascii, "-ascii")
    replace_no_color_filter(app, NoColorFilter())


def _grey(color: Color) -> Color:
    r, g, b = color.get_truecolor()
    grey = round(r * 0.2126 + g * 0.7152 + b * 0.0722)  # as Textual's Color.monochrome
    return Color.from_rgb(grey, grey, grey)


@lru_cache(maxsize=1024)
def _without_colour(style: Style) -> Style:
    color, bgcolor, swap = style.color, style.bgcolor, False
    if bgcolor is not None and bgcolor.type != ColorType.TRUECOLOR:
        # An ANSI background marks something (a match, a cursor): reverse video instead.
        swap = bgcolor.type != ColorType.DEFAULT
        bgcolor = Color.default()
    elif bgcolor is not None:
        bgcolor = _grey(bgcolor)
    if color is not None:
        color = _grey(color) if color.type == ColorType.TRUECOLOR else Color.default()
    if swap:
        return style + Style(color=Color.default(), bgcolor=bgcolor, reverse=not style.reverse)
    return style + Style.from_color(color, bgcolor)


class NoColorFilter(LineFilter):
    """NO_COLOR: the theme's own colours as greys, as Textual's `Monochrome` draws
    them; but the terminal's colours (ANSI themes), which Monochrome turns to black, as
    the terminal's default colours, with reverse video where a background stood out."""

    def apply(self, segments: list[Segment], background: TextualColor) -> list[Segment]:
        return [
            Segment(text, None if style is None else _without_colour(style), control)
            for text, style, control in segments
        ]


# ----------------------------------------------------------------- the reading pane
# The drawing pipeline (reader.render) takes plain Rich styles; here the pane's component
# classes and theme variables become those styles, so the widget itself only scrolls and
# draws. (Here, not in a module of its own: each module imported before the first screen
# costs it ~1 M instructions.)

#: The pane's component classes: each a role the stylesheet colours (reader.tcss).
ROLES = {
    "document--h1", "document--h2", "document--h3", "document--h4",
    "document--link", FOCUS, "document--match", MATCH_CURRENT,
    "document--code", "document--code-inline", "document--quote", "document--rule",
    "document--summary", "document--table-header", "document--dim", "document--bullet",
    "document--term",
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
#: The theme variable that colours each kind of GitHub alert, as GitHub colours them
#: (blue, green, purple, yellow, red).
ALERT_COLOURS = {
    "note": "primary",
    "tip": "success",
    "important": "accent",
    "warning": "warning",
    "caution": "error",
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

    def build_context(
        self,
        definitions: Definitions | None = None,
        glossary: Glossary | None = None,
        *,
        cards: bool = False,
    ) -> BuildContext:
        """Styles of inline roles (links, code, images, terms) for a new section's build,
        which knows the `definitions` of the file it comes from and the `glossary` whose
        terms it marks."""
        styles = dict(BASE_STYLES)
        pane = self.pane
        if pane.is_mounted:
            styles["link"] = component_style(pane, "document--link", minimum=TEXT)
            styles["code"] = component_style(pane, "document--code-inline", minimum=TEXT)
            # Muted by colour, not `dim`: a terminal's dim halves the contrast unseen.
            dim = component_style(pane, "document--dim", minimum=TEXT)
            styles["footnote"] = dim
            styles["image"] = dim + Style(italic=True)
            styles["term"] = component_style(pane, "document--term", minimum=TEXT)
        return BuildContext(styles=styles, definitions=definitions, glossary=glossary, cards=cards)

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
            self.marks = {role: get(role) for role in (FOCUS, MATCH_CURRENT)}
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
                alert=self._alert_style,
            )
        return BlockRenderer(pane.app.console, styles, highlighter, load_lexers=load_lexers)

    def mark(self, role: str) -> Style:
        return self.marks.get(role) or self.pane.get_component_rich_style(role)

    def _alert_style(self, kind: str) -> Style:
        """An alert's colour (ALERT_COLOURS), readable over the pane; asked only when a
        section holds an alert, so the first screen of most packs never works it out."""
        app = self.pane.app
        variable = ALERT_COLOURS.get(kind, "foreground")
        background = self.pane.rich_style.bgcolor
        return _readable_theme_colour(app, app.get_css_variables(), variable, background)

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
            variables = app.get_css_variables()
            roles = {}
            for role, (variable, text_style) in SYNTAX_COLOURS.items():
                style = Style.parse(text_style) if text_style else Style()
                roles[role] = style + _readable_theme_colour(app, variables, variable, background)
            self._syntax_themes[key] = syntax_theme(roles)
        return self._syntax_themes[key]


def _readable_theme_colour(
    app: App, variables: dict[str, str], name: str, background: RichColor | None
) -> Style:
    """A theme variable's colour made readable over `background` (an empty style when
    the variable gives no fixed colour, or there is no background to read it over)."""
    color = _theme_colour(variables, name, background)
    if color is None or background is None:
        return Style()
    return Style(color=readable(color, background, TEXT, app.current_theme.dark))


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
