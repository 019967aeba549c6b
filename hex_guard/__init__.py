"""hex-guard: keeps Hex API tokens, warehouse passwords and .env files out of git."""

__version__ = "1.0.0"
