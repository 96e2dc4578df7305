"""The one error type whose message is meant for the user."""


class QAError(Exception):
    """A problem the user can act on; the CLI and UI show its message, never a traceback."""
