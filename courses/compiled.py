"""Queries a hot page runs on every view, compiled to SQL once per process and then run with each
request's values: building and compiling a query with subqueries costs the ORM several times what
the database takes to run it (docs/performance.md).

A query is written once, as a function that builds an ordinary queryset from its variables (a
learner's id, a slug a request names). It is compiled with stand-ins in their places, and each
run swaps the real values into the parameters. Only the variables are swapped, so the query is
the same for every request; the values never reach the SQL text."""

from django.db import connection

# A stand-in learner id, and the stem of the stand-ins for names: no real id or slug looks so.
_ANY_LEARNER = -7_000_000_001
_COMPILED: dict[tuple, tuple] = {}


def _is_id(value) -> bool:
    """True for an id, False for a name; anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a compiled query's variables are ids and names, not {type(value).__name__}")
    return isinstance(value, int)


def _rows(build, args: tuple, names: tuple, learner) -> list:
    kinds = tuple(_is_id(v) for v in names)
    key = (connection.vendor, build.__module__, build.__qualname__, learner is not None, kinds, *args)
    found = _COMPILED.get(key)
    if found is None:
        stand_ins = tuple(
            _ANY_LEARNER - 1 - i if is_id else f"{_ANY_LEARNER}-{i}" for i, is_id in enumerate(kinds)
        )
        leading = (_ANY_LEARNER,) if learner is not None else ()
        queryset = build(*leading, *stand_ins, *args)
        sql, params = queryset.query.sql_with_params()
        for value in (*leading, *stand_ins):
            if value not in params:
                raise ValueError(f"{build.__qualname__} does not filter by each of its variables")
        found = _COMPILED[key] = (queryset.model, sql, tuple(params), stand_ins)
    model, sql, params, stand_ins = found
    values = dict(zip(stand_ins, names, strict=True))
    if learner is not None:
        values[_ANY_LEARNER] = learner.pk
    # bool is an int: True and False are never stand-ins, and stay as they are.
    return list(model.objects.raw(sql, [values.get(p, p) if isinstance(p, int | str) else p for p in params]))


def for_learner(user, build, *args, names: tuple = ()) -> list:
    """The rows of `build(user_id, *names, *args)` (a queryset) for `user`, by raw(): compiled once
    per process for each database and `args` (a few fixed values, such as a language), with
    stand-ins for the learner's id and for `names` (ids and strings that vary, such as a module's
    slug from a request, or a quiz's id, which must not make a compiled query of their own). raw() converts the model's own
    columns; the caller converts what the query adds (`converter`). A visitor's id is None: every
    comparison with it is false, so they have no rows of their own."""
    return _rows(build, args, names, user)


def named(build, *names) -> list:
    """The rows of `build(*names)`, as `for_learner` runs them, for a query that names no learner
    (a module by its slug)."""
    return _rows(build, (), names, None)


def converter(field):
    """A function giving `field`'s Python value from what the database driver returned, as the
    ORM converts its own results (SQLite returns datetimes as text)."""
    col = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)

    def convert(value):
        for each in converters:
            value = each(value, col, connection)
        return value

    return convert
