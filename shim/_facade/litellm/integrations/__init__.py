"""`litellm.integrations` under `shim.as_litellm()`: only `custom_logger`."""
