"""Porter's five forces, scored: driver weights and scores → force intensity, attractiveness, sensitivity.

Each force is judged through drivers (Porter 2008: supplier concentration, switching costs,
barriers to entry…). A driver has a weight (weights sum to 1 within a force) and a score on
1–5 **where 5 means the driver makes the force strong** (e.g. for threat of new entrants,
"little capital is needed to enter" scored 5 = entry is easy = strong threat).

* force intensity  I_f = Σ_i w_i s_i  (weighted mean of driver scores, 1–5)
* overall intensity  I = Σ_f v_f I_f  (``force_weights`` v, equal 1/5 by default)
* industry attractiveness  A = 6 − I  on 1–5: **a strong force means low attractiveness**
  (Porter: the collective strength of the forces sets the industry's profit potential)
* binding force: the force with the highest intensity (ties go to the first in
  ``FORCES`` order and are reported)
* levels: below 2.5 weak, 2.5 up to 3.5 moderate, 3.5 and above strong
* sensitivity: each driver weight moves by ±``step`` (0.05), clipped to 0–1, and the other
  drivers of that force are rescaled proportionally so the force's weights still sum to 1;
  the check reports every move that changes the ranking of the forces or the binding force.

References
----------
Porter, M. E. (1979). How competitive forces shape strategy. *Harvard Business Review* 57(2), 137–145.
Porter, M. E. (2008). The five competitive forces that shape strategy. *Harvard Business Review* 86(1), 78–93.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError, data_error, numeric_columns
from crmcore.labels import check_lang, text
from crmcore.results import Result, deprecated, readable
from crmcore.strategy import porter_plots
from crmcore.strategy.porter_plots import plot_drivers, plot_radar  # noqa: F401
from crmcore.strategy.porter_text import (CHECKLIST, COLUMNS, DRIVERS, FORCES, LABELS, _CHECK_INDEX, _ROUND,  # noqa: F401
                                          _join_en, _ranking_text, _scenario_label, describe, interpret)

SCORE_MIN, SCORE_MAX = 1.0, 5.0

_FORCE_ALIASES = {
    "supplier": "supplier_power", "suppliers": "supplier_power", "bargaining power of suppliers": "supplier_power",
    "supplier power": "supplier_power", "供应商议价能力": "supplier_power",
    "buyer": "buyer_power", "buyers": "buyer_power", "bargaining power of buyers": "buyer_power",
    "buyer power": "buyer_power", "购买者议价能力": "buyer_power",
    "entrants": "new_entrants", "new entrants": "new_entrants", "threat of new entrants": "new_entrants",
    "潜在进入者的威胁": "new_entrants",
    "substitute": "substitutes", "threat of substitutes": "substitutes", "替代品的威胁": "substitutes",
    "rivalry among existing competitors": "rivalry", "competitive rivalry": "rivalry", "现有竞争者之间的竞争": "rivalry",
}


# --------------------------------------------------------------------------- checklist
def checklist(lang: str = "en") -> pd.DataFrame:
    """The default drivers per force (Porter 2008), phrased so that a score of 5 means a strong force."""
    check_lang(lang)
    rows = [{"force": f, "force_label": text(f, lang, LABELS), "driver": k, "label": en if lang == "en" else zh}
            for f in FORCES for k, en, zh in CHECKLIST[f]]
    return pd.DataFrame(rows)


def template(scenario: str = "industry") -> pd.DataFrame:
    """A driver table to fill in: the default checklist with equal weights per force and empty scores."""
    df = checklist("en")[["force", "driver", "label"]].copy()
    df.insert(0, "scenario", scenario)
    df["weight"] = df.groupby("force")["driver"].transform(lambda s: 1.0 / len(s))
    df["score"] = np.nan
    df["evidence"] = ""
    return df


# --------------------------------------------------------------------------- loading
def load_drivers(source: str | Path | pd.DataFrame | Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> pd.DataFrame:
    """Read driver rows from YAML/CSV, a DataFrame, a list of dicts or a YAML-style mapping.

    YAML layout: ``scenarios:`` → list of ``{name, name_zh?, forces: {force: [driver rows]}}``,
    a driver row being ``{driver, weight, score, evidence?, evidence_zh?, label?, label_zh?}``. A force whose
    list is empty is kept as an empty force so :func:`five_forces` can say so. Flat tables have
    columns ``scenario`` (optional), ``force, driver, weight, score`` (+ ``evidence``).
    """
    name = "driver table"
    if isinstance(source, pd.DataFrame):
        out = source.copy()
        out.attrs.setdefault("source", name)
        return out
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = str(path)
        if not path.exists():
            raise DataError(f"{path}: file not found. Pass the path to a five-forces driver file (.yaml, .yml or .csv).")
        suffix = path.suffix.lower()
        if suffix == ".csv":
            out = pd.read_csv(path)
            out.attrs["source"] = name
            return out
        if suffix not in (".yaml", ".yml"):
            raise DataError(f"{path}: unknown file type {suffix!r}. Use a .yaml, .yml or .csv driver file.")
        import yaml

        with path.open(encoding="utf-8") as fh:
            source = yaml.safe_load(fh)
    attrs: dict[str, Any] = {}
    empty: list[tuple[str, str]] = []
    if isinstance(source, Mapping):
        if "scenarios" not in source:
            raise DataError(f"{name}: no 'scenarios' list found. Put scenarios (industries or years) under a top-level "
                            f"'scenarios:' key; keys found: {', '.join(map(str, source))}.")
        attrs = {k: v for k, v in source.items() if k != "scenarios"}
        rows = []
        for k, sc in enumerate(source["scenarios"] or []):
            if not isinstance(sc, Mapping) or "forces" not in sc:
                raise DataError(f"{name}: scenario {k + 1} needs 'name' and a 'forces:' mapping of force → driver list.")
            sname = str(sc.get("name", f"scenario {k + 1}"))
            for force, drivers in (sc["forces"] or {}).items():
                if not drivers:
                    empty.append((sname, str(force)))
                    continue
                for d in drivers:
                    rows.append({"scenario": sname, "scenario_zh": sc.get("name_zh", ""), "force": force, **dict(d)})
        out = pd.DataFrame(rows)
    else:
        try:
            out = pd.DataFrame(list(source))
        except (TypeError, ValueError) as exc:
            raise DataError(f"{name}: drivers must be a list of mappings (force, driver, weight, score); {exc}.") from None
    out.attrs.update(attrs)
    out.attrs["source"] = name
    out.attrs["empty_forces"] = empty
    return out


# --------------------------------------------------------------------------- compute
def five_forces(
    drivers: str | Path | pd.DataFrame | Iterable[Mapping[str, Any]] | Mapping[str, Any],
    *,
    weights: str = "refuse",
    force_weights: Mapping[str, float] | None = None,
    step: float = 0.05,
    tol: float = 1e-3,
) -> FiveForcesResult:
    """Score Porter's five forces for one or more scenarios (industries or years).

    I_f = Σ w_i s_i per force, I = Σ v_f I_f overall, attractiveness = 6 − I (Porter 2008).

    Parameters
    ----------
    drivers : path (.yaml/.csv), DataFrame, list of dicts or mapping with ``scenarios``
        Columns ``scenario`` (optional), ``force, driver, weight, score`` (1–5, 5 = strong force).
    weights : {"refuse", "normalise"}
        When a force's driver weights do not sum to 1 (± ``tol``): raise, or rescale with a warning.
    force_weights : mapping force → weight, optional
        Weights of the forces in the overall intensity; equal (1/5 each) by default; must sum to 1.
    step : float
        Size of the weight moves in the sensitivity check (±0.05).
    """
    if weights not in ("refuse", "normalise"):
        raise ParameterError(f"weights={weights!r} is not an option; use 'refuse' or 'normalise'.")
    if not (0 < step < 1):
        raise ParameterError(f"step={step!r}; the sensitivity step is a weight change between 0 and 1, e.g. 0.05.")
    fw = _force_weights(force_weights, tol=tol)
    table = load_drivers(drivers)
    source = str(table.attrs.get("source", "driver table"))
    empty = list(table.attrs.get("empty_forces", []))
    out = _check_drivers(table, source=source)
    scenarios = tuple(dict.fromkeys(out["scenario"])) if len(out) else tuple(dict.fromkeys(s for s, _ in empty))
    for s, f in empty:
        raise DomainError(f"{source}: force {f!r} in scenario {s!r} has no drivers. Give it at least one driver "
                          f"(see porter.checklist() for the defaults) or score it with a single driver of weight 1.")
    if not scenarios:
        raise DataError(f"{source}: the driver table is empty. Add drivers for the five forces ({', '.join(FORCES)}).")
    for s in scenarios:
        present = set(out.loc[out["scenario"] == s, "force"])
        for f in FORCES:
            if f not in present:
                raise DomainError(f"{source}: force {f!r} in scenario {s!r} has no drivers. Give it at least one driver "
                                  f"(see porter.checklist() for the defaults).")
    notes: list[str] = []
    out["weight_input"] = out["weight"]
    for (s, f), g in out.groupby(["scenario", "force"], sort=False):
        total = float(g["weight"].sum())
        if abs(total - 1.0) <= tol:
            continue
        listing = ", ".join(f"{d}={w:g}" for d, w in zip(g["driver"], g["weight"]))
        if weights == "refuse" or total <= 0:
            raise DomainError(f"{source}: driver weights of force {f!r} in scenario {s!r} sum to {total:.4g}, not 1 "
                              f"({listing}). Fix them so they sum to 1 within the force, or pass weights='normalise'.")
        msg = f"scenario {s!r}, force {f!r}: driver weights summed to {total:.4g}; rescaled to sum to 1 ({listing})."
        notes.append(msg)
        warnings.warn(msg, UserWarning, stacklevel=2)
        out.loc[g.index, "weight"] = g["weight"] / total
    out["contribution"] = out["weight"] * out["score"]

    force_rows, overall_rows, sens_rows = [], [], []
    for s in scenarios:
        d = out[out["scenario"] == s]
        inten = {f: round(v, 12) for f, v in _intensities(d).items()}
        rank = _ranking(inten)
        for f in FORCES:
            force_rows.append({"scenario": s, "force": f, "intensity": inten[f], "rank": rank.index(f) + 1,
                               "level": level(inten[f]), "n_drivers": int((d["force"] == f).sum())})
        overall = round(sum(fw[f] * inten[f] for f in FORCES), 12)
        top = [f for f in FORCES if round(inten[f], _ROUND) == round(inten[rank[0]], _ROUND)]
        moves = _sensitivity(d, s, rank, step=step)
        sens_rows.extend(moves)
        overall_rows.append({"scenario": s, "scenario_zh": str(d["scenario_zh"].iloc[0]),
                             "overall_intensity": overall, "attractiveness": round(6.0 - overall, 12),
                             "level": level(overall), "binding_force": rank[0], "binding_ties": ",".join(top[1:]),
                             "ranking": " > ".join(rank),
                             "ranking_stable": not any(m["ranking_changed"] for m in moves),
                             "binding_stable": not any(m["binding_changed"] for m in moves)})
    sens_cols = ["scenario", "force", "driver", "delta", "weight_before", "weight_after", "intensity_before",
                 "intensity_after", "ranking_changed", "binding_changed", "new_ranking"]
    cols = ["scenario", "scenario_zh", "force", "driver", "label", "label_zh", "weight", "weight_input", "score",
            "contribution", "evidence", "evidence_zh"]
    return FiveForcesResult(
        drivers=out[cols].reset_index(drop=True), forces=pd.DataFrame(force_rows), overall=pd.DataFrame(overall_rows),
        sensitivity=pd.DataFrame(sens_rows, columns=sens_cols), scenarios=scenarios, weights=weights,
        force_weights=tuple(fw.items()), step=step, warnings=tuple(notes),
    )


def level(intensity: float) -> str:
    """'weak' (< 2.5), 'moderate' (2.5 ≤ I < 3.5) or 'strong' (≥ 3.5) for a force or overall intensity."""
    v = round(float(intensity), _ROUND)
    return "weak" if v < 2.5 else ("moderate" if v < 3.5 else "strong")


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class FiveForcesResult(Result):
    """Force intensities, overall intensity, attractiveness, binding force and sensitivity per scenario."""

    drivers: pd.DataFrame
    forces: pd.DataFrame
    overall: pd.DataFrame
    sensitivity: pd.DataFrame
    scenarios: tuple[str, ...]
    weights: str = "refuse"
    force_weights: tuple[tuple[str, float], ...] = ()
    step: float = 0.05
    attractiveness_rule: str = "6 - overall intensity (1-5; strong forces = low attractiveness)"
    warnings: tuple[str, ...] = field(default_factory=tuple)
    _conventions = ("weights", "force_weights", "step", "attractiveness_rule")

    title = "Porter's five forces (波特五力)"

    def _scenario(self, scenario: str | None) -> str:
        if scenario is None:
            return self.scenarios[0]
        if scenario not in self.scenarios:
            raise ParameterError(f"scenario={scenario!r} is not in the result; scenarios: {', '.join(map(repr, self.scenarios))}.")
        return scenario

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """One row per scenario: the five intensities, overall intensity, attractiveness, binding force.

        ``lang=None`` gives the raw frame indexed by the scenario names; with a ``lang`` the headers are readable
        and the scenarios carry their name in that language (``name_zh`` of the driver file in Chinese)."""
        wide = self.forces.pivot(index="scenario", columns="force", values="intensity")[list(FORCES)]
        wide = wide.join(self.overall.set_index("scenario")[["overall_intensity", "attractiveness", "binding_force",
                                                             "ranking_stable"]])
        wide = wide.loc[list(self.scenarios)]
        if lang is not None:
            check_lang(lang)
            wide.index = pd.Index([_scenario_label(self, s, lang) for s in wide.index], name=wide.index.name)
            wide["binding_force"] = [text(f, lang, LABELS) for f in wide["binding_force"]]
        return readable(wide, lang, type(self))

    def intensity(self, scenario: str | None = None) -> pd.Series:
        """Intensity per force of one scenario (the first by default)."""
        s = self._scenario(scenario)
        sub = self.forces[self.forces["scenario"] == s].set_index("force")["intensity"]
        return sub.loc[list(FORCES)]

    def ranking_changes(self, scenario: str | None = None) -> pd.DataFrame:
        """The weight moves (±step) that change the ranking of the forces (all scenarios if None)."""
        sens = self.sensitivity
        if scenario is not None:
            sens = sens[sens["scenario"] == self._scenario(scenario)]
        return sens[sens["ranking_changed"]].reset_index(drop=True)

    def summary(self, scenario: str | None = None) -> dict[str, Any]:
        """Headline numbers of one scenario as plain Python values."""
        s = self._scenario(scenario)
        o = self.overall.set_index("scenario").loc[s]
        return {"scenario": s, **{f: float(v) for f, v in self.intensity(s).items()},
                "overall_intensity": float(o["overall_intensity"]), "attractiveness": float(o["attractiveness"]),
                "binding_force": str(o["binding_force"]), "ranking": str(o["ranking"]),
                "ranking_stable": bool(o["ranking_stable"]),
                "n_ranking_changes": int(len(self.ranking_changes(s)))}

    def report_table(self, lang: str = "en") -> pd.DataFrame:
        """One row per scenario for a report: scenario name, the five intensities, overall intensity,
        attractiveness, binding force and whether the ranking survives the weight moves — all in ``lang``."""
        check_lang(lang)
        o = self.overall.set_index("scenario")
        rows = []
        for s in self.scenarios:
            inten = self.intensity(s)
            rows.append({"scenario": _scenario_label(self, s, lang), **{f: float(inten[f]) for f in FORCES},
                         "overall_intensity": float(o.loc[s, "overall_intensity"]),
                         "attractiveness": float(o.loc[s, "attractiveness"]),
                         "binding_force": text(o.loc[s, "binding_force"], lang, LABELS),
                         "ranking_stable": text("yes" if o.loc[s, "ranking_stable"] else "no", lang, LABELS)})
        return pd.DataFrame(rows)

    def driver_table(self, scenario: str | None = None, lang: str = "en") -> pd.DataFrame:
        """The drivers of one scenario for a report: force, driver text, weight, score, contribution, evidence."""
        check_lang(lang)
        s = self._scenario(scenario)
        d = self.drivers[self.drivers["scenario"] == s]
        zh = lang == "zh"
        return pd.DataFrame({
            "force": [text(f, lang, LABELS) for f in d["force"]],
            "driver": [(r["label_zh"] or r["label"]) if zh else r["label"] for _, r in d.iterrows()],
            "weight": d["weight"].to_numpy(float), "score": d["score"].to_numpy(float),
            "contribution": d["contribution"].to_numpy(float),
            "evidence": [(r["evidence_zh"] or r["evidence"]) if zh else r["evidence"] for _, r in d.iterrows()],
        })

    def changes_table(self, scenario: str | None = None, lang: str = "en") -> pd.DataFrame:
        """The weight moves that change the ranking of one scenario's forces, in ``lang``."""
        check_lang(lang)
        s = self._scenario(scenario)
        ch = self.ranking_changes(s)
        d = self.drivers[self.drivers["scenario"] == s].set_index(["force", "driver"])
        zh = lang == "zh"
        return pd.DataFrame({
            "force": [text(f, lang, LABELS) for f in ch["force"]],
            "driver": [(d.loc[(f, k), "label_zh"] or d.loc[(f, k), "label"]) if zh else d.loc[(f, k), "label"]
                       for f, k in zip(ch["force"], ch["driver"])],
            "delta": ch["delta"].to_numpy(float), "intensity_before": ch["intensity_before"].to_numpy(float),
            "intensity_after": ch["intensity_after"].to_numpy(float),
            "binding_changed": [text("yes" if b else "no", lang, LABELS) for b in ch["binding_changed"]],
            "new_ranking": [_ranking_text(r, lang) for r in ch["new_ranking"]],
        })

    def interpret(self, lang: str = "en", scenario: str | None = None, *, compare_with: str | None = None) -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`)."""
        return list(self._sentences_text(lang, scenario, compare_with=compare_with))

    @deprecated("interpret")
    def sentences(self, lang: str = "en", scenario: str | None = None, *, compare_with: str | None = None) -> list[str]:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._sentences_text(lang, scenario, compare_with=compare_with)

    def _sentences_text(self, lang: str = "en", scenario: str | None = None, *, compare_with: str | None = None) -> list[str]:
        """Interpretation sentences generated from the numbers of one scenario (optionally vs another)."""
        return interpret(self, lang=lang, scenario=scenario, compare_with=compare_with)

    def plot(self, kind: str = "radar", ax=None, lang: str = "en", scenario: str | None = None):
        """``"radar"`` (all scenarios on one chart) or ``"drivers"`` (bars of one scenario grouped by force)."""
        if kind == "radar":
            return porter_plots.plot_radar(self, ax=ax, lang=lang)
        if kind == "drivers":
            return porter_plots.plot_drivers(self, ax=ax, lang=lang, scenario=scenario)
        raise ParameterError(f"kind={kind!r}; use 'radar' or 'drivers'.")


# --------------------------------------------------------------------------- private helpers
def _force_key(value: object) -> str | None:
    s = str(value).strip()
    if s in FORCES:
        return s
    return _FORCE_ALIASES.get(s.lower().replace("_", " ")) or _FORCE_ALIASES.get(s)


def _check_drivers(df: pd.DataFrame, *, source: str) -> pd.DataFrame:
    required = ["force", "driver", "weight", "score"]
    missing = [c for c in required if c not in df.columns]
    if missing and len(df):
        raise data_error(f"required column(s) {', '.join(map(repr, missing))} missing", source=source,
                         fix="A five-forces driver table needs force, driver, weight and score (1–5, 5 = strong force)",
                         columns=df.columns)
    out = df.copy().reset_index(drop=True)
    if "scenario" not in out.columns:
        out["scenario"] = "industry"
    out["scenario"] = out["scenario"].fillna("industry").astype(str)
    for col in ("scenario_zh", "evidence", "evidence_zh", "label", "label_zh"):
        if col not in out.columns:
            out[col] = ""
        out[col] = out[col].fillna("").astype(str)
    if len(out) == 0:
        return out
    keys = out["force"].map(_force_key)
    bad = keys.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DomainError(f"column 'force' in {source}: driver {out.at[i, 'driver']!r} has unknown force "
                          f"{out.at[i, 'force']!r}. Use one of {', '.join(FORCES)}.")
    out["force"] = keys
    out["driver"] = out["driver"].astype(str).str.strip()

    def where(i: int) -> str:
        return f"driver {out.at[i, 'driver']!r} of force {out.at[i, 'force']!r} (scenario {out.at[i, 'scenario']!r})"

    numeric_columns(out, ("weight", "score"), source=source, row=where, noun="driver")
    neg = out["weight"] < 0
    if neg.any():
        i = int(np.flatnonzero(neg.to_numpy())[0])
        raise DomainError(f"column 'weight' in {source}: {where(i)} has negative weight {out.at[i, 'weight']:g}. "
                          "Weights run from 0 to 1 and sum to 1 within each force.")
    bad = (out["score"] < SCORE_MIN) | (out["score"] > SCORE_MAX)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DomainError(f"column 'score' in {source}: {where(i)} has score {out.at[i, 'score']:g}, outside 1–5 "
                          f"({int(bad.sum())} of {len(out)} drivers). Score each driver 1–5 where 5 means it makes the force strong.")
    dup = out.duplicated(["scenario", "force", "driver"], keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DomainError(f"{source}: {where(i)} appears more than once. Give each driver of a force one row per scenario.")
    # labels from the checklist where the driver is a checklist key
    for i, key in enumerate(out["driver"]):
        if key in _CHECK_INDEX:
            _, en, zh = _CHECK_INDEX[key]
            if not out.at[i, "label"]:
                out.at[i, "label"] = en
            if not out.at[i, "label_zh"]:
                out.at[i, "label_zh"] = zh
    out["label"] = out["label"].where(out["label"] != "", out["driver"])
    return out


def _ranking(intensity: Mapping[str, float]) -> tuple[str, ...]:
    """Forces from strongest to weakest; equal intensities keep the FORCES order."""
    return tuple(sorted(intensity, key=lambda f: (-round(intensity[f], _ROUND), FORCES.index(f))))


def _intensities(d: pd.DataFrame) -> dict[str, float]:
    return {f: float((g["weight"] * g["score"]).sum()) for f, g in d.groupby("force", sort=False)}


def _force_weights(force_weights: Mapping[str, float] | None, *, tol: float) -> dict[str, float]:
    if force_weights is None:
        return {f: 1.0 / len(FORCES) for f in FORCES}
    fw: dict[str, float] = {}
    for k, v in dict(force_weights).items():
        key = _force_key(k)
        if key is None:
            raise ParameterError(f"force_weights has unknown force {k!r}; use {', '.join(FORCES)}.")
        fw[key] = float(v)
    missing = [f for f in FORCES if f not in fw]
    if missing or any(v < 0 for v in fw.values()) or abs(sum(fw.values()) - 1.0) > tol:
        raise ParameterError(f"force_weights must give all five forces a weight ≥ 0 summing to 1; got {fw} "
                             + (f"(missing {', '.join(missing)})" if missing else f"(sum {sum(fw.values()):.4g})") + ".")
    return fw


def _sensitivity(d: pd.DataFrame, scenario: str, base_rank: tuple[str, ...], *, step: float) -> list[dict[str, Any]]:
    base = _intensities(d)
    rows = []
    for f in FORCES:
        g = d[d["force"] == f]
        if len(g) < 2:  # a single driver keeps weight 1 whatever we do
            continue
        w = g["weight"].to_numpy(float)
        s = g["score"].to_numpy(float)
        for i, drv in enumerate(g["driver"]):
            for delta in (step, -step):
                wi = min(1.0, max(0.0, w[i] + delta))
                if abs(wi - w[i]) < 1e-12 or w[i] >= 1.0:
                    continue
                new_w = w * (1.0 - wi) / (1.0 - w[i])
                new_w[i] = wi
                new_i = float((new_w * s).sum())
                inten = dict(base)
                inten[f] = new_i
                rank = _ranking(inten)
                rows.append({"scenario": scenario, "force": f, "driver": drv, "delta": round(wi - w[i], 12),
                             "weight_before": float(w[i]), "weight_after": wi, "intensity_before": base[f],
                             "intensity_after": new_i, "ranking_changed": rank != base_rank,
                             "binding_changed": rank[0] != base_rank[0], "new_ranking": " > ".join(rank)})
    return rows
