"""`litellm._logging` under `shim.as_litellm()`: LiteLLM's logger names (shim logs on `shim`) and debug switches."""

from shim._facade._answers import disable_debugging as _disable_debugging
from shim._facade._answers import turn_on_debug as _turn_on_debug
from shim._facade._answers import verbose_logger, verbose_proxy_logger, verbose_router_logger

__all__ = ["_disable_debugging", "_turn_on_debug", "verbose_logger", "verbose_proxy_logger", "verbose_router_logger"]
