"""Decide where a link written in a pack may lead: only ever inside the pack root.

Textual's MarkdownViewer follows `../../etc/passwd`; we resolve percent-escapes and
symlinks first and refuse anything whose real path leaves the root. External URLs are
recognised so the app can show them, never open them. No Textual.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple
from urllib.parse import unquote

from reader.lazy_pattern import LazyPattern

if TYPE_CHECKING:
    from reader.files import PackFile

__all__ = ["LinkTarget", "resolve_href"]

LinkKind = Literal["section", "file", "external", "outside", "missing"]
_SCHEME = LazyPattern(r"^([a-zA-Z][a-zA-Z0-9+.-]*+):")
_WEB_SCHEMES = {"http", "https", "mailto", "ftp", "ftps", "news", "irc", "ircs", "gopher"}
_FOLDER_PAGES = ("README.md", "readme.md", "index.md", "README.markdown", "index.markdown")


class LinkTarget(NamedTuple):
    """Where a link leads: a section id, an external URL to show, or why it goes nowhere."""

    kind: LinkKind
    href: str
    section_id: str | None = None
    reason: str = ""
    file: PackFile | None = None
    fragment: str = ""

    @property
    def followable(self) -> bool:
        return self.kind == "section" and self.section_id is not None


def resolve_href(
    root: Path, source: PackFile, href: str, files_by_real: dict[Path, PackFile]
) -> LinkTarget:
    """Classify `href` written in `source`; a pack file it names comes back as kind 'file'."""
    href = href.strip()
    if not href:
        return LinkTarget("missing", href, reason="empty link")
    scheme = _SCHEME.match(href)
    if scheme and len(scheme[1]) > 1:
        if scheme[1].lower() in _WEB_SCHEMES:
            return LinkTarget("external", href)
        return LinkTarget("outside", href, reason=f"'{scheme[1]}:' links are not followed")
    if href.startswith("//"):
        return LinkTarget("external", href)
    path_part, _, fragment = href.partition("#")
    path_part = unquote(path_part.split("?", 1)[0])
    fragment = unquote(fragment)
    if "\0" in path_part:
        return LinkTarget("outside", href, reason="not a valid path")
    if not path_part:
        return LinkTarget("file", href, file=source, fragment=fragment)
    if path_part.startswith("\\") or scheme:
        return LinkTarget("outside", href, reason="absolute paths are not followed")
    if path_part.startswith("/"):  # root-relative, as GitHub and documentation sites read it
        candidate = Path(os.path.normpath(root / path_part.lstrip("/")))
    else:
        candidate = Path(os.path.normpath(source.path.absolute().parent / path_part))
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):
        return LinkTarget("outside", href, reason="cannot be resolved")
    if not real.is_relative_to(root):
        return LinkTarget("outside", href, reason="points outside the pack")
    pack_file = _pack_file_at(real, files_by_real)
    if pack_file is None:
        return LinkTarget("missing", href, reason=f"no pack file {path_part}")
    return LinkTarget("file", href, file=pack_file, fragment=fragment)


def _pack_file_at(real: Path, files_by_real: dict[Path, PackFile]) -> PackFile | None:
    """The pack file a link names, trying what documentation sites serve for it.

    `guide` or `guide/` is the folder's README or index; `setup` is `setup.md`;
    `setup.html` (a link written for the built site) is `setup.md` too, and
    `guide/index.html` is the folder's README, as mdBook builds it. Every candidate
    is resolved again, so none of them can lead out of the pack through a symlink.
    """
    found = files_by_real.get(real)
    if found is not None:
        return found
    candidates: list[Path] = []
    if real.suffix.lower() in (".html", ".htm"):
        candidates.append(real.with_suffix(".md"))
        if real.stem.lower() == "index":
            candidates.extend(real.parent / page for page in _FOLDER_PAGES)
    candidates.extend(real.with_name(real.name + suffix) for suffix in (".md", ".markdown"))
    candidates.extend(real / page for page in _FOLDER_PAGES)
    for candidate in candidates:
        try:
            found = files_by_real.get(candidate.resolve())
        except (OSError, RuntimeError, ValueError):
            continue
        if found is not None:
            return found
    return None
