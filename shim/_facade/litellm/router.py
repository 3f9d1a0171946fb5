"""`litellm.router` under `shim.as_litellm()`: LiteLLM's `Router` is shim's, for gateway models
(smolagents' `LiteLLMRouterModel` imports it from here)."""

from shim._balancer.router import Router as Router

__all__ = ["Router"]
