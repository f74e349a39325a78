"""A small pack shaped like the Node.js API docs (nodejs/node's doc/api), for layout tests.

Real documentation is written for a whole file, while the reader parses one section at a
time: Node's docs put every link reference definition (`[`fs.open()`]: #fsopen...`) at
the end of each file, follow every API heading with a multi-line `<!-- YAML … -->`
history comment, and link across files through those definitions. This module writes a
pack with that shape (the text is made up; the constructs are copied from doc/api/fs.md,
index.md and deprecations.md) and records what it wrote: every reference use and
definition with its line, every comment, every footnote, so tests can say exactly what
the reader must show and where each link must lead.

`write_nodelike_pack(root)` writes it; `build_nodelike_pack()` gives the same pack in
memory with its records. Both are deterministic for a seed.

Layout, as in doc/api:

- `index.md`: no heading; a multi-line `NB(...)` comment, `<!--introduced_in=…-->`, a
  list of `* [Title](file.md)` links (an underscore escaped in the destination, as
  `async\\_context.md` is), `<hr class="line"/>` rules, one external link.
- one file per module (`fs.md`, `path.md`, …): `# Title`, `<!--introduced_in=…-->`,
  `> Stability: 2 - Stable`, `<!--name=…-->`, `<!-- source_link=lib/….js -->`, prose,
  `mjs`/`cjs` fences; API headings (``### `fs.access(path[, mode], callback)` ``, `##`
  for modules without groups, `####` under a class) each followed by its YAML comment
  (`added:`, `deprecated:`, `changes:` lists with `pr-url:` and descriptions holding `<`,
  `>`, `=>` and backticks); parameter lists (`* `path` {string|Buffer|URL}`: type names in
  braces are plain text in the source); prose with `[text][]`, `[text][ref]`,
  `[`shortcut`]` and inline cross-file links; the definitions, ASCII-sorted as Node keeps
  them, at the very end.
- `deprecations.md`: `<a id="DEP0001"></a>` before each `### DEP0001: …` heading; the
  newer docs link these as `deprecations.md#DEP0001` (the HTML id, not the heading's
  anchor), older ones as `deprecations.md#dep0001-…`; both forms are written here.

Deliberate faults, for `reader check`: `[nothing here][nope]` (undefined) and
`[never-used]: https://example.com/unused` (unused), both in the first module file.
One module file (the second) has footnotes whose definitions sit at its end.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "FS_ACCESS_HISTORY",
    "Comment",
    "Definition",
    "Footnote",
    "Heading",
    "InlineLink",
    "NodelikePack",
    "ReferenceUse",
    "build_nodelike_pack",
    "display_text",
    "github_anchor",
    "normalize_label",
    "write_nodelike_pack",
]

#: One API heading and its history as doc/api/fs.md writes them: a YAML block in an HTML
#: comment, whose descriptions hold `<`, `>` and backticks (one html_block for markdown-it).
FS_ACCESS_HISTORY = """## `fs.access(path[, mode], callback)`
<!-- YAML
added: v0.11.15
changes:
  - version: v7.6.0
    pr-url: https://github.com/nodejs/node/pull/10739
    description: The `path` parameter can be a WHATWG `URL` object using `file:`
                 protocol. (`a < b` and `=> x`)
