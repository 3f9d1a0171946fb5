"""The same calls through LiteLLM's SDK and through shim, against the same real proxy, compared field by field.

Every field that differs must point, through `matrix.REASONS`, to one of `matrix.DIFFERENCES` (an intentional
difference); anything else fails as a gap. A full run is rendered into compat_matrix.md (a line per row and per
difference) and compat_observations.md (every field, both sides); the last test fails when either committed file is
not what this run produced (`python scripts/compat_matrix.py` rewrites both).
"""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import shim

from . import matrix
from .conftest import LiteLLMProxy
from .differential import ROWS, Ctx, Row, to_json
from .tap import Tap

pytestmark = pytest.mark.proxy

ROOT = Path(__file__).resolve().parents[2]
MATRIX_PATH = ROOT / "compat_matrix.md"
OBSERVATIONS_PATH = ROOT / matrix.OBSERVATIONS_FILE
# Read at import, before the autouse fixture clears the environment of every test.
UPDATE = os.environ.get("UPDATE_COMPAT_MATRIX") == "1"
OBSERVED: dict[str, dict[str, Any]] = {}


@pytest.fixture
def ctx(
    litellm_proxy: LiteLLMProxy, proxy_tap: Tap, refused_url: str, silent_url: str, monkeypatch: pytest.MonkeyPatch
) -> Ctx:
    return Ctx(
        proxy_tap.url, litellm_proxy.api_key, proxy_tap, litellm_proxy.upstream, refused_url, silent_url, monkeypatch
    )


async def observe(library: ModuleType, row: Row, ctx: Ctx) -> dict[str, Any]:
    ctx.tap.clear()
    with pytest.MonkeyPatch.context() as scoped:
        scoped_ctx = Ctx(ctx.url, ctx.key, ctx.tap, ctx.upstream, ctx.refused_url, ctx.silent_url, scoped)
        return to_json(await row.scenario(library, scoped_ctx))


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
async def test_litellm_and_shim_agree_or_differ_on_purpose(row: Row, ctx: Ctx, litellm_sdk: ModuleType):
    ctx.monkeypatch.setattr(litellm_sdk, "suppress_debug_info", True)
    observed = {"litellm": await observe(litellm_sdk, row, ctx), "shim": await observe(shim, row, ctx)}
    OBSERVED[row.id] = observed
    verdicts = matrix.verdicts(row.id, observed["litellm"], observed["shim"])
    gaps = {field: verdict for field, verdict in verdicts.items() if verdict.kind != "same" and not verdict.reason}
    assert not gaps, f"unexplained differences in {row.id}: " + "; ".join(
        f"{field}: litellm={observed['litellm'].get(field)!r} shim={observed['shim'].get(field)!r}" for field in gaps
    )
    stale = matrix.stale_reasons(row.id, verdicts)
    assert not stale, f"reasons for fields that no longer differ in {row.id}: {stale}"


def test_every_reason_names_a_difference():
    assert not matrix.unknown_differences(), "REASONS that point to no line of matrix.DIFFERENCES"


def test_compat_matrix_is_current():
    missing = [row.id for row in ROWS if row.id not in OBSERVED]
    if missing:
        pytest.skip(f"the differential run was partial ({len(missing)} rows not observed)")
    unused = matrix.unused_differences(OBSERVED)
    assert not unused, f"DIFFERENCES no row shows any more (remove them): {unused}"
    version = f"litellm {importlib.metadata.version('litellm')}"
    files = {
        MATRIX_PATH: matrix.render(ROWS, OBSERVED, version),
        OBSERVATIONS_PATH: matrix.render_observations(ROWS, OBSERVED, version),
    }
    for path, text in files.items():
        if UPDATE:
            path.write_text(text)
    stale = [path.name for path, text in files.items() if not path.exists() or path.read_text() != text]
    assert not stale, f"{', '.join(stale)} out of date: run `python scripts/compat_matrix.py`"
