"""LazyPattern: compiles on first use, then behaves like the compiled pattern."""

from __future__ import annotations

import re

import pytest

from reader.lazy_pattern import LazyPattern


def test_nothing_is_compiled_until_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real_compile = re.compile

    def counting_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
        compiled.append(pattern)
        return real_compile(pattern, flags)

    monkeypatch.setattr(re, "compile", counting_compile)
    pattern = LazyPattern(r"(\d+)-(\d+)")
    assert compiled == []
    assert pattern.search("pages 3-14")[2] == "14"
    assert pattern.sub(r"\2-\1", "3-14") == "14-3"
    assert compiled == [r"(\d+)-(\d+)"], "compiled once, on the first call"


def test_same_answers_as_the_compiled_pattern() -> None:
    source, flags = r"^<details\b[^>]*>", re.IGNORECASE | re.MULTILINE
    lazy, eager = LazyPattern(source, flags), re.compile(source, flags)
    text = "x\n<DETAILS open>\n<details>\n"
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy.findall(text) == eager.findall(text)
    assert lazy.split(text) == eager.split(text)
    assert lazy.subn("", text) == eager.subn("", text)
    assert lazy.match(text) is None and eager.match(text) is None
    assert lazy.fullmatch("<details>") is not None
    assert (lazy.pattern, lazy.flags, lazy.groups) == (eager.pattern, eager.flags, eager.groups)


def test_bytes_patterns_and_bad_patterns() -> None:
    assert LazyPattern(rb"\x00+").sub(b"", b"a\x00\x00b") == b"ab"
    broken = LazyPattern(r"(unclosed")
    with pytest.raises(re.error):  # the error surfaces at first use, as re.compile's would
        broken.search("unclosed")
