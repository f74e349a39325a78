"""The `reader` command as a user (or `ssh -T`, or a pipe) meets it: run for real.

Every case runs `python -m reader` in a child process and checks the exit code, where
the words went (stdout or stderr) and that no Python traceback ever reaches the user.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

MakePack = Callable[[Path, dict[str, str | bytes]], Path]
RunReader = Callable[..., subprocess.CompletedProcess[str]]
Env = Callable[..., dict[str, str]]

REPO_ROOT = Path(__file__).resolve().parents[2]

ESCAPE = re.compile(r"[\x1b\x9b\x9d]")
DEFAULT_SECTIONS = [
    "What eczema is  [what-eczema-is]",
    'What "autoimmune" means  [what-autoimmune-means]',
    "The skin barrier and filaggrin  [the-skin-barrier-and-filaggrin]",
    "Autoimmune vs allergic  [autoimmune-vs-allergic]",
    "Treatments that target immune pathways  [treatments-that-target-immune-pathways]",
    "Key takeaways  [key-takeaways]",
]


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout
    assert not ESCAPE.search(result.stdout), repr(result.stdout[:200])


def test_list_shows_the_eczema_outline(run_reader: RunReader):
    result = run_reader("--list")
    assert result.returncode == 0
    assert_clean(result)
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == "Eczema: is it autoimmune?"
    for entry in DEFAULT_SECTIONS:
        assert entry in lines
    assert "What filaggrin does  [what-filaggrin-does]" in lines
    assert result.stderr == ""


def test_list_works_from_another_folder(run_reader: RunReader, tmp_path: Path):
    result = run_reader("--list", cwd=tmp_path)
    assert result.returncode == 0
    assert "Autoimmune vs allergic  [autoimmune-vs-allergic]" in result.stdout


def test_print_by_id_gives_plain_markdown_in_a_pipe(run_reader: RunReader):
    result = run_reader("--print", "what-filaggrin-does")
    assert result.returncode == 0
    assert_clean(result)
    assert result.stdout.startswith("## What filaggrin does\n")
    assert "**Filaggrin**" in result.stdout, "plain Markdown, not rendered"
    assert "## From leaky skin" not in result.stdout, "one section only"


def test_print_by_title_matches_print_by_id(run_reader: RunReader):
    by_id = run_reader("--print", "what-filaggrin-does")
    by_title = run_reader("--print", "What filaggrin does")
    by_folded = run_reader("--print", "what FILAGGRIN does")
    assert by_title.returncode == by_folded.returncode == 0
    assert by_title.stdout == by_id.stdout == by_folded.stdout


def test_print_an_unknown_section_fails_with_a_message(run_reader: RunReader):
    result = run_reader("--print", "no-such-section-anywhere")
    assert result.returncode == 1
    assert_clean(result)
    assert result.stdout == ""
    assert "no section 'no-such-section-anywhere'" in result.stderr


def test_print_never_passes_escape_sequences(
    run_reader: RunReader, make_pack: MakePack, tmp_path: Path
):
    root = make_pack(
        tmp_path, {"a.md": "# Evil\n\nhi \x1b]52;c;ZXZpbA==\x07 \x1b[2J \x9b6n there\n"}
    )
    result = run_reader("--print", "evil", root)
    assert result.returncode == 0
    assert_clean(result)
    assert "hi" in result.stdout and "there" in result.stdout


def test_version(run_reader: RunReader):
    result = run_reader("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"reader \d+\.\d+\.\d+\S*\n", result.stdout), result.stdout


def test_help(run_reader: RunReader):
    result = run_reader("--help")
    assert result.returncode == 0
    assert_clean(result)
    for word in ("usage: reader", "--list", "--print", "--version", "check"):
        assert word in result.stdout


def test_a_bad_option_is_a_usage_error(run_reader: RunReader):
    result = run_reader("--no-such-option")
    assert result.returncode == 2
    assert_clean(result)
    assert "usage:" in result.stderr


def imported_the_ui(import_log: bytes | str) -> bool:
    """Whether a `python -X importtime` log shows Textual or Rich imported: the refusal
    must come before the UI is loaded, so it is quick on any machine and cannot draw."""
    text = import_log.decode("utf-8", "replace") if isinstance(import_log, bytes) else import_log
    return bool(re.search(r"^import time:.*\|\s+(?:textual|rich)(?:\.|$)", text, re.MULTILINE))


def test_without_a_terminal_it_says_so_before_loading_the_ui(reader_env: Env):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "reader"],
        cwd=REPO_ROOT,
        env=reader_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode != 0
    assert_clean(result)
    assert "needs an interactive terminal" in result.stderr
    assert not imported_the_ui(result.stderr), "Textual or Rich imported before refusing"
    assert imported_the_ui("import time:       100 |        200 |   textual.app\n"), "the check"


def _drain(fd: int, sink: list[bytes]) -> None:
    """Read a pty master until the child's side is gone (EIO), so the child never blocks."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        sink.append(chunk)


