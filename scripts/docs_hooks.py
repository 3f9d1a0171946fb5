"""MkDocs hooks (mkdocs.yml `hooks:`): the repository's own Markdown files become site pages, read where they are.

README.md is the site's front page, and compat_matrix.md, compat_observations.md, BENCHMARKS.md (with its picture),
RELIABILITY.md and bench/README.md are pages: generated files, never copied by hand, so the site cannot drift
from them. Each page's links are written for the repository (they work on a forge and in an editor); here they
are resolved as repository paths and pointed at the site page the target became. A link to a repository file the
site does not carry (a test, an example script) becomes its path in code type: strict mode fails on a link that
leads nowhere, and the site has no forge to link to.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
DOCS = "docs"

# Site path -> repository path, for the files that live outside docs/.
PAGES = {
    "index.md": "README.md",
    "compat_matrix.md": "compat_matrix.md",
    "compat_observations.md": "compat_observations.md",
    "BENCHMARKS.md": "BENCHMARKS.md",
    "BENCHMARKS.png": "BENCHMARKS.png",
    "RELIABILITY.md": "RELIABILITY.md",
    "benchmark-method.md": "bench/README.md",
}
_SITE_OF_REPO = {repo: site for site, repo in PAGES.items()}

_FENCE = re.compile(r"^( *)(`{3,}|~{3,})", re.MULTILINE)
_INLINE = re.compile(r"(!?\[[^\]\n]*\])\(([^()\s]+)\)")
_DEFINITION = re.compile(r"^(\[[^\]\n]+\]:[ \t]*)(\S+)", re.MULTILINE)
_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)


def on_files(files: Files, config: Any) -> Files:
    """Add the repository's root documents to the site, each read from its own file."""
    for site_path, repo_path in PAGES.items():
        files.append(File.generated(config, site_path, abs_src_path=str(ROOT / repo_path)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Point each repository-relative link of a page at the site page its target became."""
    source = _repo_path_of(page.file.src_uri)
    return _outside_fences(markdown, lambda text: _rewrite_links(text, source, page.file.src_uri))


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """Rebuild on a change to a root document too (`make docs-serve`)."""
    for repo_path in PAGES.values():
        server.watch(str(ROOT / repo_path))
    return server


def _repo_path_of(site_path: str) -> str:
    return PAGES.get(site_path, f"{DOCS}/{site_path}")


def _site_path_of(repo_path: str) -> str | None:
    if repo_path in _SITE_OF_REPO:
        return _SITE_OF_REPO[repo_path]
    if repo_path.startswith(f"{DOCS}/"):
        return repo_path.removeprefix(f"{DOCS}/")
    return None


def _outside_fences(markdown: str, change: Any) -> str:
    """Apply `change` to the text between fenced code blocks, leaving the blocks as written."""
    parts: list[str] = []
    position, fence = 0, None
    for match in _FENCE.finditer(markdown):
        marker = match.group(2)
        if fence is None:
            parts.append(change(markdown[position : match.start()]))
            position, fence = match.start(), marker
        elif marker[0] == fence[0] and len(marker) >= len(fence):
            end = markdown.find("\n", match.end())
            end = len(markdown) if end == -1 else end
            parts.append(markdown[position:end])
            position, fence = end, None
    rest = markdown[position:]
    parts.append(rest if fence is not None else change(rest))
    return "".join(parts)


def _rewrite_links(text: str, source: str, page_site_path: str) -> str:
    def target(link: str) -> str | None:
        """The link as the site knows it, or None when the site does not carry the target."""
        if _EXTERNAL.match(link):
            return link
        path, hash_mark, anchor = link.partition("#")
        repo_path = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        site_path = _site_path_of(repo_path)
        if site_path is None:
            return None
        relative = posixpath.relpath(site_path, posixpath.dirname(page_site_path) or ".")
        return relative + hash_mark + anchor

    def inline(match: re.Match[str]) -> str:
        label, link = match.groups()
        new = target(link)
        if new is not None:
            return f"{label}({new})"
        text = label.strip("![]")
        shown = link.rstrip("/")
        if text.strip("`").rstrip("/") == shown:
            return text if text.startswith("`") else f"`{text}`"
        return f"{text} (`{shown}`)"

    def definition(match: re.Match[str]) -> str:
        new = target(match.group(2))
        return match.group(1) + (new if new is not None else "#")

    return _DEFINITION.sub(definition, _INLINE.sub(inline, text))
