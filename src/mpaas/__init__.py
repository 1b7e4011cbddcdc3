"""mpaas: a self-hostable mobile platform, wire-compatible with the Telegent v1.0 API."""

__version__ = "0.1.0"
