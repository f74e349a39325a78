"""The command line in front of a hostile pack or an unlucky moment: nothing it prints
talks to the terminal, and no Python traceback ever reaches the user."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

Env = Callable[..., dict[str, str]]
MakePack = Callable[[Path, dict[str, str | bytes]], Path]

HOSTILE_SECTION = """\
# Links

Pay at [https://bank.example](https://evil.example/steal) today.
Or read [the secrets](../../../../etc/passwd).

Escapes by reference: &#x1b;]52;c;cHduZWQ=&#x07; and &#x9b;2J and &#x1b;[31mred
and a line&#x2028;separator.
"""


def _read_all(fd: int, into: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its side
            return
        if not chunk:
            return
        into.append(chunk)


def _print_to_a_terminal(pack: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """`reader --print links PACK` with stdout on a pseudo-terminal, as a user runs it."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--print", "links", str(pack)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    output: list[bytes] = []
    drain = threading.Thread(target=_read_all, args=(master, output), daemon=True)
    drain.start()
    code = process.wait(timeout=30)
    drain.join(timeout=5)
    os.close(master)
    return code, b"".join(output)


def test_print_to_a_terminal_never_makes_hyperlinks_or_escapes(
    tmp_path: Path, make_pack: MakePack, reader_env: Env
):
    pack = make_pack(tmp_path / "pack", {"links.md": HOSTILE_SECTION})
    code, output = _print_to_a_terminal(pack, reader_env(TERM="xterm-256color", COLUMNS="200"))
    assert code == 0, output
    text = output.decode("utf-8", "replace")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    # Links show where they lead, as plain text: no OSC 8 hyperlink hides the target.
    assert b"\x1b]8;" not in output
    assert "https://bank.example (https://evil.example/steal)" in plain
    assert "the secrets (../../../../etc/passwd)" in plain
    # Decoded character references never reach the terminal as controls: no OSC at all
    # (52 writes the clipboard), no 8-bit CSI, and the only CSI sequences are Rich's SGR.
    assert b"\x1b]" not in output and b"\xc2\x9b" not in output
    assert "\u2028" not in text
    sequences = [part.split("m", 1)[0] for part in text.split("\x1b[")[1:]]
    assert all(set(sequence) <= set("0123456789;") for sequence in sequences), sequences
    assert "Traceback" not in text


def test_print_to_a_terminal_draws_the_section_as_the_reading_pane_does(
    tmp_path: Path, make_pack: MakePack, reader_env: Env
):
    """References and footnotes defined at the file's end, alerts, task lists and comments:
    printed as the reading pane shows them (issue 17), links with their targets."""
    pack = make_pack(
        tmp_path / "pack",
        {
            "links.md": "# Links\n\n<!-- YAML\nhistory: a => b\n-->\n\nSee [the docs][] "
            "and a claim.[^1]\n\n> [!WARNING]\n> Careful.\n\n- [x] done\n\n## Later\n\n"
            "Text.\n\n[the docs]: https://example.org/docs\n[^1]: The source.\n"
        },
    )
    code, output = _print_to_a_terminal(pack, reader_env(TERM="xterm-256color", COLUMNS="100"))
    assert code == 0, output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output.decode("utf-8", "replace"))
    assert "See the docs (https://example.org/docs) and a claim.[1]" in plain
    assert "▲ Warning" in plain and "☑ done" in plain and "1. The source. ↩" in plain
    assert "YAML" not in plain and "history" not in plain and "[^1]" not in plain


def test_ctrl_c_while_modules_load_ends_quietly(tmp_path: Path, reader_env: Env):
    """SIGINT arrives while `reader.cli` imports its modules: before `reader.entry` existed,
    Python printed a KeyboardInterrupt traceback with install paths."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        textwrap.dedent(
            """\
            import os, signal, sys

            class InterruptWhileImporting:
                def find_spec(self, name, path=None, target=None):
                    if name == "reader.pack":
                        os.kill(os.getpid(), signal.SIGINT)
                    return None

            sys.meta_path.insert(0, InterruptWhileImporting())
            """
        )
    )
    env = reader_env()
    env["PYTHONPATH"] = os.pathsep.join([str(hook), env["PYTHONPATH"]])
    result = _python("-m", "reader", "--list", env=env)
    assert result.returncode == 130, result
    assert result.stderr == "" and result.stdout == ""


def test_an_internal_error_is_one_line_and_the_details_go_to_the_log(
    tmp_path: Path, reader_env: Env
):
    log = tmp_path / "reader.log"
    program = textwrap.dedent(
        """\
        import sys
        import reader.cli as cli

        def broken(args):
            raise ZeroDivisionError("a bug of ours")

        cli._run = broken
        sys.exit(cli.main(["--list"]))
        """
    )
    result = _python("-c", program, env=reader_env(READER_LOG=str(log)))
    assert result.returncode == 70
    assert result.stderr == f"reader: internal error (ZeroDivisionError); details in {log}\n"
    details = log.read_text()
    assert "Traceback" in details and "a bug of ours" in details
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_without_a_log_an_internal_error_is_still_one_line(reader_env: Env):
    program = "import sys, reader.cli as c\nc._run = lambda a: [][1]\nsys.exit(c.main([]))"
    env = reader_env()
    env.pop("READER_LOG", None)
    result = _python("-c", program, env=env)
    assert result.returncode == 70
    assert result.stderr.splitlines() == ["reader: internal error (IndexError)"]


def _python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run this Python with `args` (`-m reader …`, or `-c` and a program driving
    `reader.cli`), without a terminal; capture what it says."""
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("script", ["reader.entry", "reader"])
def test_the_command_and_python_m_reader_start_through_the_quiet_entry(
    script: str, reader_env: Env
):
    result = _python("-m", script, "--version", env=reader_env())
    assert result.returncode == 0 and result.stdout.startswith("reader ")
