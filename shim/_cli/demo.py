"""`shim demo`: every endpoint through the shim, printed as a table (endpoint, result, latency).

With no gateway configured it starts an embedded `FakeProxy` on loopback; with LITELLM_PROXY_API_BASE (or
`--api-base`) set it talks to that gateway, using the models named by `SHIM_DEMO_*_MODEL` (endpoints without a
model are skipped).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
import wave
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any, TextIO

import shim
from shim._cli.explain import explain
from shim._errors import mask
from shim._router import ENV_BASE, ENV_KEY, check_api_key, lookup, normalize_base_url
from shim.exceptions import ConfigError
from shim.testing import FakeProxy

KINDS = ("chat", "text", "embedding", "image", "speech", "transcription", "rerank")
"""The model each group of endpoints needs; `chat` also serves the Responses API."""

FAKE_MODELS = {kind: f"fake-{kind}" for kind in KINDS}
_MESSAGES = [{"role": "user", "content": "Hello from shim"}]
_DOCUMENTS = ["Paris is the capital of France", "Berlin is in Germany", "The capital of Spain is Madrid"]
_WIDTH = 58


def env_name(kind: str) -> str:
    """The environment variable naming the demo's model for `kind` on a real gateway."""
    return "SHIM_DEMO_MODEL" if kind == "chat" else f"SHIM_DEMO_{kind.upper()}_MODEL"


@dataclass
class Demo:
    """One run: where calls go, which models they use, and how the rows went."""

    options: dict[str, Any] = field(repr=False)
    models: Mapping[str, str | None]
    out: TextIO
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    audio: bytes | None = None

    def row(self, endpoint: str, kind: str | None, call: Callable[[Demo, str], str]) -> None:
        """Run one endpoint with the model for `kind` (None: the endpoint takes no model) and print its row."""
        model = self.models.get(kind) if kind else ""
        if model is None:
            self.skipped += 1
            self._print(endpoint, f"skipped: set {env_name(str(kind))}", "")
            return
        started = perf_counter()
        try:
            summary = call(self, model)
            self.ok += 1
        except Exception as error:
            self.failed += 1
            summary = "FAIL " + explain(error, self.options["api_base"], model)
        self._print(endpoint, summary, f"{(perf_counter() - started) * 1000:.1f} ms")

    def _print(self, endpoint: str, summary: str, latency: str) -> None:
        summary = summary.replace("\n", " ")
        if len(summary) > _WIDTH:
            summary = summary[: _WIDTH - 3] + "..."
        print(f"{endpoint:<20} {summary:<{_WIDTH}} {latency:>9}", file=self.out, flush=True)


def demo(
    api_base: str | None = None,
    api_key: str | None = None,
    *,
    models: Mapping[str, str | None] | None = None,
    fake: bool = False,
    out: TextIO | None = None,
    **call_options: Any,
) -> bool:
    """Run every endpoint once and print the table; True when no endpoint failed.

    `models` maps a kind of model (`KINDS`) to its name on a real gateway; `call_options` (`timeout`,
    `num_retries`, ...) go to every call.
    """
    stream = out or sys.stdout
    with _gateway(api_base, api_key, fake, stream) as (base_url, key, defaults):
        chosen = {kind: _model(kind, models or {}, defaults) for kind in KINDS}
        options = {**call_options, "api_base": base_url, "api_key": key, "custom_llm_provider": "litellm_proxy"}
        run = Demo(options, chosen, stream)
        print(f"{'endpoint':<20} {'result':<{_WIDTH}} {'latency':>9}", file=stream)
        for endpoint, kind, call in ROWS:
            run.row(endpoint, kind, call)
        print(f"\n{run.ok} ok, {run.failed} failed, {run.skipped} skipped", file=stream)
    shim.close()
    return run.failed == 0


@contextlib.contextmanager
def _gateway(
    api_base: str | None, api_key: str | None, fake: bool, out: TextIO
) -> Generator[tuple[str, str, Mapping[str, str]]]:
    """Yield (base URL, key, default models): the configured gateway's, or an embedded FakeProxy's."""
    base = lookup("api_base", api_base, given_as="--api-base")
    if base.value and not fake:
        key = lookup("api_key", api_key, given_as="--api-key")
        if key.value is None:
            raise ConfigError(f"no gateway api_key for {base.value}: set {ENV_KEY}=sk-... or pass --api-key")
        resolved = check_api_key(key.value)
        url = normalize_base_url(base.value)
        print(f"shim demo: gateway {url} (from {base.source}), key {mask(resolved)} (from {key.source})\n", file=out)
        yield url, resolved, {}
        return
    with FakeProxy() as proxy:
        print(f"shim demo: embedded FakeProxy at {proxy.url} (set {ENV_BASE} to use a real gateway)\n", file=out)
        yield proxy.url, proxy.api_key, FAKE_MODELS


