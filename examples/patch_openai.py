"""Unchanged openai-SDK code talking to a LiteLLM gateway: only the model strings say `litellm_proxy/`.

Runs against LITELLM_PROXY_API_BASE / LITELLM_PROXY_API_KEY when set, else an embedded FakeProxy. The calls
without the prefix go to OpenAI (OPENAI_API_KEY), or to a second FakeProxy standing in for it when no key is set.
Set SHIM_EXAMPLE_MODEL to pick the model group on a real gateway (default: "your-model-name").
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from _gateway import gateway  # examples/ is on sys.path when a script in it runs
from openai import OpenAI

import shim
from shim.testing import FakeProxy

GATEWAY_MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")
messages = [{"role": "user", "content": "Hello, how are you?"}]


def existing_code(client: OpenAI) -> None:
    """openai code as it was written, except for the model string of the gateway calls."""
    response = client.chat.completions.create(model=GATEWAY_MODEL, messages=messages)
    print("gateway:          ", response.choices[0].message.content)

    print("gateway, streamed: ", end="")
    with client.chat.completions.create(model=GATEWAY_MODEL, messages=messages, stream=True) as stream:
        for chunk in stream:
            if chunk.choices:
                print(chunk.choices[0].delta.content or "", end="", flush=True)
    print()

    raw = client.chat.completions.with_raw_response.create(model=GATEWAY_MODEL, messages=messages)
    print("gateway, raw:      ", raw.parse().choices[0].message.content, f"({raw.headers.get('x-litellm-model-id')})")

    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    print("openai:           ", response.choices[0].message.content)


@contextlib.contextmanager
def openai_account() -> Iterator[OpenAI]:
    """The user's own OpenAI client: the real one when OPENAI_API_KEY is set, else a stand-in on loopback."""
    if os.environ.get("OPENAI_API_KEY"):
        with OpenAI() as client:
            yield client
        return
    with (
        FakeProxy(api_key="sk-openai-stand-in") as stand_in,
        OpenAI(base_url=stand_in.url, api_key="sk-openai-stand-in") as client,
    ):
        print(f"(no OPENAI_API_KEY set: a FakeProxy at {stand_in.url} stands in for OpenAI)")
        yield client


def main() -> None:
    with gateway(), openai_account() as client, shim.patch_openai():
        existing_code(client)
    shim.close()


if __name__ == "__main__":
    main()
