"""What reading the glossary costs right after the first screen (issue 18):
`python -m tests.perf.glossary_read`.

    python -m tests.perf.glossary_read [PACK ...] [--processes 7] [--repeats 5]

The reader draws its first screen without term marks; right after it (`_finish_screen`)
it reads the glossary and measures the section on show again with its terms marked.
That work waits for nothing else, so it is timed in fresh processes, as the app meets it:

- core (one process each): the pack loaded and cut (`load_all`, as `_finish_screen`
  does first), markdown-it's parser built (the first screen built it), then the time to
  find the glossary files (`pack.glossary`), build the block-rules parser the glossary
  reads them with (`reader.markdown.block_parser`, once a process), parse them
  (`.entries`) and build the matcher (`.matcher`);
- app (one process each, headless, 120x40): the whole `_read_glossary` call (the three
  above and the first screen measured again with marks), then, once start-up is over,
  the section on show measured again, `--repeats` times each with and without marks:
  the difference is the marks' own cost on a first screen.

The medians over processes are printed. Without PACK it measures the default pack and
the benchmark's 3.5 MB pack with a 500-term glossary (generated, seeded).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.perf import generate

REPO = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 120, 40
#: The benchmark's glossary pack: `make_packs` in tests/perf/bench.py, full size.
GLOSSARY_PACK = (2000, 60, 3_500_000, 2, 500)  # sections, files, bytes, seed, terms


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def measure_core(path: str) -> dict[str, Any]:
    """The glossary read in a fresh process, in the state the first screen leaves."""
    from reader.markdown import block_parser, markdown_parser
    from reader.pack import load_pack

    pack = load_pack(path)
    markdown_parser()  # the first screen parsed its section with it
    started = time.perf_counter()
    pack.load_all()
    load_all_ms = _ms(started)
    started = time.perf_counter()
    glossary = pack.glossary
    files_ms = _ms(started)
    started = time.perf_counter()
    block_parser()  # built on the first parse: its own column
    parser_ms = _ms(started)
    started = time.perf_counter()
    entries = glossary.entries
    parse_ms = _ms(started)
    started = time.perf_counter()
    matcher = glossary.matcher
    matcher_ms = _ms(started)
    return {
        "load_all_ms": load_all_ms,
        "files_ms": files_ms,
        "parser_ms": parser_ms,
        "parse_ms": parse_ms,
        "matcher_ms": matcher_ms,
        "terms": len(entries),
        "names": sum(len(names) for names in glossary.names),
        "glossary_kb": sum(
            len(pack_file.text.encode())
            for pack_file in pack.files
            if pack_file.relative in glossary.files
        )
        / 1024,
        "matcher_empty": not matcher,
    }


async def _measure_app(path: str, repeats: int) -> dict[str, Any]:
    from reader.pack import load_pack
    from reader.ui.app import create_app

    gc.collect()
    gc.disable()  # as `reader` starts: the app turns it back on after the first frame
    app = create_app(load_pack(path), no_state=True)
    timed: dict[str, float] = {}
    read_glossary = app._read_glossary

    def timed_read(document: Any) -> None:
        started = time.perf_counter()
        read_glossary(document)
        timed["read_glossary_ms"] = _ms(started)

    app._read_glossary = timed_read  # type: ignore[method-assign]
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        view = app.query_one("#document")

        async def settled() -> None:
            deadline = time.perf_counter() + 60
            while not (view.fully_rendered and app.main.chrome_ready and app.glossary_ready):
                if time.perf_counter() > deadline:
                    raise TimeoutError("the app never finished its start-up")
                await pilot.pause(0.01)

        await settled()
        glossary = app.glossary_for(app.current) if app.current is not None else None
        marked = len(view.document.context.terms) if view.document is not None else 0
        plain: list[float] = []
        with_marks: list[float] = []
        for _ in range(repeats):
            for choice, samples in ((None, plain), (glossary, with_marks)):
                started = time.perf_counter()
                view.mark_terms(choice)
                samples.append(_ms(started))
                await settled()
        return {
            **timed,
            "marked_terms": marked,
            "remark_plain_ms": statistics.median(plain),
            "remark_marked_ms": statistics.median(with_marks),
        }


def measure_app(path: str, repeats: int) -> dict[str, Any]:
    """`_read_glossary` as the app runs it, and the first screen measured again."""
    return asyncio.run(_measure_app(path, repeats))


def _one(kind: str, path: str, repeats: int) -> dict[str, Any]:
    """A fresh Python process measures one thing once: nothing warm from the last."""
    command = [sys.executable, "-m", "tests.perf.glossary_read", f"--{kind}", path]
    command += ["--repeats", str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=300)
    if done.returncode:
        raise RuntimeError(f"{kind} {path}: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def median_of(samples: list[dict[str, Any]]) -> dict[str, Any]:
    keys = samples[0].keys()
    return {key: statistics.median(sample[key] for sample in samples) for key in keys}


def measure(path: str, processes: int, repeats: int) -> dict[str, Any]:
    """Core and app, alternating, `processes` of each; their medians."""
    core: list[dict[str, Any]] = []
    app: list[dict[str, Any]] = []
    for _ in range(processes):
        core.append(_one("core", path, repeats))
        app.append(_one("app", path, repeats))
    return {"core": median_of(core), "app": median_of(app)}


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| pack | glossary | find files | block parser | parse (`.entries`) "
        "| matcher (`.matcher`) | `_read_glossary`, whole | first screen again: no marks "
        "| with marks | terms marked |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, result in results.items():
        core, app = result["core"], result["app"]
        lines.append(
            f"| {label} | {core['terms']:,.0f} terms, {core['names']:,.0f} names, "
            f"{core['glossary_kb']:.0f} KB | {core['files_ms']:.1f} ms | "
            f"{core['parser_ms']:.1f} ms | {core['parse_ms']:.1f} ms | "
            f"{core['matcher_ms']:.1f} ms | "
            f"{app['read_glossary_ms']:.1f} ms | {app['remark_plain_ms']:.1f} ms | "
            f"{app['remark_marked_ms']:.1f} ms | {app['marked_terms']:.0f} |"
        )
    return "\n".join(lines)


def glossary_pack(root: Path) -> Path:
    """The benchmark's 3.5 MB pack with its 500-term glossary (same seeds, same bytes)."""
    sections, files, size, seed, terms = GLOSSARY_PACK
    pack = generate.generate_pack(root / "pack-3.5mb", sections, files, size, seed=seed)
    text = "\n\n".join(file.read_text(encoding="utf-8") for file in sorted(pack.glob("*.md")))
    generate.generate_glossary(pack, text, terms)
    return pack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf.glossary_read",
        description="Reading the glossary after the first screen: medians of fresh processes.",
    )
    parser.add_argument("packs", nargs="*", help="pack folders (default: see the docstring)")
    parser.add_argument("--processes", type=int, default=7, help="processes per median")
    parser.add_argument("--repeats", type=int, default=5, help="re-measures per app process")
    parser.add_argument("--core", help=argparse.SUPPRESS)
    parser.add_argument("--app", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.core or args.app:
        result = measure_core(args.core) if args.core else measure_app(args.app, args.repeats)
        print(json.dumps(result))
        return 0
    processes, repeats = max(1, args.processes), max(1, args.repeats)
    with tempfile.TemporaryDirectory(prefix="reader-glossary-read-") as folder:
        packs = {path: path for path in args.packs}
        if not packs:
            packs = {
                "default pack": str(REPO / "content"),
                "3.5 MB pack + 500-term glossary": str(glossary_pack(Path(folder))),
            }
        results = {label: measure(path, processes, repeats) for label, path in packs.items()}
    print(f"median of {processes} processes each; first screen again: median of {repeats}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