-->
"""

INDEX = "index.md"
DEPRECATIONS = "deprecations.md"
UNDEFINED_LABEL = "nope"
UNUSED_LABEL = "never-used"

_NOT_ANCHOR = re.compile(r"[^\w\- ]")
_WHITESPACE = re.compile(r"\s+")


def github_anchor(title: str) -> str:
    """The anchor GitHub gives a heading of this plain text (written here, not imported
    from the reader, so the tests do not take the reader's word for it)."""
    return _NOT_ANCHOR.sub("", title.strip().lower()).replace(" ", "-")


def normalize_label(label: str) -> str:
    """A reference label as CommonMark matches it: case folded, whitespace collapsed."""
    return _WHITESPACE.sub(" ", label.strip()).casefold()


def display_text(markdown: str) -> str:
    """The words of a link text as drawn: code spans without backticks, one line."""
    return _WHITESPACE.sub(" ", markdown.replace("`", "")).strip()


@dataclass(frozen=True)
class Heading:
    file: str
    line: int  # 1-based
    level: int
    title: str  # plain text, as the outline shows it
    anchor: str


@dataclass(frozen=True)
class Definition:
    """`[label]: url "title"` as written at the end of a file."""

    file: str
    line: int  # 1-based
    label: str  # as written (its case and spaces may differ from the uses')
    url: str
    title: str = ""


@dataclass(frozen=True)
class ReferenceUse:
    """One `[text][label]`, `[text][]` or `[text]` in the prose of a file."""

    file: str
    line: int  # 1-based: the line of its opening `[`
    form: str  # "full", "collapsed" or "shortcut"
    markdown: str  # as written
    text: str  # the link text as drawn (and as `Link.text` gives it)
    label: str  # normalized
    url: str | None  # the definition's destination; None when the file does not define it
    #: The section the link must reach, as (file, heading anchor); None when external.
    target: tuple[str, str] | None = None
    #: The URL names an HTML `<a id>` (deprecations.md#DEP0001), not a heading's anchor.
    via_html_anchor: bool = False
    #: Written inside a footnote's definition, so drawn wherever the note is.
    in_footnote: bool = False


@dataclass(frozen=True)
class InlineLink:
    """`[text](href)`: followable today; the control for the reference tests."""

    file: str
    line: int
    text: str
    href: str  # as markdown-it gives it (escapes resolved)
    target: tuple[str, str]
    #: The href names an HTML `<a id>` (#DEP0001), not a heading's anchor.
    via_html_anchor: bool = False


@dataclass(frozen=True)
class Comment:
    """One HTML comment: none of its text may ever show."""

    file: str
    line: int  # its `<!--` line
    lines: tuple[str, ...]  # every line, `<!--` and `-->` included
    #: Strings found only in this comment (its pr-url values, its keys, its versions).
    tokens: frozenset[str]


@dataclass(frozen=True)
class Footnote:
    """A footnote referenced by one section; its definition is at the end of the file."""

    file: str
    label: str
    marker_line: int  # the line with `[^label]`
    before_marker: str  # the words right before the marker, as drawn
    section_anchor: str  # the heading of the section using it
    text: str  # its text as drawn (first words are enough to find it)
    definition_line: int
    closing: str  # the using section's last paragraph, as drawn


@dataclass
class NodelikePack:
    """The files of the pack and the record of what is in them."""

    files: dict[str, str] = field(default_factory=dict)
    headings: list[Heading] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    uses: list[ReferenceUse] = field(default_factory=list)
    inline_links: list[InlineLink] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)

    def __repr__(self) -> str:  # pytest prints it in every failure: the counts, not the text
        return (
            f"NodelikePack({len(self.files)} files, {len(self.uses)} references,"
            f" {len(self.definitions)} definitions, {len(self.comments)} comments)"
        )

    def write(self, root: Path) -> Path:
        """Write every file under `root` (made if missing) and return it."""
        root.mkdir(parents=True, exist_ok=True)
        for relative, text in self.files.items():
            (root / relative).write_text(text, encoding="utf-8", newline="")
        return root

    def defined_labels(self, file: str) -> set[str]:
        """The normalized labels a file defines."""
        return {normalize_label(d.label) for d in self.definitions if d.file == file}

    @property
    def undefined_use(self) -> ReferenceUse:
        return next(use for use in self.uses if use.label == UNDEFINED_LABEL)

    @property
    def unused_definition(self) -> Definition:
        return next(d for d in self.definitions if d.label == UNUSED_LABEL)


def write_nodelike_pack(root: Path, files: int = 6, apis_per_file: int = 12, seed: int = 0) -> Path:
    """Write the pack under `root`: index.md, `files` module files, deprecations.md."""
    return build_nodelike_pack(files, apis_per_file, seed).write(root)


def build_nodelike_pack(files: int = 6, apis_per_file: int = 12, seed: int = 0) -> NodelikePack:
    """The pack in memory, with the record of every construct in it."""
    if files < 1 or apis_per_file < 3:
        raise ValueError("need at least one module file of at least three APIs")
    rng = random.Random(seed)
    pack = NodelikePack()
    plans = [_plan_module(_module(position), apis_per_file, rng) for position in range(files)]
    deprecated = _number_deprecations(plans)
    numbers = _Numbers(rng)
    footnotes_in = 1 if files > 1 else 0
    for position, plan in enumerate(plans):
        neighbour = plans[(position + 1) % len(plans)]
        _write_module(pack, plan, neighbour, position, position == footnotes_in, numbers, rng)
    _write_deprecations(pack, deprecated, numbers)
    _write_index(pack, plans)
    # Reading order: the index first, then by name (as the reader sorts a folder).
    pack.files = dict(sorted(pack.files.items(), key=lambda item: (item[0] != INDEX, item[0])))
    return pack


# --- What each module documents --------------------------------------------------------


@dataclass(frozen=True)
class _Module:
    name: str  # fs
    title: str  # File system
    class_name: str | None  # FileHandle
    instance: str | None  # filehandle
    functions: tuple[str, ...]


_MODULES = (
    _Module(
        "fs", "File system", "FileHandle", "filehandle",
        ("access", "appendFile", "chmod", "chown", "copyFile", "exists", "lstat", "mkdir",
         "mkdtemp", "open", "opendir", "readdir", "readFile", "readv", "realpath", "rename",
         "rm", "stat", "symlink", "truncate", "unlink", "utimes", "watch", "writeFile"),
    ),
    _Module(
        "path", "Path", None, None,
        ("basename", "dirname", "extname", "format", "isAbsolute", "join", "matchesGlob",
         "normalize", "parse", "relative", "resolve", "toNamespacedPath"),
    ),
    _Module(
        "events", "Events", "EventEmitter", "emitter",
        ("addAbortListener", "getEventListeners", "getMaxListeners", "listenerCount",
         "on", "once", "setMaxListeners", "captureRejections", "errorMonitor"),
    ),
    _Module(
        "buffer", "Buffer", "Blob", "blob",
        ("alloc", "allocUnsafe", "atob", "btoa", "byteLength", "compare", "concat",
         "copyBytesFrom", "from", "isAscii", "isBuffer", "isEncoding", "isUtf8", "transcode"),
    ),
    _Module(
        "string_decoder", "String decoder", "StringDecoder", "stringDecoder",
        ("create", "decode", "detect", "flush", "measure", "restore", "split", "write"),
    ),
    _Module(
        "os", "OS", None, None,
        ("arch", "availableParallelism", "cpus", "endianness", "freemem", "getPriority",
         "homedir", "hostname", "loadavg", "machine", "networkInterfaces", "platform",
         "release", "setPriority", "tmpdir", "totalmem", "type", "uptime", "userInfo"),
    ),
    _Module(
        "net", "Net", "Socket", "socket",
        ("connect", "createConnection", "createServer", "getDefaultAutoSelectFamily",
         "isIP", "isIPv4", "isIPv6", "setDefaultAutoSelectFamily"),
    ),
    _Module(
        "zlib", "Zlib", "ZlibBase", "zlibBase",
        ("brotliCompress", "crc32", "createDeflate", "createGzip", "deflate", "gunzip",
         "gzip", "inflate", "unzip"),
    ),
)  # fmt: skip