def _run_with_pty(stdin_is_pty: bool, reader_env: Env) -> tuple[int, bytes, bytes]:
    """Run `reader` with one of stdin/stdout on a pseudo-terminal; return code, output and
    stderr (with Python's import log)."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "reader"],
        cwd=REPO_ROOT,
        env=reader_env(TERM="xterm-256color"),
        stdin=slave if stdin_is_pty else subprocess.DEVNULL,
        stdout=subprocess.PIPE if stdin_is_pty else slave,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    from_pty: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(master, from_pty), daemon=True)
    reader.start()
    try:
        output, error = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    if not stdin_is_pty:
        reader.join(timeout=5)
        output = b"".join(from_pty)
    os.close(master)
    assert b"needs an interactive terminal" in error
    assert b"Traceback" not in error
    return process.returncode, output, error


@pytest.mark.parametrize("stdin_is_pty", [True, False], ids=["stdout-piped", "stdin-not-tty"])
def test_half_a_terminal_is_not_enough(stdin_is_pty: bool, reader_env: Env):
    code, output, error = _run_with_pty(stdin_is_pty, reader_env)
    assert code != 0
    assert b"\x1b" not in output, output[:200]
    assert not imported_the_ui(error), "Textual or Rich imported before refusing"


def test_a_closed_pipe_is_not_a_traceback(make_pack: MakePack, tmp_path: Path, reader_env: Env):
    files: dict[str, str | bytes] = {
        f"{n:03d}.md": "".join(f"# Heading {n} {m} with words\n\n" for m in range(50))
        for n in range(100)
    }
    root = make_pack(tmp_path, files)
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--list", str(root)],
        cwd=REPO_ROOT,
        env=reader_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # like `reader --list | head -1`
    error = process.stderr.read().decode()
    process.stderr.close()
    code = process.wait(timeout=60)
    assert first.strip() == root.name.encode()
    assert "Traceback" not in error and "BrokenPipe" not in error, error
    assert code in (0, 1, 141)


def test_python_dash_m_reader_and_the_console_script_agree(run_reader: RunReader, reader_env: Env):
    module = run_reader("--version")
    script = Path(sys.executable).with_name("reader")
    if not script.exists():
        pytest.fail(f"console script missing next to {sys.executable}: is reader installed?")
    installed = subprocess.run(
        [script, "--version"], capture_output=True, text=True, env=reader_env(), check=False
    )
    assert module.stdout == installed.stdout


# --- bad input through the real command -------------------------------------------------


def _five_mb_line() -> dict[str, str | bytes]:
    return {"line.md": "# Long\n\n" + "word " * 1_000_000 + "\n"}


def _nesting() -> dict[str, str | bytes]:
    levels = [1, 6, 2, 6, 3, 1, 5, 6, 6, 4]
    return {"deep.md": "".join(f"{'#' * n} Level {n} ({i})\n" for i in range(300) for n in levels)}


BAD_INPUT: dict[str, tuple[Callable[[Path], Path], int, str]] = {
    # name: (build the path to open, expected exit code of --list, text expected in output)
    "missing path": (lambda tmp: tmp / "nowhere", 1, "no such file or folder"),
    "a PNG": (
        lambda tmp: _write(tmp / "p.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        1,
        "not a Markdown file",
    ),
    "empty folder": (lambda tmp: _folder(tmp / "empty", {}), 1, "no readable Markdown"),
    "only other files": (
        lambda tmp: _folder(tmp / "other", {"a.txt": "x", "b.png": b"\x89PNG\x00"}),
        1,
        "no readable Markdown",
    ),
    "binary Markdown": (
        lambda tmp: _folder(tmp / "bin", {"a.md": b"# A\x00\x01\x02"}),
        1,
        "binary file",
    ),
    "empty file": (lambda tmp: _write(tmp / "empty.md", b""), 1, "empty file"),
    "not UTF-8": (lambda tmp: _folder(tmp / "latin", {"a.md": b"# Caf\xe9\n"}), 0, "Caf\ufffd"),
    "single 5 MB line": (lambda tmp: _folder(tmp / "long", _five_mb_line()), 0, "Long (part 2)"),
    "absurd nesting": (lambda tmp: _folder(tmp / "deep", _nesting()), 0, "Level 6 (299)"),
    "duplicate titles": (
        lambda tmp: _folder(tmp / "dup", {"a.md": "# Same\n# Same\n", "b.md": "# Same\n"}),
        0,
        "[same-2]",
    ),
    "symlink loop": (lambda tmp: _loop(tmp / "loop"), 0, "Looped"),
    "many files": (
        lambda tmp: _folder(tmp / "many", {f"{n:04d}.md": f"# N{n}\n" for n in range(1000)}),
        0,
        "N999",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _folder(path: Path, files: dict[str, str | bytes]) -> Path:
    path.mkdir(parents=True)
    for name, body in files.items():
        _write(path / name, body if isinstance(body, bytes) else body.encode())
    return path


def _loop(path: Path) -> Path:
    _folder(path, {"a.md": "# Looped\n", "sub/b.md": "# Inner\n"})
    (path / "sub" / "up").symlink_to("..")
    return path


@pytest.mark.parametrize("name", list(BAD_INPUT))
def test_bad_input_gives_a_message_not_a_traceback(
    name: str, tmp_path: Path, run_reader: RunReader
):
    build, expected_code, expected_text = BAD_INPUT[name]
    target = build(tmp_path)
    listed = run_reader("--list", target)
    assert_clean(listed)
    assert listed.returncode == expected_code, listed
    assert expected_text in (listed.stdout + listed.stderr)
    if expected_code:
        assert listed.stderr.startswith("reader: "), listed.stderr
        assert listed.stdout == ""
    checked = run_reader("check", target)
    assert_clean(checked)
    assert checked.returncode in (0, 1)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not UTF-8", "a.md:1: not valid UTF-8"),
        ("duplicate titles", "a.md:2: duplicate heading 'Same'"),
        ("symlink loop", "sub/up: symlink loop; skipped"),
    ],
)
def test_check_reports_file_problems(
    name: str, message: str, tmp_path: Path, run_reader: RunReader
):
    result = run_reader("check", BAD_INPUT[name][0](tmp_path))
    assert result.returncode == 1
    assert message in result.stdout


def test_an_unreadable_file_is_reported_by_check(tmp_path: Path, run_reader: RunReader):
    root = _folder(tmp_path / "pack", {"a.md": "# A\n", "locked.md": "# Locked\n"})
    (root / "locked.md").chmod(0)
    try:
        result = run_reader("check", root)
    finally:
        (root / "locked.md").chmod(0o644)
    assert_clean(result)
    if os.geteuid() == 0:  # root reads it anyway; the in-process test covers the message
        assert result.returncode == 0
    else:
        assert result.returncode == 1
        assert "locked.md: cannot read: Permission denied" in result.stdout


def test_a_broken_manifest_is_reported_and_the_pack_still_opens(
    tmp_path: Path, run_reader: RunReader
):
    root = _folder(tmp_path / "pack", {"a.md": "# A\n", "pack.toml": "title = \n"})
    listed = run_reader("--list", root)
    assert listed.returncode == 0
    assert_clean(listed)
    assert "A  [a]" in listed.stdout
    checked = run_reader("check", root)
    assert checked.returncode == 1
    assert_clean(checked)
    assert "pack.toml:1: cannot read the manifest (" in checked.stdout


def test_a_manifest_nested_thousands_deep_is_a_problem_not_a_traceback(
    tmp_path: Path, run_reader: RunReader
):
    nested = "a = " + "[" * 5000 + "]" * 5000 + "\n"
    root = _folder(tmp_path / "pack", {"a.md": "# A\n", "pack.toml": nested})
    checked = run_reader("check", root)
    assert_clean(checked)
    assert "pack.toml: cannot read the manifest (nested too deeply); ignored" in checked.stdout


def test_hostile_file_names_are_sanitized_in_the_outline(tmp_path: Path, run_reader: RunReader):
    root = _folder(tmp_path / "pack", {"evil\x1b]0;title\x07\x1b[2J name.md": "no heading\n"})
    result = run_reader("--list", root)
    assert result.returncode == 0
    assert_clean(result)
    assert "Evil name" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["content"],
        ["content", "--no-state"],
        ["--restricted", "content"],
        ["--no-state", "--restricted"],
        ["content", "--no-state", "--no-state"],
        ["a b.md"],
        ["--plain"],
        ["--restricted", "--plain", "content"],
    ],
)
def test_a_common_start_reads_its_arguments_as_argparse_does(args: list[str]):
    """Sessions start without building argparse's parser (its ~5 ms are first-screen
    time); the shortcut must give exactly what the parser gives."""
    from reader.cli import _common_start, build_parser

    shortcut = _common_start(args)
    assert shortcut is not None
    assert vars(shortcut) == vars(build_parser().parse_args(args))


@pytest.mark.parametrize(
    "args",
    [
        ["--list"],
        ["a", "b"],
        ["--", "-odd"],
        ["-x"],
        ["--state-dir", "x"],
        ["--no-stat"],
        ["--config", "x.toml"],
        ["--config-path"],
    ],
)
def test_anything_else_goes_to_argparse(args: list[str]):
    from reader.cli import _common_start

    assert _common_start(args) is None


@pytest.mark.parametrize(
    ("environ", "plain"),
    [
        ({}, False),
        ({"TERM": "xterm-256color"}, False),
        ({"TERM": "dumb"}, True),
        ({"TERM": " dumb "}, True),
        ({"ACCESSIBLE": "1"}, True),
        ({"ACCESSIBLE": "yes"}, True),
        ({"ACCESSIBLE": "0"}, False),
        ({"ACCESSIBLE": ""}, False),
        ({"READER_PLAIN": "1"}, True),
        ({"READER_PLAIN": "0", "TERM": "xterm"}, False),
    ],
)
def test_the_environment_can_ask_for_plain_mode(environ: dict[str, str], plain: bool):
    from reader.cli import wants_plain

    assert wants_plain(environ) is plain


@pytest.mark.parametrize(
    "how", [["--plain"], ["review", "--plain"], "TERM=dumb", "ACCESSIBLE=1", "READER_PLAIN=1"]
)
def test_plain_mode_reads_commands_from_a_pipe(
    how: list[str] | str, reader_env: Env, tmp_path: Path
):
    """`--plain`, or the environment, starts plain mode even without a terminal (where
    the full-screen app only says it needs one): commands come from the pipe, and not a
    single escape byte goes out."""
    args, env = (how, reader_env()) if isinstance(how, list) else ([], reader_env())
    if isinstance(how, str):
        name, value = how.split("=")
        env[name] = value
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args, "--state-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        env=env,
        input=("q\n" if "review" in how else "") + "toc\nquit\n",  # q ends the review
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    assert "needs an interactive terminal" not in result.stderr
    assert "Autoimmune vs allergic" in result.stdout, "the numbered outline"


def test_config_path_follows_the_option_then_the_environment(reader_env: Env, tmp_path: Path):
    """`--config-path` prints where settings are read from: `--config FILE` over
    `$READER_CONFIG` over `$READER_CONFIG_DIR` over `$XDG_CONFIG_HOME`; it says on
    stderr when the file does not exist yet, and exits 0 either way."""
    env = reader_env(XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    env.pop("READER_CONFIG_DIR", None)

    def where(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reader", *args, "--config-path"],
            cwd=tmp_path,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    xdg = where()
    assert (xdg.returncode, xdg.stdout) == (0, f"{tmp_path}/xdg/reader/config.toml\n")
    assert "no such file yet" in xdg.stderr
    by_dir = where(READER_CONFIG_DIR=str(tmp_path / "dir"))
    assert by_dir.stdout == f"{tmp_path}/dir/config.toml\n"
    mine = tmp_path / "mine.toml"
    mine.write_text('theme = "nord"\n', encoding="utf-8")
    by_env = where(READER_CONFIG=str(mine), READER_CONFIG_DIR=str(tmp_path / "dir"))
    assert (by_env.stdout, by_env.stderr) == (f"{mine}\n", "")
    by_option = where("--config", "other.toml", READER_CONFIG=str(mine))
    assert by_option.stdout == f"{tmp_path / 'other.toml'}\n"
