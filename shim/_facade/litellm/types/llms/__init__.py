"""`litellm.types.llms` under `shim.as_litellm()`."""

from . import openai as openai
