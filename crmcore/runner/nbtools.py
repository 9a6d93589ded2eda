"""Notebook helpers: set-up, recorded values for tests, and the template's section list."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MIME = "application/vnd.crmcore.record+json"

#: the H2 sections every method notebook has, in order (first words of the heading)
SECTIONS = (
    "Learning goals",
    "1. Parameters",
    "2. Data source",
    "3. Method and formula",
    "4. Analysis",
    "5. Report",
    "Exercises",
    "Check your understanding",
    "Further reading",
)


def setup_notebook(lang: str = "en") -> None:
    """House style for a notebook run: plot style with the CJK font, pandas display options."""
    import pandas as pd

    from crmcore.labels import check_lang
    from crmcore.plotting import use_style

    check_lang(lang)
    use_style(lang)
    pd.set_option("display.precision", 3)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.max_colwidth", 120)
    try:  # crisp inline figures; harmless outside IPython
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except Exception:  # pragma: no cover
        pass


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda o: o.item() if hasattr(o, "item") else str(o)))


def record(name: str, value: Any) -> None:
    """Store ``value`` (JSON-encodable after numpy/pandas scalars are unwrapped) in the notebook's output."""
    from IPython.display import display

    display({MIME: {"name": name, "value": _jsonable(value)}}, raw=True)


def read_records(nb: Any) -> dict[str, Any]:
    """All values recorded with :func:`record` in an executed notebook (path or NotebookNode)."""
    import nbformat

    if not hasattr(nb, "cells"):
        nb = nbformat.read(str(Path(nb)), as_version=4)
    out: dict[str, Any] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if MIME in data:
                rec = data[MIME]
                out[rec["name"]] = rec["value"]
    return out


#: how far past the data's last day a snapshot may lie (a monthly report run a few weeks late is fine)
ASOF_GRACE_DAYS = 31


def data_range(tx: Any) -> tuple[Any, Any]:
    """First and last ``order_date`` of transactions (a DataFrame, or any table the engine reads)."""
    import pandas as pd

    if isinstance(tx, pd.DataFrame):
        col = tx["order_date"]
        return col.min(), col.max()
    from crmcore import engine

    t = engine.table(tx)
    row = engine.execute(t.aggregate(first=t.order_date.min(), last=t.order_date.max()))
    return pd.Timestamp(row["first"].iloc[0]), pd.Timestamp(row["last"].iloc[0])


def resolve_asof(asof: str, data: Any) -> str:
    """The snapshot date for a run: ``asof`` as given, checked against the data, or derived from them.

    ``data`` is the transactions (DataFrame or engine table). An empty ``asof`` becomes the day after
    the last transaction (never today's date). A given ``asof`` before the first transaction, or more
    than :data:`ASOF_GRACE_DAYS` days after the last, is refused with the data's date range, so a params
    file written for one data set cannot silently call every customer of another "dormant".
    A data set *name* (the older call) gives that data set's fixed snapshot date when ``asof`` is empty.
    """
    import pandas as pd

    from crmcore.errors import ParameterError

    if isinstance(data, str):
        from crmcore.door.datasets import default_asof

        if asof:
            return asof
        found = default_asof(data)
        if found is None:
            raise ParameterError(f"asof is empty and dataset {data!r} has no default; set asof='YYYY-MM-DD'.")
        return found
    first, last = data_range(data)
    if first is None or pd.isna(first):
        raise ParameterError("the data hold no transactions, so there is no snapshot date to derive; check the file.")
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    if not asof:
        return (last.normalize() + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    from crmcore.engine import check_asof

    ts = check_asof(asof)
    span = f"the data run from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
    if ts <= first.normalize():
        raise ParameterError(f"asof={asof} is on or before the first transaction: {span}. "
                             f"Leave asof empty (the day after the last transaction, "
                             f"{last.normalize() + pd.Timedelta(days=1):%Y-%m-%d}) or pick a date inside that range.")
    limit = last.normalize() + pd.Timedelta(days=ASOF_GRACE_DAYS)
    if ts > limit:
        raise ParameterError(f"asof={asof} is more than {ASOF_GRACE_DAYS} days after the last transaction: {span}. "
                             f"Every customer would look dormant. Leave asof empty (the day after the last "
                             f"transaction, {last.normalize() + pd.Timedelta(days=1):%Y-%m-%d}) or pick a date up "
                             f"to {limit:%Y-%m-%d}.")
    return ts.strftime("%Y-%m-%d")


#: where :func:`load_dataset` can put the transactions besides the pandas frame (the notebooks' ``backend``)
BACKENDS = ("duckdb", "spark", "polars")
_connections: dict[str, Any] = {}  # one Spark / Polars backend per process, made on first use


def load_dataset(dataset: str = "demo", data_path: str = "", *, backend: Any = None, **kwargs):
    """The notebooks' one way to get transactions: ``data_path`` wins over the named ``dataset``.

    ``backend`` None (or ``"pandas"``): the validated transactions as a pandas DataFrame, as always.
    ``"duckdb"``: the validated table kept in the engine (lazy; nothing is copied into Python).
    ``"spark"`` / ``"polars"``: the validated frame put into Spark or Polars through Arrow
    (:func:`crmcore.engine.from_pandas`: a temporary view, naive times unshifted). Spark is the process's
    active SparkSession if there is one (a cluster notebook's), else a local session made once
    (``engine.connect("spark", small=True)``). An Ibis backend object works too. Every engine-backed method
    then runs on that backend; the door's validation runs first, in DuckDB on this machine. Data too big
    for this machine: ``engine.read_parquet(path, backend=...)`` of a canonical file instead.
    """
    from crmcore.door import datasets

    source = data_path or dataset
    if backend is None or (isinstance(backend, str) and backend.strip().lower() in ("", "none", "pandas")):
        return datasets.load(source, **kwargs)
    from crmcore import engine

    if not isinstance(backend, str):
        return engine.from_pandas(datasets.load(source, **kwargs), backend)
    kind = backend.strip().lower()
    if kind not in BACKENDS:
        from crmcore.errors import ParameterError

        raise ParameterError(f"backend={backend!r} is not supported; use None (pandas), "
                             f"{', '.join(repr(b) for b in BACKENDS)}.")
    if kind == "duckdb":
        return datasets.load(source, lazy=True, **kwargs)
    tx = datasets.load(source, **kwargs)  # validate first: a bad file fails before a JVM starts
    con = _connections.get(kind)
    if kind == "spark":
        active = _active_spark()  # the session we made stays active; a stopped one is not
        if active is None:
            con = engine.connect("spark", small=True)
        elif con is None or con._session is not active:
            con = engine.connect("spark", session=active)
    elif con is None:
        con = engine.connect(kind)
    _connections[kind] = con
    return engine.from_pandas(tx, con)


def _active_spark():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()
