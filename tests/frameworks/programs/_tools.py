"""What the agent programs give their frameworks: a tool that records its calls, and a structured output type."""

from __future__ import annotations

import pydantic

called: list[str] = []
"""The cities `get_weather` was called with, in order."""


def get_weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: the city's name
    """
    called.append(city)
    return f"sunny in {city}"


class City(pydantic.BaseModel):
    name: str
    population: int
