"""The acceptance test of the default pack's second edition (issue 20).

The bundled eczema pack must keep every fact of its seed text in its own words, teach
each fact in a chapter and test it on a card, and carry what the issue adds: a longer
comparison, a glossary a student can grade themselves on, the corrections of a review
against current dermatology, two text diagrams, red flags and real references. Each
check names what is missing, so the failure message is the author's to-do list.

The seed is a verbatim copy (tests/unit/eczema_seed.txt): CI runs on a fresh clone,
where the shared seed folder does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pytest
from rich.cells import cell_len

from reader.cards import Card
from reader.markdown import block_parser, iter_links, parse, plain_text, strip_inline_markup
from reader.pack import Pack, Section, load_pack
from tests.conftest import CONTENT, run_reader_process

SEED = Path(__file__).with_name("eczema_seed.txt")
COPY_RUN = 12  # words: a run this long shared with the seed counts as copied
AUTHORED = ("basic", "reversed", "cloze")
CHAPTER_FILE = re.compile(r"^(\d\d)-[\w-]+\.md$")


class Fact(NamedTuple):
    """One claim of the seed: every concept must appear; a concept is alternative regexes."""

    claim: str
    concepts: tuple[tuple[str, ...], ...]


def fact(claim: str, *concepts: str) -> Fact:
    """`fact("…", "T-helper / helper T", "cytokine")`: " / " separates a concept's regexes."""
    return Fact(claim, tuple(tuple(concept.split(" / ")) for concept in concepts))


MICROBE = r"microb / bacteri / germ"
WEAK = r"impair / weak / leak / faulty / damaged / compromised / broken"
KEEPS_GOING = r"perpetuat / sustain / keep / going / persist / lasting / cycle / loop"

