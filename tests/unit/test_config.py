"""config.toml (issue 22): where it is read from, what each bad value gives (one message
naming the file and the line, the default kept), the lines of keys, the rule between a
choice remembered in the reading state and config.toml, the review settings it holds
beside an older settings.toml, and the keymap checked against the app's bindings."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest
from test_redos import ENTRY_CAP, MAX_GROWTH, growth

from reader import config as config_module
from reader.config import (
    ENV_CONFIG,
    MAX_CONFIG_BYTES,
    KeymapEntry,
    UserConfig,
    config_path,
    load_config,
    starting_sidebar_width,
    starting_theme,
)
from reader.pack import load_pack
from reader.state import ReadingState
from reader.study import Study
from reader.toml_lines import key_lines
from tests.conftest import write_pack


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own, and none of the reader's overrides."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name in (ENV_CONFIG, "READER_CONFIG_DIR", "READER_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    return home


def write_config(tmp_path: Path, text: str | bytes, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(ENV_CONFIG, str(path))
    return path


def problems_of(tmp_path: Path, text: str | bytes, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    path = write_config(tmp_path, text, monkeypatch)
    problems = load_config().problems
    for problem in problems:
        assert problem.startswith(f"{path}"), problem  # every message names the file
    return problems


# --- where ---------------------------------------------------------------------------------


def test_reader_config_wins_over_the_config_dir_and_xdg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path() == tmp_path / "xdg" / "reader" / "config.toml"
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "dir"))
    assert config_path() == tmp_path / "dir" / "config.toml"
    monkeypatch.setenv(ENV_CONFIG, str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"


def test_without_xdg_the_config_is_under_home(
    _isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert config_path() == _isolated_environment / ".config" / "reader" / "config.toml"


def test_without_a_home_there_is_no_config(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("XDG_CONFIG_HOME", "HOME"):
        monkeypatch.delenv(name)
    assert config_path() is None
    assert load_config() == UserConfig(None)


def test_no_config_file_is_defaults_and_no_message() -> None:
    config = load_config()
    assert config.problems == [] and not config.exists
    assert (config.theme, config.sidebar_width, config.keymap, config.review) == (
        None,
        None,
        {},
        {},
    )


def test_a_config_named_by_reader_config_that_is_missing_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_CONFIG, str(tmp_path / "typo.toml"))
    [problem] = load_config().problems
    assert problem == f"{tmp_path / 'typo.toml'}: no such file; defaults used"


def test_a_path_under_home_is_shown_with_a_tilde(
    _isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _isolated_environment / ".config" / "reader" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("colour = 1\n")
    assert load_config().problems == ["~/.config/reader/config.toml, line 1: unknown key 'colour'"]


# --- good values ---------------------------------------------------------------------------


def test_every_key_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(
        tmp_path,
        """# mine
theme = "nord"
sidebar_width = 30

[keymap]
"app.quit" = "ctrl+x"
app.help = ["f2", "h"]
document.down = "j, down"

[keymap.outline]
fold = "left"

