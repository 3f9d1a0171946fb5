"""`litellm.token_counter` counted in the process, as LiteLLM 1.108.7 counts for a model it does not know.

The facade asks the gateway when one is configured; with none (or a name it cannot route), it counts here, the
way litellm/litellm_core_utils/token_counter.py counts for a `litellm_proxy/...` name: LiteLLM picks no
Hugging Face tokenizer for such a name and counts with tiktoken's `cl100k_base` (the encoding of the
`gpt-3.5-turbo` it falls back to), 3 tokens per message, 1 per name, 3 to prime the reply, the tools in the
TypeScript-like form OpenAI renders them in, plus 9 (4 less beside a system message), and the tool choice.

The tokenizer is tiktoken's, when tiktoken is importable and the `cl100k_base` file is on this machine: LiteLLM
ships it (litellm/litellm_core_utils/tokenizers/, found through the installed distribution's files, never by
importing litellm, which the facade stands in for), and tiktoken caches it (TIKTOKEN_CACHE_DIR,
DATA_GYM_CACHE_DIR, its temp folder). The file is read only when its checksum is tiktoken's, and nothing is ever
downloaded. Without it, each text is estimated as a quarter of its UTF-8 bytes, rounded up: the scale of a BPE
count for English, not LiteLLM's number.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.metadata
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, cast

Count = Callable[[str], int]

# tiktoken_ext/openai_public.py (tiktoken 0.14): where tiktoken fetches `cl100k_base`, its checksum, its pattern
# and its special tokens. tiktoken caches the file under the sha1 of that URL, and LiteLLM ships it so named.
_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|"""
    r"""\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}
_CACHE_VARIABLES = ("CUSTOM_TIKTOKEN_CACHE_DIR", "TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")

# litellm/constants.py defaults: texts are encoded in chunks (tiktoken is quadratic in a long run of one
# character), and beyond the exact limit counted on evenly spaced samples and scaled up.
_CHUNK_CHARS = 1024
_MAX_EXACT_CHARS = 4_000_000
_SAMPLES = 16
# An image is 85 tokens at low or auto detail; LiteLLM's fixed count when told not to look at images; and, at high
# detail, the count for LiteLLM's default size (300x300: one tile), as the facade neither fetches nor decodes.
_IMAGE_TOKENS = 85
_DEFAULT_IMAGE_TOKENS = 250
_HIGH_DETAIL_TOKENS = _IMAGE_TOKENS + 2 * _IMAGE_TOKENS
# Anthropic blocks' fields LiteLLM counts (their TypedDicts' fields less ids, types and cache settings).
_BLOCK_FIELDS = {
    "tool_use": ("name", "input", "caller"),
    "tool_result": ("content",),
    "search_result": ("source", "title", "content"),
}


def count_tokens(
    custom_tokenizer: object = None,
    text: object = None,
    messages: object = None,
    count_response_tokens: object = False,
    tools: object = None,
    tool_choice: object = None,
    use_default_image_token_count: object = False,
    default_token_count: int | None = None,
    **gateway: object,  # the gateway's settings (`api_key`, `timeout`, ...): not needed here
) -> int:
    """LiteLLM's `token_counter` for a model it does not know, with its checks and its errors (ValueError)."""
    if text is not None and messages is not None:
        raise ValueError("text and messages cannot both be set")
    count = tokenizer() if custom_tokenizer is None else _custom(custom_tokenizer)
    if text is not None:
        if tools or tool_choice:
            raise ValueError("tools or tool_choice cannot be set if using text")
        return count(_joined(text))
    if messages is None:
        raise ValueError("Either text or messages must be provided")
    listed = [_message_dict(message) for message in cast("Iterable[object]", messages)]
    images = _DEFAULT_IMAGE_TOKENS if use_default_image_token_count else _IMAGE_TOKENS
    total = sum(_message_tokens(message, count, images, default_token_count) for message in listed)
    if count_response_tokens is False:
        system = any(message.get("role") == "system" for message in listed)
        total += _extra_tokens(count, tools, tool_choice, system)
    return total


