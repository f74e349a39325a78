"""The pieces around the card parser: the card cache, Study's queue (buried siblings, the
counts per chapter), and cards as the reading pane and `--print` draw them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from reader.cards import CACHE_VERSION, cache_key, cached_pack_cards
from reader.cli import _drawn
from reader.pack import Pack, load_pack
from reader.render.blocks import BuildContext, CardBlock
from reader.render.document import RenderedDocument
from reader.render.draw import BlockRenderer, RenderStyles
from reader.study import Study

CONTENT = Path(__file__).resolve().parents[2] / "content"
NOW = datetime(2026, 12, 5, 10, 0).astimezone()


def write_pack(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def small_pack(folder: Path) -> Path:
    return write_pack(
        folder,
        {
            "pack.toml": 'title = "Small"\ncards = ["a.md"]\n',
            "a.md": (
                "# A\n\nOne?::Yes.\n\nTwo:::Both ways.\n\n## B\n\nThe ==sky== is {{c2::blue}}.\n"
            ),
            "b.md": "# Other\n\nNot a card::here.\n",
        },
    )


# ---------------------------------------------------------------------- the cache
def test_the_cache_is_written_once_and_then_read_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = load_pack(small_pack(tmp_path / "pack"))
    cache = tmp_path / "cache"
    first = cached_pack_cards(pack, cache)
    files = list(cache.glob("cards-*.json"))
    assert len(files) == 1 and files[0].name == f"cards-{cache_key(pack)}.json"
    again = load_pack(tmp_path / "pack")

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cards were found again instead of read from the cache")

    monkeypatch.setattr(Pack, "cards", no_parsing)
    second = cached_pack_cards(again, cache)
    assert second.cards == first.cards and second.problems == first.problems
    assert [card.kind for card in second.cards] == ["basic", "basic", "reversed", "cloze", "cloze"]


def test_a_changed_file_or_card_list_is_a_new_key(tmp_path: Path) -> None:
    folder = small_pack(tmp_path / "pack")
    key = cache_key(load_pack(folder))
    (folder / "b.md").write_text("# Other\n\nChanged.\n", encoding="utf-8")
    changed = cache_key(load_pack(folder))
    assert changed != key
    (folder / "pack.toml").write_text('title = "Small"\ncards = ["a.md", "b.md"]\n')
    assert cache_key(load_pack(folder)) != changed


@pytest.mark.parametrize(
    "garbage",
    [b"", b"not json", b"[]", b'{"version": 999, "cards": [], "problems": []}',
     b'{"version": %d, "cards": [["basic"]], "problems": []}' % CACHE_VERSION,
     b'{"version": %d, "cards": [], "problems": [[1, 2, 3, 4]]}' % CACHE_VERSION],
)  # fmt: skip
def test_a_damaged_cache_is_ignored_and_replaced(tmp_path: Path, garbage: bytes) -> None:
    pack = load_pack(small_pack(tmp_path / "pack"))
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / f"cards-{cache_key(pack)}.json"
    path.write_bytes(garbage)
    cards = cached_pack_cards(pack, cache)
    assert len(cards) == 5
    assert json.loads(path.read_bytes())["version"] == CACHE_VERSION


def test_a_read_only_cache_is_never_written(tmp_path: Path) -> None:
    pack = load_pack(small_pack(tmp_path / "pack"))
    cards = cached_pack_cards(pack, tmp_path / "cache", write=False)
    assert len(cards) == 5 and not (tmp_path / "cache").exists()


def test_an_unwritable_cache_folder_is_not_a_failure(tmp_path: Path) -> None:
    pack = load_pack(small_pack(tmp_path / "pack"))
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    assert len(cached_pack_cards(pack, blocker / "cache")) == 5


# ---------------------------------------------------------------------- the queue
def study_of(folder: Path, state: Path) -> Study:
    return Study.open(load_pack(folder), state_dir=state, fuzzing=False)


def test_a_new_sibling_waits_for_another_day(tmp_path: Path) -> None:
    """As Anki buries siblings: the other way of a `:::` card and the other clozes of a
    paragraph are not new in the same review as their first card."""
    study = study_of(small_pack(tmp_path / "pack"), tmp_path / "state")
    queue = study.queue(None, NOW)
    assert [card.kind for card in queue] == ["basic", "basic", "cloze"]
    both_ways = queue[1]
    study.rate(both_ways, 3, NOW, None)
    later_today = study.queue(None, NOW + timedelta(hours=2))
    assert all(card.note != both_ways.note or card is both_ways for card in later_today)
    tomorrow = study.queue(None, NOW + timedelta(days=1))
    assert any(card.kind == "reversed" for card in tomorrow), "the twin's turn comes"


def test_the_chapters_due_counts_add_up_to_the_pack_queue(tmp_path: Path) -> None:
    study = Study.open(load_pack(CONTENT), state_dir=tmp_path, fuzzing=False)
    by_chapter = study.due_by_chapter(NOW)
    assert sum(by_chapter.values()) == study.due_now(NOW) == 20
    top = {section.id for section in study.pack.top_level}
    assert set(by_chapter) <= top


def test_turning_derived_cards_off_leaves_only_the_written_ones(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    for item in CONTENT.iterdir():
        if item.is_file():
            (folder / item.name).parent.mkdir(parents=True, exist_ok=True)
            (folder / item.name).write_bytes(item.read_bytes())
    toml = (folder / "pack.toml").read_text()
    (folder / "pack.toml").write_text(toml + "\n[review]\nglossary_cards = false\n")
    kinds = {card.kind for card in study_of(folder, tmp_path / "state").cards.cards}
    assert kinds == {"basic", "reversed", "cloze", "comparison"}


# ---------------------------------------------------------------------- drawn
def drawn(markdown: str, *, cards: bool = True, printing: bool = False) -> RenderedDocument:
    renderer = BlockRenderer(Console(width=60, color_system=None), RenderStyles())
    context = BuildContext(cards=cards, printing=printing)
    document = RenderedDocument(markdown, renderer, 60, context)
    document.fill()
    return document


def test_a_card_shows_its_question_and_hides_its_answer_until_revealed() -> None:
    document = drawn("What is IgE?::An antibody class.\n")
    text = "\n".join(document.plain_lines())
    assert "What is IgE?" in text and "Show answer" in text and "antibody" not in text
    assert "::" not in text
    assert [spot.kind for spot in document.items] == ["card"]
    assert document.toggle_card(0)
    assert "An antibody class." in "\n".join(document.plain_lines())
    assert document.toggle_card(0) and "antibody" not in "\n".join(document.plain_lines())
    assert not document.toggle_card(5)


def test_in_a_file_without_cards_the_syntax_stays_text() -> None:
    document = drawn("What is IgE?::An antibody class.\n", cards=False)
    assert "What is IgE?::An antibody class." in "\n".join(document.plain_lines())
    assert not any(isinstance(block, CardBlock) for block in document.blocks)


def test_a_question_mark_card_takes_the_list_after_it_as_its_answer() -> None:
    document = drawn("Which two cytokines?\n?\n- IL-4\n- IL-13\n\nAfter.\n")
    cards = [block for block in document.blocks if isinstance(block, CardBlock)]
    assert len(cards) == 1 and len(cards[0].children) == 1
    assert "IL-4" not in "\n".join(document.plain_lines())
    document.toggle_card(0)
    text = "\n".join(document.plain_lines())
    assert "IL-4" in text and "IL-13" in text and "After." in text


def test_a_cloze_hides_its_deletions_and_printing_shows_every_answer() -> None:
    text = "\n".join(
        drawn("The ==barrier== fails and {{c1::IgE::an antibody}} rises.\n").plain_lines()
    )
    assert "barrier" not in text and "IgE" not in text
    assert "[...]" in text and "[an antibody]" in text
    printed = "\n".join(drawn("Q::A one\n\nThe ==barrier== fails.\n", printing=True).plain_lines())
    assert "A one" in printed and "barrier" in printed and "Show answer" not in printed


def test_print_on_a_terminal_draws_a_packs_cards_as_cards() -> None:
    pack = load_pack(CONTENT)
    section = pack.get("check-yourself")
    assert section is not None and pack.holds_cards(section)
    lines = [
        line.plain
        for line in _drawn(section.markdown, 80, section.definitions, styled=False, cards=True)
    ]
    assert any(line.startswith("Q  ") for line in lines)
    assert not any("::" in line for line in lines)
