"""`shim files`: list, upload, get (metadata or content) and delete, against a FakeProxy."""

from __future__ import annotations

import json
from pathlib import Path

from shim.testing import FakeProxy
from tests.test_cli import env_for, shim_cli

LINES = b'{"custom_id": "1"}\n{"custom_id": "2"}\n'


def test_files_round_trip(proxy: FakeProxy, tmp_path: Path) -> None:
    source, copy = tmp_path / "requests.jsonl", tmp_path / "copy.jsonl"
    source.write_bytes(LINES)
    env = env_for(proxy)

    uploaded = shim_cli("files", "upload", str(source), "--purpose", "batch", env=env)
    assert uploaded.returncode == 0, uploaded.stderr
    file_id = uploaded.stdout.strip()
    assert proxy.store.files[file_id].content == LINES

    listed = shim_cli("files", env=env)
    assert listed.stdout == f"{file_id}\t{len(LINES)}\tbatch\trequests.jsonl\n"
    assert shim_cli("files", "list", "--purpose", "assistants", env=env).stdout == "no files\n"

    assert json.loads(shim_cli("files", "get", file_id, env=env).stdout)["filename"] == "requests.jsonl"
    downloaded = shim_cli("files", "get", file_id, "-o", str(copy), env=env)
    assert copy.read_bytes() == LINES and f"wrote {copy}" in downloaded.stderr
    assert shim_cli("files", "get", file_id, "-o", "-", env=env, text=False).stdout == LINES

    assert shim_cli("files", "delete", file_id, env=env).stdout == f"deleted {file_id}\n"
    assert proxy.store.files == {}


def test_files_upload_from_stdin_as_json(proxy: FakeProxy) -> None:
    result = shim_cli(
        "files", "upload", "-", "--purpose", "batch", "--json", stdin=LINES, env=env_for(proxy), text=False
    )
    assert json.loads(result.stdout)["bytes"] == len(LINES)


def test_files_usage_errors_send_nothing(proxy: FakeProxy, tmp_path: Path) -> None:
    env = env_for(proxy)
    no_purpose = shim_cli("files", "upload", str(tmp_path), env=env)
    assert no_purpose.returncode == 2 and "--purpose" in no_purpose.stderr
    no_id = shim_cli("files", "delete", env=env)
    assert no_id.returncode == 2 and "needs a file id" in no_id.stderr
    missing = shim_cli("files", "upload", str(tmp_path / "nope.jsonl"), "--purpose", "batch", env=env)
    assert missing.returncode == 1 and "nope.jsonl" in missing.stderr
    unknown = shim_cli("files", "get", "file-nope", env=env)
    assert unknown.returncode == 1 and "shim: error:" in unknown.stderr
    assert [r.path for r in proxy.requests] == ["/files/file-nope"]
