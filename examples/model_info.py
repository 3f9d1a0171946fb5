"""What the gateway knows of its models: context, price, capabilities; the cost of a call; a token count."""

from __future__ import annotations

import os

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_CHAT_MODEL", "fake-chat")
MESSAGES = [{"role": "user", "content": "Hello there"}]


def main() -> None:
    with gateway():
        info = shim.get_model_info(MODEL)
        print(f"{MODEL}: context {info.get('max_input_tokens')}, ${info.get('input_cost_per_token')} per input token")
        print("function calling:", shim.supports_function_calling(MODEL), "vision:", shim.supports_vision(MODEL))
        print("prompt tokens:", shim.token_counter(MODEL, messages=MESSAGES))
        response = shim.completion(MODEL, MESSAGES)
        try:
            print(f"cost: ${shim.completion_cost(completion_response=response):.6f}")
        except ValueError as error:  # the gateway has no price for this model
            print(error)
        shim.close()


if __name__ == "__main__":
    main()
