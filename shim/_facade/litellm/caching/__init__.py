"""`litellm.caching` under `shim.as_litellm()`: `Cache` is refused; the gateway's cache serves every client."""

from shim._facade._extras import Cache

__all__ = ["Cache"]
