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

    from .labels import check_lang
    from .plotting import use_style

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


def resolve_asof(asof: str, dataset: str) -> str:
    """``asof`` as given, or the data set's fixed snapshot date when it is "" (never today)."""
    from .datasets import default_asof

    if asof:
        return asof
    found = default_asof(dataset)
    if found is None:
        from .errors import ParameterError

        raise ParameterError(f"asof is empty and dataset {dataset!r} has no default; set asof='YYYY-MM-DD'.")
    return found


def load_dataset(dataset: str = "demo", data_path: str = "", **kwargs):
    """The notebooks' one way to get transactions: ``data_path`` wins over the named ``dataset``."""
    from . import datasets

    return datasets.load(data_path or dataset, **kwargs)
