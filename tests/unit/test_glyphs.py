"""The chrome's glyphs: ASCII on the Linux console and wherever the text is not UTF-8."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from reader.glyphs import ASCII, UNICODE, choose, wants_ascii

UTF8 = {"LANG": "en_GB.UTF-8", "TERM": "xterm-256color"}


@pytest.mark.parametrize(
    ("environ", "encoding", "expected"),
    [
        (UTF8, "utf-8", False),
        ({"LANG": "C.UTF-8", "TERM": "screen"}, "utf-8", False),
        ({**UTF8, "TERM": "linux"}, "utf-8", True),
        ({**UTF8, "TERM": "vt100"}, "utf-8", True),
        ({"LANG": "en_US.ISO-8859-1", "TERM": "xterm"}, "utf-8", True),
        ({**UTF8, "LC_ALL": "C"}, "utf-8", True),  # LC_ALL wins over LANG
        ({"LANG": "C", "LC_CTYPE": "en_US.utf8", "TERM": "xterm"}, "utf-8", False),
        ({"TERM": "xterm"}, "utf-8", True),  # no locale at all: C, ASCII
        (UTF8, "ascii", True),
        (UTF8, "ANSI_X3.4-1968", True),
    ],
)
def test_ascii_is_chosen_from_the_environment(
    environ: dict[str, str], encoding: str, expected: bool
) -> None:
    assert wants_ascii(environ, encoding) is expected
    assert choose(environ, encoding) is (ASCII if expected else UNICODE)


def test_ascii_glyphs_are_ascii_and_as_wide_as_the_unicode_ones() -> None:
    for name, unicode, ascii_ in zip(UNICODE._fields, UNICODE, ASCII, strict=True):
        if name == "ascii":
            continue
        texts = ascii_ if isinstance(ascii_, tuple) else (ascii_,)
        assert all(text.isascii() for text in texts), name
        # "..." stands for "…"; a task box and an alert's sign need their brackets in ASCII,
        # and each is drawn where its width is measured.
        if name not in ("ellipsis", "tasks", "alerts"):
            widths = [
                cell_len(text) for text in (unicode if isinstance(unicode, tuple) else (unicode,))
            ]
            assert [cell_len(text) for text in texts] == widths, name