def tokenizer() -> Count:
    """tiktoken's `cl100k_base` count, chunked as LiteLLM encodes, if it is here offline; else the estimate."""
    found = _bpe_file(tuple(os.environ.get(name) for name in _CACHE_VARIABLES))
    encoding = _encoding(found) if found is not None else None
    if encoding is None:
        return estimate
    encode: Callable[[str], list[int]] = encoding.encode_ordinary  # LiteLLM: encode(text, disallowed_special=())

    def exact(text: str) -> int:
        return sum(len(encode(text[start : start + _CHUNK_CHARS])) for start in range(0, len(text), _CHUNK_CHARS))

    return functools.partial(_extrapolated, exact)


def _custom(custom_tokenizer: object) -> Count:
    """LiteLLM's `custom_tokenizer` (from its `create_pretrained_tokenizer`): a Hugging Face tokenizer counts."""
    chosen = _fields(custom_tokenizer)
    if chosen.get("type") == "openai_tokenizer":
        return tokenizer()
    if chosen.get("type") != "huggingface_tokenizer":
        raise ValueError("Unsupported tokenizer type: custom_tokenizer must be {'type': ..., 'tokenizer': ...}")
    encode: Callable[[list[str]], list[Any]] = chosen["tokenizer"].encode_batch_fast
    return functools.partial(_extrapolated, lambda text: len(encode([text])[0]))


def estimate(text: str) -> int:
    """A text's tokens when no tokenizer is here: a quarter of its UTF-8 bytes, rounded up."""
    return math.ceil(len(text.encode("utf-8", "surrogatepass")) / 4)