[review]
new_cards_per_day = 5
learning_steps = ["2m", "20m"]
""",
        monkeypatch,
    )
    config = load_config()
    assert config.problems == [] and config.exists
    assert (config.theme, config.sidebar_width) == ("nord", 30)
    assert config.keymap == {
        "app.quit": KeymapEntry("ctrl+x", 6),
        "app.help": KeymapEntry("f2,h", 7),
        "document.down": KeymapEntry("j,down", 8),
        "outline.fold": KeymapEntry("left", 11),
    }
    assert config.review == {"new_cards_per_day": 5, "learning_steps": ["2m", "20m"]}


# --- bad values: one message each, with its line; the rest used ---------------------------


def test_a_toml_error_names_its_line_and_uses_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [problem] = problems_of(tmp_path, 'theme = "nord"\n\nsidebar_width = \n', monkeypatch)
    assert ", line 3: not valid TOML (" in problem and problem.endswith("defaults used")
    assert load_config().theme is None


def test_a_toml_error_at_the_end_names_the_last_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [problem] = problems_of(tmp_path, 'theme = "nord"\n[keymap\n', monkeypatch)
    assert ", line 2: not valid TOML" in problem or ", line 3: not valid TOML" in problem


def test_an_unknown_key_names_its_line_and_a_near_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(
        tmp_path, 'theme = "nord"\n\n\n\n\n\nthem = 3\ncolour = "red"\n', monkeypatch
    )
    config = load_config()
    assert config.problems == [
        f"{path}, line 7: unknown key 'them' (did you mean 'theme'?)",
        f"{path}, line 8: unknown key 'colour'",
    ]
    assert config.theme == "nord"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("theme = 3\n", 1, "theme must be the name of a theme"),
        ('theme = ""\n', 1, "theme must be the name of a theme"),
        ('\nsidebar_width = "wide"\n', 2, "sidebar_width must be a whole number from 12 to 500"),
        ("sidebar_width = 5\n", 1, "from 12 to 500"),
        ("sidebar_width = 501\n", 1, "from 12 to 500"),
        ("sidebar_width = true\n", 1, "from 12 to 500"),
        ("sidebar_width = 30.0\n", 1, "from 12 to 500"),
        ('keymap = "q"\n', 1, "keymap must be a table ([keymap])"),
        ("[keymap]\n'app.quit' = 3\n", 2, "[keymap] 'app.quit': must be a key"),
        ("[keymap]\n'app.quit' = ''\n", 2, "'' is not a key name"),
        ("[keymap]\n'app.quit' = 'ctrl + q'\n", 2, "'ctrl + q' is not a key name"),
        ("[keymap]\n'app.quit' = ['q', 3]\n", 2, "must be a key"),
        ("[keymap]\n'app.quit' = 'q,q'\n", 2, "names one key twice"),
        ("[keymap]\n'app.quit' = 'a,b,c,d,e,f,g,h,i'\n", 2, "from 1 to 8 keys"),
        ("review = 1\n", 1, "review must be a table ([review])"),
        ("[review]\n\nnew_cards_per_day = 100000\n", 3, "[review] 'new_cards_per_day' must be"),
        ("[review]\ndesired_retention = 'high'\n", 2, "must be a number from 0.7 to 0.99"),
        ("[review]\nnew_card_per_day = 3\n", 2, "(did you mean 'new_cards_per_day'?)"),
    ],
)
def test_a_wrong_value_names_its_line_and_keeps_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, line: int, words: str
) -> None:
    [problem] = problems_of(tmp_path, text, monkeypatch)
    assert f", line {line}: " in problem and words in problem, problem
    config = load_config()
    assert config.sidebar_width is None and config.keymap == {} and config.review == {}
    # The rest of the file is used: a good value above the bad one still counts.
    [problem] = problems_of(tmp_path, "sidebar_width = 20\n" + text, monkeypatch)
    assert f", line {line + 1}: " in problem
    assert load_config().sidebar_width == (20 if "sidebar_width" not in text else None)


def test_review_problems_are_also_kept_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, "colour = 1\n[review]\nnew_cards_per_day = -1\n", monkeypatch)
    config = load_config()
    assert len(config.problems) == 2
    assert config.review_problems == config.problems[1:]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'theme = "nord"\ntheme2 = "\xff"\n', "line 2 is not UTF-8 text"),
        (b"# " + b"x" * MAX_CONFIG_BYTES + b"\n", "larger than 1024 KB"),
        (b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
    ],
)
def test_unusable_bytes_give_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, words: str
) -> None:
    [problem] = problems_of(tmp_path, content, monkeypatch)
    assert words in problem and problem.endswith("defaults used")


def test_a_directory_a_fifo_and_a_file_in_the_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    [problem] = load_config(folder).problems
    assert problem.startswith(f"{folder}: ") and problem.endswith("defaults used")
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # nobody writes: reading it would block for ever
    started = time.monotonic()
    [problem] = load_config(fifo).problems
    assert problem == f"{fifo}: not a regular file; defaults used"
    assert time.monotonic() - started < 2
    in_the_way = tmp_path / "file"
    in_the_way.write_text("")
    [problem] = load_config(in_the_way / "config.toml").problems
    assert "could not be read (Not a directory)" in problem


def test_a_symlinked_config_is_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "dotfiles.toml"
    real.write_text("sidebar_width = 40\n")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert load_config(link).sidebar_width == 40


def test_any_bytes_never_raise(tmp_path: Path) -> None:
    """Random damage to a real config: always a UserConfig, every problem naming the file."""
    good = (
        b'theme = "nord"\nsidebar_width = 30\n[keymap]\n"app.quit" = ["q", "ctrl+x"]\n'
        b'x = { a = 1, b = [1, {c = """\nd = 2\n"""}] }\n[review]\nnew_cards_per_day = 5\n'
    )
    noise = b"\"'[]{}=.,\\\n #\xff\x00ab1"
    generator = random.Random(22)
    path = tmp_path / "fuzz.toml"
    for _ in range(400):
        data = bytearray(good)
        for _ in range(generator.randint(1, 6)):
            at = generator.randrange(len(data))
            data[at : at + generator.randint(0, 3)] = bytes(
                generator.choice(noise) for _ in range(generator.randint(0, 3))
            )
        path.write_bytes(bytes(data))
        config = load_config(path)
        assert isinstance(config, UserConfig)
        assert all(problem.startswith(str(path)) for problem in config.problems)


# --- lines of keys -----------------------------------------------------------------------------


def test_key_lines_follow_tomls_nesting() -> None:
    text = """# a = 1 in a comment
