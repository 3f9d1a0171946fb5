"""`litellm.integrations.custom_logger` under `shim.as_litellm()`: shim's `CustomLogger`."""

from shim.integrations.custom_logger import CustomLogger

__all__ = ["CustomLogger"]