def _extrapolated(exact: Count, text: str) -> int:
    if len(text) <= _MAX_EXACT_CHARS:
        return exact(text)
    size = _MAX_EXACT_CHARS // _SAMPLES
    last = len(text) - size
    samples = [text[start : start + size] for start in (last * i // (_SAMPLES - 1) for i in range(_SAMPLES))]
    return round(sum(exact(sample) for sample in samples) * len(text) / (size * _SAMPLES))


@functools.cache
def _bpe_file(folders: tuple[str | None, ...]) -> Path | None:
    """The cached `cl100k_base` file, in the folders the environment names, LiteLLM's own, or tiktoken's."""
    name = hashlib.sha1(_URL.encode()).hexdigest()  # noqa: S324 - tiktoken's cache key, not a security use
    candidates = [*(Path(folder) for folder in folders if folder), *_litellm_files(name)]
    candidates.append(Path(tempfile.gettempdir()) / "data-gym-cache")
    return next((folder / name for folder in candidates if (folder / name).is_file()), None)


def _litellm_files(name: str) -> list[Path]:
    """LiteLLM's tokenizer folder, from its installed distribution's record (litellm is not imported)."""
    try:
        distribution = importlib.metadata.distribution("litellm")
    except importlib.metadata.PackageNotFoundError:
        return []
    wanted = f"litellm/litellm_core_utils/tokenizers/{name}"
    if not any(str(file) == wanted for file in distribution.files or ()):
        return []
    return [Path(str(distribution.locate_file(wanted))).parent]


@functools.cache
def _encoding(path: Path) -> Any:
    """tiktoken's `cl100k_base` built from the file at `path` (None without tiktoken or for a file not tiktoken's)."""
    try:
        import tiktoken
    except ImportError:
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != _SHA256:
        return None
    ranks = {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)}
    return tiktoken.Encoding("cl100k_base", pat_str=_PATTERN, mergeable_ranks=ranks, special_tokens=_SPECIAL)


def _fields(value: object) -> Mapping[str, Any]:
    """`value` if it is a mapping (the caller's JSON-like data), else an empty one."""
    return cast("Mapping[str, Any]", value) if isinstance(value, Mapping) else {}


def _joined(text: object) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(part for part in cast("list[object]", text) if isinstance(part, str))
    raise TypeError(f"text must be a string or a list of strings, not {type(text).__name__}")


def _message_dict(message: object) -> dict[str, Any]:
    dump = getattr(message, "model_dump", None)
    if callable(dump):
        message = dump(exclude_none=True)
    if not isinstance(message, Mapping):
        raise TypeError(f"Invalid message type: {type(message).__name__}. Expected dict or Pydantic model.")
    return {key: value for key, value in cast("Mapping[str, Any]", message).items() if value is not None}


def _message_tokens(message: dict[str, Any], count: Count, images: int, default: int | None) -> int:
    total = 3  # every message is <|start|>{role/name}\n{content}<|end|>\n
    for key, value in message.items():
        if key in ("tool_calls", "function_call"):
            total += _call_tokens(key, value, count)
        elif isinstance(value, str):
            total += count(value) + (1 if key == "name" else 0)
        elif key == "content" and isinstance(value, list):
            total += _content_tokens(cast("list[Any]", value), count, images, default)
    return total


def _call_tokens(key: str, value: Any, count: Count) -> int:
    """An assistant message's calls: only their arguments count (the names are in the tools)."""
    if key == "function_call":
        if not isinstance(value, Mapping):
            raise ValueError(f"Unsupported type {type(value)} for key function_call")
        return count(str(cast("Mapping[str, Any]", value).get("arguments", "")))
    if not isinstance(value, list):
        raise ValueError(f"Unsupported type {type(value)} for key tool_calls")
    total = 0
    for call in cast("list[Any]", value):
        if not isinstance(call, Mapping) or "function" not in call:
            raise ValueError(f"Unsupported tool call {call} must contain a function key")
        total += count(str(cast("Mapping[str, Any]", call)["function"].get("arguments", "")))
    return total


def _content_tokens(blocks: list[Any], count: Count, images: int, default: int | None) -> int:
    try:
        return sum(_block_tokens(block, count, images, default) for block in blocks)
    except Exception as error:
        if default is not None:
            return default
        raise ValueError(f"Error getting number of tokens from content list: {error}") from error


def _block_tokens(block: Any, count: Count, images: int, default: int | None) -> int:
    if isinstance(block, str):
        return count(block)
    kind = block["type"]
    if kind == "text":
        return count(str(block.get("text", "")))
    if kind in ("thinking", "redacted_thinking"):
        return count(str(block.get("thinking", "")))
    if kind == "tool_reference":
        return count(str(block.get("tool_name") or ""))
    if kind == "image_url":
        return _image_url_tokens(block.get("image_url"), images)
    if kind == "image":
        return images
    if kind in _BLOCK_FIELDS:
        fields = (block.get(field) for field in _BLOCK_FIELDS[kind])
        return sum(_field_tokens(value, count, images, default) for value in fields if value is not None)
    if kind == "document":
        return _document_tokens(block, count, images, default)
    if kind == "file":
        file = block.get("file")
        if not isinstance(file, Mapping):
            return 0
        name, data = cast("Mapping[str, Any]", file).get("filename"), cast("Mapping[str, Any]", file).get("file_data")
        named = count(name) if isinstance(name, str) and name else 0
        return named + (images if isinstance(data, str) and data else 0)
    raise ValueError(f"Invalid content item type: {kind}")


def _field_tokens(value: Any, count: Count, images: int, default: int | None) -> int:
    if isinstance(value, str):
        return count(value)
    if isinstance(value, list):
        return _content_tokens(cast("list[Any]", value), count, images, default)
    return count(str(cast("object", value))) if isinstance(value, dict) else 0


def _document_tokens(document: Mapping[str, Any], count: Count, images: int, default: int | None) -> int:
    source = document["source"]
    tokens = sum(count(text) for text in (document.get("title"), document.get("context")) if text)
    if source["type"] == "text":
        return tokens + count(source["data"])
    if source["type"] == "content":
        content = source["content"]
        return tokens + (
            count(content) if isinstance(content, str) else _content_tokens(content, count, images, default)
        )
    return tokens + images  # a PDF or an image: priced as one image (LiteLLM reads a PDF's pages with pypdf)


def _image_url_tokens(image_url: object, images: int) -> int:
    if isinstance(image_url, Mapping):
        detail = cast("Mapping[str, Any]", image_url).get("detail", "auto")
        if detail not in ("low", "high", "auto"):
            raise ValueError(f"Invalid detail value: {detail}. Expected 'low', 'high', or 'auto'.")
        if not cast("Mapping[str, Any]", image_url).get("url"):
            raise ValueError("Missing required key 'url' in image_url dict.")
        return _HIGH_DETAIL_TOKENS if detail == "high" and images == _IMAGE_TOKENS else images
    if isinstance(image_url, str) and image_url.strip():
        return images
    raise ValueError(f"Invalid image_url: {image_url!r}. Expected a URL or a dict with 'url'.")


def _extra_tokens(count: Count, tools: object, tool_choice: object, system: bool) -> int:
    total = 3  # every reply is primed with <|start|>assistant<|message|>
    if tools:
        total += count(_tool_definitions(cast("list[Any]", tools))) + 9 - (4 if system else 0)
    if tool_choice == "none":
        total += 1
    elif isinstance(tool_choice, dict):
        total += 7 + count(str(cast("dict[str, Any]", tool_choice)["function"]["name"]))
    return total


# --- the tools, as OpenAI renders them (LiteLLM's `_format_function_definitions`) --------------------------------


def _tool_definitions(tools: list[Any]) -> str:
    lines = ["namespace functions {", ""]
    for tool in tools:
        if isinstance(tool, Mapping):
            for function in _functions(cast("Mapping[str, Any]", tool)):
                lines.extend(_function_lines(function))
    lines.append("} // namespace functions")
    return "\n".join(lines)


def _functions(tool: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    function = tool.get("function")
    if isinstance(function, Mapping):
        return [cast("Mapping[str, Any]", function)]
    declarations = tool.get("function_declarations") or tool.get("functionDeclarations")
    if isinstance(declarations, list):
        return [item for item in cast("list[Any]", declarations) if isinstance(item, Mapping)]
    parameters = _fields(tool.get("input_schema") or tool.get("parameters"))
    return [{"name": tool.get("name"), "description": tool.get("description"), "parameters": parameters}]


def _function_lines(function: Mapping[str, Any]) -> list[str]:
    name = function.get("name")
    if not name:
        return []
    description = function.get("description")
    lines = [f"// {description}"] if description else []
    parameters = _fields(function.get("parameters"))
    properties = parameters.get("properties")
    if isinstance(properties, Mapping) and properties:
        lines += [f"type {name} = (_: {{", _object_lines(parameters, 0), "}) => any;", ""]
    else:
        lines += [f"type {name} = () => any;", ""]
    return lines


def _object_lines(parameters: Mapping[str, Any], indent: int) -> str:
    properties: Mapping[str, Any] | None = parameters.get("properties")
    if not properties:
        return ""
    required = parameters.get("required", [])
    lines: list[str] = []
    for key, schema in properties.items():
        if schema.get("description"):
            lines.append(f"// {schema['description']}")
        optional = "" if required and key in required else "?"
        lines.append(f"{key}{optional}: {_type(schema, indent)},")
    return "\n".join(" " * max(0, indent) + line for line in lines)


def _type(schema: Mapping[str, Any], indent: int) -> str:
    kind = schema.get("type")
    if kind in ("string", "integer", "number") and "enum" in schema:
        return " | ".join(f'"{item}"' for item in schema["enum"])
    if kind == "array":
        return f"{_type(schema['items'], indent)}[]"
    if kind == "object":
        return f"{{\n{_object_lines(schema, indent + 2)}\n}}"
    names = {"string": "string", "integer": "number", "number": "number", "boolean": "boolean", "null": "null"}
    return names.get(kind, "any") if isinstance(kind, str) else "any"
