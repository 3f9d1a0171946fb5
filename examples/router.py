"""A Router over two gateways, one of them down: calls move to the healthy one, and the failing one sits out.

With LITELLM_PROXY_API_BASE set, the healthy gateway is yours; the failing one is always an embedded FakeProxy
that answers 503 to everything.
"""

from __future__ import annotations

import collections
import os

from _gateway import gateway

import shim
from shim.testing import FakeProxy

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")


def main() -> None:
    with gateway() as (api_base, api_key), FakeProxy() as broken:
        broken.respond(503, times=1_000)  # this gateway is down
        router = shim.Router(
            model_list=[
                {
                    "model_name": "chat",
                    "litellm_params": {"model": MODEL, "api_base": broken.url, "api_key": broken.api_key},
                    "model_info": {"id": "gateway-down"},
                },
                {
                    "model_name": "chat",
                    "litellm_params": {"model": MODEL, "api_base": api_base, "api_key": api_key},
                    "model_info": {"id": "gateway-up"},
                },
            ],
            num_retries=2,  # within the group: a retry goes to a deployment the call has not failed on
            allowed_fails=1,  # a deployment that fails more than once ...
            cooldown_time=30,  # ... sits out this long
        )
        served: collections.Counter[str] = collections.Counter()
        for _ in range(20):
            response = router.completion(model="chat", messages=[{"role": "user", "content": "Hello!"}])
            served[response._hidden_params["model_id"]] += 1
        print("served by:", dict(served))  # every call answered, by the healthy gateway
        print("requests the broken gateway got:", len(broken.requests))
        print("cooling down now:", router.get_cooldown_deployments())
        shim.close()


if __name__ == "__main__":
    main()
