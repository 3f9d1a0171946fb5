"""Files and batches: upload a JSONL file of requests, start a batch on it, follow it, then clean up."""

from __future__ import annotations

import json

from _gateway import gateway

import shim

REQUESTS = [
    {"custom_id": f"q{i}", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o", "messages": m}}
    for i, m in enumerate([[{"role": "user", "content": "Hi"}], [{"role": "user", "content": "What is 2+2?"}]])
]


def main() -> None:
    with gateway():
        lines = "".join(json.dumps(request) + "\n" for request in REQUESTS).encode()
        # custom_llm_provider="litellm_proxy" is what LiteLLM code passes; shim accepts it, and needs nothing.
        uploaded = shim.create_file(
            file=("requests.jsonl", lines), purpose="batch", custom_llm_provider="litellm_proxy"
        )
        print("uploaded:", uploaded.id, uploaded.bytes, "bytes")
        print("files:", [f.filename for f in shim.file_list(purpose="batch").data])

        batch = shim.create_batch(completion_window="24h", endpoint="/v1/chat/completions", input_file_id=uploaded.id)
        print("batch:", batch.id, batch.status)
        batch = shim.retrieve_batch(batch.id)
        print("batch now:", batch.status, "output file:", batch.output_file_id)
        if batch.output_file_id:  # on a real gateway once the batch has completed
            print(shim.file_content(batch.output_file_id).text)
        else:
            print("cancelled:", shim.cancel_batch(batch.id).status)

        print("content back:", len(shim.file_content(uploaded.id).content), "bytes")
        print("deleted:", shim.file_delete(uploaded.id).deleted)
        shim.close()


if __name__ == "__main__":
    main()