# The seed, sentence by sentence: each claim by its key terms, loose enough for our wording.
SEED_FACTS = [
    fact("eczema is also called atopic dermatitis", "eczema", "atopic dermatitis"),
    fact("a common inflammatory skin condition", "common / frequent", "inflam", "skin"),
    fact("itchy, red, dry, often cracked skin", "itch", r"\bred(ness|dened)?\b", "dry", "crack"),
    fact("more than a surface-level problem: the immune system is involved",
         r"surface / skin[- ]deep / (more than|not (just|only|merely)) (a |an )?(\w+ )?skin",
         r"\bimmun"),
    fact("experts see autoimmune components, unlike classic autoimmune diseases",
         r"autoimmune[- ]like / autoimmune (component|feature|trait)", "classic"),
    fact("autoimmune: the immune system mistakenly attacks the body's own tissues",
         "autoimmun", "attack / invader", r"own (tissue|molecule|cell|bod) / \bself\b"),
    fact("the autoimmune attack causes inflammation and tissue damage",
         "autoimmun", "inflam", "damag / destr"),
    fact("classic examples: rheumatoid arthritis, type 1 diabetes",
         "rheumatoid arthritis", "type 1 diabetes"),
    fact("eczema does not fit neatly into the autoimmune category", "autoimmun",
         r"not (in the |a |an )?(classic|true|strict) / (does not|doesn't) fit / loosely"),
    fact("multifactorial: barrier dysfunction, genetic predisposition, environmental triggers",
         "multifactorial / no single cause", "barrier", "gene / inherit", "environment"),
    fact("it involves immune dysregulation", "dysregulat", r"\bimmun"),
    fact("the immune system overreacts to allergens, irritants and microbes",
         r"over-?react / hyper-?reactiv / out of proportion / too (readily|strongly)",
         "allergen", "irritant", MICROBE),
    fact("the overreaction releases inflammatory mediators that inflame the skin",
         r"mediator / inflammatory (chemical|signal|molecule|substance)", "releas / set free"),
    fact("T-helper cells orchestrate the inflammation",
         "T-helper / helper T", "orchestrat / coordinat / conduct / direct / steer"),
    fact("T-helper cells make cytokines that perpetuate inflammation and barrier disruption",
         r"T-helper / helper T / \bTh2\b", "cytokine", "inflam", "barrier",
         KEEPS_GOING + " / weaken"),
    fact("immune activity resembles autoimmunity, e.g. aimed at specific skin components",
         r"(component|protein)s? of (the )?skin / skin('s)? (own )?(component|protein)"
         r" / self[- ]protein", "autoimmun / resembl"),
    fact("not driven by autoantibodies or the mechanisms of lupus or rheumatoid arthritis",
         "autoantibod", "lupus", "rheumatoid"),
    fact("an impaired barrier lets allergens and microbes in, aggravating immune responses",
         "barrier", WEAK, "allergen", MICROBE),
    fact("barrier dysfunction is partly genetic: filaggrin mutations",
         r"filaggrin / \bFLG\b", "gene / mutation / variant"),
    fact("filaggrin is a protein critical for skin integrity",
         "filaggrin", "barrier / integrity / tough / strength / intact"),
    fact("a compromised barrier predisposes to allergic sensitisation",
         "barrier / damaged skin", "sensiti[sz]"),
    fact("the compromised barrier sustains immune activation",
         "barrier", KEEPS_GOING, r"inflam / \bimmun"),
    fact("this blurs the line between autoimmune and allergic responses",
         "blur / smudg", "allerg", "autoimmun / attack on self"),
    fact("classed mainly as an allergic/inflammatory skin condition, not truly autoimmune",
         r"\bclass(ed|ifi) / categor / label", "allergic / atopic", "inflammatory", "autoimmun"),
    fact("the immune system is pivotal in its development and persistence",
         r"\bimmun", "start / develop / onset / begin", KEEPS_GOING),
    fact("treatments target the immune pathways", "treat / therap / drug", "pathway"),
    fact("treatments: topical corticosteroids, calcineurin inhibitors, dupilumab",
         "corticosteroid", "calcineurin", "dupilumab"),
    fact("dupilumab is a biologic that inhibits specific cytokines",
         "dupilumab", "biologic / monoclonal antibod", "cytokine / IL-4 / IL-13"),
    fact("immune-mediated, with autoimmune-like features",
         r"immune[- ](mediated|driven)", r"autoimmune[- ]like"),
    fact("this calls for a comprehensive approach to management",
         "comprehensive / holistic", "manag / care / plan"),
    fact("ongoing research is needed to unravel its pathogenesis",
         "research", "ongoing / continu / open / unresolved / remain"),
    fact("knowing the immune role allows more targeted, effective therapies",
         r"\bimmun", "targeted", "therap / treatment / drug"),
    fact("improving quality of life for millions worldwide", "quality of life", "million"),
    fact("a unique intersection of allergy, inflammation and immune malfunction",
         "intersection / crossroads / meeting point", "allerg", "inflam",
         "malfunction / dysfunction / misbehav"),
    fact("continued research for more precise treatments",
         "research", "precise / precision", "treatment / therap"),
]  # fmt: skip


# ------------------------------------------------------------------ helpers


_FOLDS = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "‐": "-", "‑": "-", "–": "-", "—": "-"}
)


def fold(text: str) -> str:
    """Curly quotes and dashes as ASCII, whitespace runs as one space: regexes read one form."""
    return " ".join(text.translate(_FOLDS).split())


def plain(markdown: str) -> str:
    """What a reader reads: no markup, no link targets, folded."""
    return fold(plain_text(parse(markdown)))


def words(text: str) -> list[str]:
    """Lower-case words; a hyphen separates words on both sides, an apostrophe does not."""
    return re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.translate(_FOLDS).lower())


SEED_WORDS = words(SEED.read_text(encoding="utf-8"))
SEED_GRAMS = {tuple(SEED_WORDS[i : i + COPY_RUN]) for i in range(len(SEED_WORDS) - COPY_RUN + 1)}


