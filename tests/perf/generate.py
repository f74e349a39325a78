"""Deterministic, English-like Markdown packs for the benchmark and for the pack tests.

Seeded, so two runs (and two machines) measure the same bytes; varied enough (headings,
paragraphs, nested lists, tables, code fences, quotes, `<details>`, links between files)
that the reader's scanner, parser and renderer all do their real work. A long tail of
invented rare words keeps search honest: common words match most sections, rare ones
only a few, as in real notes.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "generate_big_section",
    "generate_glossary",
    "generate_many_headings",
    "generate_pack",
    "glossary_markdown",
    "markdown_bytes",
    "pick_glossary_terms",
    "slug",
]


def _words(text: str) -> list[str]:
    """Word lists written as prose, so they stay readable."""
    return text.split()


_FUNCTION = _words("the the the of of and and to in a is that for it as with on by are this")
_ADJECTIVES = _words(
    "chronic acute mild severe common rare early late local systemic dry inflamed itchy "
    "barrier immune allergic topical oral daily long short careful gentle strong weak "
    "genetic seasonal visible hidden useful simple complex normal typical unusual"
)
_NOUNS = _words(
    "skin barrier rash itch cell protein cytokine reaction trigger allergen flare cream "
    "treatment patient doctor study result pattern response signal layer lipid moisture "
    "infection bacteria gene family history season climate habit symptom sign test dose "
    "week month year child adult question answer reason method note chapter example term "
    "risk benefit effect pathway receptor antibody tissue surface sample review system"
)
_VERBS = _words(
    "shows explains reduces increases triggers protects damages repairs affects follows "
    "measures supports describes changes controls blocks drives limits improves reveals "
    "suggests links separates covers"
)
_PREPOSITIONS = _words("in on under through across within after before during around between")
_ADVERBS = _words("often rarely usually quickly slowly clearly mostly partly sometimes")
_ARTICLE = re.compile(r"\b([Aa]) ([aeiou])")
_SYLLABLES = _words("ka der mo lin tra vex sul phi gen ora tek bri cal don pre zu mal quin sor")
_CODE = [
    ["def {n}(value):", "    total = value * 2", "    return total + {k}"],
    ["for item in {n}_list:", "    if item > {k}:", "        print(item)"],
    ["{n} = load('{n}.csv')", "summary = {n}.describe()", "print(summary)"],
    [
        "class {N}:",
        "    limit = {k}",
        "",
        "    def check(self, x):",
        "        return x < self.limit",
    ],
    ["$ reader check notes/", "12 files, {k} sections, 40 links: 0 problems"],
]


def slug(title: str) -> str:
    """GitHub's anchor for a heading made of letters, digits and spaces."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def markdown_bytes(path: Path) -> int:
    """Total size of the Markdown a pack path holds (a file, or a folder's .md files)."""
    if path.is_file():
        return path.stat().st_size
    return sum(file.stat().st_size for file in path.rglob("*.md"))


