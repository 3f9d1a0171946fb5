"""The documentation site: every example runs, and every public name has a docstring and a reference entry.

The site itself is built in strict mode by `make docs` (part of `make test`): a broken link, a reference to a name
that does not exist or a docstring that does not render fails that build.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _docs_examples import ROOT, blocks, pages

import shim
import shim.testing
import shim.types

RUNNABLE = [page for page in pages() if any(b.is_python and b.mark != "not run" for b in blocks(page))]
_ENTRY = re.compile(r"^::: (?P<path>[\w.]+)\s*$", re.MULTILINE)


@pytest.mark.parametrize("page", RUNNABLE, ids=[str(page.relative_to(ROOT)) for page in RUNNABLE])
def test_the_examples_of_a_page_run(page: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "OPENAI_", "SHIM_", "SSL_"))}
    result = subprocess.run(
        [sys.executable, "-W", "error", str(ROOT / "tests" / "_docs_examples.py"), str(page)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]


def test_every_code_block_says_its_language() -> None:
    """An unlabelled fence could hide a Python example from the run; a marker on a non-Python block means nothing."""
    for page in pages():
        for block in blocks(page):
            assert block.lang, f"{block.where}: say the block's language (```python, ```sh, ```text, ...)"
            assert block.is_python or block.mark is None, f"{block.where}: a run marker on a {block.lang} block"


def test_the_readme_and_every_guide_have_a_runnable_example() -> None:
    guides = [page for page in pages() if "reference" not in page.parts and page.name != "index.md"]
    without = [str(page.relative_to(ROOT)) for page in guides if page not in RUNNABLE]
    # Pages about things that are not Python calls: the command line and the package's layout.
    assert sorted(without) == ["docs/guides/cli.md", "docs/guides/design.md"]


def _reference_entries() -> set[str]:
    return {m.group("path") for page in (ROOT / "docs").rglob("*.md") for m in _ENTRY.finditer(page.read_text())}


def test_every_public_name_has_a_reference_entry() -> None:
    entries = _reference_entries()
    public = {f"shim.{name}" for name in shim.__all__}
    public |= {f"shim.types.{name}" for name in shim.types.__all__ if name not in shim.__all__}
    public |= {f"shim.testing.{name}" for name in shim.testing.__all__}
    assert sorted(public - entries) == []


def test_the_reference_names_public_paths_only() -> None:
    """Modules move; the public face does not. The reference shows each name where users import it from."""
    entries = _reference_entries()
    private = sorted(path for path in entries if any(_private(part) for part in path.split(".")))
    assert private == []


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_every_public_name_has_a_docstring() -> None:
    griffe = pytest.importorskip("griffe")  # the `docs` extra, which `make test` installs
    package = griffe.load("shim", search_paths=[str(ROOT)])
    undocumented = []
    for name in shim.__all__:
        docstring = package[name].docstring
        if docstring is None or not docstring.value.strip():
            undocumented.append(name)
    assert undocumented == []
