"""`shim.OpenAI`: the openai SDK's own client, pointed at the LiteLLM gateway by the shim's configuration.

For code that talks to the gateway but has no model string to route on (models, files, batches, ...), or that
wants every SDK helper (parse, stream managers, raw responses) with the gateway's URL and key. Runs against
LITELLM_PROXY_API_BASE / LITELLM_PROXY_API_KEY when set, else an embedded FakeProxy.
"""

from __future__ import annotations

import os

from _gateway import gateway  # examples/ is on sys.path when a script in it runs

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")
messages = [{"role": "user", "content": "Hello, how are you?"}]


def main() -> None:
    with gateway():
        client = shim.OpenAI()  # LITELLM_PROXY_API_BASE / LITELLM_PROXY_API_KEY, never OPENAI_*
        print("models:   ", [model.id for model in client.models.list()])

        with client.chat.completions.stream(model=MODEL, messages=messages) as stream:
            print("streamed: ", stream.get_final_completion().choices[0].message.content)

        raw = client.with_options(timeout=30).chat.completions.with_raw_response.create(model=MODEL, messages=messages)
        print("raw:      ", raw.headers.get("x-litellm-model-id"), raw.parse().choices[0].message.content)
    shim.close()


if __name__ == "__main__":
    main()
