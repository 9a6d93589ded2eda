"""Validated transactions kept in the engine: the registry of lazy tables (what each was loaded from),
turning one into pandas, and :func:`close` to free its memory.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from crmcore.door.data_read import _con, _q
from crmcore.door.data_validate import _Door

_LAZY: dict[str, dict] = {}  # canonical view name → metadata of the load (source, preset, duplicates)


def close(t: Any) -> None:
    """Free the engine memory of a table from ``load_transactions(..., lazy=True)`` or ``clean`` of one."""
    for name in _op_names(t):
        info = _LAZY.pop(name, None)
        if info is not None:
            con = _con()
            con.execute(f"DROP VIEW IF EXISTS {_q(name)}")
            for tbl in info.get("_own", [info["_table"]]):
                con.execute(f"DROP TABLE IF EXISTS {_q(tbl)}")


def _lazy_table(door: _Door):
    from crmcore import engine

    _LAZY[door.view] = {**door.meta, "_table": door.table, "_view": door.view, "_select": door.select,
                        "_duplicates": door.duplicates, "_rows": door.n}
    return engine.backend().table(door.view)


def _fetch(view: str) -> pd.DataFrame:
    tbl = _con().sql(f"SELECT * FROM {_q(view)}").to_arrow_table()
    return tbl.to_pandas(date_as_object=False)


def _drop(door: _Door) -> None:
    con = _con()
    con.execute(f"DROP VIEW IF EXISTS {_q(door.view)}")
    con.execute(f"DROP TABLE IF EXISTS {_q(door.table)}")


def _op_names(t: Any) -> list[str]:
    import ibis

    return [op.name for op in t.op().find(ibis.expr.operations.DatabaseTable)]


def _lazy_meta(t: Any) -> dict | None:
    names = _op_names(t)
    if len(names) == 1 and names[0] in _LAZY:
        return _LAZY[names[0]]
    return None
