"""instructor: from_litellm over litellm's completion and acompletion, with a response model."""

import asyncio

from _report import KEY, URL, report

import shim

shim.as_litellm(api_base=URL, api_key=KEY)

import instructor  # noqa: E402
import pydantic  # noqa: E402
from litellm import acompletion, completion  # noqa: E402


class City(pydantic.BaseModel):
    name: str
    population: int


messages = [{"role": "user", "content": "Paris"}]
city = instructor.from_litellm(completion).chat.completions.create(
    model="litellm_proxy/agent", messages=messages, response_model=City
)
later = asyncio.run(
    instructor.from_litellm(acompletion).chat.completions.create(
        model="litellm_proxy/agent", messages=[{"role": "user", "content": "Rome"}], response_model=City
    )
)
report(city=city.model_dump(), later=later.model_dump())
