"""Saaty's scale and the random consistency index: reading and writing one judgement, the scale table, and the
published RI tables (Saaty 1980, 2005; Donegan & Dodd 1991; Alonso & Lamata 2006) with ``random_index``.

In the AHP import chain it sits below ``ahp_matrix`` (which imports it and re-exports every name) and
imports only ``ahp_text``.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import pandas as pd

from crmcore.decision.ahp_text import SCALE_WORDS
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang

#: Saaty's fundamental scale as 17 values 1/9 … 1 … 9.
SCALE = tuple([1 / k for k in range(9, 1, -1)] + list(range(1, 10)))

# Random consistency indices RI(n). Values exactly as published; no interpolation.
RI_TABLES: dict[str, dict[str, Any]] = {
    "saaty1980": {
        "name": "Saaty (1980)",
        "values": {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49, 11: 1.51},
    },
    "saaty2005": {  # Saaty (2005) Theory and Applications of the ANP, p. 31; Saaty & Tran (2007)
        "name": "Saaty (2005)",
        "values": {3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45, 10: 1.49,
                   11: 1.52, 12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59},
    },
    "donegan_dodd": {  # Donegan & Dodd (1991) Math. Comput. Modelling 15(10), 135–137
        "name": "Donegan & Dodd (1991)",
        "values": {3: 0.4914, 4: 0.8286, 5: 1.0591, 6: 1.1797, 7: 1.2519, 8: 1.3171, 9: 1.3733,
                   10: 1.4055, 11: 1.4213, 12: 1.4497, 13: 1.4643, 14: 1.4822, 15: 1.4969,
                   16: 1.5078, 17: 1.5153, 18: 1.5262, 19: 1.5313, 20: 1.5371},
    },
    "alonso_lamata": {  # Alonso & Lamata (2006) IJUFKS 14(4), 445–459 (100,000 matrices)
        "name": "Alonso & Lamata (2006)",
        "values": {3: 0.5245, 4: 0.8815, 5: 1.1086, 6: 1.2479, 7: 1.3417, 8: 1.4056, 9: 1.4499,
                   10: 1.4854, 11: 1.5141, 12: 1.5365, 13: 1.5551, 14: 1.5713, 15: 1.5838},
    },
}

RIChoice = str | float | Callable[[int], float]


def judgement_text(x: float) -> str:
    """Write a judgement the way people write it: ``3``, ``1/5``, or ``2.37``."""
    if not np.isfinite(x):
        return "?"
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    if x > 0 and abs(1 / x - round(1 / x)) < 1e-9:
        return f"1/{int(round(1 / x))}"
    return f"{x:.3g}"


def random_index(n: int, table: RIChoice = "saaty1980") -> tuple[float, str]:
    """Random consistency index ``RI(n)`` and the name of the table it came from.

    ``table`` is a table name (``"saaty1980"`` default, ``"saaty2005"``, ``"donegan_dodd"``,
    ``"alonso_lamata"``), a float, or a function ``n -> RI``. ``RI = 0`` for n ≤ 2 (CR is then 0).
    """
    if callable(table):
        name = getattr(table, "__name__", "custom function")
        if n <= 2:
            return 0.0, name
        val = float(table(n))
    elif isinstance(table, (int, float)) and not isinstance(table, bool):
        name = f"fixed RI = {table:g}"
        if n <= 2:
            return 0.0, name
        val = float(table)
    elif isinstance(table, str):
        if table not in RI_TABLES:
            raise ParameterError(
                f"ri={table!r} is not a known random-index table; use one of "
                f"{', '.join(map(repr, RI_TABLES))}, a number, or a function n -> RI."
            )
        spec = RI_TABLES[table]
        name = spec["name"]
        if n <= 2:
            return 0.0, name
        if n not in spec["values"]:
            hi = max(spec["values"])
            others = [k for k, t in RI_TABLES.items() if n in t["values"]]
            raise ParameterError(
                f"the {name} RI table covers n = 3..{hi}, not n = {n}. "
                + (f"Use ri={others[0]!r}, " if others else "Use ")
                + "a number, or a function n -> RI."
            )
        val = float(spec["values"][n])
    else:
        raise ParameterError(f"ri={table!r}: give a table name, a number or a function n -> RI.")
    if not (np.isfinite(val) and val > 0):
        raise ParameterError(f"RI({n}) = {val!r} from {name}: a random index must be a positive number.")
    return val, name


def ri_available(n: int, table: RIChoice = "saaty1980") -> bool:
    """Does ``table`` give ``RI(n)``? Always for n ≤ 2 (RI = 0), a number or a function; a named table
    only for the n it publishes (Saaty 1980: 3–11; Saaty 2005 and Alonso & Lamata 2006: 3–15;
    Donegan & Dodd 1991: 3–20)."""
    if n <= 2 or not isinstance(table, str):
        return True
    return table in RI_TABLES and n in RI_TABLES[table]["values"]


def ri_tables() -> pd.DataFrame:
    """All named random-index tables side by side (rows n, columns table names; NaN where not published)."""
    cols = {spec["name"]: pd.Series(spec["values"], dtype=float) for spec in RI_TABLES.values()}
    out = pd.DataFrame(cols).sort_index()
    out.index.name = "n"
    return out


def scale_table(lang: str = "en") -> pd.DataFrame:
    """Saaty's fundamental 1–9 scale (标度) with its verbal meanings; 2, 4, 6, 8 are intermediate."""
    check_lang(lang)
    rows = [(v, SCALE_WORDS[v][lang]) for v in (1, 3, 5, 7, 9)]
    rows.append(("2, 4, 6, 8", SCALE_WORDS["intermediate"][lang]))
    rows.append(("1/3, 1/5, …", SCALE_WORDS["reverse"][lang]))
    return pd.DataFrame(rows, columns=["a_ij", SCALE_WORDS["meaning"][lang]])


