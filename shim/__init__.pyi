"""The type stub of `shim`: written by scripts/face.py from shim/_public.py; do not edit by hand."""

from typing import Any

from shim import types as types
from shim._balancer.errors import RouterRateLimitError as RouterRateLimitError
from shim._balancer.router import Router as Router
from shim._endpoints.anthropic import anthropic as anthropic
from shim._endpoints.anthropic import anthropic_messages as anthropic_messages
from shim._endpoints.audio import aspeech as aspeech
from shim._endpoints.audio import atranscription as atranscription
from shim._endpoints.audio import speech as speech
from shim._endpoints.audio import transcription as transcription
from shim._endpoints.batch import batch_completion as batch_completion
from shim._endpoints.capabilities import supports_audio_input as supports_audio_input
from shim._endpoints.capabilities import supports_audio_output as supports_audio_output
from shim._endpoints.capabilities import supports_computer_use as supports_computer_use
from shim._endpoints.capabilities import supports_embedding_image_input as supports_embedding_image_input
from shim._endpoints.capabilities import supports_function_calling as supports_function_calling
from shim._endpoints.capabilities import supports_native_structured_output as supports_native_structured_output
from shim._endpoints.capabilities import supports_parallel_function_calling as supports_parallel_function_calling
from shim._endpoints.capabilities import supports_pdf_input as supports_pdf_input
from shim._endpoints.capabilities import supports_prompt_caching as supports_prompt_caching
from shim._endpoints.capabilities import supports_reasoning as supports_reasoning
from shim._endpoints.capabilities import supports_response_schema as supports_response_schema
from shim._endpoints.capabilities import supports_system_messages as supports_system_messages
from shim._endpoints.capabilities import supports_tool_choice as supports_tool_choice
from shim._endpoints.capabilities import supports_tool_search as supports_tool_search
from shim._endpoints.capabilities import supports_url_context as supports_url_context
from shim._endpoints.capabilities import supports_video_input as supports_video_input
from shim._endpoints.capabilities import supports_vision as supports_vision
from shim._endpoints.capabilities import supports_web_search as supports_web_search
from shim._endpoints.chat import acompletion as acompletion
from shim._endpoints.chat import atext_completion as atext_completion
from shim._endpoints.chat import completion as completion
from shim._endpoints.chat import text_completion as text_completion
from shim._endpoints.embeddings import aembedding as aembedding
from shim._endpoints.embeddings import arerank as arerank
from shim._endpoints.embeddings import embedding as embedding
from shim._endpoints.embeddings import rerank as rerank
from shim._endpoints.facts import aget_model_info as aget_model_info
from shim._endpoints.facts import amodels as amodels
from shim._endpoints.facts import atoken_counter as atoken_counter
from shim._endpoints.facts import completion_cost as completion_cost
from shim._endpoints.facts import get_model_info as get_model_info
from shim._endpoints.facts import models as models
from shim._endpoints.facts import token_counter as token_counter
from shim._endpoints.files import acancel_batch as acancel_batch
from shim._endpoints.files import acreate_batch as acreate_batch
from shim._endpoints.files import acreate_file as acreate_file
from shim._endpoints.files import afile_content as afile_content
from shim._endpoints.files import afile_delete as afile_delete
from shim._endpoints.files import afile_list as afile_list
from shim._endpoints.files import afile_retrieve as afile_retrieve
from shim._endpoints.files import alist_batches as alist_batches
from shim._endpoints.files import aretrieve_batch as aretrieve_batch
from shim._endpoints.files import cancel_batch as cancel_batch
from shim._endpoints.files import create_batch as create_batch
from shim._endpoints.files import create_file as create_file
from shim._endpoints.files import file_content as file_content
from shim._endpoints.files import file_delete as file_delete
from shim._endpoints.files import file_list as file_list
from shim._endpoints.files import file_retrieve as file_retrieve
from shim._endpoints.files import list_batches as list_batches
from shim._endpoints.files import retrieve_batch as retrieve_batch
from shim._endpoints.images import aimage_edit as aimage_edit
from shim._endpoints.images import aimage_generation as aimage_generation
from shim._endpoints.images import amoderation as amoderation
from shim._endpoints.images import image_edit as image_edit
from shim._endpoints.images import image_generation as image_generation
from shim._endpoints.images import moderation as moderation
from shim._endpoints.responses import acancel_responses as acancel_responses
from shim._endpoints.responses import adelete_responses as adelete_responses
from shim._endpoints.responses import aget_responses as aget_responses
from shim._endpoints.responses import alist_input_items as alist_input_items
from shim._endpoints.responses import aresponses as aresponses
from shim._endpoints.responses import cancel_responses as cancel_responses
from shim._endpoints.responses import delete_responses as delete_responses
from shim._endpoints.responses import get_responses as get_responses
from shim._endpoints.responses import list_input_items as list_input_items
from shim._endpoints.responses import responses as responses
from shim._facade import as_litellm as as_litellm
from shim._observe.callbacks import flush_callbacks as flush_callbacks
from shim._sdk.gateway import AsyncOpenAI as AsyncOpenAI
from shim._sdk.gateway import OpenAI as OpenAI
from shim._streaming import AsyncCustomStreamWrapper as AsyncCustomStreamWrapper
from shim._streaming import CustomStreamWrapper as CustomStreamWrapper
from shim._streaming import stream_chunk_builder as stream_chunk_builder
from shim._transport.clients import CACHE as _CACHE
from shim._version import __version__ as __version__
from shim.exceptions import APIConnectionError as APIConnectionError
from shim.exceptions import APIError as APIError
from shim.exceptions import APIResponseValidationError as APIResponseValidationError
from shim.exceptions import AuthenticationError as AuthenticationError
from shim.exceptions import BadGatewayError as BadGatewayError
from shim.exceptions import BadRequestError as BadRequestError
from shim.exceptions import ConfigError as ConfigError
from shim.exceptions import ConflictError as ConflictError
from shim.exceptions import ContentPolicyViolationError as ContentPolicyViolationError
from shim.exceptions import ContextWindowExceededError as ContextWindowExceededError
from shim.exceptions import InternalServerError as InternalServerError
from shim.exceptions import NotFoundError as NotFoundError
from shim.exceptions import PermissionDeniedError as PermissionDeniedError
from shim.exceptions import RateLimitError as RateLimitError
from shim.exceptions import RedirectError as RedirectError
from shim.exceptions import ResponseTooLargeError as ResponseTooLargeError
from shim.exceptions import RouteError as RouteError
from shim.exceptions import ServiceUnavailableError as ServiceUnavailableError
from shim.exceptions import Timeout as Timeout
from shim.exceptions import UnprocessableEntityError as UnprocessableEntityError
from shim.integrations.custom_logger import CustomLogger as CustomLogger
from shim.patch import patch_openai as patch_openai
from shim.patch import unpatch_openai as unpatch_openai
from shim.types import BinaryResponse as BinaryResponse
from shim.types import EmbeddingResponse as EmbeddingResponse
from shim.types import ImageResponse as ImageResponse
from shim.types import ModelResponse as ModelResponse
from shim.types import ModelResponseStream as ModelResponseStream
from shim.types import RerankResponse as RerankResponse
from shim.types import TextCompletionResponse as TextCompletionResponse
from shim.types._audio import TranscriptionResponse as TranscriptionResponse
from shim.types._files import Batch as Batch
from shim.types._files import BatchList as BatchList
from shim.types._files import FileDeleted as FileDeleted
from shim.types._files import FileList as FileList
from shim.types._files import FileObject as FileObject
from shim.types._moderation import ModerationResponse as ModerationResponse
from shim.types._responses import DeleteResponseResult as DeleteResponseResult
from shim.types._responses import ResponseInputItemList as ResponseInputItemList
from shim.types._responses import ResponsesAPIResponse as ResponsesAPIResponse