top = 1  # note = 2
"quoted.key" = 'x'
dotted . part = 2
long = '''
not_a_key = 3
'''
basic = \"\"\"
esc \\\"\"\" still = inside
\"\"\"
inline = { a = 1, b.c = [ { d = 2 } ], "e" = "}" }
array = [
  "x = 1",  # y = 2
  [1, 2],
]

[table . "sub"]
key = "v"

[[many]]
k = 1
[[many]]
k = 2
"\\u0041" = 1
"""
    lines = key_lines(text)
    assert lines[("top",)] == 2
    assert lines[("quoted.key",)] == 3
    assert lines[("dotted", "part")] == 4
    assert lines[("long",)] == 5
    assert ("not_a_key",) not in lines and ("still",) not in lines
    assert lines[("basic",)] == 8
    assert (
        lines[("inline", "a")] == lines[("inline", "b", "c", "d")] == lines[("inline", "e")] == 11
    )
    assert lines[("array",)] == 12 and ("x",) not in lines and ("y",) not in lines
    assert lines[("table", "sub")] == 17
    assert lines[("table", "sub", "key")] == 18
    assert lines[("many",)] == 20 and lines[("many", "k")] == 21
    assert lines[("many", "A")] == 24


def _hostile(unit: str) -> object:
    def make(size: int) -> str:
        return "key = " + unit * (size // len(unit)) + "\n"

    return make


@pytest.mark.parametrize(
    "unit",
    ['"', "'", "[", "{", "\\", '"""', "'''", "a.", "a = 1\n", "#", '"\\', "[[a]]\n", "{a=", "\n"],
)
def test_key_lines_stay_linear_on_hostile_text(unit: str) -> None:
    small_time, large_time, ratio = growth(key_lines, _hostile(unit), ENTRY_CAP)  # type: ignore[arg-type]
    assert ratio <= MAX_GROWTH, (unit, small_time, large_time)