class _Writer:
    """Makes English-like Markdown blocks from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        rare = {
            "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(3000)
        }
        self.rare = sorted(rare)
        self.targets: list[tuple[str, str, str]] = []  # (file name, anchor, title)
        self.current_file = ""

    def noun(self) -> str:
        return self.rng.choice(self.rare) if self.rng.random() < 0.12 else self.rng.choice(_NOUNS)

    def phrase(self) -> str:
        rng = self.rng
        shape = rng.randrange(4)
        if shape == 0:
            return f"the {rng.choice(_ADJECTIVES)} {self.noun()}"
        if shape == 1:
            return f"{self.noun()} {rng.choice(_PREPOSITIONS)} the {self.noun()}"
        if shape == 2:
            return f"a {self.noun()} {rng.choice(_FUNCTION)} {self.noun()}"
        return f"{rng.choice(_ADJECTIVES)} {self.noun()}"

    def sentence(self) -> str:
        rng = self.rng
        words = f"{self.phrase()} {rng.choice(_ADVERBS)} {rng.choice(_VERBS)} {self.phrase()}"
        if rng.random() < 0.5:
            words += f" {rng.choice(_PREPOSITIONS)} {self.phrase()}"
        if rng.random() < 0.15:
            words = words.replace(" the ", f" the *{rng.choice(_ADJECTIVES)}* ", 1)
        if rng.random() < 0.08:
            words += f" with `{self.noun()}`"
        words = _ARTICLE.sub(r"\1n \2", words)
        words = words[0].upper() + words[1:]
        return words + rng.choice("....?")

    def title(self) -> str:
        """Letters and spaces only, so the anchor is easy to predict."""
        rng = self.rng
        shape = rng.randrange(3)
        if shape == 0:
            text = f"{rng.choice(_ADJECTIVES)} {self.noun()} and {self.noun()}"
        elif shape == 1:
            text = f"how the {self.noun()} {rng.choice(_VERBS)} the {self.noun()}"
        else:
            text = (
                f"{self.noun()} {rng.choice(_PREPOSITIONS)} {rng.choice(_ADJECTIVES)} {self.noun()}"
            )
        return text[0].upper() + text[1:]

    def link(self) -> str:
        rng = self.rng
        if not self.targets or rng.random() < 0.1:
            return f"[{self.noun()} notes](https://example.org/{self.noun()})"
        name, anchor, title = rng.choice(self.targets)
        href = f"#{anchor}" if name == self.current_file else f"{name}#{anchor}"
        return f"[{title.lower()}]({href})"

    def paragraph(self) -> str:
        rng = self.rng
        sentences = [self.sentence() for _ in range(rng.randint(2, 6))]
        if rng.random() < 0.35:
            at = rng.randrange(len(sentences))
            sentences[at] = sentences[at][:-1] + f", see {self.link()}."
        if rng.random() < 0.1:
            sentences[0] = f"**{sentences[0]}**"
        return " ".join(sentences)

    def bullet_list(self) -> str:
        rng = self.rng
        lines = []
        for _ in range(rng.randint(3, 7)):
            lines.append(f"- {self.sentence()}")
            if rng.random() < 0.25:
                lines.extend(f"  - {self.phrase()}" for _ in range(rng.randint(1, 3)))
        return "\n".join(lines)

    def numbered_list(self) -> str:
        return "\n".join(f"{n}. {self.sentence()}" for n in range(1, self.rng.randint(3, 6) + 1))

    def table(self) -> str:
        rng = self.rng
        columns = rng.randint(2, 4)
        head = [self.noun().capitalize() for _ in range(columns)]
        rows = [
            [self.phrase() if rng.random() < 0.6 else str(rng.randint(1, 900)) for _ in head]
            for _ in range(rng.randint(2, 6))
        ]
        lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * columns]
        lines.extend("| " + " | ".join(row) + " |" for row in rows)
        return "\n".join(lines)

    def code(self) -> str:
        """A fence whose lines never start with '#', so it can never pass for a heading."""
        rng = self.rng
        name = rng.choice(_NOUNS)
        body = [
            line.format(n=name, N=name.capitalize(), k=rng.randint(2, 99))
            for line in rng.choice(_CODE)
        ]
        language = "console" if body[0].startswith("$") else "python"
        return "\n".join([f"```{language}", *body, "```"])

    def quote(self) -> str:
        return f"> {self.sentence()} {self.sentence()}"

    def details(self) -> str:
        summary = self.title()
        return f"<details>\n<summary>{summary}</summary>\n\n{self.paragraph()}\n\n</details>"

    def block(self) -> str:
        makers = [
            (self.paragraph, 55),
            (self.bullet_list, 12),
            (self.numbered_list, 6),
            (self.table, 8),
            (self.code, 8),
            (self.quote, 6),
            (self.details, 2),
        ]
        choice = self.rng.choices([m for m, _ in makers], [w for _, w in makers])[0]
        return choice()

    def body(self, budget: int) -> list[str]:
        """Blocks until about `budget` characters; always opens with a paragraph."""
        blocks = [self.paragraph()]
        size = len(blocks[0])
        while size < budget:
            blocks.append(self.block())
            size += len(blocks[-1]) + 2
        return blocks


@dataclass
class _PlannedFile:
    name: str
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, title)


def _unique_title(writer: _Writer, seen: set[str]) -> str:
    for _ in range(50):
        title = writer.title()
        if slug(title) not in seen:
            seen.add(slug(title))
            return title
    title = f"{writer.title()} {len(seen)}"
    seen.add(slug(title))
    return title


def generate_pack(
    dest: Path | str,
    sections: int = 2000,
    files: int = 60,
    target_bytes: int = 3_500_000,
    seed: int = 1,
    title: str | None = None,
) -> Path:
    """Write a pack folder of `files` Markdown files holding `sections` headings in all.

    Every file opens with an H1 and a paragraph; later headings are H2 or H3. Titles are
    unique, so every cross-file link (`other.md#anchor`) resolves. Returns the folder.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    files = max(1, min(files, sections))
    writer = _Writer(seed)
    width = max(2, len(str(files - 1)))
    seen: set[str] = set()
    plan: list[_PlannedFile] = []
    for number in range(files):
        count = sections // files + (1 if number < sections % files else 0)
        headings = [(1, _unique_title(writer, seen))]
        for _ in range(count - 1):
            level = 3 if headings[-1][0] >= 2 and writer.rng.random() < 0.3 else 2
            headings.append((level, _unique_title(writer, seen)))
        name = f"{number:0{width}d}-{slug(headings[0][1])[:40].rstrip('-')}.md"
        plan.append(_PlannedFile(name, headings))
        writer.targets.extend((name, slug(text), text) for _, text in headings)

    written, remaining = 0, sections
    for planned in plan:
        writer.current_file = planned.name
        parts: list[str] = []
        for level, text in planned.headings:
            average = max(200, (target_bytes - written) // max(1, remaining))  # self-correcting
            budget = int(average * writer.rng.uniform(0.4, 1.6))
            blocks = [f"{'#' * level} {text}", *writer.body(budget - len(text) - level - 3)]
            written += sum(len(block.encode()) + 2 for block in blocks)
            remaining -= 1
            parts.extend(blocks)
        (dest / planned.name).write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    pack_title = title or f"Generated pack: {sections} sections in {files} files"
    (dest / "pack.toml").write_text(f'title = "{pack_title}"\n', encoding="utf-8")
    return dest


def generate_big_section(
    dest: Path | str, kb: int = 260, seed: int = 2, name: str = "big-section.md"
) -> Path:
    """Write one file with one heading and `kb` KB of paragraphs, lists, tables and code.

    No second heading anywhere (code lines never start with '#'), so the whole file is
    a single section: the worst case for opening one outline entry. Returns the file.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    writer = _Writer(seed)
    writer.current_file = name
    text = "# A long chapter on barrier repair\n\n" + "\n\n".join(writer.body(kb * 1024 - 40))
    path = dest / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def generate_many_headings(
    dest: Path | str, count: int = 20_000, seed: int = 3, name: str = "many-headings.md"
) -> Path:
    """Write one file with `count` numbered headings, each over one short sentence.

    Shaped like a big reference manual: one H1, chapters (H2) of ten H3 entries each.
    Numbering keeps every title (and anchor) unique. Returns the file.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    writer = _Writer(seed)
    parts = ["# Reference manual", writer.sentence()]
    chapter = entry = 0
    for number in range(1, count):
        if number % 11 == 1:
            chapter, entry = chapter + 1, 0
            parts.append(f"## {chapter} {writer.title()}")
        else:
            entry += 1
            parts.append(f"### {chapter}.{entry} {writer.title()}")
        parts.append(writer.sentence())
    path = dest / name
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


#: Words a glossary term neither starts nor ends with: the generator's function words,
#: prepositions, adverbs and verbs.
_NOT_TERM_EDGES = frozenset(
    [*_FUNCTION, *_PREPOSITIONS, *_ADVERBS, *_VERBS, *_words("with see notes an")]
)
#: The one word a three-word term may have in its middle (`layer of lipid`).
_TERM_MIDDLES = frozenset(_words("of and in on for to"))
_WORD_RUN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def _term_candidates(text: str) -> dict[int, list[str]]:
    """The prose's runs of one, two and three words that could be glossary terms: first
    and last a content word of four letters or more, the last not an adjective; code and
    link targets left out."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    found: dict[int, set[str]] = {1: set(), 2: set(), 3: set()}
    for run in _WORD_RUN.finditer(text):
        words = run[0].lower().split(" ")
        for size in found:
            for at in range(len(words) - size + 1):
                first, last = words[at], words[at + size - 1]
                if any(len(word) < 4 or word in _NOT_TERM_EDGES for word in (first, last)):
                    continue
                if last in _ADJECTIVES:  # a term names a thing
                    continue
                if size == 3 and words[at + 1] not in _TERM_MIDDLES:
                    continue
                found[size].add(" ".join(words[at : at + size]))
    return {size: sorted(grams) for size, grams in found.items()}


def _abbreviation(term: str) -> str:
    """`barrier lipid layer` → `BLL`; one word → its first letter and next consonants."""
    words = term.split()
    if len(words) > 1:
        return "".join(word[0] for word in words).upper()
    word = words[0].upper()
    return (word[0] + "".join(letter for letter in word[1:] if letter not in "AEIOU"))[:3]


def pick_glossary_terms(text: str, count: int = 500, seed: int = 11) -> list[tuple[str, ...]]:
    """`count` glossary entries, each as its names, made of words `text` uses, so the
    terms occur in it: one word (45%), two (35%) or three (`layer of lipid`, 20%); a
    fifth written capitalised, as glossaries head their entries; 15% with an abbreviation
    in capitals (`Barrier lipid (BL)`), which the generated prose never writes.

    Seeded; the first `n` of a longer list are the list of `n`, so sizes compare.
    """
    rng = random.Random(seed)
    pools = _term_candidates(text)
    for pool in pools.values():
        rng.shuffle(pool)
    entries: list[tuple[str, ...]] = []
    taken: set[str] = set()
    while len(entries) < count:
        sizes = [size for size in (1, 2, 3) if pools[size]]
        if not sizes:
            raise ValueError(f"the text holds only {len(entries)} distinct terms, not {count}")
        weights = [{1: 45, 2: 35, 3: 20}[size] for size in sizes]
        term = pools[rng.choices(sizes, weights)[0]].pop()
        if rng.random() < 0.2:
            term = term[0].upper() + term[1:]
        names = [term]
        abbreviation = _abbreviation(term)
        if rng.random() < 0.15 and len(abbreviation) >= 2 and abbreviation.lower() not in taken:
            names.append(abbreviation)
        taken.update(name.lower() for name in names)
        entries.append(tuple(names))
    return entries


def glossary_markdown(entries: list[tuple[str, ...]], seed: int = 12) -> str:
    """A glossary file of definition lists: `Term (ABBR)` on a line, then `: ` and one or
    two generated sentences."""
    writer = _Writer(seed)
    parts = ["# Glossary", "Every term these notes use, with a short definition."]
    for names in entries:
        term = names[0] + (f" ({', '.join(names[1:])})" if len(names) > 1 else "")
        sentences = " ".join(writer.sentence() for _ in range(writer.rng.randint(1, 2)))
        parts.append(f"{term}\n: {sentences}")
    return "\n\n".join(parts) + "\n"


def generate_glossary(
    dest: Path | str, text: str, count: int = 500, seed: int = 11, name: str = "glossary.md"
) -> Path:
    """Write a glossary file of `count` terms taken from `text` (a pack's Markdown) into
    the folder `dest`. Returns the file."""
    path = Path(dest) / name
    path.write_text(glossary_markdown(pick_glossary_terms(text, count, seed)), encoding="utf-8")
    return path
