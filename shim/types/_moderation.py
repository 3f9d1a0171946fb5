"""The moderation types, apart from `shim.types`: loaded on first use (`shim.types.ModerationResponse`, a
`moderation()` call), so that a chat call does not build them.
"""

# pyright: reportIncompatibleVariableOverride=false
# Narrowing a field to a dict-accessible subclass of the openai type is the point of these classes.

from __future__ import annotations

from openai.types import Moderation as _OpenAIModeration
from openai.types import ModerationCreateResponse
from openai.types.moderation import Categories as _OpenAICategories
from openai.types.moderation import CategoryScores as _OpenAICategoryScores

from shim.types._base import DictAccess, GatewayResult


class ModerationCategories(_OpenAICategories, DictAccess):
    """Which categories an input was flagged for."""


class ModerationCategoryScores(_OpenAICategoryScores, DictAccess):
    """The score of each category."""


class ModerationResult(_OpenAIModeration, DictAccess):
    """The verdict on one input: `flagged`, `categories`, `category_scores`."""

    categories: ModerationCategories
    category_scores: ModerationCategoryScores


class ModerationResponse(ModerationCreateResponse, GatewayResult):
    """A moderation verdict (`moderation()`): an `openai.types.ModerationCreateResponse`."""

    results: list[ModerationResult]