client_cache = _CACHE
"""The package's one cache of gateway clients (`shim.client_cache`): every call and `shim.OpenAI` share it."""

api_base: str | None
"""The gateway's base URL for every call that passes none (beats LITELLM_PROXY_API_BASE)."""
api_key: str | None
"""The gateway key for every call that passes none (beats LITELLM_PROXY_API_KEY)."""
use_litellm_proxy: bool
"""Send every model string to the gateway as it is, prefix or not."""
total_timeout: float | None
"""Seconds a whole call may take, retries and their waits included, for calls that pass no `total_timeout`."""
max_response_bytes: int | None
"""The largest non-streamed answer (decoded) a call reads, for calls that pass no `max_response_bytes`."""
input_callback: list[Any]
"""Functions called with `kwargs` before each request."""
success_callback: list[Any]
"""Functions called `fn(kwargs, response, start_time, end_time)` after each successful call (a stream: at
its end)."""
failure_callback: list[Any]
"""Functions called `fn(kwargs, None, start_time, end_time)` after each failed call (the error:
`kwargs["exception"]`)."""
callbacks: list[Any]
"""`CustomLogger` objects (or functions, as success and failure callbacks) for every call."""
ssl_verify: bool | str
"""TLS verification for every call that passes no `ssl_verify=`: False, or a CA bundle path (SSL_VERIFY
beats it)."""
client_session: Any
"""An httpx2 (openai 3.x) or httpx `Client`, e.g. `openai.DefaultHttpxClient(...)`, for sync calls: mTLS,
proxies."""
aclient_session: Any
"""The same for async calls: an `AsyncClient` of the library openai uses
(`openai.DefaultAsyncHttpxClient(...)`)."""
set_verbose: bool
"""Log each request at debug level on the `shim` logger, keys masked (as `_turn_on_debug()`,
LITELLM_LOG=DEBUG)."""

def close() -> None: ...
async def aclose() -> None: ...
def _turn_on_debug() -> None: ...
