"""The package's version, below everything that reports it (the face, the spans' instrumentation scope)."""

__version__ = "0.1.0"
"""The installed shim's version."""