def _module(position: int) -> _Module:
    if position < len(_MODULES):
        return _MODULES[position]
    number = position + 1  # beyond the catalogue: modules named by their place
    return _Module(f"mod{number}", f"Module {number}", None, None, ("start", "stop", "read"))


#: Signatures of module functions (a callback last, as fs.md's callback API has) and of
#: class methods.
_FUNCTION_SIGNATURES = (
    "path[, mode], callback",
    "path[, options], callback",
    "fd, buffer, offset[, length[, position]], callback",
    "src, dest[, mode], callback",
    "prefix[, options], callback",
    "file, data[, options], callback",
    "fd, buffers[, position], callback",
)
_METHOD_SIGNATURES = ("[options]", "data[, options]", "mode", "uid, gid", "", "len")
#: A parameter's list entry: its type in braces, as the Markdown source writes it.
_PARAMETERS = {
    "path": ["{string|Buffer|URL}"],
    "src": ["{string|Buffer|URL} source filename to copy"],
    "dest": ["{string|Buffer|URL} destination filename of the copy operation"],
    "file": ["{string|Buffer|URL|integer} filename or file descriptor"],
    "mode": ["{integer} **Default:** `0o666`"],
    "options": [
        "{Object|string}",
        "  * `encoding` {string|null} **Default:** `'utf8'`",
        "  * `signal` {AbortSignal} allows aborting an in-progress call",
    ],
    "callback": ["{Function}", "  * `err` {Error}"],
    "fd": ["{integer}"],
    "buffer": ["{Buffer|TypedArray|DataView} The buffer that the data will be written to."],
    "buffers": ["{ArrayBufferView\\[]}"],
    "offset": ["{integer} The position in `buffer` to write the data to."],
    "length": ["{integer} The number of bytes to read. **Default:** `buffer.byteLength`"],
    "position": ["{integer|bigint|null} **Default:** `null`"],
    "prefix": ["{string}"],
    "data": ["{string|Buffer|TypedArray|DataView|AsyncIterable|Iterable|Stream}"],
    "uid": ["{integer} The file's new owner's user id."],
    "gid": ["{integer} The file's new group's group id."],
    "len": ["{integer} **Default:** `0`"],
}
_OPENING = (
    "Asynchronously does the work on `{first}` and calls back when it is done.",
    "Tests a user's permissions for the file or directory specified by `{first}`.",
    "Changes the ownership of the file, as the POSIX call of the same name does.",
    "Reads the whole of `{first}` and hands it to the callback in one piece.",
    "Returns the value the operating system reports for `{first}`.",
)
_CLOSING = (
    "If `options` is a string, then it specifies the encoding.",
    "No arguments other than a possible exception are given to the completion callback.",
    "Using this method on a closed handle rejects with an `Error` of code `EBADF`.",
    "The returned value is cached until the next call with other arguments.",
)
#: Descriptions in the YAML histories; each holds `<`, `>` or `=>` (outside or inside
#: backticks), which a tag-stripping pattern reads as the end of the comment.
_DESCRIPTIONS = (
    ("The `{p}` parameter can be a WHATWG `URL` object using", "`file:` protocol."),
    (
        "Passing an invalid callback to the `callback` argument",
        "now throws `ERR_INVALID_ARG_TYPE` instead of",
        "`ERR_INVALID_CALLBACK`.",
    ),
    ("The `callback` is now called as `(err, result) => {{}}`.",),
    ("Accepts <Buffer> and `<URL>` values for `{p}`.",),
    ("A `{p}` > 2 GiB is read in chunks; sizes < 0 throw", "a `RangeError`."),
    ("The `{p}` argument is no longer optional. Not passing", "it throws a `TypeError`."),
)
#: Footnote label -> (the words its marker follows, its Markdown, its text as drawn).
#: `{ref}` is a reference to `node-gyp`, defined with the file's other references.
_FOOTNOTES = {
    "1": (
        "The error numbers follow POSIX",
        "The error numbers are those the POSIX standard defines.",
        "The error numbers are those the POSIX standard defines.",
    ),
    "toolchain": (
        "Native addons need a compiler",
        "Building addons needs a C++ toolchain; see\n{ref} for how to set one up.",
        "Building addons needs a C++ toolchain; see node-gyp for how to set one up.",
    ),
    "2": (
        "Permissions differ on Windows",
        "Windows reports these as `EPERM`.",
        "Windows reports these as EPERM.",
    ),
}


@dataclass
class _Api:
    call: str  # fs.access(path[, mode], callback)
    label: str  # `fs.access()`: how Node's references name it
    level: int
    group: str  # "class", "function" or "sync"
    parameters: list[str]
    dep: str = ""  # DEP0003 when deprecated

    @property
    def anchor(self) -> str:
        return github_anchor(display_text(self.call))