def _model(kind: str, flags: Mapping[str, str | None], defaults: Mapping[str, str]) -> str | None:
    return flags.get(kind) or os.environ.get(env_name(kind)) or defaults.get(kind)


def _completion(run: Demo, model: str) -> str:
    return _chat_summary(shim.completion(model, _MESSAGES, stream=False, **run.options))


def _completion_stream(run: Demo, model: str) -> str:
    options = {**run.options, "stream_options": {"include_usage": True}}
    with shim.completion(model, _MESSAGES, stream=True, **options) as chunks:
        received = list(chunks)
    full: Any = shim.stream_chunk_builder(received)
    return f"{len(received)} chunks -> {_quote(full.choices[0].message.content)}"


def _acompletion(run: Demo, model: str) -> str:
    return _chat_summary(asyncio.run(shim.acompletion(model, _MESSAGES, stream=False, **run.options)))


def _text_completion(run: Demo, model: str) -> str:
    return _quote(shim.text_completion(model, "Say hello", stream=False, **run.options).choices[0].text)


def _responses(run: Demo, model: str) -> str:
    return _quote(shim.responses(model, input="Hello from shim", stream=False, **run.options).output_text)


def _embedding(run: Demo, model: str) -> str:
    response = shim.embedding(model, input=["hello", "world"], **run.options)
    return f"{len(response.data)} vectors of {len(response.data[0].embedding)} dimensions"


def _image(run: Demo, model: str) -> str:
    images = shim.image_generation(model, prompt="A lighthouse at dawn", **run.options).data or []
    first = images[0] if images else None
    where = (first.url or f"{len(first.b64_json or '')} base64 characters") if first else "no data"
    return f"{len(images)} image: {where}"


def _speech(run: Demo, model: str) -> str:
    with shim.speech(model, input="Hello from shim", voice="alloy", **run.options) as audio:
        run.audio = audio.content
        kind = audio.response.headers.get("content-type", "audio")
    return f"{len(run.audio)} bytes of {kind}"


def _transcription(run: Demo, model: str) -> str:
    upload = ("hello.mp3", run.audio) if run.audio else ("silence.wav", _silence())
    return _quote(shim.transcription(model, file=upload, **run.options).text)


def _silence() -> bytes:
    """Half a second of silent 16 kHz mono WAV: something to transcribe when the speech row did not run."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(16000)
        audio.writeframes(b"\0\0" * 8000)
    return buffer.getvalue()


def _rerank(run: Demo, model: str) -> str:
    options = {**run.options, "top_n": 2}
    response = shim.rerank(model, query="What is the capital of France?", documents=_DOCUMENTS, **options)
    best = response.results[0]
    return f"best: {_quote(_DOCUMENTS[best.index])} ({best.relevance_score:.2f})"


def _models(run: Demo, _model: str) -> str:
    names = shim.models(**{k: v for k, v in run.options.items() if k != "custom_llm_provider"})
    return f"{len(names)}: {', '.join(names)}"


def _quote(text: str | None) -> str:
    return f'"{(text or "").strip()}"'


def _chat_summary(response: shim.ModelResponse) -> str:
    tokens = f" ({response.usage.total_tokens} tokens)" if response.usage else ""
    return _quote(response.choices[0].message.content) + tokens


ROWS: tuple[tuple[str, str | None, Callable[[Demo, str], str]], ...] = (
    ("completion", "chat", _completion),
    ("completion stream", "chat", _completion_stream),
    ("acompletion", "chat", _acompletion),
    ("text_completion", "text", _text_completion),
    ("responses", "chat", _responses),
    ("embedding", "embedding", _embedding),
    ("image_generation", "image", _image),
    ("speech", "speech", _speech),
    ("transcription", "transcription", _transcription),
    ("rerank", "rerank", _rerank),
    ("models", None, _models),
)
"""Each row: the endpoint, the kind of model it needs (None: no model), and the call that summarizes its result."""
