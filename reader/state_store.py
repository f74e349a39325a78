"""StateStore: load and save one pack's ReadingState safely, or keep it in memory.

Policy lives here (when to set a file aside, when to stop saving, what to tell the user);
the filesystem mechanics live in :mod:`reader.state_io` and the data in
:mod:`reader.state`. Every disk access happens under an exclusive lock and every update
re-reads the file first, so two sessions of the same user never lose each other's
changes. Nothing here raises for I/O: when saving is impossible the store keeps state in
memory and leaves one notice for the user. When the disk refused a write that may pass (a
full disk, a folder made read-only), the store keeps the changes made since and tries the
disk again every few seconds; once a write goes through, those changes are replayed on
what is on disk (other sessions' changes kept) and the user is told saving is back.
No Textual here.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from reader.state import FORMAT_VERSION, NewerFormatError, ReadingState, StateFormatError

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["FallbackStore", "StateStore", "pack_root_key"]


def _io() -> ModuleType:
    """The disk side (json, hashlib, locks), imported only by a store that saves."""
    from reader import state_io

    return state_io


def pack_root_key(pack_root: Path) -> str:
    """The pack's folder as its state files are keyed by: resolved, or made absolute
    when it cannot be (a symlink loop and the like)."""
    try:
        return str(Path(pack_root).resolve())
    except (OSError, RuntimeError):
        return str(Path(pack_root).absolute())


class FallbackStore:
    """What the reading state's store and the review state's share: a file chosen and
    proven writable at open, memory when saving is impossible, and what to tell the user
    about it, once each. Nothing here raises for I/O.

    A failure that may pass (an OSError: the disk full, the folder read-only or gone)
    pauses saving instead of ending it: `saving` is False, and every RETRY_SECONDS the
    next load or change tries the disk again. Failures that will not pass (saving
    disabled, no file could be chosen at start, a newer reader's file, a lock another
    session never lets go of, a file grown past its cap) end saving for the session.
    """

    #: What the user is told will not be saved.
    NAME = "Reading state"
    #: How long a paused store waits before trying the disk again: short enough that
    #: saving is back soon after the disk is, long enough that a full disk is not tried
    #: on every scroll.
    RETRY_SECONDS: ClassVar[float] = 2.0

    def __init__(self) -> None:
        self.saving = False
        self.path: Path | None = None
        self._notices: list[str] = []
        self._stopped = False
        self._retry_at: float | None = None  # paused: when to try the disk again
        self._mutex = threading.RLock()

    def _open_file(
        self, state_dir: Path | None, root: str, title: str, suffix: str, enabled: bool
    ) -> Path | None:
        """Choose the pack's file (`<hash>-<slug><suffix>`) and prove it writable; None
        (and memory from now on) when disabled or impossible."""
        if not enabled:
            self._stopped = True  # the user asked for it: nothing to tell them
            return None
        state_io = _io()
        try:
            path: Path = state_io.prepare_state_file(state_dir, root, title, suffix)
        except (state_io.Unavailable, OSError) as exc:
            self._stop_saving(exc)
            return None
        self.path, self.saving = path, True
        return path

    @property
    def paused(self) -> bool:
        """Saving stopped by a failure that may pass: the disk is tried again later."""
        return self._retry_at is not None

    def _try_disk(self) -> bool:
        """Whether this load or change goes to the disk: saving, or paused long enough."""
        return self.saving or (self._retry_at is not None and time.monotonic() >= self._retry_at)

    def try_disk_now(self) -> None:
        """A paused store tries the disk at its next load or change, whenever it last
        tried: the session is ending, and what it kept in memory should not wait."""
        if self._retry_at is not None:
            self._retry_at = time.monotonic()

    def take_notices(self) -> list[str]:
        """Messages for the user, each returned once."""
        with self._mutex:
            notices, self._notices = self._notices, []
            return notices

    def _stop_saving(self, exc: BaseException) -> None:
        """Switch to memory: paused (tried again later) when the failure may pass, for
        good otherwise; the user is told once per pause and once when it ends for good."""
        self.saving = False
        if self.path is not None and _may_pass(exc):
            if self._retry_at is None:
                self._notify(
                    f"{self.NAME} will not be saved: {_io().describe(exc)}. It is kept in "
                    "memory and saved once the folder can be written again."
                )
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return
        self._retry_at = None
        if not self._stopped:
            self._stopped = True
            self._notify(f"{self.NAME} will not be saved: {_io().describe(exc)}")

    def _saved(self) -> None:
        """A load or change went through to the disk: a pause ends, and the user hears so."""
        if self._retry_at is not None:
            self._retry_at = None
            self.saving = True
            self._notify(f"{self.NAME} is saved again.")

    def _notify(self, message: str) -> None:
        if message not in self._notices:
            self._notices.append(message)


def _may_pass(exc: BaseException) -> bool:
    """An OSError (or a refusal caused by one) may pass: space freed, a folder made
    writable again. A lock held too long, a file too large or from a newer reader won't."""
    return isinstance(exc, OSError) or isinstance(exc.__cause__, OSError)


