"""Anthropic's Messages API through the gateway, whole and streamed."""

from __future__ import annotations

import os

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_ANTHROPIC_MODEL", "claude-sonnet")
MESSAGES = [{"role": "user", "content": "Say hello in five words"}]


def main() -> None:
    with gateway():
        response = shim.anthropic.messages.create(max_tokens=100, messages=MESSAGES, model=MODEL, system="Be brief")
        print(response.content[0].text, f"({response['usage']['output_tokens']} tokens)")
        for event in shim.anthropic.messages.create(max_tokens=100, messages=MESSAGES, model=MODEL, stream=True):
            if event.type == "content_block_delta" and event.delta:
                print(event.delta.get("text", ""), end="", flush=True)
        print()
        shim.close()


if __name__ == "__main__":
    main()
