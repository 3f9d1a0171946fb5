"""LiteLLM's `litellm.integrations` names that make sense without LiteLLM: `custom_logger.CustomLogger`."""
