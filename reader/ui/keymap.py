"""config.toml's `theme` and `[keymap]` judged against what the app really has.

The core (:mod:`reader.config`) checks the file's shape; only the app knows its themes and
its bindings. Here each `[keymap]` entry is checked: a binding id that exists, key names
Textual knows, and no key bound twice. "Bound twice" is judged where keys are looked up
together, as Textual does: one *place* is the chain of bindings one focused widget sees
(the reading pane with the reading screen and the app; a review; each dialog), and two
bindings of one place on one key means one of them never runs. Only a change the user
made is ever refused: the defaults share keys between places on purpose (`q` quits the
reader, closes a dialog), and an entry that gives a binding its own default key changes
nothing. A refused entry keeps its binding's default key; the message names its line.

Imported only when config.toml has a `[keymap]` (and for the help screen's ids): it
imports every screen, whose bindings it reads.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType
from textual.keys import Keys, key_to_character
from textual.widgets import Input

from reader.ui.restricted import MAIN_SCREEN_ACTIONS
from reader.ui.textual_compat import class_bindings, normalize_keys

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from reader.config import UserConfig

__all__ = [
    "EXTRA_BINDINGS",
    "Place",
    "check_keymap",
    "known_binding_ids",
    "places",
]

#: Bindings with no default key, which a user may give one in `[keymap]`: the app adds
#: them only then (a key nobody chose would surprise).
EXTRA_BINDINGS = (Binding("", "reload_pack", "Reload pack", show=False, id="app.reload-pack"),)
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(key.value.rpartition("+")[2] for key in Keys) | {"space"}


class Place:
    """Where keys are looked up together: `classes`, innermost (the focused widget) last.

    `app_keys`: which of the app's bindings work here too ("all" on the reading screen,
    "screen" beside another full screen (a review: the app's keys that are not the
    reading screen's), "priority" over a dialog (Textual looks only at priority ones)).
    """

    def __init__(self, name: str, classes: Sequence[type[DOMNode]], app_keys: str) -> None:
        self.name = name
        self.classes = tuple(classes)
        self.app_keys = app_keys


def places(app_class: type[DOMNode]) -> list[Place]:
    """Every place keys are looked up together in the reader."""
    from textual.widgets import Button, OptionList

    from reader.ui.screens.bookmarks import BookmarksScreen
    from reader.ui.screens.confirm import ConfirmScreen
    from reader.ui.screens.external_link import ExternalLinkScreen
    from reader.ui.screens.glossary import GlossaryScreen
    from reader.ui.screens.help import HelpScreen
    from reader.ui.screens.main import MainScreen
    from reader.ui.screens.progress import ProgressScreen, ProgressTable
    from reader.ui.screens.review import ReviewScreen
    from reader.ui.screens.term_popover import TermPopover
    from reader.ui.widgets.card_face import CardFace
    from reader.ui.widgets.document_view import DocumentView
    from reader.ui.widgets.outline import Outline
    from reader.ui.widgets.search_box import SearchBox
    from reader.ui.widgets.search_results import SearchResults

    return [
        Place("the reading pane", (MainScreen, DocumentView), "all"),
        Place("the outline", (MainScreen, Outline), "all"),
        Place("the search box", (MainScreen, SearchBox), "all"),
        Place("the search results", (MainScreen, SearchResults), "all"),
        Place("a review", (ReviewScreen, CardFace), "screen"),
        Place("the bookmarks list", (BookmarksScreen, OptionList), "priority"),
        Place("the bookmark's note", (BookmarksScreen, Input), "priority"),
        Place("the glossary's filter", (GlossaryScreen, Input), "priority"),
        Place("the glossary's terms", (GlossaryScreen, OptionList), "priority"),
        Place("the glossary's definition", (GlossaryScreen, DocumentView), "priority"),
        Place("a term's definition", (TermPopover, DocumentView), "priority"),
        Place("a question", (ConfirmScreen, Button), "priority"),
        Place("an external link", (ExternalLinkScreen,), "priority"),
        Place("the help", (HelpScreen,), "priority"),
        Place("the progress view", (ProgressScreen, ProgressTable), "priority"),
    ]


def _bindings_of(cls: type[DOMNode]) -> list[Binding]:
    """A class's bindings with those it inherits, one per key, as Textual merges them."""
    return class_bindings(cls)


def known_binding_ids(app_class: type[DOMNode]) -> dict[str, Binding]:
    """Every binding id the reader has, with (one of) its bindings."""
    known: dict[str, Binding] = {}
    classes: list[type[DOMNode]] = [app_class]
    for place in places(app_class):
        classes.extend(place.classes)
    for cls in classes:
        for binding in _bindings_of(cls):
            if binding.id:
                known.setdefault(binding.id, binding)
    for binding in EXTRA_BINDINGS:
        known.setdefault(binding.id or "", binding)
    return known


def is_key_name(key: str) -> bool:
    """Whether Textual can ever report `key` ("ctrl+q", "f2", "question_mark", "G")."""
    *modifiers, base = key.split("+")
    if not base or any(modifier not in _MODIFIERS for modifier in modifiers):
        return False
    return len(base) == 1 or base in _NAMED_KEYS or key_to_character(base) is not None


def check_keymap(app_class: type[DOMNode], config: UserConfig) -> dict[str, str]:
    """The `[keymap]` entries that can be used, as Textual's keymap; a problem (with its
    line) added to `config.problems` for each that cannot."""
    known = known_binding_ids(app_class)
    wanted: dict[str, list[str]] = {}
    for binding_id, entry in config.keymap.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, list(known), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            config.add_problem(
                entry.line, f"no binding '{binding_id}'{hint}; ? then i lists the binding ids"
            )
            continue
        keys = normalize_keys(entry.keys)
        bad = [key for key in keys if not is_key_name(key)]
        if bad:
            config.add_problem(
                entry.line,
                f"[keymap] '{binding_id}': '{bad[0]}' is not a key name "
                '(like "ctrl+q", "f2", "j", "question_mark")',
            )
            continue
        wanted[binding_id] = keys
    for binding_id, problem in _refuse_clashes(app_class, wanted):
        config.add_problem(config.keymap[binding_id].line, problem)
        del wanted[binding_id]
    return {binding_id: ",".join(keys) for binding_id, keys in wanted.items()}


class _Holder:
    """One binding on one key in one place: whose, and whether the user put it there."""

    __slots__ = ("binding", "chosen")

    def __init__(self, binding: Binding, chosen: bool) -> None:
        self.binding = binding
        self.chosen = chosen


def _refuse_clashes(
    app_class: type[DOMNode], wanted: dict[str, list[str]]
) -> Iterable[tuple[str, str]]:
    """Entries of `wanted` that bind a key twice in one place, each with its message;
    one at a time, since a refused entry's binding takes its default key back."""
    all_places = places(app_class)
    defaults: dict[str, set[str]] = {}
    for cls in (app_class, *(cls for place in all_places for cls in place.classes)):
        for binding in _bindings_of(cls):
            if binding.id:
                defaults.setdefault(binding.id, set()).add(binding.key)
    remaining = dict(wanted)
    while True:
        clash = _first_clash(app_class, all_places, remaining, defaults)
        if clash is None:
            return
        binding_id, message = clash
        del remaining[binding_id]
        yield binding_id, message


def _first_clash(
    app_class: type[DOMNode],
    all_places: list[Place],
    keymap: dict[str, list[str]],
    defaults: dict[str, set[str]],
) -> tuple[str, str] | None:
    extra_ids = {binding.id for binding in EXTRA_BINDINGS}
    for place in all_places:
        held: dict[str, list[_Holder]] = {}
        namespaces: list[list[Binding]] = [
            _app_bindings(app_class, place.app_keys),
            *(_bindings_of(cls) for cls in place.classes),
        ]
        namespaces[0] += [binding for binding in EXTRA_BINDINGS if binding.id in keymap]
        typing = any(issubclass(cls, Input) for cls in place.classes)
        seen: set[tuple[int, str]] = set()
        for depth, bindings in enumerate(namespaces):
            innermost = depth == len(namespaces) - 1
            for binding in bindings:
                if typing and innermost and not binding.id:
                    continue  # the box's own editing keys (ctrl+k…), like its letters
                moved = binding.id in keymap
                keys = keymap[binding.id] if binding.id and moved else [binding.key]
                if moved and (depth, binding.id or "") in seen:
                    continue  # "q,escape": one binding, listed once per key
                seen.add((depth, binding.id or ""))
                for key in keys:
                    if typing and not innermost and key_to_character(key) is not None:
                        continue  # typed into the box: never this binding's key there
                    new_key = moved and (
                        binding.id in extra_ids or key not in defaults.get(binding.id or "", set())
                    )
                    held.setdefault(key, []).append(_Holder(binding, new_key))
        order = list(keymap)
        for key, holders in held.items():
            ids = {holder.binding.id or holder.binding.action for holder in holders}
            chosen = [holder for holder in holders if holder.chosen]
            if len(ids) < 2 or not chosen:
                continue
            # The entry written last in config.toml gives way (the first one stays).
            refused = max(chosen, key=lambda holder: order.index(holder.binding.id or ""))
            others = [holder for holder in holders if holder is not refused]
            other = others[0].binding
            name = f"'{other.id}'" if other.id else f"'{other.description or other.action}'"
            binding_id = refused.binding.id or ""
            default = ", ".join(sorted(defaults.get(binding_id, set()))) or "no key"
            return binding_id, (
                f"[keymap] '{binding_id}': {key} is already the key of {name} in "
                f"{place.name}; '{binding_id}' keeps {default}"
            )
    return None


def _app_bindings(app_class: type[DOMNode], which: str) -> list[Binding]:
    bindings = _bindings_of(app_class)
    if which == "priority":
        return [binding for binding in bindings if binding.priority]
    if which == "screen":
        return [binding for binding in bindings if binding.action not in MAIN_SCREEN_ACTIONS]
    return bindings


def remapped(bindings: Iterable[BindingType], keymap: dict[str, str]) -> list[BindingType]:
    """`bindings` with the keys `keymap` gives them (for the help screen)."""
    result: list[BindingType] = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.id and binding.id in keymap:
            binding = binding.with_key(keymap[binding.id])
        result.append(binding)
    return result
