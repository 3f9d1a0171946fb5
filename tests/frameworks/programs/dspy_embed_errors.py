"""DSPy: embeddings, and gateway errors mapped to DSPy's own types (a 401, an over-long prompt)."""

from _report import KEY, URL, report

import shim

shim.as_litellm(api_base=URL, api_key=KEY)

import dspy  # noqa: E402

vectors = dspy.Embedder("litellm_proxy/embed", caching=False)(["hello world", "goodbye"])
errors: dict[str, list[str]] = {}
for group in ("agent-401", "ctx-window"):
    lm = dspy.LM(f"litellm_proxy/{group}", cache=False, num_retries=0)
    try:
        with dspy.context(lm=lm):
            dspy.Predict("question -> answer")(question="hi")
    except Exception as error:
        chain = [error, *(e for e in (error.__cause__, getattr(error.__cause__, "__cause__", None)) if e is not None)]
        errors[group] = [f"{type(e).__module__}.{type(e).__name__}" for e in chain]
report(shape=list(vectors.shape), errors=errors)
