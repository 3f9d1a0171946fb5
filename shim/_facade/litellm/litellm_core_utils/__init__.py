"""`litellm.litellm_core_utils` under `shim.as_litellm()`: only `get_supported_openai_params`."""
