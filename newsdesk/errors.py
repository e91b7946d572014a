"""Errors meant for people: each carries one line saying what was wrong and what to do."""


class UserError(Exception):
    """An expected mistake (bad setting, bad file, wrong state). The CLI prints it without a traceback."""

    exit_code = 2


class SchemaOutOfDate(UserError):
    """The database is not at the migration head this code expects."""