class StateStore(FallbackStore):
    """Loads and saves one pack's ReadingState; falls back to memory instead of failing.

    `saving` is False when state lives only in memory (disabled, or saving became
    impossible); `path` is the state file, None if none could ever be chosen. Both
    are safe to read from any thread; load and update are serialised per store.
    """

    #: Changes kept for replay while paused, beyond which the state in memory as a whole
    #: is replayed instead (other sessions' changes made during the pause then lost).
    MAX_PENDING: ClassVar[int] = 500

    def __init__(self, pack_root: str, pack_title: str) -> None:
        super().__init__()
        self._identity = {"root": pack_root, "title": pack_title}
        self._state = ReadingState()
        #: While paused: the changes made since the disk last took one, to replay on it.
        self._pending: list[Callable[[ReadingState], object]] = []

    @classmethod
    def open(
        cls,
        pack_root: Path,
        pack_title: str,
        *,
        state_dir: Path | None = None,
        enabled: bool = True,
    ) -> StateStore:
        """Find (and prove writable) the pack's state file; never raises for I/O problems."""
        root = pack_root_key(pack_root)
        store = cls(root, pack_title)
        store._open_file(state_dir, root, pack_title, ".json", enabled)
        return store

    def load(self) -> ReadingState:
        """The current state (a copy: change it through update, not by mutation)."""
        with self._mutex:
            if self._try_disk():
                fresh = self._locked_cycle(None)
                if fresh is not None:
                    self._state = fresh
            return self._state.copy()

    def update(self, change: Callable[[ReadingState], object]) -> ReadingState:
        """Re-read under the lock, apply `change`, write atomically; return the new state.

        `change` must only edit the state it is given: it may run against the newer state
        another session saved, and, after a pause, again when the disk is back. If it
        raises, nothing is written and the error propagates.
        """
        with self._mutex:
            if self._try_disk():
                fresh = self._locked_cycle(change)
                if fresh is not None:
                    self._state = fresh
                    return fresh.copy()
            state = self._state.copy()
            change(state)
            self._state = state
            self._keep_for_replay(change, state)
            return state.copy()

    def _keep_for_replay(
        self, change: Callable[[ReadingState], object], whole: ReadingState
    ) -> None:
        """While paused, remember `change` for the disk; past MAX_PENDING, `whole` (the
        state with every change made) stands for all of them, so memory stays bounded
        however long the disk is full."""
        if not self.paused:
            self._pending.clear()  # saving ended for good: nothing will replay them
            return
        self._pending.append(change)
        if len(self._pending) > self.MAX_PENDING:
            snapshot = whole.copy()
            self._pending = [lambda state: _become(state, snapshot)]

    def _locked_cycle(self, change: Callable[[ReadingState], object] | None) -> ReadingState | None:
        """Read (and, given a change or changes kept from a pause, write) under the lock;
        None if nothing was read."""
        assert self.path is not None
        state_io = _io()
        try:
            with state_io.locked(state_io.lock_path(self.path)):
                try:
                    state = self._read(self.path)
                except (state_io.Unavailable, NewerFormatError, OSError) as exc:
                    self._stop_saving(exc)
                    return None
                for pending in self._pending:  # they all ran once already: none raises
                    with contextlib.suppress(Exception):
                        pending(state)
                if change is not None:
                    change(state)
                if change is not None or self._pending:
                    try:
                        self._write(self.path, state)
                    except (state_io.Unavailable, OSError) as exc:
                        self._stop_saving(exc)  # the change still holds, in memory
                        if change is not None:
                            self._keep_for_replay(change, state)
                        elif not self.paused:
                            self._pending.clear()  # for good: nothing will replay them
                        return state
                    self._pending.clear()
                self._saved()
                return state
        except state_io.Unavailable as exc:
            self._stop_saving(exc)
            return None

    def _read(self, path: Path) -> ReadingState:
        """Parse the file; a bad one is renamed aside (the user told once) and we start fresh."""
        state_io = _io()
        try:
            data = state_io.read_state_bytes(path)
            if data is None:
                return ReadingState()
            return ReadingState.from_json(state_io.decode_json(data))
        except (state_io.BadFile, StateFormatError) as exc:
            moved = state_io.set_aside(path)  # an OSError here means: stop saving
            self._notify(
                f"Reading state for this pack could not be used ({exc}); it was moved to "
                f"{moved} and reading state starts afresh."
            )
            return ReadingState()

    def _write(self, path: Path, state: ReadingState) -> None:
        import json

        state_io = _io()
        document = {"version": FORMAT_VERSION, "pack": self._identity} | state.to_json()
        data = json.dumps(document, ensure_ascii=True, allow_nan=False).encode()  # C encoder
        if len(data) > state_io.MAX_STATE_BYTES:
            raise state_io.Unavailable("the reading state grew larger than 4 MiB")
        state_io.atomic_write(path, data + b"\n")


def _become(state: ReadingState, whole: ReadingState) -> None:
    """Make `state` (what is on disk) the state `whole` was in memory."""
    fresh = whole.copy()
    for name in ReadingState.FIELDS:
        setattr(state, name, getattr(fresh, name))