def shared_runs(text: str) -> list[str]:
    """Every maximal run of COPY_RUN or more words that `text` shares with the seed."""
    found = words(text)
    hits = [
        i for i in range(len(found) - COPY_RUN + 1) if tuple(found[i : i + COPY_RUN]) in SEED_GRAMS
    ]
    runs: list[tuple[int, int]] = []
    for i in hits:
        if runs and i < runs[-1][1]:  # overlaps the run before: one longer run
            runs[-1] = (runs[-1][0], i + COPY_RUN)
        else:
            runs.append((i, i + COPY_RUN))
    return [" ".join(found[start:end]) for start, end in runs]


def matches(concept: tuple[str, ...], text: str) -> bool:
    return any(re.search(pattern, text, re.IGNORECASE) for pattern in concept)


def unmet(facts: Iterable[Fact], texts: dict[str, str]) -> list[str]:
    """Each fact no single text holds all of, with the closest text and what it lacks."""
    report = []
    for fact in facts:
        lacking = {
            where: [c for c in fact.concepts if not matches(c, text)]
            for where, text in texts.items()
        }
        where, missing = min(lacking.items(), key=lambda item: len(item[1]))
        if missing:
            names = " + ".join(" / ".join(concept) for concept in missing)
            report.append(f"- {fact.claim}  (closest: {where}, lacks {names})")
    return report


def card_lines(cards: Iterable[Card], texts: dict[str, list[str]]) -> dict[str, set[int]]:
    """Each file's lines (0-based) that hold an authored card: its paragraph from the card on."""
    held: dict[str, set[int]] = {}
    for card in cards:
        lines, number = texts[card.path], card.line - 1
        while number < len(lines) and lines[number].strip():
            held.setdefault(card.path, set()).add(number)
            number += 1
    return held


def top_list_items(markdown: str) -> list[str]:
    """The Markdown of each outermost list item."""
    tokens = [token for token in parse(markdown) if token.type == "list_item_open" and token.map]
    lines = markdown.split("\n")
    outer = min((token.level for token in tokens), default=0)
    return ["\n".join(lines[t.map[0] : t.map[1]]) for t in tokens if t.level == outer and t.map]


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack(CONTENT)


@pytest.fixture(scope="module")
def authored(pack: Pack) -> list[Card]:
    return [card for card in pack.cards().cards if card.kind in AUTHORED]


@pytest.fixture(scope="module")
def prose(pack: Pack, authored: list[Card]) -> dict[str, str]:
    """Each chapter section's plain text without its card paragraphs, by breadcrumb."""
    texts = {pack_file.relative: pack_file.text.split("\n") for pack_file in pack.files}
    held = card_lines(authored, texts)
    found = {}
    for section in (s for s in pack.sections if CHAPTER_FILE.match(s.path)):
        lines = texts[section.path]
        kept = range(section.start_line - 1, section.end_line)
        markdown = "\n".join(lines[n] for n in kept if n not in held.get(section.path, set()))
        found[f"{section.path}: {section.breadcrumb}"] = plain(markdown)
    return found


def none_of(problems: list[str], what: str) -> None:
    """Fail listing every problem found, under a heading saying what they break."""
    assert not problems, f"{what}:\n" + "\n".join(problems)


def section_titled(pack: Pack, path: str, title: str) -> Section | None:
    return next((s for s in pack.sections if s.path == path and title in s.title.lower()), None)


# ------------------------------------------------------------------ 1. the seed's facts


def test_every_seed_fact_is_taught_in_one_section_of_the_chapters(prose: dict[str, str]) -> None:
    none_of(unmet(SEED_FACTS, prose), "seed facts no chapter section states (cards left out)")


def test_every_seed_fact_is_asked_on_one_authored_card(authored: list[Card]) -> None:
    texts = {
        f"{c.path}:{c.line} {c.question[:40]!r}": plain(f"{c.question}\n\n{c.answer}")
        for c in authored
    }
    none_of(unmet(SEED_FACTS, texts), "seed facts no authored card covers (question + answer)")


# ------------------------------------------------------------------ 2. no copying


