"""`litellm.types` under `shim.as_litellm()`."""

from . import llms as llms
from . import utils as utils
