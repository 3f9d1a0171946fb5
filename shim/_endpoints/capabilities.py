"""LiteLLM's `supports_*` checks, answered by the gateway's `/model/info` (cached per gateway and key for a
minute).

LiteLLM answers from its local price list and says False for every gateway alias it does not know; the gateway
knows what each of its model groups supports. As in LiteLLM, a model the gateway does not list supports nothing
(False); a gateway that cannot be reached, or refuses the key, raises.
"""

from __future__ import annotations

from typing import Any

from shim._endpoints.facts import UnknownModelGroup, get_model_info


def _supports(model: str, capability: str, custom_llm_provider: str | None, kwargs: dict[str, Any]) -> bool:
    try:
        info = get_model_info(model, custom_llm_provider, **kwargs)
    except UnknownModelGroup:  # bad input (an unrouted model, a bad timeout) still raises
        return False
    return info.get(f"supports_{capability}") is True


def supports_function_calling(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model calls functions (tools).

    Reads `model_info["supports_function_calling"]`.

    Example:
        >>> shim.supports_function_calling("litellm_proxy/my-alias")
    """
    return _supports(model, "function_calling", custom_llm_provider, kwargs)


def supports_parallel_function_calling(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model makes several tool calls in one turn.

    Reads `model_info["supports_parallel_function_calling"]`.

    Example:
        >>> shim.supports_parallel_function_calling("litellm_proxy/my-alias")
    """
    return _supports(model, "parallel_function_calling", custom_llm_provider, kwargs)


def supports_tool_choice(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model accepts `tool_choice`.

    Reads `model_info["supports_tool_choice"]`.

    Example:
        >>> shim.supports_tool_choice("litellm_proxy/my-alias")
    """
    return _supports(model, "tool_choice", custom_llm_provider, kwargs)


def supports_response_schema(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model follows a JSON schema (`response_format`).

    Reads `model_info["supports_response_schema"]`.

    Example:
        >>> shim.supports_response_schema("litellm_proxy/my-alias")
    """
    return _supports(model, "response_schema", custom_llm_provider, kwargs)


def supports_native_structured_output(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model has native structured output.

    Reads `model_info["supports_native_structured_output"]`.

    Example:
        >>> shim.supports_native_structured_output("litellm_proxy/my-alias")
    """
    return _supports(model, "native_structured_output", custom_llm_provider, kwargs)


def supports_vision(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model takes images.

    Reads `model_info["supports_vision"]`.

    Example:
        >>> shim.supports_vision("litellm_proxy/my-alias")
    """
    return _supports(model, "vision", custom_llm_provider, kwargs)


def supports_pdf_input(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model takes PDF input.

    Reads `model_info["supports_pdf_input"]`.

    Example:
        >>> shim.supports_pdf_input("litellm_proxy/my-alias")
    """
    return _supports(model, "pdf_input", custom_llm_provider, kwargs)


def supports_audio_input(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model takes audio input.

    Reads `model_info["supports_audio_input"]`.

    Example:
        >>> shim.supports_audio_input("litellm_proxy/my-alias")
    """
    return _supports(model, "audio_input", custom_llm_provider, kwargs)


def supports_audio_output(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model produces audio.

    Reads `model_info["supports_audio_output"]`.

    Example:
        >>> shim.supports_audio_output("litellm_proxy/my-alias")
    """
    return _supports(model, "audio_output", custom_llm_provider, kwargs)


def supports_video_input(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model takes video input.

    Reads `model_info["supports_video_input"]`.

    Example:
        >>> shim.supports_video_input("litellm_proxy/my-alias")
    """
    return _supports(model, "video_input", custom_llm_provider, kwargs)


def supports_embedding_image_input(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model embeds images.

    Reads `model_info["supports_embedding_image_input"]`.

    Example:
        >>> shim.supports_embedding_image_input("litellm_proxy/my-alias")
    """
    return _supports(model, "embedding_image_input", custom_llm_provider, kwargs)


def supports_reasoning(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model reasons (`reasoning_effort`, thinking).

    Reads `model_info["supports_reasoning"]`.

    Example:
        >>> shim.supports_reasoning("litellm_proxy/my-alias")
    """
    return _supports(model, "reasoning", custom_llm_provider, kwargs)


def supports_prompt_caching(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model caches prompts.

    Reads `model_info["supports_prompt_caching"]`.

    Example:
        >>> shim.supports_prompt_caching("litellm_proxy/my-alias")
    """
    return _supports(model, "prompt_caching", custom_llm_provider, kwargs)


def supports_computer_use(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model uses the computer-use tool.

    Reads `model_info["supports_computer_use"]`.

    Example:
        >>> shim.supports_computer_use("litellm_proxy/my-alias")
    """
    return _supports(model, "computer_use", custom_llm_provider, kwargs)


def supports_web_search(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model searches the web.

    Reads `model_info["supports_web_search"]`.

    Example:
        >>> shim.supports_web_search("litellm_proxy/my-alias")
    """
    return _supports(model, "web_search", custom_llm_provider, kwargs)


def supports_url_context(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model reads URLs given as context.

    Reads `model_info["supports_url_context"]`.

    Example:
        >>> shim.supports_url_context("litellm_proxy/my-alias")
    """
    return _supports(model, "url_context", custom_llm_provider, kwargs)


def supports_tool_search(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model searches its tools.

    Reads `model_info["supports_tool_search"]`.

    Example:
        >>> shim.supports_tool_search("litellm_proxy/my-alias")
    """
    return _supports(model, "tool_search", custom_llm_provider, kwargs)


def supports_system_messages(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
    """Whether the gateway says the model takes system messages.

    Reads `model_info["supports_system_messages"]`.

    Example:
        >>> shim.supports_system_messages("litellm_proxy/my-alias")
    """
    return _supports(model, "system_messages", custom_llm_provider, kwargs)
