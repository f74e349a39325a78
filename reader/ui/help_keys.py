"""The help screen's list of keys, by where they work, straight from the bindings (with
the keys config.toml's `[keymap]` gives them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from textual.binding import Binding, BindingType

__all__ = ["help_groups", "unbound_bindings"]

#: The palette's binding keeps Textual's short description for the footer; help says more.
_HELP_DESCRIPTIONS = {"app.commands": "Command palette"}
_LAST = ("app.commands", "app.quit-now")


def help_groups(
    everywhere: Sequence[BindingType], keymap: Mapping[str, str] | None = None
) -> list[tuple[str, list[BindingType]]]:
    """Every key by where it works; `everywhere`: the app's and the screen's bindings;
    `keymap`: the app's (binding id to keys), whose keys replace the defaults."""
    from reader.ui.keymap import EXTRA_BINDINGS
    from reader.ui.screens.bookmarks import BookmarksScreen
    from reader.ui.screens.external_link import ExternalLinkScreen
    from reader.ui.screens.review import ReviewScreen
    from reader.ui.widgets.document_view import DocumentView
    from reader.ui.widgets.outline import Outline
    from reader.ui.widgets.search_box import SearchBox
    from reader.ui.widgets.search_results import SearchResults

    keymap = keymap or {}
    chosen_extras = [binding for binding in EXTRA_BINDINGS if binding.id in keymap]
    # Textual's own keys (the palette, ctrl+q) after the reader's.
    own = [binding for binding in everywhere if _binding_id(binding) not in _LAST]
    last = [binding for binding in everywhere if _binding_id(binding) in _LAST]
    groups: list[tuple[str, list[BindingType]]] = [
        ("Everywhere", [*own, *last, *chosen_extras]),
        (
            "Reading pane",
            [
                *DocumentView.BINDINGS,
                # Textual's copy (the screen's, like a terminal's): no id, not remapped.
                Binding("ctrl+c", "", "Copy the text selected with the mouse (drag)"),
            ],
        ),
        ("Outline", list(Outline.BINDINGS)),
        ("Search", [*SearchBox.BINDINGS, *SearchResults.BINDINGS]),
        ("Review (r)", list(ReviewScreen.BINDINGS)),
        ("Bookmarks list", list(BookmarksScreen.BINDINGS)),
        ("External link", list(ExternalLinkScreen.BINDINGS)),
    ]
    return [(title, [_as_shown(binding, keymap) for binding in group]) for title, group in groups]


def unbound_bindings(keymap: Mapping[str, str] | None = None) -> list[Binding]:
    """The bindings with no key until `[keymap]` gives them one (listed with the ids)."""
    from reader.ui.keymap import EXTRA_BINDINGS

    return [binding for binding in EXTRA_BINDINGS if binding.id not in (keymap or {})]


def _binding_id(binding: BindingType) -> str | None:
    return binding.id if isinstance(binding, Binding) else None


def _as_shown(binding: BindingType, keymap: Mapping[str, str]) -> BindingType:
    if not isinstance(binding, Binding) or not binding.id:
        return binding
    binding_id = binding.id
    if binding_id in keymap:
        binding = binding.with_key(keymap[binding_id])
    description = _HELP_DESCRIPTIONS.get(binding_id)
    return replace(binding, description=description) if description else binding
