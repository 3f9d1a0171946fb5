"""DSPy: Predict with the chat adapter, then the JSON adapter; the second identical call comes from DSPy's cache."""

from _report import KEY, URL, report

import shim

shim.as_litellm(api_base=URL, api_key=KEY)

import dspy  # noqa: E402

dspy.configure(lm=dspy.LM("litellm_proxy/agent"))
predict = dspy.Predict("question -> answer")
chat = predict(question="What is the capital of France?").answer
again = predict(question="What is the capital of France?").answer
with dspy.context(adapter=dspy.JSONAdapter()):
    json_answer = predict(question="What is 2 + 2?").answer
report(chat=chat, again=again, json=json_answer, history=len(dspy.settings.lm.history))
