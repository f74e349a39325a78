"""The state folder full (ENOSPC) or read-only in the middle of a session.

What must hold: one notice per store (not one per write), reading goes on from memory,
what was saved before stays intact on disk, and saving resumes by itself once the disk
takes writes again, with every change made meanwhile (and other sessions' changes to the
file meanwhile) kept.

Two levels: the write path failed at the OS boundary (`os.fsync`, `tempfile.mkstemp`)
in this process, and, for the real thing, a child process in a mount namespace whose
state folder is a 256 KiB tmpfs that a file fills up and that is remounted read-only
(root, or an unprivileged user namespace: `unshare -Urm`).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader import state_io
from reader.review import ReviewLogEntry, ReviewSettings, ReviewStore, Scheduler
from reader.state import ReadingState
from reader.state_store import FallbackStore, StateStore

WORKER = Path(__file__).with_name("state_worker.py")
TITLE = "Disk Pack"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(state_io.ENV_STATE_DIR, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def pack_root(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    root.mkdir()
    return root


def disk_full(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
    raise OSError(errno.EROFS, "Read-only file system")


def on_disk(store: StateStore) -> ReadingState:
    assert store.path is not None
    return ReadingState.from_json(json.loads(store.path.read_bytes()))


@pytest.mark.parametrize(
    ("target", "name", "failure", "reason"),
    [
        (os, "fsync", disk_full, "No space left on device"),
        (tempfile, "mkstemp", read_only, "Read-only file system"),
    ],
    ids=["disk-full", "read-only"],
)
def test_reading_state_pauses_with_one_notice_and_resumes(
    pack_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: object,
    name: str,
    failure: Callable[..., object],
    reason: str,
) -> None:
    monkeypatch.setattr(FallbackStore, "RETRY_SECONDS", 0.0)  # every change tries the disk
    state_dir = tmp_path / "state"
    store = StateStore.open(pack_root, TITLE, state_dir=state_dir)
    other = StateStore.open(pack_root, TITLE, state_dir=state_dir)  # a second session
    assert store.saving and store.path is not None
    store.update(lambda state: state.add_bookmark("saved", note="saved"))
    store.update(lambda state: state.mark_read("saved"))
    before = store.path.read_bytes()

    with monkeypatch.context() as broken:
        broken.setattr(target, name, failure)
        for number in range(20):
            store.update(lambda state, n=number: state.mark_read(f"full-{n}"))
        store.update(lambda state: state.add_bookmark("full", note="full"))
        assert not store.saving and store.paused
        assert store.path.read_bytes() == before, "what was saved before was touched"
        loaded = store.load()  # reading goes on, from memory
        assert {f"full-{n}" for n in range(20)} <= loaded.read
        [notice] = store.take_notices()
        assert notice.startswith("Reading state will not be saved: ") and reason in notice
        assert "saved once the folder can be written again" in notice
        assert store.take_notices() == []
    # Meanwhile (the disk back), the other session saved changes of its own.
    other.update(lambda state: state.mark_read("other"))
    other.update(lambda state: state.add_bookmark("other", note="other"))

    store.update(lambda state: state.mark_read("back"))
    assert store.saving and not store.paused
    assert store.take_notices() == ["Reading state is saved again."]
    saved = on_disk(store)
    assert saved.read == {"saved", "other", "back"} | {f"full-{n}" for n in range(20)}
    assert sorted(b.note for b in saved.bookmarks) == ["full", "other", "saved"]
    assert store.load() == saved
    leftovers = [p.name for p in store.path.parent.iterdir() if ".tmp-" in p.name]
    assert leftovers == []


def test_a_long_pause_keeps_a_bounded_replay_and_the_state_in_memory(
    pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FallbackStore, "RETRY_SECONDS", 0.0)
    monkeypatch.setattr(StateStore, "MAX_PENDING", 5)
    store = StateStore.open(pack_root, TITLE, state_dir=tmp_path / "state")
    store.update(lambda state: state.mark_read("saved"))
    with monkeypatch.context() as broken:
        broken.setattr(os, "fsync", disk_full)
        for number in range(50):
            store.update(lambda state, n=number: state.mark_read(f"full-{n}"))
        assert len(store._pending) <= 6
    store.update(lambda state: state.mark_read("back"))
    expected = {"saved", "back"} | {f"full-{n}" for n in range(50)}
    assert store.saving and on_disk(store).read == expected


def test_the_disk_is_not_tried_again_before_the_retry_time(
    pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk is not hammered on every scroll: one attempt per RETRY_SECONDS."""
    monkeypatch.setattr(FallbackStore, "RETRY_SECONDS", 0.3)
    store = StateStore.open(pack_root, TITLE, state_dir=tmp_path / "state")
    attempts: list[int] = []

    def counted_full(fd: int) -> None:
        attempts.append(fd)
        disk_full(fd)

    with monkeypatch.context() as broken:
        broken.setattr(os, "fsync", counted_full)
        for number in range(30):
            store.update(lambda state, n=number: state.mark_read(f"full-{n}"))
        assert len(attempts) == 1
        time.sleep(0.35)
        store.update(lambda state: state.mark_read("later"))
        assert len(attempts) == 2
    assert len(store.take_notices()) == 1
    time.sleep(0.35)
    assert store.load().read >= {"later", "full-29"} and store.saving
    assert "later" in on_disk(store).read