def test_no_twelve_word_run_of_the_seed_is_copied(pack: Pack) -> None:
    copied = [
        f"{pack_file.relative}: {run!r}"
        for pack_file in pack.files
        for run in dict.fromkeys(shared_runs(pack_file.text) + shared_runs(plain(pack_file.text)))
    ]
    none_of(copied, f"runs of {COPY_RUN}+ words copied from the seed; reword them")


def test_the_copy_check_catches_twelve_words_and_lets_eleven_pass() -> None:
    twelve = "Nonetheless, the immune system's role is pivotal in its development and persistence"
    eleven = "the immune system's role is pivotal in its development and persistence"
    assert shared_runs(f"Quite new words. {twelve}, quite new words.") == [
        twelve.lower().replace(",", "")
    ]
    assert shared_runs(f"Quite new words. {eleven}, quite new words.") == []
    assert shared_runs("Nothing here comes from the seed at all, not one run of it.") == []


# ------------------------------------------------------------------ 3. the comparison

AUTOIMMUNE_CELL = ["usually present", "diagnosis"]
ECZEMA_CELL = [r"\bno diagnostic autoantibod", "IgE", r"self|own", r"subset|some|share|minority"]
WANTED_ROWS = {
    "linked conditions":
        ["alopecia areata", "vitiligo", r"c(o)?eliac", r"inflammatory bowel|\bIBD\b"],
    "intrinsic vs extrinsic": ["intrinsic", "extrinsic"],
    "what treatments target (JAK, ciclosporin/methotrexate overlap)":
        ["treat", r"\bJAK\b", r"ciclosporin|cyclosporin|methotrexate"],
}  # fmt: skip


def comparison_rows(section: Section) -> list[list[str]]:
    """The plain text of each cell of the section's first table, header row first."""
    rows: list[list[str]] = []
    for token in block_parser().parse(section.markdown):
        if token.type == "table_close":
            break
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(fold(strip_inline_markup(token.content)))
    return rows


def found_all(patterns: Iterable[str], text: str) -> bool:
    return all(re.search(pattern, text, re.IGNORECASE) for pattern in patterns)


def test_the_comparison_table_has_the_rows_and_cells_of_issue_20(pack: Pack) -> None:
    section = pack.get(pack.comparison_id or "")
    assert section is not None, "the pack has no comparison section"
    header, *body = comparison_rows(section) or [[]]
    problems = [f"{len(body)} body rows, need >= 14"] if len(body) < 14 else []
    if header[2:3] != ["Atopic dermatitis (allergic-type)"]:
        problems.append(f"third column header {header[2:3]}: 'Atopic dermatitis (allergic-type)'")
    auto = [*next((row for row in body if "autoantibod" in row[0].lower()), []), "", "", ""]
    if not found_all(AUTOIMMUNE_CELL, auto[1]):
        problems.append(f"Autoantibodies row, autoimmune cell needs {AUTOIMMUNE_CELL}: {auto[1:2]}")
    if not found_all(ECZEMA_CELL, auto[2]):
        problems.append(f"Autoantibodies row, eczema cell needs {ECZEMA_CELL}: {auto[2:3]}")
    for name, patterns in WANTED_ROWS.items():
        if not any(found_all(patterns, " | ".join(row)) for row in body):
            problems.append(f"no row for {name}, naming {patterns}")
    cells = [cell for row in [header, *body] for cell in row]
    problems += [f"cell over 90 characters: {cell!r}" for cell in cells if len(cell) > 90]
    none_of(problems, f"the comparison table in {section.path}")


def test_the_comparison_chapter_says_c_opens_the_table_from_anywhere(pack: Pack) -> None:
    section = pack.get(pack.comparison_id or "")
    assert section is not None, "the pack has no comparison section"
    anywhere = r"\bany(where| section)"
    assert re.search(rf"`c`[^.]{{0,80}}{anywhere}|{anywhere}[^.]{{0,80}}`c`", section.file.text), (
        f"{section.path} must say that the key `c` opens the table from anywhere"
    )


