"""The same calls through LiteLLM's SDK and through shim, against the same real proxy, compared field by field.

Every field that differs must have a reason in `matrix.REASONS` (an intentional difference); anything else fails
as a gap. The observations of a full run are rendered into compat_matrix.md, and the last test fails when the
committed file is not what this run produced (`python scripts/compat_matrix.py` rewrites it).
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

MATRIX_PATH = Path(__file__).resolve().parents[2] / "compat_matrix.md"
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


def test_compat_matrix_is_current():
    missing = [row.id for row in ROWS if row.id not in OBSERVED]
    if missing:
        pytest.skip(f"the differential run was partial ({len(missing)} rows not observed)")
    text = matrix.render(ROWS, OBSERVED, f"litellm {importlib.metadata.version('litellm')}")
    if UPDATE:
        MATRIX_PATH.write_text(text)
    assert MATRIX_PATH.read_text() == text, "compat_matrix.md is out of date: run `python scripts/compat_matrix.py`"