def test_review_state_pauses_with_one_notice_and_replays_its_ratings(
    pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FallbackStore, "RETRY_SECONDS", 0.0)
    state_dir = tmp_path / "state"
    scheduler = Scheduler(ReviewSettings(), fuzzing=False)
    store = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    other = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    assert store.saving and store.path is not None
    store.rate("a", 3, NOW, 100, scheduler)
    before = store.path.read_bytes()
    with monkeypatch.context() as broken:
        broken.setattr(os, "fsync", disk_full)
        for number in range(6):
            store.rate("a", 3, NOW + timedelta(days=number + 1), 100, scheduler)
        store.rate("b", 4, NOW, 100, scheduler)
        assert store.paused and store.path.read_bytes() == before
        assert store.load().cards["a"].reps == 7
        [notice] = store.take_notices()
        assert notice.startswith("Review state will not be saved: No space left on device")
    other.rate("a", 1, NOW + timedelta(days=10), 100, scheduler)  # another session, meanwhile
    store.rate("c", 2, NOW, 100, scheduler)
    assert store.saving and store.take_notices() == ["Review state is saved again."]
    fresh = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    cards = fresh.load().cards
    assert cards["a"].reps == 8 and set(cards) == {"a", "b", "c"}  # no rating lost
    log = fresh.read_log()
    assert [entry.card for entry in log] == ["a", "a", *["a"] * 6, "b", "c"]
    assert log[1] == ReviewLogEntry("a", NOW + timedelta(days=10), 1, 100)
    assert store.read_log() == log  # nothing left unsaved, nothing logged twice


def test_the_log_failing_alone_is_retried_without_rating_twice(
    pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card file took the rating, the log did not: the retry appends, never re-rates."""
    monkeypatch.setattr(FallbackStore, "RETRY_SECONDS", 0.0)
    scheduler = Scheduler(ReviewSettings(), fuzzing=False)
    store = ReviewStore.open(pack_root, TITLE, state_dir=tmp_path / "state")
    real_write = os.write

    def full_for_the_log(fd: int, data: bytes | memoryview) -> int:
        if bytes(data).lstrip(b"\n").startswith(b'{"card"'):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    with monkeypatch.context() as broken:
        broken.setattr(os, "write", full_for_the_log)
        store.rate("a", 3, NOW, None, scheduler)
        assert store.paused
    assert store.load().cards["a"].reps == 1 and store.saving
    fresh = ReviewStore.open(pack_root, TITLE, state_dir=tmp_path / "state")
    assert fresh.load().cards["a"].reps == 1
    assert fresh.read_log() == [ReviewLogEntry("a", NOW, 3, None)]


def namespace_command() -> list[str]:
    """`unshare` for a private mount namespace: as root, or in a user namespace."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail("this test needs unshare (util-linux) to mount a small tmpfs")
    if os.geteuid() == 0:
        return [unshare, "--mount", "--propagation", "private"]
    return [unshare, "--user", "--map-root-user", "--mount", "--propagation", "private"]


def test_a_real_full_then_read_only_state_folder(pack_root: Path, tmp_path: Path) -> None:
    """A 256 KiB tmpfs as the state folder: filled up by a file, freed, remounted
    read-only, made writable, all while one session keeps changing its state."""
    mount = tmp_path / "small"
    mount.mkdir()
    script = 'mount -t tmpfs -o size=256k,mode=0700 tmpfs "$1" && shift && exec "$@"'
    worker = [sys.executable, str(WORKER), "disk", str(mount), str(pack_root), TITLE]
    in_namespace = [*namespace_command(), "sh", "-c", script, "sh", str(mount)]
    probe = subprocess.run([*in_namespace, "true"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.fail(
            "cannot mount a tmpfs in a private mount namespace (needs root or unprivileged "
            f"user namespaces); the OS-boundary tests above still ran: {probe.stderr}"
        )
    done = subprocess.run([*in_namespace, *worker], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)

    full = [f"full-{number}" for number in range(10)]
    assert report["full"]["saving"] == [False, False]
    [reading_notice, review_notice] = report["full"]["notices"]  # one each, for 11 writes
    assert reading_notice.startswith("Reading state will not be saved: No space left")
    assert review_notice.startswith("Review state will not be saved: No space left")
    assert report["full"]["in_memory"] == report["full"]["cards_in_memory"] == []
    assert report["intact_while_full"] and report["leftovers"] == []

    back = report["space_back"]
    assert back["saving"] == [True, True] and back["in_memory"] == []
    assert back["notices"] == ["Reading state is saved again.", "Review state is saved again."]
    disk = report["disk_after_space"]
    expected = sorted(["before", *full, "space-back"])
    assert disk["read"] == disk["bookmarks"] == disk["cards"] == expected
    assert sorted(disk["log"]) == expected

    read_only_names = [f"ro-{number}" for number in range(10)]
    ro = report["read_only"]
    assert ro["saving"] == [False, False] and ro["in_memory"] == []
    assert [notice.split(":")[0] for notice in ro["notices"]] == [
        "Reading state will not be saved",
        "Review state will not be saved",
    ]
    assert all("Read-only file system" in notice for notice in ro["notices"])
    assert report["disk_while_read_only"] == disk, "the read-only folder changed"
    writable = report["writable"]
    assert writable["saving"] == [True, True] and writable["in_memory"] == []
    after = report["disk_after_read_only"]
    everything = sorted([*expected, *read_only_names, "writable"])
    assert after["read"] == after["bookmarks"] == after["cards"] == everything
    assert sorted(after["log"]) == everything
