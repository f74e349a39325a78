"""The key a hint names ("`]` next"), as config.toml's `[keymap]` moved it.

Hints written into the reader's own text (the way on under each section, a review's key
line) would otherwise name a key that no longer does what they say. Cheap: a look in the
app's keymap, nothing imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from reader.ui.textual_compat import app_keymap

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["key_hint", "key_line"]


def key_hint(app: App[Any], binding_id: str, default: str) -> str:
    """How the first key of `binding_id` is shown ("^n", "]"); `default` when the keymap
    leaves it alone. Before the keymap is checked (the first screen) the entries config.toml
    holds count already: the check refuses few, and the keys wait for it anyway."""
    keys = app_keymap(app).get(binding_id)
    if keys is None:
        config = getattr(app, "config", None)
        entry = config.keymap.get(binding_id) if config is not None else None
        if entry is None or getattr(app, "_config_settled", True):
            return default
        keys = entry.keys
    first = keys.split(",")[0].strip()
    if not first:
        return default
    shown = first if len(first) == 1 else app.get_key_display(Binding(first, ""))
    return shown if "`" not in shown else first


def key_line(app: App[Any], *hints: tuple[str, str, str]) -> str:
    """A dialog's line of keys, "Enter jump   r note", from (binding id, default key,
    what it does) triples, each key as `key_hint` shows it."""
    return "   ".join(
        f"{key_hint(app, binding_id, key)} {label}" for binding_id, key, label in hints
    )
