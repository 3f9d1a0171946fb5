"""Chat completion, plain and with per-request api_base/api_key, as in LiteLLM's docs."""

from __future__ import annotations

import os

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")


def main() -> None:
    with gateway() as (api_base, api_key):
        messages = [{"role": "user", "content": "Hello, how are you?"}]
        response = shim.completion(model=MODEL, messages=messages, api_base=api_base, api_key=api_key)
        print("reply:", response.choices[0].message.content)
        print("model:", response.model, "| cost:", response._hidden_params["response_cost"])
        messages += [response.choices[0].message, {"role": "user", "content": "And again?"}]
        print("reply:", shim.completion(model=MODEL, messages=messages)["choices"][0]["message"]["content"])
        shim.close()


if __name__ == "__main__":
    main()
