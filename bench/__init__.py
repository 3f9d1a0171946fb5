"""Benchmarks: shim vs the raw openai SDK vs LiteLLM, against a loopback server. Run: python -m bench."""
