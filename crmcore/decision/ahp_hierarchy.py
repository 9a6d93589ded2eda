"""AHP hierarchies (递阶层次结构), synthesis and sensitivity.

A hierarchy is a nested dict (or a YAML file of the same shape)::

    goal: Choose a destination (选择旅游地)
    alternatives: [P1, P2, P3]             # optional
    labels: [Scenery, Cost, Lodging]       # elements compared at this node (optional if
    matrix: [[1, "1/2", 4], ...]           #   children/pairs/ratings name them)
    children:                              # one node per element that is broken down further
      Scenery: {matrix: [[1, 2, 5], ...]}  # a node whose elements are the alternatives
      Cost: {values: {P1: 3200, P2: 2100, P3: 2800}, direction: cost}

Each node gives its elements' local weights by one of ``matrix`` / ``upper`` / ``pairs``
(``[[A, B, 3], ...]``; judgements, see :func:`crmcore.ahp.pairwise`), ``ratings``
(``{A: 5, B: 3}``, direct ratings normalised to sum 1) or ``values`` with ``direction``
``benefit`` (``v / Σv``) or ``cost`` (``(1/v) / Σ(1/v)``). Any depth is allowed.

Global weight of an element = product of local weights on its path. With alternatives,
**distributive** synthesis is ``P_a = Σ_leaf g_leaf · s_a,leaf`` (local priorities sum to 1);
**ideal** synthesis first divides each leaf's priorities by their maximum (Saaty 1994;
Belton & Gear 1983 on rank reversal) and normalises the totals.

Hierarchy consistency (Saaty 1980): ``CR_H = Σ_nodes g_node·CI_node / Σ_nodes g_node·RI_node``;
the level-by-level sum used by Chinese textbooks (组合一致性比率, 姜启源《数学模型》)
is reported too.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.decision import ahp
from crmcore.decision.ahp_text import COMPLETION_NAMES, HIERARCHY_COLUMNS
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import ParagraphResult

SEP = " > "
_COMPLETION_NAMES = COMPLETION_NAMES  # the completion methods as the sentences name them
_RESULT_COLUMNS = HIERARCHY_COLUMNS  # readable headers of the results' to_frame(lang)
COMPLETIONS = ("llsm", "lambda_max", "harker")
SYNTHESES = ("distributive", "ideal", "absolute")


def load_spec(source: str | Path | Mapping[str, Any], *, lang: str | None = None) -> dict[str, Any]:
    """A hierarchy spec from a YAML path or a dict (returned as a plain dict).

    A spec may carry ``names: {element: {en: ..., zh: ...}}`` (also for the goal and expert names).
    With ``lang`` given, every name the spec uses (goal, labels, alternatives, children, pairs,
    ratings/values keys, experts) is replaced by its name in ``lang``; a one-language file without
    ``names`` is returned as it is. Do not relabel specs whose element names are column names (the
    customer-value and key-account files): :mod:`crmcore.customer_value` translates those itself.
    """
    if isinstance(source, Mapping):
        spec = dict(source)
        return _relabel_spec(spec, lang) if lang else spec
    spec = _read_yaml(source)
    return _relabel_spec(spec, lang) if lang else spec


def read_matrix(source: str | Path | Mapping[str, Any]) -> ahp.PairwiseMatrix:
    """The top judgement matrix of a YAML file or dict (``labels`` + ``matrix``/``upper``/``pairs``)."""
    spec = load_spec(source)
    return _matrix_from_node(spec, str(source) if not isinstance(source, Mapping) else "judgements")


def read_experts(source: str | Path | Mapping[str, Any]) -> dict[str, ahp.PairwiseMatrix]:
    """``{expert: matrix}`` from a YAML file or dict with an ``experts:`` mapping (for :func:`crmcore.ahp.group`)."""
    spec = load_spec(source)
    ex = spec.get("experts")
    if not isinstance(ex, Mapping) or not ex:
        raise DomainError("the file has no 'experts:' mapping of expert name → judgements.")
    return {str(k): _matrix_from_node(v, f"expert {k!r}") for k, v in ex.items()}


def hierarchy(spec: str | Path | Mapping[str, Any], *, method: str = "eigen", ri: ahp.RIChoice = "saaty1980",
              synthesis: str = "distributive", threshold: float = 0.1, completion: str = "llsm",
              names: Mapping[str, Mapping[str, str]] | None = None) -> HierarchyResult:
    """Evaluate an AHP hierarchy of any depth (see the module docstring for the spec).

    A node with missing judgements (``None`` / ``"?"``, or pairs left out) is completed first, as
    :func:`crmcore.ahp.complete` does: ``completion="llsm"`` (default: logarithmic least squares,
    ``a_ij = w_i/w_j``; Bozóki, Fülöp & Rónyai 2010, §3), ``"lambda_max"`` (the values that minimise
    λmax, ibid. §2) or ``"harker"`` (Harker 1987). ``result.completed`` lists every filled judgement
    (node, pair, value, method); the summary says how many were filled. The Monte Carlo perturbs the
    filled judgements like the given ones. ``names`` (``{element: {en, zh}}``, added to the spec's
    ``names:``) only changes how elements are written in ``summary(lang)`` and ``plot(lang)``.
    """
    spec = load_spec(spec)
    ahp._check_method(method)
    if completion not in COMPLETIONS:
        raise ParameterError(f"completion={completion!r}; use one of {', '.join(map(repr, COMPLETIONS))}.")
    if synthesis not in SYNTHESES:
        raise ParameterError(f"synthesis={synthesis!r}; use one of {', '.join(map(repr, SYNTHESES))}.")
    goal = str(spec.get("goal", "goal"))
    alts = spec.get("alternatives")
    alts = tuple(str(a) for a in alts) if alts is not None else None
    nodes: list[Node] = []
    _parse_node(spec, (goal,), alts, nodes)
    paths = {nd.path for nd in nodes}
    leaves = [nd.path + (lab,) for nd in nodes if not nd.is_alternatives for lab in nd.labels
              if nd.path + (lab,) not in paths or any(x.path == nd.path + (lab,) and x.is_alternatives for x in nodes)]
    leaf_names = [p[-1] for p in leaves]
    dup = sorted({x for x in leaf_names if leaf_names.count(x) > 1})
    if dup:
        raise DomainError(f"leaf criteria must have distinct names; {', '.join(map(repr, dup))} appear more than once. "
                          "Rename them, e.g. 'price (online)' and 'price (store)'.")
    nodes, filled = _complete_nodes(nodes, completion, ri, threshold)
    res = _evaluate(goal, tuple(nodes), alts, method=method, ri=ri, synthesis=synthesis, threshold=threshold)
    shown = {str(k): dict(v) for k, v in (spec.get("names") or {}).items() if isinstance(v, Mapping)}
    shown.update({str(k): dict(v) for k, v in (names or {}).items()})
    return replace(res, completed=filled, completion=completion, names=shown)


def synthesize(weights: Mapping[str, float] | pd.Series, scores: pd.DataFrame, *,
               synthesis: str = "distributive") -> pd.Series:
    """Overall priority of each alternative: ``Σ_c w_c · s_ac``.

    ``scores``: alternatives × criteria. ``distributive`` normalises each criterion column to
    sum 1; ``ideal`` divides it by its maximum; in both the totals are normalised to sum 1.
    ``absolute`` (AHP ratings / absolute measurement, 综合积分法) uses the scores as they are
    (already mapped to a common 0–1 range) and does not normalise the totals. A criterion with
    zero weight has no influence on the result.
    """
    w = pd.Series(weights, dtype=float)
    s = _normalise_scores(_check_scores(scores, list(w.index)), synthesis)
    tot = s.to_numpy() @ w.to_numpy()
    if synthesis != "absolute":
        tot = tot / tot.sum()
    return pd.Series(tot, index=s.index, name="priority")


def sweep(weights: Mapping[str, float], scores: pd.DataFrame, criterion: str | Sequence[str], *,
          name: str | None = None, steps: int = 101, synthesis: str = "distributive", top: int = 10) -> SweepResult:
    """Set the weight of ``criterion`` (or the summed weight of a group of leaf criteria) to
    ``t ∈ [0, 1]``, scale the other weights by ``(1 − t)/(1 − w)`` and re-synthesise.

    Priorities are linear in ``t``, so the points where the top alternative changes are found
    exactly (upper envelope of straight lines), not read off the grid.
    """
    w = pd.Series(weights, dtype=float)
    group = [criterion] if isinstance(criterion, str) else list(criterion)
    name = name or (criterion if isinstance(criterion, str) else " + ".join(group))
    miss = [c for c in group if c not in w.index]
    if miss:
        raise ParameterError(f"criterion {miss[0]!r} is not weighted; criteria are {', '.join(w.index)}.")
    s = _normalise_scores(_check_scores(scores, list(w.index)), synthesis)
    inside = w.index.isin(group)
    g = float(w[inside].sum() / w.sum())
    if g >= 1 - 1e-12:
        raise DomainError(f"{name!r} carries all the weight; a sweep needs at least one other criterion.")
    wn = w / w.sum()
    a_vec = (s.loc[:, inside].to_numpy() @ (wn[inside].to_numpy() / g)) if g > 0 else \
        s.loc[:, inside].to_numpy().mean(axis=1)
    b_vec = s.loc[:, ~inside].to_numpy() @ (wn[~inside].to_numpy() / (1 - g))
    # unnormalised total(t) = b + t (a − b); the normalising sum is also linear and positive, so
    # ranks (and the top) come from the straight lines
    alts = list(s.index)
    changes = []
    t0 = 0.0
    cur = _top(a_vec, b_vec, t0, alts)
    while True:
        slope = a_vec - b_vec
        best_t, nxt = None, None
        for k in range(len(alts)):
            if k == cur or slope[k] <= slope[cur] + 1e-15:
                continue
            t = (b_vec[cur] - b_vec[k]) / (slope[k] - slope[cur])
            if not (t0 + 1e-12 < t < 1 - 1e-12):
                continue
            # earliest crossing wins; lines crossing at the same point: the steepest leads after it
            if best_t is None or t < best_t - 1e-12 or (abs(t - best_t) <= 1e-12 and slope[k] > slope[nxt]):
                best_t, nxt = t, k
        if best_t is None:
            break
        changes.append({"t": float(best_t), "before": alts[cur], "after": alts[nxt]})
        t0, cur = best_t, nxt
    grid = np.linspace(0, 1, steps)
    tot = b_vec[None, :] + grid[:, None] * (a_vec - b_vec)[None, :]
    pr = tot if synthesis == "absolute" else tot / tot.sum(axis=1, keepdims=True)
    now = b_vec + g * (a_vec - b_vec)
    keep = np.argsort(-now, kind="stable")[:top]
    keep_names = set(alts[k] for k in keep) | {c["after"] for c in changes} | {c["before"] for c in changes}
    cols = [k for k, a in enumerate(alts) if a in keep_names]
    table = pd.DataFrame(pr[:, cols], index=pd.Index(grid, name="t"), columns=[alts[k] for k in cols])
    slope = a_vec - b_vec
    cross = []
    for i, j in itertools.combinations(cols, 2):
        if abs(slope[i] - slope[j]) > 1e-15:
            t = (b_vec[j] - b_vec[i]) / (slope[i] - slope[j])
            if 0 < t < 1:
                up, down = (alts[i], alts[j]) if slope[i] > slope[j] else (alts[j], alts[i])
                cross.append({"t": float(t), "overtakes": up, "overtaken": down})
    rank_changes = pd.DataFrame(cross, columns=["t", "overtakes", "overtaken"]).sort_values("t", ignore_index=True)
    return SweepResult(name, g, table, pd.DataFrame(changes, columns=["t", "before", "after"]), synthesis,
                       rank_changes=rank_changes)


def monte_carlo(result: HierarchyResult, *, n: int = 1000, seed: int = 0, perturbation: str = "scale",
                steps: int = 1, sigma: float = 0.2, scores: pd.DataFrame | None = None,
                synthesis: str | None = None) -> MonteCarloResult:
    """Perturb all pairwise judgements ``n`` times and re-synthesise.

    ``perturbation="scale"``: each judgement moves independently by a uniform number of steps in
    ``[-steps, steps]`` along Saaty's 17-point scale (1/9 … 9); ``"lognormal"``: multiplied by
    ``exp(σ z)``. Judgements of the alternatives are perturbed too; ``scores`` (measured
    indicator values, e.g. customers × indicators) are not; ``synthesis`` overrides the
    hierarchy's (use ``"absolute"`` for mapped indicator scores). Reports P(rank 1), mean rank and the
    5 %/95 % quantiles of each alternative's priority. Deterministic for a given ``seed``.
    """
    if perturbation not in ("scale", "lognormal"):
        raise ParameterError(f"perturbation={perturbation!r}; use 'scale' or 'lognormal'.")
    if n < 1:
        raise ParameterError(f"n={n}: give at least one draw.")
    rng = np.random.default_rng(seed)
    base = result._scores(scores)
    alts = list(base.index)
    nodes = result.structure
    pw = [nd for nd in nodes if nd.kind == "pairwise" and len(nd.labels) > 1]
    leaves = list(result.leaf_weights().index)
    pr = np.empty((n, len(alts)))
    has_alt_nodes = scores is None
    synthesis = synthesis or result.synthesis
    norm_scores = _normalise_scores(base[leaves], synthesis).to_numpy()
    goal = result.goal
    alts_t = tuple(alts) if has_alt_nodes else None
    for k in range(n):
        mats = {nd.path: _perturb(nd.matrix.values, rng, perturbation, steps, sigma) for nd in pw}
        wts, p = _evaluate(goal, nodes, alts_t, method=result.method, ri=result.ri, synthesis=synthesis,
                           threshold=result.threshold, matrices=mats, light=True)
        if has_alt_nodes:
            pr[k] = p
        else:
            lw = np.array([wts[c] for c in leaves])
            tot = norm_scores @ lw
            pr[k] = tot if synthesis == "absolute" else tot / tot.sum()
    ranks = (-pr).argsort(axis=1, kind="stable").argsort(axis=1, kind="stable") + 1
    table = pd.DataFrame({
        "alternative": alts,
        "p_first": (ranks == 1).mean(axis=0),
        "mean_rank": ranks.mean(axis=0),
        "mean_priority": pr.mean(axis=0),
        "q05": np.quantile(pr, 0.05, axis=0),
        "q95": np.quantile(pr, 0.95, axis=0),
    }).sort_values(["p_first", "mean_rank", "alternative"], ascending=[False, True, True], ignore_index=True)
    return MonteCarloResult(table, n, seed, perturbation, float(steps if perturbation == "scale" else sigma))


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Node:
    """One node of the hierarchy: the elements it compares and how."""

    path: tuple[str, ...]
    labels: tuple[str, ...]
    kind: str  # "pairwise" | "ratings" | "values"
    matrix: ahp.PairwiseMatrix | None = field(default=None, repr=False)
    raw: tuple[float, ...] = ()
    direction: str = "benefit"
    is_alternatives: bool = False

    @property
    def name(self) -> str:
        return SEP.join(self.path)


@dataclass(frozen=True)
class HierarchyResult(ParagraphResult):
    """Weights of every element, every node's consistency and (with alternatives) the synthesis.

    ``weights``: tidy table ``node, level, element, local_weight, global_weight, is_leaf``.
    ``nodes``: ``node, kind, n, lambda_max, CI, RI, CR, consistent``.
    ``alternatives``: ``alternative, priority, rank`` (empty without alternatives).
    ``local_scores``: alternatives × leaf criteria local priorities.
    """

    goal: str
    weights: pd.DataFrame = field(repr=False)
    nodes: pd.DataFrame = field(repr=False)
    alternatives: pd.DataFrame = field(repr=False)
    local_scores: pd.DataFrame = field(repr=False)
    overall_cr: float
    overall_cr_levels: float
    method: str
    ri_table: str
    synthesis: str
    threshold: float
    structure: tuple[Node, ...] = field(repr=False)
    ri: Any = field(repr=False, default="saaty1980")
    completed: pd.DataFrame = field(repr=False, default_factory=lambda: pd.DataFrame(
        columns=["node", "pair", "value", "method"]))
    completion: str = "llsm"
    names: Mapping[str, Mapping[str, str]] = field(repr=False, default_factory=dict)
    title = "AHP hierarchy (层次分析)"

    def display(self, element: str, lang: str = "en") -> str:
        """An element's name in ``lang`` from ``names`` (the spec's ``names:`` or given), else as written."""
        v = self.names.get(element)
        return v.get(lang, element) if isinstance(v, Mapping) else element
    _conventions = ("method", "ri_table", "synthesis", "threshold")
    _columns = _RESULT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return self.alternatives if len(self.alternatives) else self.leaf_weights().rename("global_weight").reset_index()

    def leaf_weights(self) -> pd.Series:
        """Global weights of the leaf criteria (they sum to 1), indexed by element name."""
        leaf = self.weights[self.weights["is_leaf"]]
        return pd.Series(leaf["global_weight"].to_numpy(), index=leaf["element"].to_numpy(), name="weight")

    def weights_dict(self, level: int | None = None) -> dict[str, float]:
        """``{element: global weight}`` for the leaves, or for one level (1 = just under the goal)."""
        if level is None:
            return {k: float(v) for k, v in self.leaf_weights().items()}
        rows = self.weights[self.weights["level"] == level]
        return dict(zip(rows["element"], rows["global_weight"].astype(float)))

    @property
    def consistent(self) -> bool:
        """Every pairwise node and the hierarchy as a whole under the threshold."""
        pw = self.nodes[self.nodes["kind"] == "pairwise"]
        return bool((pw["CR"] < self.threshold).all() and self.overall_cr < self.threshold)

    def _summary_text(self, lang: str = "en") -> str:
        check_lang(lang)
        lw = self.leaf_weights().sort_values(ascending=False)
        pw = self.nodes[self.nodes["kind"] == "pairwise"]
        worst = pw.sort_values("CR", ascending=False).iloc[0] if len(pw) else None
        zh = lang == "zh"
        d = lambda x: self.display(x, lang)  # noqa: E731
        syn = {"distributive": "分配模式", "ideal": "理想模式", "absolute": "绝对模式"}
        tied = [d(x) for x, v in lw.items() if abs(v - lw.iloc[0]) <= 1e-9]  # equal weights: name them all
        if len(tied) > 1:
            s = (f"权重最大的末级指标是{'、'.join(tied)}（各 {lw.iloc[0]:.3f}）" if zh else
                 f"The heaviest leaf criteria are {', '.join(tied[:-1])} and {tied[-1]} ({lw.iloc[0]:.3f} each)")
        else:
            s = (f"权重最大的末级指标是{tied[0]}（{lw.iloc[0]:.3f}）" if zh else
                 f"The heaviest leaf criterion is {tied[0]} ({lw.iloc[0]:.3f})")
        if len(self.alternatives):
            top = self.alternatives.iloc[0]
            s += (f"；综合得分最高的方案是 {d(top['alternative'])}（{top['priority']:.3f}，{syn.get(self.synthesis, self.synthesis)}合成）"
                  if zh else f"; the best alternative is {d(top['alternative'])} ({top['priority']:.3f}, "
                  f"{self.synthesis} synthesis)")
        if worst is not None:
            node = SEP.join(d(x) for x in str(worst["node"]).split(SEP))
            s += (f"；各判断矩阵中 CR 最大为 {worst['CR']:.4f}（{node}），层次总排序 CR = {self.overall_cr:.4f}，"
                  + ("通过一致性检验。" if self.consistent else "需要修正。") if zh else
                  f"; the largest node CR is {worst['CR']:.4f} ({node}) and the hierarchy CR is "
                  f"{self.overall_cr:.4f}: " + ("acceptable." if self.consistent else "revise before use."))
        else:
            s += "。" if zh else "."
        if len(self.completed):
            k, how = len(self.completed), _COMPLETION_NAMES[self.completion]
            s += (f"缺失的 {k} 个判断已用{how['zh']}补全。" if zh else
                  f" {k} missing judgement{'s were' if k > 1 else ' was'} filled by {how['en']}.")
        return s

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        from crmcore.decision.ahp_plots import plot_hierarchy

        return plot_hierarchy(self, ax=ax, lang=lang, title=title)

    def _scores(self, scores: pd.DataFrame | None) -> pd.DataFrame:
        if scores is None:
            if not len(self.local_scores):
                raise ParameterError("this hierarchy has no alternatives; pass scores= (alternatives × leaf criteria).")
            return self.local_scores
        return _check_scores(scores, list(self.leaf_weights().index))

    def sweep(self, criterion: str, *, scores: pd.DataFrame | None = None, steps: int = 101,
              synthesis: str | None = None, top: int = 10) -> "SweepResult":
        """One-criterion sensitivity sweep (see :func:`sweep`); ``criterion`` may be any element."""
        leaves = self._leaves_under(criterion)
        sw = sweep(self.leaf_weights().to_dict(), self._scores(scores), leaves, name=criterion, steps=steps,
                   synthesis=synthesis or self.synthesis, top=top)
        return replace(sw, names=self.names)

    def _leaves_under(self, criterion: str) -> list[str]:
        w = self.weights
        hit = w[(w["element"] == criterion) | ((w["node"] + SEP + w["element"]) == criterion)]
        if hit.empty:
            raise ParameterError(f"criterion {criterion!r} is not in the hierarchy; elements are "
                                 f"{', '.join(dict.fromkeys(w['element']))}.")
        if len(hit) > 1:
            raise ParameterError(f"{criterion!r} appears {len(hit)} times; write its path, e.g. "
                                 f"{(hit['node'] + SEP + hit['element']).iloc[0]!r}.")
        full = (hit["node"] + SEP + hit["element"]).iloc[0]
        leaves = w[w["is_leaf"] & ((w["node"] + SEP + w["element"]).str.startswith(full + SEP)
                                   | ((w["node"] + SEP + w["element"]) == full))]
        return list(leaves["element"])

    def monte_carlo(self, *, n: int = 1000, seed: int = 0, perturbation: str = "scale", steps: int = 1,
                    sigma: float = 0.2, scores: pd.DataFrame | None = None,
                    synthesis: str | None = None) -> "MonteCarloResult":
        """Perturb every judgement and count how often each alternative ranks first (see :func:`monte_carlo`)."""
        return monte_carlo(self, n=n, seed=seed, perturbation=perturbation, steps=steps, sigma=sigma, scores=scores,
                           synthesis=synthesis)


@dataclass(frozen=True)
class SweepResult(ParagraphResult):
    """Priorities as one criterion's weight moves from 0 to 1 (others renormalised).

    ``table``: ``t`` × alternatives (priorities of the ``top`` alternatives); ``changes``: the
    exact weights where the top alternative changes, with who was first before and after;
    ``rank_changes``: every crossing between two of the shown alternatives (who overtakes whom).
    """

    criterion: str
    current: float
    table: pd.DataFrame = field(repr=False)
    changes: pd.DataFrame = field(repr=False)
    synthesis: str
    measure: str = "priority"  # what the lines show: "priority" (sums to 1) or "score" (0–100)
    rank_changes: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    names: Mapping[str, Mapping[str, str]] = field(repr=False, default_factory=dict)
    title = "one-criterion sensitivity (单因素灵敏度分析)"
    _conventions = ("criterion", "current", "synthesis")
    _columns = _RESULT_COLUMNS

    def display(self, element: str, lang: str = "en") -> str:
        """The criterion's (or an alternative's) name in ``lang`` from ``names``, else as written."""
        v = self.names.get(element)
        return v.get(lang, element) if isinstance(v, Mapping) else element

    def to_frame(self) -> pd.DataFrame:
        return self.changes

    def stable_range(self) -> tuple[float, float]:
        """Interval of the criterion's weight around its current value in which the top stays the same."""
        ts = list(self.changes["t"])
        lo = max([t for t in ts if t <= self.current] or [0.0])
        hi = min([t for t in ts if t > self.current] or [1.0])
        return lo, hi

    def _summary_text(self, lang: str = "en") -> str:
        check_lang(lang)
        lo, hi = self.stable_range()
        top = self.display(str(self.table.loc[self.table.index[np.argmin(np.abs(self.table.index - self.current))]]
                                .idxmax()), lang)
        crit = self.display(self.criterion, lang)
        k = len(self.changes)
        if lang == "zh":
            if self.changes.empty:
                return f"{crit}的权重从 0 变到 1，排名第一的始终是 {top}。"
            return (f"{crit}当前权重为 {self.current:.3f}；只要它在 [{lo:.3f}, {hi:.3f}] 之内，排名第一的都是 {top}；"
                    f"权重从 0 变到 1 的过程中，第一名共更替 {k} 次。")
        if self.changes.empty:
            return f"As the weight of {crit} moves from 0 to 1, {top} stays first."
        return (f"{crit} has weight {self.current:.3f}; {top} stays first while it lies in "
                f"[{lo:.3f}, {hi:.3f}]; as it moves from 0 to 1 the leader changes {k} time{'s' if k > 1 else ''}.")

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        from crmcore.decision.ahp_plots import plot_sweep

        return plot_sweep(self, ax=ax, lang=lang, title=title)