# ------------------------------------------------------------------ 4. the glossary

GLOSSARY_TERMS = {
    "autoallergy": "autoallergy", "TSLP": r"\bTSLP\b|thymic stromal",
    "IL-33": r"\bIL-33\b|interleukin-33", "ILC2": r"\bILC2|innate lymphoid", "Th22": r"\bTh22\b",
    "intrinsic atopic dermatitis": "intrinsic", "PDE4": r"\bPDE4\b|phosphodiesterase",
    "JAK": r"\bJAK\b|janus kinase", "EASI": r"\bEASI\b|eczema area and severity",
    "SCORAD": r"\bSCORAD\b", "eczema herpeticum": "eczema herpeticum",
}  # fmt: skip
TRAILING_SEE = re.compile(
    r"\s*See (also )?\[[^\]]*\]\([^)]*\)((,| and) \[[^\]]*\]\([^)]*\))*\.?\s*$"
)


def test_the_glossary_has_the_terms_each_linked_and_short(pack: Pack) -> None:
    entries = pack.glossary.entries
    names = " | ".join(name for entry in entries for name in (entry.term, *entry.names))
    problems = [f"{len(entries)} entries, need >= 35"] if len(entries) < 35 else []
    problems += [f"no entry for {term}" for term, pattern in GLOSSARY_TERMS.items()
                 if not re.search(pattern, names, re.IGNORECASE)]  # fmt: skip
    for entry in entries:
        home = pack.section_at(entry.path, entry.line)
        assert home is not None, entry
        targets = [pack.resolve(home, link.href) for link in iter_links(parse(entry.definition))]
        taught = [pack.get(t.section_id) for t in targets if t.followable and t.section_id]
        if not any(found is not None and not pack.in_glossary(found) for found in taught):
            problems.append(f"{entry.term}: no working link to the section that teaches it")
        length = len(plain(TRAILING_SEE.sub("", entry.definition)))
        if length > 400:
            problems.append(f"{entry.term}: definition is {length} characters, over 400")
    none_of(problems, "the glossary")


# ------------------------------------------------------------------ 5. cards


def test_every_chapter_has_enough_authored_cards(authored: list[Card]) -> None:
    per_chapter = {f"{n:02d}": 0 for n in range(1, 12)}
    for card in authored:
        number = CHAPTER_FILE.match(card.path)
        if number and number[1] in per_chapter:
            per_chapter[number[1]] += 1
    problems = [f"{len(authored)} authored cards in all, need >= 40"] if len(authored) < 40 else []
    problems += [f"chapter {n}: {k} cards, need >= 3" for n, k in per_chapter.items() if k < 3]
    if per_chapter["11"] < 8:
        problems.append(f"chapter 11 (key takeaways): {per_chapter['11']} cards, need >= 8")
    none_of(problems, "authored cards")


# ------------------------------------------------------------------ 6. key takeaways


def test_every_key_takeaway_links_back_to_the_section_that_argues_it(pack: Pack) -> None:
    section = section_titled(pack, "11-key-takeaways.md", "points to remember")
    assert section is not None, "11-key-takeaways.md has no 'Points to remember' section"
    items = top_list_items(section.markdown)
    assert items, "'Points to remember' has no list items"
    unlinked = []
    for item in items:
        targets = [pack.resolve(section, link.href) for link in iter_links(parse(item))]
        found = [pack.get(t.section_id) for t in targets if t.followable and t.section_id]
        if not any(s and CHAPTER_FILE.match(s.path) and s.path != section.path for s in found):
            unlinked.append(f"- {fold(item)[:110]}")
    none_of(unlinked, "takeaways with no working link to the chapter that argues them")


# ------------------------------------------------------------------ 7. reader check


def test_reader_check_reports_no_problem_and_no_note() -> None:
    result = run_reader_process("check", CONTENT)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 0 and len(lines) == 1 and lines[0].endswith(": 0 problems"), (
        "`reader check content` must print only its summary, with 0 problems:\n" + "\n".join(lines)
    )