# --------------------------------------------------------------------------- private helpers
def _parse_value(v: Any, where: str) -> float:
    """One judgement to float; None/NaN/''/'?' mean missing. Fractions like '1/5' are exact."""
    if v is None:
        return math.nan
    if isinstance(v, bool):
        raise DomainError(f"judgement {where}: {v!r} is not a number. Use a value on the 1–9 scale such as 3 or '1/3'.")
    if isinstance(v, str):
        s = v.replace(" ", "")
        if s.lower() in ("", "?", "-", "na", "nan", "none"):
            return math.nan
        try:
            return float(Fraction(s))
        except (ValueError, ZeroDivisionError):
            raise DomainError(
                f"judgement {where}: {v!r} is not a number or fraction. Write e.g. 3, '1/5' or 0.2."
            ) from None
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise DomainError(f"judgement {where}: {v!r} is not a number. Write e.g. 3, '1/5' or 0.2.") from None
    if math.isinf(x):
        raise DomainError(f"judgement {where}: {v!r} is infinite. Judgements are finite ratios on the 1–9 scale.")
    return x


def _ri_cover_note(n: int, table: str, lang: str = "en") -> str:
    """Why CR is missing for n and which table would give it."""
    spec = RI_TABLES[table]
    hi = max(spec["values"])
    others = [RI_TABLES[k]["name"] + f" (ri={k!r})" for k, t in RI_TABLES.items() if n in t["values"]]
    if lang == "zh":
        return (f"{spec['name']} 的 RI 表只到 n = {hi}，没有 n = {n} 的 RI，无法计算 CR"
                + (f"；可改用 {others[0]}" if others else "；已发表的 RI 表都不覆盖该阶数，可传入自定义 RI 值或函数")
                + "（权重和 λmax 不受影响）")
    return (f"the {spec['name']} RI table stops at n = {hi}, so there is no RI({n}) and no CR"
            + (f"; use {others[0]}" if others else "; no published table here covers it: pass ri=<number> or a function")
            + " (the weights and λmax do not need RI)")