@dataclass(frozen=True)
class MonteCarloResult(ParagraphResult):
    """How often each alternative ranks first when every judgement is perturbed."""

    table: pd.DataFrame = field(repr=False)
    n: int
    seed: int
    perturbation: str
    spread: float
    title = "Monte Carlo over judgements (判断扰动模拟)"
    _conventions = ("n", "seed", "perturbation", "spread")
    _columns = _RESULT_COLUMNS

    def _summary_text(self, lang: str = "en") -> str:
        check_lang(lang)
        t = self.table.iloc[0]
        who = t.iloc[0]  # first column: the alternative (or customer id)
        if lang == "zh":
            how = {"scale": f"每个判断在 1–9 标度上随机移动至多 {self.spread:g} 档",
                   "lognormal": f"对数正态扰动，σ = {self.spread:g}"}.get(self.perturbation, self.perturbation)
            return (f"在 {self.n} 次随机扰动判断（{how}）中，{who} "
                    f"排名第一的概率为 {t['p_first']:.1%}，平均名次 {t['mean_rank']:.2f}。")
        how = {"scale": f"each judgement moved at random by up to {self.spread:g} step(s) on the 1–9 scale",
               "lognormal": f"lognormal, σ = {self.spread:g}"}.get(self.perturbation, self.perturbation)
        return (f"In {self.n} random perturbations of the judgements ({how}), "
                f"{who} ranks first {t['p_first']:.1%} of the time (mean rank {t['mean_rank']:.2f}).")


