"""Ids in URLs and query strings, read one way by every route.

Every id column is a 32-bit INTEGER (PostgreSQL refuses a larger value with an error, and
SQLite one of 2^63 or more), so a path id outside 1..2^31-1 answers 404 before any query
(`<id:name>` in a rule) and a query-string id outside it counts as no id at all.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:record_id>`: a positive id within the columns' range, else no match (404)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        super().__init__(url_map, min=1, max=ID_MAX)


def parse_id(raw) -> int | None:
    """A positive id from text (or an int), or None for anything else."""
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
            return None
    elif not isinstance(raw, int) or isinstance(raw, bool):
        return None
    value = int(raw)
    return value if 0 < value <= ID_MAX else None


def id_arg(args, name: str) -> int | None:
    """The id in query or form argument `name`, or None when missing or unusable."""
    return parse_id(args.get(name))
