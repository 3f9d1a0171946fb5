"""`litellm.router` under `shim.as_litellm()`: not served yet."""

from shim._facade._answers import ROUTER_MISSING

raise ImportError(ROUTER_MISSING, name="litellm.router")
