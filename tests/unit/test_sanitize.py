"""Nothing from a pack may reach the terminal as an escape sequence or control character.

Textual and Rich strip only BEL, BS, VT, FF and CR; an OSC 52 in a note would write the
user's clipboard and a CSI 2J would clear their screen. `sanitize` is the one gate.
"""

from __future__ import annotations

import pytest

from reader.sanitize import sanitize, sanitize_line

ESC = "\x1b"
ST = ESC + "\\"
STRING_STARTERS = (0x90, 0x98, 0x9D, 0x9E, 0x9F)  # 8-bit DCS, SOS, OSC, PM, APC

HOSTILE = {
    "CSI clear screen": ESC + "[2J",
    "CSI cursor home": ESC + "[H",
    "CSI SGR colour": ESC + "[1;31m",
    "CSI private mode": ESC + "[?1049h",
    "CSI device status report": ESC + "[6n",
    "OSC 0 title, BEL": ESC + "]0;owned title\x07",
    "OSC 2 title, ST": ESC + "]2;owned title" + ST,
    "OSC 8 hyperlink": ESC + "]8;;https://evil.example/" + ST,
    "OSC 52 clipboard, BEL": ESC + "]52;c;ZWNobyBwd25lZA==\x07",
    "OSC 52 clipboard, ST": ESC + "]52;c;ZWNobyBwd25lZA==" + ST,
    "DCS": ESC + "P+q544e" + ST,
    "APC": ESC + "_Gf=100;AAAA" + ST,
    "PM": ESC + "^private" + ST,
    "SOS": ESC + "Xstart of string" + ST,
    "8-bit CSI": "\x9b2J",
    "8-bit OSC": "\x9d0;title\x07",
    "8-bit OSC, 8-bit ST": "\x9d52;c;eA==\x9c",
    "8-bit DCS": "\x90q\x9c",
    "ESC charset": ESC + "(0",
    "ESC keypad": ESC + "=",
    "ESC reset": ESC + "c",
    "BEL": "\x07",
    "NUL": "\x00",
    "DEL": "\x7f",
    "backspace": "\x08",
    "vertical tab and form feed": "\x0b\x0c",
    "other C0": "\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c",
    "C1 controls": "".join(chr(c) for c in range(0x80, 0xA0) if c not in STRING_STARTERS),
    "line and paragraph separators": "\u2028\u2029",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_sequences_are_removed_completely(name: str):
    payload = HOSTILE[name]
    assert sanitize(f"before{payload}after") == "beforeafter"
    assert sanitize_line(f"before {payload} after") == "before after"


def test_a_lone_esc_takes_its_final_byte_like_a_terminal():
    assert sanitize("before\x1b") == "before"
    assert sanitize("before\x1b\nafter") == "before\nafter"
    assert sanitize("a\x1bcb") == "ab", "ESC c (reset) is one sequence"


@pytest.mark.parametrize("starter", STRING_STARTERS)
def test_an_8_bit_string_sequence_runs_to_its_terminator(starter: int):
    assert sanitize(f"a{chr(starter)}payload\x9cb") == "ab"
    assert sanitize(f"a{chr(starter)}payload\x07b") == "ab"
    assert sanitize(f"a{chr(starter)}no end\nnext line") == "a\nnext line"


def test_whatever_is_left_has_no_controls_at_all():
    text = "".join(HOSTILE.values()) * 3 + "".join(chr(c) for c in range(0, 0xA0))
    clean = sanitize(text)
    assert all(ch in "\t\n" or (0x20 <= ord(ch) < 0x7F) or ord(ch) > 0x9F for ch in clean)
    assert sanitize(clean) == clean


def test_tab_and_newline_stay():
    assert sanitize("a\tb\nc\n") == "a\tb\nc\n"


def test_line_endings_become_newlines():
    assert sanitize("one\r\ntwo\r\n") == "one\ntwo\n"
    assert sanitize("old\rmac\r") == "old\nmac\n", "a lone CR must not glue lines together"


def test_an_unterminated_string_sequence_stops_at_its_line():
    """Regression: a stray `ESC ]` swallowed the whole rest of the file."""
    text = "one\x1b]0;no end here\ntwo\nthree\n"
    assert sanitize(text) == "one\ntwo\nthree\n"
    assert sanitize("a\x1b]52;c;\nb\x07c\n") == "a\nbc\n", "line count stays right"


def test_normal_unicode_is_untouched():
    text = (
        "Crème brûlée, naïve café. 湿疹とアトピー. 🩺🧴👩🏽‍⚕️ "
        "שלום עולם مرحبا بالعالم Ω≈ç√ ½ — “quotes”"
    )
    assert sanitize(text) == text
    assert sanitize(text + "\n" + text) == text + "\n" + text
    assert sanitize_line(text) == text


def test_sanitize_line_folds_whitespace():
    assert sanitize_line("  a\n\tb   c\r\n ") == "a b c"


def test_long_clean_text_is_returned_as_is():
    text = ("Plain paragraph text with no controls.\n" * 50_000) + "\t\n"
    assert sanitize(text) is text
