"""The seed document's chat examples, through shim instead of LiteLLM.

Runs against LITELLM_PROXY_API_BASE / LITELLM_PROXY_API_KEY when set, else an embedded FakeProxy.
Set SHIM_EXAMPLE_MODEL to pick the model group on a real gateway (default: "your-model-name").
"""

from __future__ import annotations

import os

from _gateway import gateway  # examples/ is on sys.path when a script in it runs

import shim as litellm  # the only line that changes in LiteLLM code

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")
messages = [{"content": "Hello, how are you?", "role": "user"}]


def main() -> None:
    with gateway() as (api_base, api_key):
        # Usage (non streaming): base URL and key from the environment.
        response = litellm.completion(model=MODEL, messages=messages)
        print("plain:     ", response.choices[0].message.content)

        # Usage: passing api_base, api_key per request.
        response = litellm.completion(model=MODEL, messages=messages, api_base=api_base, api_key=api_key)
        print("per-call:  ", response["choices"][0]["message"]["content"], f"(model={response.model})")

        # Usage: streaming.
        print("streaming: ", end="")
        for chunk in litellm.completion(model=MODEL, messages=messages, api_base=api_base, stream=True):
            if chunk.choices:
                print(chunk.choices[0].delta.content or "", end="", flush=True)
        print()
        litellm.close()


if __name__ == "__main__":
    main()
