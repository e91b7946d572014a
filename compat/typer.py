"""Typer internals newsdesk relies on, checked before they are used.

Typer's rich help shows a value type beside every option, flags included: `--all <bool>`,
`--help <bool>`, as if a flag took a value (it does not: `--all true` is an error). The help
drops it for flags by wrapping `TyperOption.display_type_rich`, typer's own hook for that column
(the plain-text help already leaves flags without one). When that hook is not there, help shows
what typer shows, recorded.
"""

from __future__ import annotations

import functools

from compat import record

LIBRARY = "typer"


@functools.cache
def install() -> bool:
    """Flags in help without a value type; True when applied."""
    try:
        from typer.core import TyperOption
    except ImportError as exc:
        return record(LIBRARY, "flag_help", False, f"no typer.core.TyperOption ({exc})")
    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None or not callable(shown):
        return record(LIBRARY, "flag_help", False, "TyperOption.display_type_rich is gone")
    if getattr(shown, "_newsdesk_flags", False):
        return record(LIBRARY, "flag_help", True)

    @functools.wraps(shown)
    def display_type_rich(self, ctx):
        if getattr(self, "is_flag", False) and not getattr(self, "count", False):
            return None  # a flag takes no value: nothing to show
        return shown(self, ctx)

    display_type_rich._newsdesk_flags = True
    TyperOption.display_type_rich = display_type_rich
    return record(LIBRARY, "flag_help", True)