@dataclass
class _ModulePlan:
    module: _Module
    apis: list[_Api]

    @property
    def file(self) -> str:
        return f"{self.module.name}.md"

    @property
    def functions(self) -> list[_Api]:
        return [api for api in self.apis if api.group == "function"]


def _plan_module(module: _Module, count: int, rng: random.Random) -> _ModulePlan:
    """Which APIs a file documents at which levels, grouped as fs.md, events.md and
    path.md group them: fs has class methods (`####`), callback and sync functions
    (`###`); a module with a class has its methods at `###` and functions at `##`; the
    rest only functions at `##`."""
    names = list(module.functions)
    while len(names) < count:  # a small catalogue entry: numbered variants
        names.append(f"{module.functions[len(names) % len(module.functions)]}{len(names)}")
    is_fs = module.name == "fs"
    methods = count // 4 if module.class_name else 0
    syncs = (count - methods) // 3 if is_fs else 0
    functions = count - methods - syncs
    apis: list[_Api] = []
    for name in names[:methods]:
        signature = rng.choice(_METHOD_SIGNATURES)
        apis.append(
            _Api(f"{module.instance}.{name}({signature})", f"`{module.instance}.{name}()`",
                 4 if is_fs else 3, "class", _parameter_names(signature))
        )  # fmt: skip
    for name in names[methods : methods + functions]:
        signature = rng.choice(_FUNCTION_SIGNATURES)
        apis.append(
            _Api(f"{module.name}.{name}({signature})", f"`{module.name}.{name}()`",
                 3 if is_fs else 2, "function", _parameter_names(signature))
        )  # fmt: skip
    for api in apis[methods : methods + syncs]:
        call = api.call.replace("(", "Sync(", 1).replace(", callback)", ")")
        label = api.label.replace("()", "Sync()")
        apis.append(_Api(call, label, api.level, "sync", api.parameters[:-1]))
    return _ModulePlan(module, apis)


def _parameter_names(signature: str) -> list[str]:
    names = (part.strip(" []").lstrip(".") for part in signature.replace("[", ",").split(","))
    return [name for name in names if name]


