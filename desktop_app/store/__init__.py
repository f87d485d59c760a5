"""State the client keeps on disk: stdlib ``sqlite3``, no Qt, no asyncio.

Small synchronous single-row transactions, called from the event loop thread
by :mod:`desktop_app.net`. Nothing here imports ``net`` or ``ui``.
"""
