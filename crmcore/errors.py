"""Errors a person can act on.

Every crmcore error says what is wrong, where (file, column, rows), shows examples and
says how to fix it. All are ``ValueError`` subclasses so ``except ValueError`` still works.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence


class CrmError(ValueError):
    """Base class of every error crmcore raises on bad input."""


class DataError(CrmError):
    """Transaction or table input that cannot be used as it is."""


class ParameterError(CrmError):
    """A parameter outside its allowed values (an unknown option, a weekly index of 20...)."""


class DomainError(CrmError):
    """Input that is well-formed but violates the method (non-reciprocal AHP matrix, zero equity...)."""


def _plain(v: object) -> object:
    """numpy scalars and timestamps shown as a person writes them, not as np.int64(-1)."""
    if hasattr(v, "isoformat"):
        return str(v)
    if hasattr(v, "item"):
        return v.item()
    return v


def _fmt_examples(rows: Sequence[tuple[object, object]]) -> str:
    return ", ".join(f"row {_plain(r)}: {_plain(v)!r}" for r, v in rows)


def data_error(
    problem: str,
    *,
    source: str | None = None,
    column: str | None = None,
    n_bad: int | None = None,
    n_total: int | None = None,
    examples: Iterable[tuple[object, object]] = (),
    columns: Iterable[str] | None = None,
    fix: str | None = None,
    cls: type[CrmError] = DataError,
) -> CrmError:
    """Build an error message in the house shape.

    ``examples`` are ``(row_number, value)`` pairs; at most three are shown.
    """
    where = []
    if column is not None:
        where.append(f"column {column!r}")
    if source is not None:
        where.append(f"in {source}")
    head = " ".join(where)
    msg = f"{head}: " if head else ""
    if n_bad is not None and n_total is not None:
        msg += f"{n_bad:,} of {n_total:,} values {problem}"
    else:
        msg += problem
    ex = list(examples)[:3]
    if ex:
        msg += f" ({_fmt_examples(ex)})"
    msg += "."
    if fix:
        msg += f" {fix.rstrip('.')}."
    if columns is not None:
        msg += f" Columns found: {', '.join(map(str, columns))}."
    return cls(msg)


def numeric_columns(df: Any, cols: Sequence[str], *, source: str, row: Callable[[int], str], noun: str) -> None:
    """Turn ``cols`` of a hand-made table (factors, drivers) into floats in place, or raise a
    DomainError naming the first row that is not a finite number: ``row(i)`` describes row ``i``."""
    import numpy as np
    import pandas as pd

    for col in cols:
        num = pd.to_numeric(df[col], errors="coerce")
        bad = num.isna() | ~np.isfinite(num.astype(float))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DomainError(f"column {col!r} in {source}: {row(i)} has {col} {df.at[i, col]!r}, which is not a number "
                              f"({int(bad.sum())} of {len(df)} {noun}s). Give every {noun} a numeric {col}.")
        df[col] = num.astype(float)
