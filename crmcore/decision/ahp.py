"""Analytic hierarchy process (层次分析法): the public face of the AHP modules.

A judgement matrix (判断矩阵) ``A`` holds pairwise comparisons on Saaty's 1–9 scale,
``a_ij ≈ w_i / w_j`` and ``a_ji = 1 / a_ij``. From it we derive priorities by

- the principal eigenvector (特征根法, Saaty 1980): ``A w = λmax w``;
- the row geometric mean (几何平均法 / 方根法): ``w_i ∝ (Π_j a_ij)^(1/n)``;
- the column-normalised row mean (和法 / 算术平均法): ``w_i = mean_j(a_ij / Σ_k a_kj)``;

and check consistency with ``CI = (λmax − n) / (n − 1)`` and ``CR = CI / RI(n)``
(C.R. = 0 fully consistent, < 0.1 acceptable, ≥ 0.1 revise). Weights and λmax exist for any n;
CR needs ``RI(n)`` from a random-index table that covers n (Saaty 1980 to 11, Saaty 2005 to 15,
Alonso & Lamata 2006 to 15, Donegan & Dodd 1991 to 20); where the chosen table does not cover n,
CR is reported as not available (NaN) and the result says which table does.

Where things live (imports go one way only, no circle):
``ahp_plots`` (drawing, imports no AHP module) ← ``ahp_matrix`` (matrices, priorities, RI,
worksheet) ← ``ahp_judgements`` (incomplete matrices, revision advisor, groups) ← ``ahp`` (this
module: re-exports both) ← ``ahp_hierarchy`` (hierarchies, sensitivity) ← ``customer_value``.

References
----------
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
Saaty, T. L. (1990). How to make a decision: the AHP. *EJOR* 48, 9–26.
Donegan, H. A., Dodd, F. J. (1991). A note on Saaty's random indexes. *Math. Comput. Modelling* 15(10), 135–137.
Harker, P. T. (1987). Incomplete pairwise comparisons in the AHP. *Math. Modelling* 9, 837–848.
Bozóki, S., Fülöp, J., Rónyai, L. (2010). On optimal completion of incomplete pairwise
comparison matrices. *Math. Comput. Modelling* 52, 318–333.
Forman, E., Peniwati, K. (1998). Aggregating individual judgments and priorities with the AHP.
*EJOR* 108, 165–169.
"""
from __future__ import annotations

from crmcore.decision.ahp_judgements import (
    Completion, GroupResult, Revision, aggregate_judgements, compare_completions, complete, group, harker,
    intransitive_triads, revise,
)
from crmcore.decision.ahp_matrix import (  # noqa: F401  (private helpers kept reachable for ahp_hierarchy and tests)
    LABELS, METHODS, RI_TABLES, SCALE, AHPResult, MethodComparison, PairwiseMatrix, RIChoice, Worksheet,
    _check_method, _make, _parse_value, _result, _upper_pairs, _weights, compare_methods, consistent_matrix,
    explain, judgement_text, pairwise, priorities, random_index, ri_available, ri_tables, scale_table,
)

__all__ = [
    "SCALE", "RI_TABLES", "METHODS", "PairwiseMatrix", "AHPResult", "Worksheet", "MethodComparison", "Completion",
    "Revision", "GroupResult", "pairwise", "consistent_matrix", "random_index", "ri_available", "priorities",
    "explain", "compare_methods", "ri_tables", "scale_table", "harker", "complete", "compare_completions", "revise",
    "intransitive_triads", "aggregate_judgements", "group", "judgement_text",
]
