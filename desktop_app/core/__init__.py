"""Pure logic of the client: no asyncio, no Qt, no sockets.

Everything here takes time and randomness as arguments, so it is tested
synchronously with injected clocks (``tests/core/``).
"""
