"""`litellm.types.llms.openai` under `shim.as_litellm()`: the message shapes, as openai's own TypedDicts."""

from openai.types.chat import ChatCompletionAssistantMessageParam as ChatCompletionAssistantMessage
from openai.types.chat import ChatCompletionSystemMessageParam as ChatCompletionSystemMessage
from openai.types.chat import ChatCompletionToolMessageParam as ChatCompletionToolMessage
from openai.types.chat import ChatCompletionUserMessageParam as ChatCompletionUserMessage
from openai.types.chat.chat_completion_message import Annotation as ChatCompletionAnnotation

from shim._facade._extras import ChatCompletionToolCallFunctionChunk, OpenAIMessageContent

__all__ = [
    "ChatCompletionAnnotation",
    "ChatCompletionAssistantMessage",
    "ChatCompletionSystemMessage",
    "ChatCompletionToolCallFunctionChunk",
    "ChatCompletionToolMessage",
    "ChatCompletionUserMessage",
    "OpenAIMessageContent",
]
