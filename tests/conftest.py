"""Shared test helpers: throwaway packs on disk, and the real `reader` command in a subprocess.

Packs are written file by file from a {relative path: text or bytes} mapping, so each
test shows the exact Markdown it is about. The CLI runs as `python -m reader` in a child
process, as a user would start it, so a traceback or a hang cannot hide behind pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTENT = REPO_ROOT / "content"

PackFiles = Mapping[str, str | bytes]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds or installs something (seconds, not ms)")


def write_pack(root: Path, files: PackFiles) -> Path:
    """Write each relative path under `root` (bytes as they are, text as UTF-8)."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, body in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8", newline="")
    return root


@pytest.fixture
def make_pack() -> Callable[[Path, PackFiles], Path]:
    """`make_pack(tmp_path, {"01-a.md": "# A"})` writes a pack folder and returns it."""
    return write_pack


@pytest.fixture
def cut_files() -> Iterator[list[str]]:
    """The pack files cut into sections so far, in the order they were cut."""
    from reader.files import PackFile
    from reader.pack import file_cut_hooks

    cut: list[str] = []

    def record(pack_file: PackFile) -> None:
        cut.append(pack_file.relative)

    file_cut_hooks.append(record)
    yield cut
    file_cut_hooks.remove(record)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child `python -m reader`: this checkout first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.pop("READER_RESTRICTED", None)
    env.pop("READER_INDEX_DIR", None)  # a developer's shared-index folder must not leak in
    # Nor may a developer's (or a CI runner's) choice of plain mode or settings file.
    for name in ("READER_PLAIN", "ACCESSIBLE", "READER_CONFIG"):
        env.pop(name, None)
    if env.get("TERM", "").strip() == "dumb":
        del env["TERM"]
    env.update(extra)
    return env


def run_reader_process(
    *args: str | Path,
    cwd: Path | None = None,
    timeout: float = 60,
    stdin: int | None = subprocess.DEVNULL,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m reader ARGS` with stdin and stdout not terminals; capture both."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *map(str, args)],
        cwd=cwd or REPO_ROOT,
        env=child_env(),
        stdin=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def run_reader() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_reader("--list", path)` runs the real command and returns the finished process."""
    return run_reader_process


@pytest.fixture
def reader_env() -> Callable[..., dict[str, str]]:
    """`reader_env(TERM="xterm")`: the environment for a hand-made child `python -m reader`."""
    return child_env


@pytest.fixture
def repo_root() -> Path:
    """The checkout under test (holds pyproject.toml, reader/ and content/)."""
    return REPO_ROOT
