"""Errors meant for people: each carries one line saying what was wrong and what to do."""


class UserError(Exception):
    """An expected mistake (bad setting, bad file, wrong state). The CLI prints it without a traceback."""

    exit_code = 2


class SchemaOutOfDate(UserError):
    """The database is not at the migration head this code expects."""


def one_line(exc: BaseException) -> tuple[str, int] | None:
    """(message, exit status) for an error a person should see as one line, or None for a bug.

    The `newsdesk` command and `python scheduler.py` both report expected errors this way.
    """
    from sqlalchemy.exc import OperationalError

    from core.masking import mask_secrets

    if isinstance(exc, UserError):
        return mask_secrets(str(exc)), exc.exit_code
    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        return (f"database unavailable: {mask_secrets(reason)} (check DATABASE_URL and that the server is running)", 3)
    return None


def did_you_mean(word: str, choices) -> str:
    """" (did you mean 'x'?)" when one of `choices` is close to a mistyped `word`, else ""."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