def test_a_big_valid_config_loads_linearly(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"

    def load(size: object) -> None:
        path.write_text(str(size))
        load_config(path)

    def make(size: int) -> str:
        return "[keymap]\n" + "".join(f'"x{i}" = "q"\n' for i in range(size // 12))

    _, _, ratio = growth(load, make, ENTRY_CAP)
    assert ratio <= MAX_GROWTH


# --- which wins: config.toml or the choice remembered with the reading state ---------------


@pytest.mark.parametrize(
    ("configured", "chosen", "configured_then", "expected"),
    [
        (None, None, None, None),  # nothing anywhere: Textual's default
        ("nord", None, None, "nord"),  # config.toml alone
        (None, "dracula", None, "dracula"),  # the palette alone
        ("nord", "dracula", "nord", "dracula"),  # chosen in the palette after config said nord
        ("gruvbox", "dracula", "nord", "gruvbox"),  # config.toml changed since: it wins
        ("nord", "dracula", None, "nord"),  # config.toml set since the choice: it wins
        (None, "dracula", "nord", "dracula"),  # config.toml's theme removed: the choice stays
    ],
)
def test_the_theme_at_start(
    configured: str | None, chosen: str | None, configured_then: str | None, expected: str | None
) -> None:
    state = ReadingState()
    if chosen is not None:
        state.choose_theme(chosen, configured_then)
    assert starting_theme(configured, state) == expected


def test_the_sidebar_width_at_start_follows_the_same_rule() -> None:
    state = ReadingState()
    assert starting_sidebar_width(None, state) is None
    assert starting_sidebar_width(30, state) == 30
    state.set_sidebar_width(44, 30)
    assert starting_sidebar_width(30, state) == 44
    assert starting_sidebar_width(36, state) == 36
    old = ReadingState(sidebar_width=50)  # a width set before config.toml existed
    assert starting_sidebar_width(None, old) == 50
    assert starting_sidebar_width(30, old) == 30


def test_the_theme_is_kept_with_the_reading_state_and_old_files_still_load() -> None:
    state = ReadingState()
    before = state.to_json()
    assert set(before["layout"]) == {"sidebar_width", "sidebar_shown"}  # written as before
    state.choose_theme("dracula", "nord")
    state.set_sidebar_width(40, 30)
    loaded = ReadingState.from_json(state.to_json())
    assert (loaded.theme, loaded.theme_config, loaded.sidebar_width_config) == (
        "dracula",
        "nord",
        30,
    )
    assert loaded == state
    old = {"version": 1, "layout": {"sidebar_width": 30, "sidebar_shown": True}}
    assert ReadingState.from_json(old).theme is None
    bad = {"version": 1, "layout": {"theme": ["x"], "theme_config": 3, "sidebar_width_config": 3}}
    loaded = ReadingState.from_json(bad)
    assert (loaded.theme, loaded.theme_config, loaded.sidebar_width_config) == (None, None, None)
    assert ReadingState.from_json({"version": 1, "layout": {"theme": "x" * 101}}).theme is None


# --- review settings: config.toml's [review] over an older settings.toml -----------------------


def test_settings_toml_is_still_read_and_config_toml_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "config-dir"
    folder.mkdir()
    monkeypatch.setenv("READER_CONFIG_DIR", str(folder))
    (folder / "settings.toml").write_text(
        "[review]\nnew_cards_per_day = 3\ndesired_retention = 0.8\n"
    )
    (folder / "config.toml").write_text("[review]\nnew_cards_per_day = 7\n")
    pack = load_pack(write_pack(tmp_path / "pack", {"a.md": "# A\n\nQ::A\n"}))
    study = Study.open(pack, enabled=False)
    assert study.messages == []
    assert (study.settings.new_per_day, study.settings.desired_retention) == (7, 0.8)


def test_study_tells_config_review_problems_unless_the_caller_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path, 'theme = 3\n[review]\nnew_cards_per_day = "many"\n', monkeypatch)
    pack = load_pack(write_pack(tmp_path / "pack", {"a.md": "# A\n\nQ::A\n"}))
    study = Study.open(pack, enabled=False)
    assert study.messages == [
        f"{path}, line 3: [review] 'new_cards_per_day' must be a whole number from 0 to 9999;"
        " default kept"
    ]  # theme is not the study's business
    assert study.settings.new_per_day == 20
    assert Study.open(pack, enabled=False, config=load_config()).messages == []


# --- the keymap against the app's bindings ---------------------------------------------------


def checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keymap: str
) -> tuple[dict[str, str], list[str]]:
    from reader.ui.app import ReaderApp
    from reader.ui.keymap import check_keymap

    write_config(tmp_path, "[keymap]\n" + keymap, monkeypatch)
    config = load_config()
    return check_keymap(ReaderApp, config), config.problems


def test_a_good_keymap_is_textuals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keymap, problems = checked(
        tmp_path, monkeypatch, '"app.sidebar" = "ctrl+s"\n"app.help" = "?,f2"\n'
    )
    assert problems == []
    assert keymap == {"app.sidebar": "ctrl+s", "app.help": "question_mark,f2"}


def test_an_unknown_binding_id_names_its_line_and_a_near_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keymap, [problem] = checked(
        tmp_path, monkeypatch, '\n"app.quitt" = "x"\n"app.back" = "ctrl+b"\n'
    )
    assert problem.endswith(
        ", line 3: no binding 'app.quitt' (did you mean 'app.quit'?);"
        " ? then i lists the binding ids"
    )
    assert keymap == {"app.back": "ctrl+b"}


def test_a_key_textual_cannot_report_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keymap, [problem] = checked(tmp_path, monkeypatch, '"app.quit" = "ctlr+q"\n')
    assert ", line 2: [keymap] 'app.quit': 'ctlr+q' is not a key name" in problem
    assert keymap == {}


def test_a_key_bound_twice_in_one_place_keeps_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`j` already scrolls the reading pane: Bookmark there would never run."""
    keymap, [problem] = checked(tmp_path, monkeypatch, '"app.bookmark" = "j"\n')
    assert problem.endswith(
        ", line 2: [keymap] 'app.bookmark': j is already the key of 'document.down' in the"
        " reading pane; 'app.bookmark' keeps m"
    )
    assert keymap == {}


def test_two_entries_on_one_key_the_later_line_gives_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keymap, [problem] = checked(
        tmp_path, monkeypatch, '"app.sidebar" = "ctrl+s"\n"app.bookmark" = "ctrl+s"\n'
    )
    assert (
        ", line 3: [keymap] 'app.bookmark': ctrl+s is already the key of 'app.sidebar'" in problem
    )
    assert keymap == {"app.sidebar": "ctrl+s"}


def test_keys_may_be_swapped_and_defaults_restated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving both bindings of a pair is no clash, nor is a binding given its own key,
    nor a key another place uses (q closes a dialog and quits the reader)."""
    keymap, problems = checked(
        tmp_path,
        monkeypatch,
        '"app.sidebar" = "m"\n"app.bookmark" = "s"\n"search.clear" = "escape"\n'
        '"help.close" = "escape,x"\n',
    )
    assert problems == []
    assert keymap == {
        "app.sidebar": "m",
        "app.bookmark": "s",
        "search.clear": "escape",
        "help.close": "escape,x",
    }


def test_a_refused_entry_gives_its_key_back_to_the_next_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`app.sidebar` is refused (j), so `s` is its key again: `app.bookmark` on s clashes."""
    keymap, problems = checked(tmp_path, monkeypatch, '"app.sidebar" = "j"\n"app.bookmark" = "s"\n')
    assert len(problems) == 2
    assert "'app.sidebar': j is already" in problems[0]
    assert "'app.bookmark': s is already the key of 'app.sidebar'" in problems[1]
    assert keymap == {}


def test_a_printable_key_in_the_search_box_is_typing_not_a_clash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keymap, problems = checked(tmp_path, monkeypatch, '"app.bookmark" = "z"\n')
    assert problems == [] and keymap == {"app.bookmark": "z"}


def test_the_binding_without_a_default_key_may_be_given_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keymap, problems = checked(tmp_path, monkeypatch, '"app.reload-pack" = "f5"\n')
    assert problems == [] and keymap == {"app.reload-pack": "f5"}
    keymap, [problem] = checked(tmp_path, monkeypatch, '"app.reload-pack" = "q"\n')
    assert "'app.reload-pack': q is already the key of 'app.quit'" in problem
    assert "keeps no key" in problem


def test_every_reader_binding_has_an_id() -> None:
    from reader.ui.app import ReaderApp
    from reader.ui.keymap import places

    missing = []
    for place in places(ReaderApp):
        for cls in (ReaderApp, *place.classes):
            if not cls.__module__.startswith("reader."):
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if not binding.id:
                    missing.append((cls.__name__, binding.key))
    assert missing == []


def test_config_module_needs_no_regex_before_a_config_exists() -> None:
    """The first frame without a config costs one failed open: no pattern compiled."""
    import re

    assert not any(isinstance(value, re.Pattern) for value in vars(config_module).values())


# --- the Textual seam the keymap uses (reader/ui/textual_compat.py) ------------------------


def test_the_keymap_seam_holds_textuals_private_names() -> None:
    """`App._keymap`, `DOMNode._bindings._add_binding`, `DOMNode._merged_bindings` and
    `textual.keys._character_to_key`: an upgrade that changes one fails here."""
    from textual.app import App
    from textual.binding import Binding

    from reader.ui.app import ReaderApp
    from reader.ui.textual_compat import add_binding, app_keymap, class_bindings, normalize_keys

    assert normalize_keys("?, ctrl+q,G,<") == [
        "question_mark",
        "ctrl+q",
        "G",
        "less_than_sign",
    ]
    app = App()
    app.set_keymap({"x.y": "?"})
    assert dict(app_keymap(app)) == {"x.y": "question_mark"}
    add_binding(app, Binding("f5", "bell", "Bell", id="x.bell"))
    assert [binding.id for binding in app._bindings.key_to_bindings["f5"]] == ["x.bell"]
    keys = {binding.key: binding.id for binding in class_bindings(ReaderApp)}
    assert keys["q"] == "app.quit" and keys["ctrl+q"] == "app.quit-now"  # replaced App's
    assert keys["question_mark"] == keys["f1"] == "app.help"  # one per key
