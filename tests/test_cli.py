"""The `shim` command, driven as a user drives it: a subprocess with real stdin, stdout, stderr and exit codes.

The fake gateway runs in the test process; the command reaches it over loopback through flags or the environment.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shim.testing import FakeProxy

WRONG_KEY = "sk-wrong-key-that-must-never-be-printed"


def shim_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | bytes | None = "", text: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `python -m shim ARGS` with the test's (cleaned) environment plus `env`; stdin is empty unless given."""
    return subprocess.run(
        [sys.executable, "-m", "shim", *args],
        input=stdin,
        capture_output=True,
        text=text,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def flags(proxy: FakeProxy) -> list[str]:
    return ["--api-base", proxy.url, "--api-key", proxy.api_key]


def env_for(proxy: FakeProxy) -> dict[str, str]:
    return {"LITELLM_PROXY_API_BASE": proxy.url, "LITELLM_PROXY_API_KEY": proxy.api_key}


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def slow_proxy() -> Iterator[FakeProxy]:
    with FakeProxy(stream_chunk_delay=0.15) as running:
        yield running


# ---- chat ------------------------------------------------------------------------------------------------------


def test_chat_streams_tokens_to_the_terminal_as_they_arrive(slow_proxy: FakeProxy) -> None:
    command = [sys.executable, "-m", "shim", "chat", "-m", "litellm_proxy/m", "one two three", *flags(slow_proxy)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None
        first = process.stdout.read(5)  # "echo:" arrives while the rest of the answer is still on its way
        still_running = process.poll() is None
        rest, errors = process.communicate(timeout=30)
    assert first == b"echo:"
    assert still_running
    assert (first + rest).decode() == "echo: one two three\n", errors
    assert process.returncode == 0
    sent = slow_proxy.requests[-1].json
    assert sent["model"] == "m"
    assert sent["stream"] is True


def test_chat_reads_the_prompt_from_stdin_with_a_system_message(proxy: FakeProxy) -> None:
    result = shim_cli(
        "chat", "-m", "gpt-4o", "--no-stream", "--system", "Be brief.", stdin="from stdin\n", env=env_for(proxy)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "echo: from stdin\n"
    assert proxy.requests[-1].json["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "from stdin"},
    ]
    assert proxy.requests[-1].json["stream"] is False


def test_chat_json_prints_the_raw_response(proxy: FakeProxy) -> None:
    result = shim_cli("chat", "-m", "m", "--json", "--max-tokens", "5", "hi", *flags(proxy))
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["choices"][0]["message"]["content"] == "echo: hi"
    assert response["object"] == "chat.completion"
    assert proxy.requests[-1].json["max_tokens"] == 5


def test_chat_with_no_prompt_and_empty_stdin_is_a_usage_error(proxy: FakeProxy) -> None:
    result = shim_cli("chat", "-m", "m", *flags(proxy), stdin="")
    assert result.returncode == 2
    assert "shim chat: error: no prompt" in result.stderr
    assert proxy.requests == []


# ---- the other endpoints ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin", "path", "expected"),
    [
        (["embed", "-m", "emb", "hello", "world"], "", "/embeddings", ["0\t8 dims\t[", "\thello", "1\t8 dims"]),
        (["embed", "-m", "emb"], "first\n\nsecond\n", "/embeddings", ["\tfirst", "\tsecond"]),
        (
            ["rerank", "-m", "rr", "-q", "capital of France", "Berlin is big", "Paris is the capital of France"],
            "",
            "/rerank",
            ["1\t1.0000\tParis is the capital of France\n2\t0.0000\tBerlin is big\n"],
        ),
        (["image", "-m", "img", "a lighthouse"], "", "/images/generations", ["https://images.example/0.png"]),
        (["models"], "", "/models", ["fake-chat\nfake-embedding\nfake-rerank\n"]),
    ],
    ids=["embed", "embed-stdin", "rerank", "image-url", "models"],
)
def test_endpoint_commands_print_a_readable_summary(
    proxy: FakeProxy, args: list[str], stdin: str, path: str, expected: list[str]
) -> None:
    result = shim_cli(*args, stdin=stdin, env=env_for(proxy))
    assert result.returncode == 0, result.stderr
    for text in expected:
        assert text in result.stdout
    assert proxy.requests[-1].path == path


def test_models_json(proxy: FakeProxy) -> None:
    result = shim_cli("models", "--json", *flags(proxy))
    assert json.loads(result.stdout) == ["fake-chat", "fake-embedding", "fake-rerank"]


def test_image_and_speak_write_their_output_files(proxy: FakeProxy, tmp_path: Path) -> None:
    image, audio = tmp_path / "out.png", tmp_path / "out.mp3"
    drawn = shim_cli("image", "-m", "dall-e-3", "a lighthouse", "-o", str(image), *flags(proxy))
    assert drawn.returncode == 0, drawn.stderr
    assert image.read_bytes().startswith(b"\x89PNG\r\n")
    assert proxy.requests[-1].json["response_format"] == "b64_json"
    assert f"wrote {image}" in drawn.stderr

    spoken = shim_cli(
        "speak", "-m", "tts-1", "-o", str(audio), "--voice", "nova", stdin="Hello there", env=env_for(proxy)
    )
    assert spoken.returncode == 0, spoken.stderr
    assert audio.read_bytes().startswith(b"ID3Hello there")
    assert proxy.requests[-1].json == {"model": "tts-1", "input": "Hello there", "voice": "nova"}


def test_speak_to_stdout_writes_the_audio_bytes(proxy: FakeProxy) -> None:
    result = shim_cli("speak", "-m", "tts-1", "hi", "-o", "-", *flags(proxy), text=False)
    assert result.returncode == 0
    assert result.stdout == b"ID3" + b"hi" * 64


def test_transcribe_uploads_a_file(proxy: FakeProxy, tmp_path: Path) -> None:
    recording = tmp_path / "speech.wav"
    recording.write_bytes(b"RIFF" + bytes(60))
    result = shim_cli("transcribe", "-m", "whisper-1", str(recording), "--language", "en", *flags(proxy))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "transcribed 64 bytes of speech.wav\n"
    form = proxy.requests[-1].form
    assert form["file"] == ("speech.wav", recording.read_bytes())
    assert form["language"] == "en"


def test_transcribe_reads_audio_from_stdin(proxy: FakeProxy) -> None:
    result = shim_cli("transcribe", "-m", "whisper-1", "-", "--json", *flags(proxy), stdin=b"\x00\x01audio", text=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"text": "transcribed 7 bytes of audio"}


# ---- errors ----------------------------------------------------------------------------------------------------


def test_a_broken_gateway_gives_one_readable_line_and_exit_1(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    result = shim_cli("chat", "-m", "m", "hi", "--api-base", url, "--api-key", WRONG_KEY, "--retries", "0")
    assert result.returncode == 1
    assert result.stdout == ""
    assert (
        result.stderr
        == f"shim: error: connection refused at {url}: is the gateway running, and listening on that host and port?\n"
    )


def test_verbose_adds_the_traceback(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    result = shim_cli("--verbose", "models", "--api-base", url, "--api-key", WRONG_KEY, "--retries", "0")
    assert result.returncode == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "shim.exceptions.APIConnectionError" in result.stderr
    assert result.stderr.endswith("is the gateway running, and listening on that host and port?\n")
    assert WRONG_KEY not in result.stderr


def test_a_rejected_key_is_explained_and_never_printed(proxy: FakeProxy) -> None:
    result = shim_cli("chat", "-m", "m", "hi", "--api-base", proxy.url, "--api-key", WRONG_KEY, "-v")
    assert result.returncode == 1
    assert "shim: error: the gateway did not accept the API key (401" in result.stderr
    assert WRONG_KEY not in result.stderr + result.stdout


def test_a_gateway_error_status_is_reported(proxy: FakeProxy) -> None:
    proxy.respond(400, body={"error": {"message": "Invalid model name passed in model=nope", "code": "400"}})
    result = shim_cli("embed", "-m", "nope", "x", *flags(proxy))
    assert result.returncode == 1
    assert result.stderr.startswith("shim: error: the gateway does not know model 'nope'")
    assert "`shim models` lists the models" in result.stderr


def test_missing_configuration_says_how_to_set_it(proxy: FakeProxy) -> None:
    no_base = shim_cli("models")
    assert no_base.returncode == 1
    assert (
        no_base.stderr
        == "shim: error: no gateway api_base: set LITELLM_PROXY_API_BASE=http://host:4000 or pass --api-base\n"
    )
    no_key = shim_cli("models", "--api-base", proxy.url)
    assert no_key.stderr == "shim: error: no gateway api_key: set LITELLM_PROXY_API_KEY=sk-... or pass --api-key\n"
    assert proxy.requests == []


def test_no_command_is_a_usage_error() -> None:
    result = shim_cli()
    assert result.returncode == 2
    assert "usage: shim" in result.stderr


# ---- doctor ----------------------------------------------------------------------------------------------------


def test_doctor_reports_sources_masked_key_models_and_round_trip(proxy: FakeProxy) -> None:
    result = shim_cli(
        "doctor", "--model", "fake-chat", "--api-base", proxy.url, env={"LITELLM_PROXY_API_KEY": proxy.api_key}
    )
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == f"ok    base URL    {proxy.url} (from --api-base)"
    assert lines[1] == "ok    API key     sk-...-key (from LITELLM_PROXY_API_KEY)"
    assert lines[2].startswith("ok    gateway     GET /models answered in ")
    assert lines[3] == "ok    models      3 for this key: fake-chat, fake-embedding, fake-rerank"
    assert lines[4].startswith("ok    round trip  chat with fake-chat answered in ")
    assert proxy.api_key not in result.stdout
    assert [r.path for r in proxy.requests] == ["/models", "/chat/completions"]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("refused", "FAIL  gateway     connection refused at http://127.0.0.1:"),
        ("wrong-key", "FAIL  gateway     the gateway did not accept the API key (401"),
        ("tls", "FAIL  gateway     TLS error talking to the gateway at https://127.0.0.1:"),
        ("no-db", "FAIL  gateway     the gateway has no database, so it cannot check this key"),
        ("unknown-model", "FAIL  round trip  the gateway does not know model 'nope'"),
    ],
)
def test_doctor_explains_each_failure_and_exits_1(
    proxy: FakeProxy, closed_port: int, setup: str, expected: str
) -> None:
    base, key = proxy.url, proxy.api_key
    if setup == "refused":
        base = f"http://127.0.0.1:{closed_port}"
    elif setup == "wrong-key":
        key = WRONG_KEY
    elif setup == "tls":
        base = base.replace("http://", "https://")
    elif setup == "no-db":
        proxy.respond(400, body={"error": {"message": "No connected db.", "type": "auth_error", "code": "400"}})
    else:
        proxy.respond(200, body={"object": "list", "data": [{"id": "fake-chat", "object": "model"}]})
        proxy.respond(400, body={"error": {"message": "Invalid model name passed in model=nope", "code": "400"}})
    result = shim_cli("doctor", "--model", "nope", env={"LITELLM_PROXY_API_BASE": base, "LITELLM_PROXY_API_KEY": key})
    assert result.returncode == 1
    assert expected in result.stdout
    assert key not in result.stdout + result.stderr


def test_doctor_without_configuration_says_what_to_set() -> None:
    result = shim_cli("doctor")
    assert result.returncode == 1
    assert "FAIL  base URL    not set: pass --api-base http://host:4000 or set LITELLM_PROXY_API_BASE" in result.stdout
    assert "FAIL  API key     not set: set LITELLM_PROXY_API_KEY=sk-..." in result.stdout


# ---- demo ------------------------------------------------------------------------------------------------------


def test_demo_runs_every_endpoint_on_an_embedded_fake_gateway() -> None:
    started = time.perf_counter()
    result = shim_cli("demo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "embedded FakeProxy" in result.stdout
    rows = {line.split("  ")[0].strip() for line in result.stdout.splitlines()[3:-2]}
    assert rows == {
        "completion",
        "completion stream",
        "acompletion",
        "text_completion",
        "responses",
        "embedding",
        "image_generation",
        "speech",
        "transcription",
        "rerank",
        "models",
    }
    assert result.stdout.endswith("\n11 ok, 0 failed, 0 skipped\n")
    assert time.perf_counter() - started < 20


def test_demo_uses_the_configured_gateway_and_skips_endpoints_without_a_model(proxy: FakeProxy) -> None:
    env = {**env_for(proxy), "SHIM_DEMO_MODEL": "my-chat", "SHIM_DEMO_RERANK_MODEL": "my-rerank"}
    env["SHIM_DEMO_TRANSCRIPTION_MODEL"] = "my-whisper"
    result = shim_cli("demo", "--embedding-model", "my-embed", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"shim demo: gateway {proxy.url} (from LITELLM_PROXY_API_BASE), key sk-...-key" in result.stdout
    assert "skipped: set SHIM_DEMO_IMAGE_MODEL" in result.stdout
    assert result.stdout.endswith("\n8 ok, 0 failed, 3 skipped\n")
    sent = {(r.path, (r.json or {}).get("model")) for r in proxy.requests if r.body[:1] == b"{"}
    assert sent == {
        ("/chat/completions", "my-chat"),
        ("/responses", "my-chat"),
        ("/embeddings", "my-embed"),
        ("/rerank", "my-rerank"),
    }
    assert any(r.path == "/audio/transcriptions" and r.form["file"][0] == "silence.wav" for r in proxy.requests)


def test_demo_against_a_broken_gateway_fails_each_row_and_exits_1(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    result = shim_cli("--retries", "0", "demo", "--chat-model", "m", "--api-base", url, "--api-key", "sk-1")
    assert result.returncode == 1
    assert "FAIL connection refused" in result.stdout
    assert result.stdout.endswith("\n0 ok, 5 failed, 6 skipped\n")


def test_models_info(proxy: FakeProxy) -> None:
    result = shim_cli("models", "--info", *flags(proxy))
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "fake-chat  context=128000  $/token in=1e-06 out=2e-06  "
        "supports function_calling,parallel_function_calling,response_schema,system_messages,tool_choice,vision"
    )
    assert lines[2] == "fake-rerank  context=?"
    as_json = json.loads(shim_cli("models", "--info", "--json", *flags(proxy)).stdout)
    assert as_json["fake-embedding"]["max_input_tokens"] == 8191
    assert [r.path for r in proxy.requests].count("/model/info") == 2  # once per run, not once per model