def _number_deprecations(plans: list[_ModulePlan]) -> list[tuple[_ModulePlan, _Api]]:
    """A file's last function is deprecated (and its middle one in files of eight APIs or
    more), numbered DEP0001 on in file order, as deprecations.md lists them."""
    deprecated: list[tuple[_ModulePlan, _Api]] = []
    for plan in plans:
        functions = plan.functions
        picks = [functions[-1]]
        if len(plan.apis) >= 8 and len(functions) > 2:
            picks.insert(0, functions[len(functions) // 2])
        deprecated.extend((plan, api) for api in picks)
    for number, (_, api) in enumerate(deprecated, start=1):
        api.dep = f"DEP{number:04d}"
    return deprecated


class _Numbers:
    """Pull-request numbers and versions, each used once in the pack, so that each is the
    mark of the one comment holding it."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._next_pull = rng.randint(20000, 30000)
        self._versions: set[str] = set()

    def pull(self) -> str:
        self._next_pull += self._rng.randint(1, 97)
        return f"https://github.com/nodejs/node/pull/{self._next_pull}"

    def version(self) -> str:
        rng = self._rng
        while True:
            version = f"v{rng.randint(0, 24)}.{rng.randint(0, 19)}.{rng.randint(0, 9)}"
            if version not in self._versions:
                self._versions.add(version)
                return version


# --- Writing a file line by line, recording what goes where -----------------------------


@dataclass
class _Pending:
    """A link or footnote marker written in a paragraph, waiting for its line number."""

    kind: str  # "reference", "inline" or "footnote"
    markdown: str
    text: str = ""
    label: str = ""  # a reference's normalized label, a footnote's label
    form: str = ""
    href: str = ""
    target: tuple[str, str] | None = None
    via_html_anchor: bool = False
    offset: int = 0


class _Paragraph:
    """Markdown built piece by piece, remembering where each link starts."""

    def __init__(self, markdown: str = "") -> None:
        self.text = markdown
        self.pending: list[_Pending] = []

    def add(self, markdown: str) -> _Paragraph:
        self.text += markdown
        return self

    def link(self, pending: _Pending) -> _Paragraph:
        pending.offset = len(self.text)
        self.pending.append(pending)
        self.text += pending.markdown
        return self

    def line_of(self, pending: _Pending, first: int) -> int:
        return first + self.text.count("\n", 0, pending.offset)


@dataclass
class _Target:
    """What a label may define in a file; written at the end only if something uses it."""

    label: str  # as the definition writes it
    url: str
    target: tuple[str, str] | None
    title: str = ""
    via_html_anchor: bool = False
    used: bool = False


@dataclass
class _NoteUse:
    label: str
    line: int
    before: str
    section_anchor: str
    closing: str = ""


class _FileWriter:
    """One file's lines, and the record of what they hold, kept in step."""

    def __init__(self, pack: NodelikePack, file: str) -> None:
        self.pack = pack
        self.file = file
        self.lines: list[str] = []
        self.targets: dict[str, _Target] = {}  # normalized label -> what it would define
        self.notes: list[_NoteUse] = []

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1

    def block(self, *lines: str) -> None:
        """Lines, then one blank line."""
        self.lines.extend(lines)
        self.lines.append("")

    def heading(self, level: int, markdown: str) -> str:
        """A heading; returns its anchor."""
        title = display_text(markdown)
        anchor = github_anchor(title)
        self.pack.headings.append(Heading(self.file, self.next_line, level, title, anchor))
        self.block(f"{'#' * level} {markdown}")
        return anchor

    def comment(self, lines: list[str], tokens: set[str]) -> None:
        self.pack.comments.append(
            Comment(self.file, self.next_line, tuple(lines), frozenset(tokens))
        )
        self.block(*lines)

    def define(
        self,
        label: str,
        url: str,
        target: tuple[str, str] | None = None,
        *,
        title: str = "",
        via_html_anchor: bool = False,
        used: bool = False,
    ) -> None:
        """Let `label` be defined in this file (the first definition of a label wins)."""
        self.targets.setdefault(
            normalize_label(label), _Target(label, url, target, title, via_html_anchor, used)
        )

    def reference(self, text: str, label: str = "", form: str = "collapsed") -> _Pending:
        """`[text][label]` (full), `[text][]` (collapsed) or `[text]` (shortcut)."""
        markdown = f"[{text}][{label}]" if form == "full" else f"[{text}][]"
        if form == "shortcut":
            markdown = f"[{text}]"
        key = normalize_label(label if form == "full" else text)
        return _Pending("reference", markdown, display_text(text), key, form)

    @staticmethod
    def inline(
        text: str, href: str, target: tuple[str, str], *, via_html_anchor: bool = False
    ) -> _Pending:
        """`[text](href)`, its destination written with `_` escaped as index.md does."""
        written = href.replace("_", "\\_")
        return _Pending("inline", f"[{text}]({written})", display_text(text), href=href,
                        target=target, via_html_anchor=via_html_anchor)  # fmt: skip

    def paragraph(self, paragraph: _Paragraph, *, prefix: str = "") -> None:
        """A paragraph, each of its lines after `prefix` (`> ` for a block quote)."""
        first = self.next_line
        self.block(*(prefix + line for line in paragraph.text.split("\n")))
        for pending in paragraph.pending:
            self._record(pending, paragraph.line_of(pending, first), in_footnote=False)

    def _record(self, pending: _Pending, line: int, *, in_footnote: bool) -> None:
        if pending.kind == "inline":
            assert pending.target is not None
            self.pack.inline_links.append(
                InlineLink(self.file, line, pending.text, pending.href, pending.target,
                           via_html_anchor=pending.via_html_anchor)
            )  # fmt: skip
            return
        defined = self.targets.get(pending.label)
        if defined is not None:
            defined.used = True
        self.pack.uses.append(
            ReferenceUse(
                self.file, line, pending.form, pending.markdown, pending.text, pending.label,
                defined.url if defined else None, defined.target if defined else None,
                via_html_anchor=defined.via_html_anchor if defined else False,
                in_footnote=in_footnote,
            )
        )  # fmt: skip

    def finish(self) -> None:
        """End the file as Node's do: footnote definitions (here only), then the reference
        definitions that something uses, ASCII-sorted; the file is then the pack's."""
        for note in self.notes:
            _, markdown, text = _FOOTNOTES[note.label]
            paragraph = _Paragraph()
            if "{ref}" in markdown:
                before, after = markdown.split("{ref}")
                self.define("`node-gyp`", "https://github.com/nodejs/node-gyp")
                paragraph.add(before).link(self.reference("`node-gyp`")).add(after)
            else:
                paragraph.add(markdown)
            first = self.next_line
            head, *rest = paragraph.text.split("\n")
            self.block(f"[^{note.label}]: {head}", *(f"    {line}" for line in rest))
            for pending in paragraph.pending:
                self._record(pending, paragraph.line_of(pending, first), in_footnote=True)
            self.pack.footnotes.append(
                Footnote(self.file, note.label, note.line, note.before, note.section_anchor,
                         text, first, note.closing)
            )  # fmt: skip
        written = sorted((t for t in self.targets.values() if t.used), key=lambda t: t.label)
        for target in written:
            title = f' "{target.title}"' if target.title else ""
            self.pack.definitions.append(
                Definition(self.file, self.next_line, target.label, target.url, target.title)
            )
            self.lines.append(f"[{target.label}]: {target.url}{title}")
        self.pack.files[self.file] = "\n".join(self.lines).rstrip("\n") + "\n"


# --- The files -----------------------------------------------------------------------


def _history(
    writer: _FileWriter, api: _Api, numbers: _Numbers, rng: random.Random, opener: str = ""
) -> None:
    """The `<!-- YAML … -->` comment under an API heading.

    `opener` "blank" puts a blank line between two changes (CommonMark keeps it in the
    comment; Node's lint keeps such lines out, a hand-edited copy may have one);
    "doubled" starts it `<!-- YAML`, a blank line, `<!-- YAML` again, as a security
    release of crypto.md once did (comments do not nest: it is still one comment).
    """
    lines = ["<!-- YAML", "", "<!-- YAML"] if opener == "doubled" else ["<!-- YAML"]
    versions: set[str] = set()
    if rng.random() < 0.25:  # added in two release lines at once
        added = [numbers.version(), numbers.version()]
        lines += ["added:", *(f"  - {version}" for version in added)]
    else:
        added = [numbers.version()]
        lines.append(f"added: {added[0]}")
    versions.update(added)
    if api.dep:
        versions.add(deprecated := numbers.version())
        lines.append(f"deprecated: {deprecated}")
    pulls: list[str] = []
    changes = rng.randint(1, 3) if api.dep or opener or rng.random() < 0.7 else 0
    if changes:
        lines.append("changes:")
    if opener == "blank":
        changes = max(changes, 2)
    parameter = api.parameters[0] if api.parameters else "options"
    for change in range(changes):
        if opener == "blank" and change == 1:
            lines.append("")
        pulls.append(numbers.pull())
        if rng.random() < 0.3:
            pair = [numbers.version(), numbers.version()]
            lines += ["  - version:", *(f"    - {version}" for version in pair)]
        else:
            pair = [numbers.version()]
            lines.append(f"  - version: {pair[0]}")
        versions.update(pair)
        first, *more = (part.format(p=parameter) for part in rng.choice(_DESCRIPTIONS))
        lines += [f"    pr-url: {pulls[-1]}", f"    description: {first}"]
        lines += [f"                 {part}" for part in more]
    lines.append("-->")
    keys = {"added:", "deprecated:", "changes:", "pr-url:", "description:", "YAML"}
    tokens = {key for key in keys if any(key in line for line in lines)}
    tokens |= {"pull/" + pull.rsplit("/", 1)[1] for pull in pulls}
    writer.comment(lines, tokens | versions)


def _added_only(writer: _FileWriter, numbers: _Numbers) -> None:
    version = numbers.version()
    writer.comment(["<!-- YAML", f"added: {version}", "-->"], {"added:", "YAML", version})


def _parameter_list(api: _Api) -> list[str]:
    lines: list[str] = []
    for name in api.parameters:
        first, *rest = _PARAMETERS.get(name, ["{any}"])
        lines.append(f"* `{name}` {first}")
        lines.extend(rest)
    if api.group == "class":
        lines.append("* Returns: {Promise} Fulfills with `undefined` upon success.")
    elif api.group == "sync":
        lines.append("* Returns: {string|Buffer|undefined}")
    return lines


def _examples(module: _Module, api: _Api, rng: random.Random) -> list[str]:
    """An `mjs` and a `cjs` fence (or, a third of the time, one `js` fence that Node's
    linter is told to skip with `<!-- eslint-skip -->`, which must not show either)."""
    name = api.call.split("(", 1)[0].rsplit(".", 1)[1]
    if rng.random() < 0.3:
        return ["```js", f"{module.name}.{name}('/tmp/hello', common.mustCall());", "```"]
    if rng.random() < 0.3:
        body = ["for (let i = 0; i < 3; i++) {", f"  {name}(`/tmp/hello-${{i}}`, (err) => {{",
                "    if (err) throw err;", "  });", "}"]  # fmt: skip
    else:
        body = [f"{name}('/tmp/hello', (err, result) => {{", "  if (err) throw err;",
                "  console.log(`done: ${result}`);", "});"]  # fmt: skip
    return [
        "```mjs", f"import {{ {name} }} from 'node:{module.name}';", "", *body, "```", "",
        "```cjs", f"const {{ {name} }} = require('node:{module.name}');", "", *body, "```",
    ]  # fmt: skip


@dataclass
class _FileContext:
    """What every API section of one module file needs to know."""

    writer: _FileWriter
    plan: _ModulePlan
    neighbour: _ModulePlan
    position: int
    constants_title: str
    issue: int
    footnote_apis: list[_Api]


def _write_module(
    pack: NodelikePack,
    plan: _ModulePlan,
    neighbour: _ModulePlan,
    position: int,
    has_footnotes: bool,
    numbers: _Numbers,
    rng: random.Random,
) -> None:
    module, file = plan.module, plan.file
    writer = _FileWriter(pack, file)
    constants_title = f"{module.title} constants"
    issue = 25000 + 37 * position + rng.randint(0, 30)
    functions = plan.functions
    _define_module_labels(writer, plan, neighbour, position, constants_title, issue)
    context = _FileContext(writer, plan, neighbour, position, constants_title, issue,
                           functions[:2] if has_footnotes else [])  # fmt: skip

    writer.heading(1, module.title)
    introduced = numbers.version()
    writer.comment([f"<!--introduced_in={introduced}-->"], {"introduced_in=", introduced})
    writer.block("> Stability: 2 - Stable")
    writer.comment([f"<!--name={module.name}-->"], {f"name={module.name}"})
    writer.comment([f"<!-- source_link=lib/{module.name}.js -->"], {"source_link="})
    intro = _Paragraph(f"The `{module.name}` module enables interacting with the system in a\n")
    intro.add("way modeled on standard POSIX functions. Start with ")
    intro.link(writer.reference(functions[0].label)).add(", and read\n")
    intro.link(writer.reference("the caveats", "Caveats", "full")).add(" first.")
    writer.paragraph(intro)
    writer.block(
        "```mjs", f"import * as {module.name} from 'node:{module.name}';", "```", "",
        "```cjs", f"const {module.name} = require('node:{module.name}');", "```",
    )  # fmt: skip

    methods = [api for api in plan.apis if api.group == "class"]
    if module.name == "fs":
        writer.heading(2, "Promises API")
        _added_only(writer, numbers)
        writer.paragraph(_Paragraph("The `fs/promises` API provides methods that return promises."))
    if module.class_name:
        level = methods[0].level - 1 if methods else (3 if module.name == "fs" else 2)
        writer.heading(level, f"Class: `{module.class_name}`")
        _added_only(writer, numbers)
        writer.paragraph(_Paragraph(f"A {{{module.class_name}}} object is an {{EventEmitter}}."))
        writer.heading(level + 1, "Event: `'close'`")
        _added_only(writer, numbers)
        writer.paragraph(
            _Paragraph(f"The `'close'` event is emitted when the {{{module.class_name}}}\n").add(
                "has been closed and can no longer be used."
            )
        )
    for api in methods:
        _write_api(context, api, numbers, rng)
    if module.name == "fs":
        writer.heading(2, "Callback API")
        writer.paragraph(_Paragraph("The callback APIs perform all operations asynchronously."))
    for api in functions:
        _write_api(context, api, numbers, rng)
    syncs = [api for api in plan.apis if api.group == "sync"]
    if syncs:
        writer.heading(2, "Synchronous API")
        writer.paragraph(_Paragraph("The synchronous APIs block the event loop until done."))
    for api in syncs:
        _write_api(context, api, numbers, rng)
    writer.heading(2, "Notes")
    writer.heading(3, constants_title)
    writer.paragraph(
        _Paragraph(f"The constants of `{module.name}` are exported on `{module.name}.constants`.")
    )
    writer.heading(3, "Caveats")
    writer.paragraph(
        _Paragraph("The behavior of some calls is platform-specific; check the notes\n").add(
            "of each before relying on it."
        )
    )
    if position == 0:  # a definition nothing uses, for `reader check` to report
        writer.define(UNUSED_LABEL, "https://example.com/unused", used=True)
    writer.finish()


def _define_module_labels(
    writer: _FileWriter,
    plan: _ModulePlan,
    neighbour: _ModulePlan,
    position: int,
    constants_title: str,
    issue: int,
) -> None:
    """Every label a module file may use, as Node's files define them: most name a
    heading of the file (`#anchor`), some another file's (`path.md#anchor`), some the
    web; some are written in another case or spacing than their uses, one has a title."""
    file = plan.file
    for api in plan.apis:
        writer.define(api.label, f"#{api.anchor}", (file, api.anchor))
    constants = github_anchor(constants_title)
    # Lower case and two spaces where the uses write Title Case and one space (or a line end).
    writer.define(constants_title.lower().replace(" ", "  "), f"#{constants}", (file, constants))
    writer.define("caveats", "#caveats", (file, "caveats"))
    other = neighbour.functions[0]
    writer.define(other.label, f"{neighbour.file}#{other.anchor}", (neighbour.file, other.anchor))
    writer.define("inode", "https://en.wikipedia.org/wiki/Inode", title="Inode (Wikipedia)")
    writer.define(
        "`Number.MAX_SAFE_INTEGER`",
        "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/"
        "Number/MAX_SAFE_INTEGER",
    )
    writer.define(
        "MDN-Number",
        "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Data_structures#Number_type",
    )
    writer.define(f"#{issue}", f"https://github.com/nodejs/node/issues/{issue}")
    for api in plan.apis:
        if not api.dep:
            continue
        heading = github_anchor(f"{api.dep}: {display_text(api.call)}")
        if position % 2 == 0:  # as the newer docs write it: the `<a id>` before the heading
            writer.define(api.dep, f"{DEPRECATIONS}#{api.dep}", (DEPRECATIONS, heading),
                          via_html_anchor=True)  # fmt: skip
        else:  # as the older ones do: the heading's anchor
            writer.define(api.dep, f"{DEPRECATIONS}#{heading}", (DEPRECATIONS, heading))


def _write_api(context: _FileContext, api: _Api, numbers: _Numbers, rng: random.Random) -> None:
    """One API's section: heading, history, parameters, prose full of references, code."""
    writer, plan = context.writer, context.plan
    module = plan.module
    everything = api is plan.functions[0]  # the first function has every construct at least once
    anchor = writer.heading(api.level, f"`{api.call}`")
    opener = ""
    if context.position == 0 and everything:
        opener = "blank"
    elif context.position == 0 and api is plan.functions[1]:
        opener = "doubled"
    _history(writer, api, numbers, rng, opener)
    others = [candidate for candidate in plan.apis if candidate is not api and not candidate.dep]
    if api.dep:
        quote = _Paragraph("Stability: 0 - Deprecated: Use ")
        quote.link(writer.reference(rng.choice(others).label)).add(" instead.")
        writer.paragraph(quote, prefix="> ")
    writer.block(*_parameter_list(api))
    prose = _Paragraph(rng.choice(_OPENING).format(first=(api.parameters or ["it"])[0]))
    prose.add("\nSee ").link(writer.reference(rng.choice(others).label))
    prose.add(" for the related call.")
    constants = context.constants_title.title()
    if everything:  # the label's words split over two lines
        prose.add("\nThe accepted values are listed in the\n")
        prose.link(writer.reference(constants.replace(" ", "\n", 1))).add(".")
    elif rng.random() < 0.5:
        prose.add("\nThe accepted values are listed in ")
        prose.link(writer.reference(constants)).add(".")
    if everything or rng.random() < 0.4:
        prose.add("\n").link(writer.reference(rng.choice(others).label, form="shortcut"))
        prose.add(" behaves the same way on every platform.")
    if everything or rng.random() < 0.3:
        prose.add("\nRead ").link(writer.reference("the caveats", "Caveats", "full"))
        prose.add(" before using it on network file systems.")
    if everything or rng.random() < 0.3:
        prose.add("\nPaths may be built with ")
        prose.link(writer.reference(context.neighbour.functions[0].label)).add(".")
    if everything or rng.random() < 0.3:
        prose.add("\nOffsets are in the \\[0, ")
        prose.link(writer.reference("`Number.MAX_SAFE_INTEGER`")).add("] range and are a\n")
        prose.link(writer.reference("JavaScript number", "mdn-number", "full")).add(".")
    if everything or rng.random() < 0.2:
        prose.add("\nEach entry names an ").link(writer.reference("inode")).add(" (see ")
        prose.link(writer.reference(f"#{context.issue}")).add(").")
    if everything or rng.random() < 0.3:
        neighbour = context.neighbour
        other = rng.choice(neighbour.functions)
        target = (neighbour.file, other.anchor)
        prose.add("\nCompare ").link(
            writer.inline(other.label, f"{neighbour.file}#{other.anchor}", target)
        ).add(".")
    if everything and context.position == 0:  # undefined: GitHub shows it as written
        prose.add("\nThere is ").link(writer.reference("nothing here", UNDEFINED_LABEL, "full"))
        prose.add(" for this call yet.")
    notes: list[tuple[str, int]] = []
    if api in context.footnote_apis:
        for label in ["1", "toolchain"] if api is context.footnote_apis[0] else ["2"]:
            notes.append((label, len(prose.text) + 1))
            prose.add(f"\n{_FOOTNOTES[label][0]}[^{label}].")
    first_line = writer.next_line
    writer.paragraph(prose)
    if api.dep:
        writer.paragraph(
            _Paragraph("Its deprecation is listed as ").link(writer.reference(api.dep)).add(".")
        )
    examples = _examples(module, api, rng)
    if examples[0] == "```js":
        writer.comment(["<!-- eslint-skip -->"], {"eslint-skip"})
    writer.block(*examples)
    closing = rng.choice(_CLOSING)
    writer.paragraph(_Paragraph(closing))
    for label, offset in notes:
        line = first_line + prose.text.count("\n", 0, offset)
        before = display_text(_FOOTNOTES[label][0])
        writer.notes.append(_NoteUse(label, line, before, anchor, display_text(closing)))
    if everything and module.name == "fs":
        writer.heading(api.level + 2, "Platform-specific considerations")
        writer.paragraph(
            _Paragraph("On Windows, `file:` {URL}s with a host name convert to UNC paths.")
        )


def _write_deprecations(
    pack: NodelikePack, deprecated: list[tuple[_ModulePlan, _Api]], numbers: _Numbers
) -> None:
    """deprecations.md: an `<a id="DEP0001"></a>` line before each entry's heading."""
    writer = _FileWriter(pack, DEPRECATIONS)
    writer.heading(1, "Deprecated APIs")
    introduced = numbers.version()
    writer.comment([f"<!--introduced_in={introduced}-->"], {"introduced_in=", introduced})
    writer.comment(["<!-- type=misc -->"], {"type=misc"})
    writer.paragraph(
        _Paragraph("Node.js APIs might be deprecated for any of the following reasons:")
    )
    writer.block(
        "* Use of the API is unsafe.",
        "* An improved alternative API is available.",
        "* Breaking changes to the API are expected in a future major version.",
    )
    writer.heading(2, "List of deprecated APIs")
    if deprecated:  # a link to an entry's `<a id>`, written inline
        dep, first = deprecated[0][1].dep, deprecated[0][1]
        heading = github_anchor(f"{dep}: {display_text(first.call)}")
        entry = writer.inline(dep, f"#{dep}", (DEPRECATIONS, heading), via_html_anchor=True)
        writer.paragraph(_Paragraph("Entries are numbered from ").link(entry).add(" on."))
    for plan, api in deprecated:
        writer.block(f'<a id="{api.dep}"></a>')
        writer.heading(3, f"{api.dep}: `{api.call}`")
        version, pull = numbers.version(), numbers.pull()
        writer.comment(
            ["<!-- YAML", "changes:", f"  - version: {version}", f"    pr-url: {pull}",
             "    description: Documentation-only deprecation", "                 (`=> <none>`).",
             "-->"],
            {"changes:", "pr-url:", "description:", "YAML", version,
             "pull/" + pull.rsplit("/", 1)[1]},
        )  # fmt: skip
        writer.paragraph(_Paragraph("Type: Documentation-only"))
        writer.define(api.label, f"{plan.file}#{api.anchor}", (plan.file, api.anchor))
        text = _Paragraph("The ").link(writer.reference(api.label))
        text.add(" API is deprecated. Please use the alternatives\nits page lists instead.")
        writer.paragraph(text)
    writer.finish()


def _write_index(pack: NodelikePack, plans: list[_ModulePlan]) -> None:
    """index.md: no heading of its own, comments, and a list of every file."""
    writer = _FileWriter(pack, INDEX)
    writer.comment(
        ["<!--", "  NB(docs): if this file moves, update the tool that renders the",
         "  navigation so that it points at the new location.", "-->"],
        {"NB(docs)", "navigation so that it points"},
    )  # fmt: skip
    writer.comment(["<!--introduced_in=v0.10.0-->"], {"introduced_in=", "v0.10.0"})
    entries = [(plan.module.title, plan.file) for plan in plans]
    entries.append(("Deprecated APIs", DEPRECATIONS))
    listing = _Paragraph()
    for number, (title, file) in enumerate(sorted(entries, key=lambda entry: entry[0].lower())):
        listing.add("\n* " if number else "* ")
        listing.link(writer.inline(title, file, (file, github_anchor(title))))
    writer.paragraph(listing)
    writer.block('<hr class="line"/>')
    writer.block("* [Code repository and issue tracker](https://github.com/nodejs/node)")
    writer.finish()