# --------------------------------------------------------------------------- private helpers
def _relabel_spec(spec: dict[str, Any], lang: str) -> dict[str, Any]:
    check_lang(lang)
    names = spec.get("names") or {}
    if not names:
        return spec

    def nm(x: Any) -> Any:
        v = names.get(x) if isinstance(x, str) else None
        return v.get(lang, x) if isinstance(v, Mapping) else x

    def node(d: Any) -> Any:
        if not isinstance(d, Mapping):
            return d
        out = {}
        for k, v in d.items():
            if k in ("labels", "alternatives") and isinstance(v, list):
                out[k] = [nm(x) for x in v]
            elif k == "pairs" and isinstance(v, list):
                out[k] = [[nm(r[0]), nm(r[1]), *r[2:]] if isinstance(r, (list, tuple)) else r for r in v]
            elif k in ("ratings", "values") and isinstance(v, Mapping):
                out[k] = {nm(a): b for a, b in v.items()}
            elif k in ("children", "experts") and isinstance(v, Mapping):
                out[k] = {nm(a): node(b) for a, b in v.items()}
            elif k == "goal":
                out[k] = nm(v)
            else:
                out[k] = v
        return out

    return node(spec)


def _read_yaml(source: str | Path) -> dict[str, Any]:
    path = Path(source)
    if not path.exists():
        raise ParameterError(f"hierarchy file {str(path)!r} does not exist; give a YAML path or a dict.")
    import yaml

    with open(path, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    if not isinstance(spec, Mapping):
        raise DomainError(f"{path.name}: the YAML must be a mapping with 'goal', judgements and 'children'.")
    return dict(spec)


def _matrix_from_node(spec: Mapping[str, Any], where: str) -> ahp.PairwiseMatrix:
    given = [k for k in ("matrix", "upper", "pairs") if k in spec]
    if len(given) != 1:
        raise DomainError(f"{where}: give exactly one of matrix / upper / pairs; found {given or 'none'}.")
    how = given[0]
    labels = spec.get("labels")
    if how == "pairs":
        p = spec["pairs"]
        if not isinstance(p, Mapping):
            try:
                p = {(str(a), str(b)): v for a, b, v in p}
            except (TypeError, ValueError):
                raise DomainError(f"{where}: pairs must be a list of [A, B, value] triples.") from None
        return ahp.pairwise(p, labels=labels)
    return ahp.pairwise(spec[how], labels=labels, form="upper" if how == "upper" else "auto")


def _parse_node(spec: Mapping[str, Any], path: tuple[str, ...], alternatives: tuple[str, ...] | None,
                out: list[Node]) -> None:
    where = SEP.join(path)
    children = spec.get("children") or {}
    if not isinstance(children, Mapping):
        raise DomainError(f"node {where!r}: 'children' must map each element to its node.")
    given = [k for k in ("matrix", "upper", "pairs", "ratings", "values") if k in spec]
    if len(given) != 1:
        raise DomainError(
            f"node {where!r} needs exactly one of matrix / upper / pairs / ratings / values; found "
            f"{given or 'none'}."
        )
    how = given[0]
    labels = spec.get("labels")
    if labels is None:
        if how in ("ratings", "values"):
            labels = list(spec[how])
        elif how == "pairs":
            labels = None  # the pairs name the elements
        elif children:
            labels = list(children)
        elif alternatives is not None:
            labels = list(alternatives)
    labels = None if labels is None else [str(x) for x in labels]
    kind, matrix, raw, direction = "pairwise", None, (), str(spec.get("direction", "benefit"))
    if how in ("matrix", "upper", "pairs"):
        matrix = _matrix_from_node({**spec, "labels": labels}, f"node {where!r}")
    else:
        kind = how
        d = spec[how]
        if not isinstance(d, Mapping):
            raise DomainError(f"node {where!r}: {how} must map each element to a number.")
        labels = labels or [str(k) for k in d]
        try:
            raw = tuple(float(d[k]) for k in labels)
        except KeyError as e:
            raise DomainError(f"node {where!r}: {how} has no value for {e.args[0]!r}.") from None
        except (TypeError, ValueError):
            raise DomainError(f"node {where!r}: every {how} entry must be a number ({dict(d)}).") from None
        if how == "values" and direction not in ("benefit", "cost"):
            raise ParameterError(f"node {where!r}: direction={direction!r}; use 'benefit' or 'cost'.")
        zero_cost = how == "values" and direction == "cost"
        neg = [k for k, x in zip(labels, raw) if not np.isfinite(x) or x < 0 or (zero_cost and x == 0)]
        if neg or sum(raw) <= 0:
            raise DomainError(f"node {where!r}: {how} must be non-negative numbers, not all zero "
                              f"(bad: {', '.join(map(repr, neg)) or 'all zero'}).")
    if matrix is not None:
        labels = list(matrix.labels)
    labs = tuple(labels)
    is_alt = alternatives is not None and set(labs) == set(alternatives) and not children
    unknown = [c for c in children if c not in labs]
    if unknown:
        raise DomainError(f"node {where!r}: children {unknown} are not among its elements {list(labs)}.")
    out.append(Node(path, labs, kind, matrix, raw, direction, is_alt))
    for lab in labs:
        if lab in children:
            _parse_node(children[lab], path + (lab,), alternatives, out)
        elif alternatives is not None and not is_alt:
            raise DomainError(
                f"criterion {SEP.join(path + (lab,))!r} has no node comparing the alternatives "
                f"{list(alternatives)}. Add children: {{{lab}: {{matrix: ...}}}}."
            )


def _local(node: Node, method: str, ri: ahp.RIChoice, threshold: float) -> tuple[np.ndarray, ahp.AHPResult | None]:
    if node.kind == "pairwise":
        r = ahp.priorities(node.matrix, method=method, ri=ri, threshold=threshold)
        return r.weights, r
    x = np.array(node.raw, dtype=float)
    if node.kind == "values" and node.direction == "cost":
        x = 1 / x
    return x / x.sum(), None


def _complete_nodes(nodes: list[Node], completion: str, ri: ahp.RIChoice, threshold: float
                    ) -> tuple[list[Node], pd.DataFrame]:
    """Nodes with every matrix complete, and the table of the judgements that were filled in."""
    out, rows = [], []
    for nd in nodes:
        if nd.kind == "pairwise" and nd.matrix is not None and not nd.matrix.is_complete:
            c = ahp.complete(nd.matrix, method=completion, ri=ri, threshold=threshold)
            rows += [(nd.name, f"{r} / {col}", float(v), completion)
                     for r, col, v in zip(c.filled["row"], c.filled["column"], c.filled["value"])]
            nd = replace(nd, matrix=c.matrix)
        out.append(nd)
    return out, pd.DataFrame(rows, columns=["node", "pair", "value", "method"])


def _evaluate(goal: str, nodes: tuple[Node, ...], alts: tuple[str, ...] | None, *, method: str, ri: ahp.RIChoice,
              synthesis: str, threshold: float, matrices: Mapping[tuple[str, ...], np.ndarray] | None = None,
              light: bool = False) -> Any:
    by_path = {nd.path: nd for nd in nodes}
    gw: dict[tuple[str, ...], float] = {(goal,): 1.0}
    wrows, nrows, alt_local = [], [], {}
    ri_name = ahp.random_index(3, ri)[1]
    for nd in nodes:  # parents come before children (pre-order)
        g = gw[nd.path]
        if matrices is not None and nd.path in matrices:
            w, _ = ahp._weights(matrices[nd.path], method)
            r = None
        else:
            w, r = _local(nd, method, ri, threshold)
        if nd.is_alternatives:
            alt_local[nd.path[1:]] = dict(zip(nd.labels, w))
        for lab, x in zip(nd.labels, w):
            if not nd.is_alternatives:
                gw[nd.path + (lab,)] = g * float(x)
                wrows.append((nd.name, len(nd.path), lab, float(x), g * float(x), nd.path + (lab,) not in by_path
                              or (alts is not None and by_path[nd.path + (lab,)].is_alternatives)))
        if light:
            continue
        if r is not None:
            nrows.append((nd.name, nd.kind, len(nd.labels), r.lambda_max, r.ci, r.ri, r.cr, r.consistent, g))
        else:
            nrows.append((nd.name, nd.kind, len(nd.labels), np.nan, 0.0, 0.0, 0.0, True, g))
    if light:  # Monte Carlo path: no tables, just leaf weights and priorities
        leaf_w = {r[2]: r[4] for r in wrows if r[5]}
        if alts is None:
            return leaf_w, None
        alt_idx = {a: k for k, a in enumerate(alts)}
        tot = np.zeros(len(alts))
        for p, loc in alt_local.items():
            v = np.zeros(len(alts))
            for a, x in loc.items():
                v[alt_idx[a]] = x
            if synthesis == "ideal":
                v = v / v.max()
            tot += gw[(goal,) + p] * v
        return leaf_w, tot / tot.sum()
    weights = pd.DataFrame(wrows, columns=["node", "level", "element", "local_weight", "global_weight", "is_leaf"])
    if alts is not None:
        leaf_paths = [p for p in alt_local]
        local = pd.DataFrame({SEP.join(p[-1:]): pd.Series(alt_local[p]) for p in leaf_paths}).reindex(list(alts))
        leaf_w = pd.Series({p[-1]: gw[(goal,) + p] for p in leaf_paths})
        pr = synthesize(leaf_w, local, synthesis=synthesis)
    else:
        local, pr = pd.DataFrame(), pd.Series(dtype=float)
    nodes_df = pd.DataFrame(nrows, columns=["node", "kind", "n", "lambda_max", "CI", "RI", "CR", "consistent",
                                            "global_weight"])
    overall, levels = _hierarchy_cr(nodes_df, nodes)
    alt_df = (pr.rename("priority").rename_axis("alternative").reset_index()
              .sort_values(["priority", "alternative"], ascending=[False, True], ignore_index=True))
    if len(alt_df):
        alt_df["rank"] = np.arange(1, len(alt_df) + 1)
    return HierarchyResult(goal, weights, nodes_df, alt_df, local, overall, levels, method, ri_name, synthesis,
                           threshold, nodes, ri)


def _hierarchy_cr(nodes_df: pd.DataFrame, nodes: Sequence[Node]) -> tuple[float, float]:
    pw = nodes_df[(nodes_df["kind"] == "pairwise") & (nodes_df["n"] > 2)]
    if pw.empty:
        return 0.0, 0.0
    overall = float((pw["global_weight"] * pw["CI"]).sum() / (pw["global_weight"] * pw["RI"]).sum())
    depth = pd.Series([len(nd.path) for nd in nodes], index=[nd.name for nd in nodes])
    lv = pw.assign(depth=pw["node"].map(depth))
    by = lv.groupby("depth")
    levels = float(sum((d["global_weight"] * d["CI"]).sum() / (d["global_weight"] * d["RI"]).sum() for _, d in by))
    return overall, levels


def _check_scores(scores: pd.DataFrame, leaves: Sequence[str]) -> pd.DataFrame:
    if not isinstance(scores, pd.DataFrame):
        raise ParameterError("scores must be a DataFrame: one row per alternative, one column per leaf criterion.")
    miss = [c for c in leaves if c not in scores.columns]
    if miss:
        raise DomainError(f"scores has no column for {', '.join(map(repr, miss))}; columns found: "
                          f"{', '.join(map(str, scores.columns))}.")
    s = scores[list(leaves)]
    bad = s.isna() | (s < 0)
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DomainError(f"scores: {int(bad.to_numpy().sum())} values are missing or negative "
                          f"(alternative {s.index[r]!r}, column {s.columns[c]!r}: {s.iat[r, c]!r}). Map them first.")
    return s.astype(float)


def _normalise_scores(s: pd.DataFrame, synthesis: str) -> pd.DataFrame:
    if synthesis == "distributive":
        return (s / s.sum().replace(0, np.nan)).fillna(0.0)
    if synthesis == "ideal":
        return (s / s.max().replace(0, np.nan)).fillna(0.0)
    if synthesis == "absolute":
        return s
    raise ParameterError(f"synthesis={synthesis!r}; use one of {', '.join(map(repr, SYNTHESES))}.")


def _top(a, b, t, alts) -> int:
    v = b + t * (a - b) + 1e-12 * (a - b)  # just right of t: ties broken by the steeper line
    return int(np.argmax(v))


def _perturb(a: np.ndarray, rng: np.random.Generator, how: str, steps: int, sigma: float) -> np.ndarray:
    n = a.shape[0]
    iu = np.triu_indices(n, 1)
    x = a[iu]
    if how == "scale":
        scale = np.log(np.array(ahp.SCALE))
        idx = np.abs(np.log(x)[:, None] - scale[None, :]).argmin(axis=1)
        idx = np.clip(idx + rng.integers(-steps, steps + 1, size=len(x)), 0, len(scale) - 1)
        y = np.exp(scale[idx])
    else:
        y = x * np.exp(sigma * rng.standard_normal(len(x)))
    b = np.ones_like(a)
    b[iu] = y
    b[(iu[1], iu[0])] = 1 / y
    return b