# ------------------------------------------------------------------ 8. issue 20's corrections

OVERSTATEMENTS = {
    "eczema has no equivalent":
        "autoreactivity exists in eczema: say no autoantibody is known to cause or diagnose it",
    "no autoantibody drives eczema":
        "say no autoantibody is known to cause or diagnose it; a subset make IgE against self",
    r"\boften\b[^.]{0,30}first step of the atopic march":
        "eczema *can be* the first step of the atopic march, not 'often'",
    r"genes? and (the )?environment[^.]{0,60}(shares?|specific|typical|unique)[^.]{0,30}allerg":
        "a mix of genes and environment is not specific to allergy",
}  # fmt: skip
NAMED = [
    "tralokinumab", "lebrikizumab", "nemolizumab", "abrocitinib", "upadacitinib", "baricitinib",
    "crisaborole", "roflumilast", "ruxolitinib", "tapinarof", r"ciclosporin|cyclosporine?",
    "methotrexate", r"\bBEEP\b", "PreventADALL", "alopecia areata", "vitiligo", r"c(o)?eliac",
    "inflammatory bowel disease", "autoallergy", r"antinuclear antibod(y|ies)", "intrinsic",
    "extrinsic", r"\bTSLP\b", r"\bIL-33\b", r"\bILC2", r"\bTh22\b", r"\bEASI\b", r"\bSCORAD\b",
    "eczema herpeticum",
]  # fmt: skip
DOSES = r"\d+([.,]\d+)? ?(mg|mcg|µg|μg|ml|%)(?![a-z])|twice daily|once daily|per kg"


def test_the_overstatements_of_issue_20_are_gone(pack: Pack) -> None:
    chapters = {f.relative: plain(f.text) for f in pack.files if CHAPTER_FILE.match(f.relative)}
    found = [
        f"{name}: {match[0]!r} ({why})"
        for pattern, why in OVERSTATEMENTS.items()
        for name, text in chapters.items()
        if (match := re.search(pattern, text, re.IGNORECASE))
    ]
    can_be = r"\b(can|may) (\w+ )?be[^.]{0,30}first step of the atopic march"
    if not any(re.search(can_be, text, re.IGNORECASE) for text in chapters.values()):
        found.append("no chapter says eczema 'can be' the first step of the atopic march")
    none_of(found, "issue 20's corrections not made")


def test_staphylococcus_aureus_sits_under_overreacting_to_the_outside_world(pack: Pack) -> None:
    staph = [s for s in pack.sections if s.title == "Staphylococcus aureus on eczema skin"]
    assert staph, "no section titled 'Staphylococcus aureus on eczema skin'"
    parents = [s.breadcrumb.split(" › ")[-2:-1] for s in staph]
    assert parents == [["Overreacting to the outside world"]], f"its parents: {parents}"


def test_the_chapters_name_current_treatments_associations_and_terms(prose: dict[str, str]) -> None:
    text = "\n".join(prose.values())
    missing = [term for term in NAMED if not re.search(term, text, re.IGNORECASE)]
    if not any(found_all(["nemolizumab", r"\bIL-31\b"], section) for section in prose.values()):
        missing.append("nemolizumab and IL-31, the itch cytokine, in one section")
    none_of(missing, "not named in the chapters' prose (cards and glossary do not count)")


def test_no_dose_is_given_anywhere_in_the_pack(pack: Pack) -> None:
    found = [
        f"{f.relative}: {match[0]!r}"
        for f in pack.files
        for match in re.finditer(DOSES, fold(f.text), re.IGNORECASE)
    ]
    none_of(found, "doses or percentages (write 'about a fifth'); no doses, ever")


@pytest.mark.parametrize(
    "name", ["00-start-here.md", "09-treatments-that-target-immune-pathways.md"]
)
def test_not_medical_advice_is_said_at_the_start_and_with_treatments(pack: Pack, name: str) -> None:
    text = plain(next(f.text for f in pack.files if f.relative == name))
    assert "not medical advice" in text.lower(), f"{name} must say it is not medical advice"


def test_a_red_flags_section_names_eczema_herpeticum_and_infection(pack: Pack) -> None:
    flags = [s for s in pack.sections if "red flags" in s.title.lower() and not pack.in_glossary(s)]
    texts = [
        plain("\n".join([s.markdown, *(child.markdown for child in s.children)])) for s in flags
    ]
    assert any(found_all(["eczema herpeticum", "infection"], text) for text in texts), (
        f"need a 'Red flags' section naming eczema herpeticum and infection; found {flags}"
    )


# At 80 columns the sidebar stays open and a code block in the default pack's reading pane
# holds 40 columns before it wraps (measured in tmux): a diagram read at 80 columns fits that.
DIAGRAM_COLUMNS = 40

DIAGRAMS = {
    "barrier-immune loop": ["filaggrin", "IL-4", "IL-13", "itch", "scratch"],
    "allergy-autoimmunity spectrum": ["allerg", "autoimmun", "eczema|atopic dermatitis"],
}


def test_two_text_diagrams_read_at_80_columns(pack: Pack) -> None:
    fences = [
        (f.relative, token.content)
        for f in pack.files
        if CHAPTER_FILE.match(f.relative)
        for token in parse(f.text)
        if token.type == "fence"
    ]
    problems = [
        f"{name}: {cell_len(line)} columns: {line!r}"
        for name, content in fences
        for line in content.split("\n")
        if cell_len(line) > DIAGRAM_COLUMNS
    ]
    for name, patterns in DIAGRAMS.items():
        if not any(found_all(patterns, content) for _, content in fences):
            problems.append(f"no fenced diagram of the {name} holding {patterns}")
    none_of(problems, f"text diagrams ({DIAGRAM_COLUMNS} columns at most)")


REFERENCE = {
    "author": r"[A-ZÀ-Þ][\w'-]+( [A-Z]{1,3}\b|,| &| and| et al)",
    "year": r"\b(19|20)\d\d\b",
    "title or journal": r"\*[^*]+\*|_[^_]+_|\"[^\"]+\"|Lancet|Nature|NEJM|JACI|J Allergy|Journal",
}


def test_further_reading_lists_real_references(pack: Pack) -> None:
    section = section_titled(pack, "11-key-takeaways.md", "further reading")
    assert section is not None, "11-key-takeaways.md has no 'Further reading' section"
    items = top_list_items(section.markdown)
    problems = [f"{len(items)} items, need >= 5"] if len(items) < 5 else []
    for item in map(fold, items):
        lacking = [what for what, pattern in REFERENCE.items() if not re.search(pattern, item)]
        if lacking and not re.search("guideline", item, re.IGNORECASE):
            problems.append(f"not a reference or guideline (lacks {', '.join(lacking)}): {item}")
    schemes = re.findall(r"\b([a-z][\w+.-]*)://", section.markdown, re.IGNORECASE)
    problems += [
        f"a {scheme}:// link: only https:// ones" for scheme in schemes if scheme != "https"
    ]
    none_of(problems, "further reading in chapter 11")


def test_the_readme_counts_match_the_pack(pack: Pack, authored: list[Card]) -> None:
    """The README describes the bundled pack by its numbers: they must stay true."""
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text("utf-8").split())
    counts = pack.cards().counts()
    claims = {
        r"(\d+)-term glossary": len(pack.glossary.entries),
        r"defines (\d+) terms": len(pack.glossary.entries),
        r"(\d+) self-test cards": len(authored),
        r"(\d+) written cards": len(authored),
        r"(\d+) from the glossary": counts["glossary"],
        r"(\d+) from the comparison": counts["comparison"],
    }
    wrong = []
    for pattern, actual in claims.items():
        found = re.search(pattern, readme)
        if found is None or int(found[1]) != actual:
            wrong.append(f"{pattern!r}: README {found and found[1]}, pack {actual}")
    none_of(wrong, "README numbers that do not match the bundled pack")
