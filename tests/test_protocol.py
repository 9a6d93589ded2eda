"""The one result protocol (crmcore/results.py) and the import rule (ARCHITECTURE.md), by introspection.

Every public result class answers ``to_frame(lang)``, ``plot(ax=None, lang=...)``, ``interpret(lang)`` →
list of str, ``conventions()`` and ``_repr_html_()``; here each is built once from small real data
(the ``tiny`` demo set, the course's example files in ``data/``) and every method is called.
"""
from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import crmcore  # noqa: E402
from crmcore import results  # noqa: E402
from crmcore.results import NoPlotError, ParagraphResult, Result, SentenceResult  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CJK = re.compile(r"[\u4e00-\u9fff]")

#: the new domain modules follow the protocol by their brief; checked once they import
DOMAIN_MODULES = ("clv", "weights", "weights_fuzzy", "pipeline", "key_accounts", "b2b")
#: dataclasses (by class name) that public functions return but that are inputs or runs, not results
NOT_RESULTS = {"B2BData": "loaded B2B tables (a door object)",
               "ReportRun": "a report build (the runner's record)"}
#: results whose ``to_frame(lang)`` localises the values but keeps the code's column names, because
#: notebooks 00, 02 and 09 index those columns today (see crmcore/results.py)
RAW_HEADERS = results.RAW_HEADERS
#: results (by class name) whose headers are the user's own names (criteria of a judgement matrix), kept as given
DATA_HEADERS = {"PairwiseMatrix", "Worksheet"}
#: bases that only share code between result classes (they have no findings of their own)
ABSTRACT = {"WeightsResult"}
#: result classes in files whose owner still has to add ``interpret``: expected to fail until they have one
GAPS: dict[str, str] = {}  # result classes known to lack part of the protocol (none)


def _gap(cls: type):
    reason = GAPS.get(f"{cls.__module__}.{cls.__qualname__}")
    if reason and cls.interpret is Result.interpret:
        return pytest.param(cls, marks=pytest.mark.xfail(reason=reason, strict=True))
    return cls


def _modules():
    """Every crmcore module, in every subpackage (the door, the methods, the runner …)."""
    for info in pkgutil.walk_packages(crmcore.__path__, "crmcore."):
        if not info.ispkg:
            yield importlib.import_module(info.name)


def _short(module: str) -> str:
    """``crmcore.customer.rfm`` → ``rfm``: the short name every module also answers to."""
    return module.rsplit(".", 1)[1]


def _by_name(objs: dict, name: str):
    """The built object of the result class called ``name`` (whichever module of the split defines it)."""
    [hit] = [o for q, o in objs.items() if q.rsplit(".", 1)[1] == name]
    return hit


def _qual(cls: type) -> str:
    """The class by its module's short name: ``crmcore.rfm.Segments`` (the names the tables here use)."""
    return f"crmcore.{_short(cls.__module__)}.{cls.__qualname__}"


def result_classes(modules=None) -> list[type]:
    """Every public Result subclass defined in a crmcore module."""
    out = []
    for mod in modules or _modules():
        for name, obj in vars(mod).items():
            if (inspect.isclass(obj) and issubclass(obj, Result) and obj not in (Result, ParagraphResult, SentenceResult)
                    and obj.__module__ == mod.__name__ and not name.startswith("_")):
                out.append(obj)
    return sorted(set(out), key=_qual)


OWN = [c for c in result_classes() if _short(c.__module__) not in DOMAIN_MODULES
       and not _short(c.__module__).startswith(DOMAIN_MODULES)]
OWN_PARAMS = [_gap(c) for c in OWN]


# ------------------------------------------------------------------------ signatures (introspection)
def _accepts(fn, *names: str) -> bool:
    params = inspect.signature(fn).parameters
    has_var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
    return all(n in params or has_var_kw for n in names)


def _no_required_beyond_self(fn) -> bool:
    params = list(inspect.signature(fn).parameters.values())[1:]
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


def check_signatures(cls: type) -> list[str]:
    """What the class lacks of the protocol (empty: it follows it)."""
    bad = []
    for name in ("to_frame", "plot", "interpret", "conventions", "_repr_html_"):
        if not callable(getattr(cls, name, None)):
            bad.append(f"no {name}")
    if bad:
        return bad
    if not _accepts(cls.to_frame, "lang") or not _no_required_beyond_self(cls.to_frame):
        bad.append(f"to_frame{inspect.signature(cls.to_frame)}")
    if not _accepts(cls.plot, "ax", "lang") or not _no_required_beyond_self(cls.plot):
        bad.append(f"plot{inspect.signature(cls.plot)}")
    if not _accepts(cls.interpret, "lang") or not _no_required_beyond_self(cls.interpret):
        bad.append(f"interpret{inspect.signature(cls.interpret)}")
    if cls.interpret is Result.interpret:
        bad.append("interpret not defined (the base only raises)")
    if not _no_required_beyond_self(cls.conventions):
        bad.append(f"conventions{inspect.signature(cls.conventions)}")
    return bad


def test_every_method_module_defines_result_classes_and_the_walk_finds_them():
    names = {c.__qualname__ for c in OWN}
    assert {"RFMScores", "Segments", "ABCResult", "Dormancy", "AHPResult", "BCGResult", "SwotResult"} <= names
    assert len(OWN) >= 45


@pytest.mark.parametrize("cls", OWN_PARAMS, ids=_qual)
def test_result_class_offers_the_protocol_with_its_signatures(cls):
    assert check_signatures(cls) == []


@pytest.mark.parametrize("name", DOMAIN_MODULES)
def test_new_domain_modules_follow_the_protocol_once_they_exist(name):
    """The domain and the modules split off it (``clv`` and ``clv_models``, ``clv_value`` …)."""
    mods = [importlib.import_module(f"crmcore.{m}") for m in crmcore.MODULES if m == name or m.startswith(name + "_")]
    classes = [c for c in result_classes(mods) if c.__qualname__ not in ABSTRACT]
    if not classes:
        pytest.skip(f"crmcore.{name} defines no result class")
    assert {_qual(c): check_signatures(c) for c in classes if check_signatures(c)} == {}


def test_public_functions_return_result_objects_not_bare_dataclasses():
    """A dataclass a public function returns is a Result (so it has the protocol), or is named in NOT_RESULTS."""
    bare = []
    for mod in _modules():
        dcs = {n: c for n, c in vars(mod).items()
               if inspect.isclass(c) and dataclasses.is_dataclass(c) and c.__module__ == mod.__name__}
        for fname, fn in vars(mod).items():
            if fname.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != mod.__name__:
                continue
            ret = str(fn.__annotations__.get("return", ""))
            for n, c in dcs.items():
                if re.fullmatch(rf"['\"]?{n}['\"]?( \| None)?", ret) and not issubclass(c, Result) \
                        and c.__qualname__ not in NOT_RESULTS:
                    bare.append(f"{mod.__name__}.{fname} -> {n}")
    assert bare == []


def test_deprecated_names_warn_and_return_what_they_returned_before(tiny_objects):
    abc_r = _by_name(tiny_objects, "ABCResult")
    with pytest.warns(DeprecationWarning, match="will be removed in the next release; use interpret"):
        old = abc_r.sentence("en")
    assert isinstance(old, str) and " ".join(abc_r.interpret("en")) == old
    seg = _by_name(tiny_objects, "Segments")
    from crmcore import rfm

    with pytest.warns(DeprecationWarning, match="Segments.interpret"):
        assert rfm.report_sentences(seg, lang="zh") == seg.interpret("zh")


def test_split_sentences_keeps_decimals_and_splits_chinese_at_the_full_stop():
    assert results.split_sentences("Sun weighs 2.50 of 7. Mon is 1.0.") == ["Sun weighs 2.50 of 7.", "Mon is 1.0."]
    assert results.split_sentences("周日最高（2.50）。周一最低。") == ["周日最高（2.50）。", "周一最低。"]
    assert results.split_sentences("") == []


def test_no_plot_error_is_a_crmcore_error_that_points_to_the_table():
    from crmcore.errors import CrmError

    assert issubclass(NoPlotError, CrmError)


# ------------------------------------------------------------------------ real instances, every method
def _build_all() -> dict[str, Result]:
    """One small real instance of each public result class."""
    warnings.simplefilter("ignore")
    from crmcore import (abc, ahp, ahp_hierarchy, bcg, churn, cluster, credit, customer_value, data, datasets,
                         dormancy, dupont, fivew2h, lifecycle, overview, porter, rfm, swot, targets)

    tx = datasets.load("tiny")
    asof = "2026-01-01"
    out: dict[str, Result] = {}

    def put(*objs):
        for o in objs:
            out[_qual(type(o))] = o

    put(data.clean(tx, returns="drop"))
    ov = overview.overview(tx)
    put(ov, overview.plan_comparison(overview.complete_months(tx, asof), growth=0.1))

    daily = targets.daily_sales(tx[~tx["is_return"]])
    wi = targets.weight_index(daily, period=("2024-12-02", "2025-11-30"), missing="zero")
    put(wi, targets.derive_target(daily, "2025-12-01", "2025-12-31", wi, missing="zero"),
        targets.daily_targets(10_000, "2025-12", wi),
        targets.forecast_month(daily, "2025-12", wi, asof="2025-12-20", target=10_000, missing="zero"),
        targets.track(daily, "2025-12", wi, monthly_target=10_000, asof="2025-12-20", missing="zero"),
        targets.decompose_target(120_000, 2026, wi),
        targets.compare(tx.groupby("channel", as_index=False)["amount"].sum(), kind="space", by="channel",
                        value="amount"),
        targets.backtest(daily, days=(7, 14), months=["2025-10", "2025-11"], missing="zero"))

    five = fivew2h.answer(tx, asof=asof)
    put(five, five["what"])

    sw = swot.evaluate(DATA / "swot_factors.yaml")
    put(sw, swot.evaluate_matrix(DATA / "swot_factors.yaml", which="IFE"))
    put(porter.five_forces(DATA / "porter_drivers.yaml"))

    dp = dupont.dupont(dupont.demo_statements())
    put(dp, dp.attribute(2023, 2024, company=dp.companies[0]))
    put(bcg.from_market(DATA / "bcg_market.csv"))

    table = rfm.rfm_table(tx, asof=asof)
    scores = rfm.score(table)
    put(scores, rfm.segment(scores), rfm.migration(tx, asof_from="2025-07-01", asof_to=asof))
    put(abc.abc(tx, asof=asof), abc.abc_two_axis(table), dormancy.dormancy(table))

    m = ahp.pairwise([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]], labels=["price", "quality", "service"])
    gap = ahp.pairwise([[1, 3, None], [1 / 3, 1, 2], [None, 1 / 2, 1]], labels=["price", "quality", "service"])
    put(m, ahp.priorities(m), ahp.explain(m), ahp.compare_methods(m), ahp.complete(gap), ahp.revise(m),
        ahp.group({"ann": m, "bo": ahp.pairwise([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]],
                                                   labels=["price", "quality", "service"])}))
    h = ahp_hierarchy.hierarchy(DATA / "ahp_travel.yaml")
    put(h, h.monte_carlo(n=50, seed=0), h.sweep(h.leaf_weights().index[0], steps=11))
    put(customer_value.customer_value(_small_customers()))

    feats = cluster.prepare_features(table, columns=["recency", "frequency", "monetary"])
    fit = cluster.fit(feats, 3, seed=0)
    put(feats, fit, cluster.choose_k(feats, range(2, 5)), cluster.stability(feats, range(2, 4), n_boot=3),
        cluster.compare_models(feats, 3, models=("kmeans", "ward")),
        cluster.profile(fit, table, columns=["recency", "frequency", "monetary"],
                        rfm=("recency", "frequency", "monetary"), revenue="monetary"),
        cluster.crosstab(fit.labels, rfm.segment(scores).table.set_index("customer_id")["segment"]),
        cluster.scaling_effect(table, 3, columns=["recency", "frequency", "monetary"]))

    put(churn.study(tx, cutoff="2025-10-01", horizon=90, seed=7))
    put(lifecycle.stages(tx, asof=asof), lifecycle.history(tx, start="2025-09-01", end="2025-12-31"))
    put(credit.rate(credit.demo_payments(), asof="2025-04-01"))
    return out


def _small_customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"], "revenue": [1000.0, 100.0, 10.0, 400.0],
        "avg_order_value": [100.0, 50.0, 10.0, 80.0], "max_order_value": [300.0, 80.0, 10.0, 120.0],
        "orders": [10, 2, 1, 5], "quantity": [50, 10, 1, 20], "lines": [30, 5, 1, 12],
        "brand_intent": [5, 3, 1, 4], "profile_completeness": [1.0, 0.5, 0.0, 0.8], "referrals": [6, 1, 0, 2],
        "related_companies": [2, 0, 0, 1],
    })


@pytest.fixture(scope="module")
def tiny_objects():
    with warnings.catch_warnings():
        return _build_all()


def test_every_public_result_class_is_built_here(tiny_objects):
    assert sorted(_qual(c) for c in OWN if _qual(c) not in tiny_objects) == []


@pytest.mark.parametrize("cls", OWN_PARAMS, ids=_qual)
def test_result_answers_every_protocol_method_in_both_languages(cls, tiny_objects):
    obj = tiny_objects[_qual(cls)]
    # the sentences: a non-empty list of str in each language
    langs = ("en", "zh")
    if getattr(obj, "lang", None) in langs and _short(cls.__module__) == "fivew2h":
        langs = (obj.lang,)   # 5W2H headlines are written in the language the answers were computed in
    for lang in langs:
        said = obj.interpret(lang)
        assert isinstance(said, list) and said and all(isinstance(s, str) and s for s in said), said
        if lang == "zh":
            assert all(CJK.search(s) for s in said), said

    raw = obj.to_frame()
    assert isinstance(raw, pd.DataFrame)
    zh = obj.to_frame("zh")
    assert isinstance(zh, pd.DataFrame) and zh.shape == raw.shape
    if cls.__qualname__ not in RAW_HEADERS | DATA_HEADERS:
        # every header that is a word (not a month, a code such as "R" or "CR") reads in Chinese
        worded = [c for c in zh.columns if isinstance(c, str) and re.search("[a-z]{2}", c)]
        assert all(CJK.search(c) for c in worded), list(zh.columns)

    assert isinstance(obj.conventions(), dict)
    assert "<" in obj._repr_html_()

    try:
        ax = obj.plot(lang="en")
    except NoPlotError as e:
        assert "to_frame" in str(e)
    else:
        from matplotlib.axes import Axes

        assert isinstance(ax, Axes) or (hasattr(ax, "__len__") and all(isinstance(a, Axes) for a in ax))
    finally:
        plt.close("all")


# ------------------------------------------------------------------------ the import rule
def _import_graph(*, module_level_only: bool) -> dict[str, set[str]]:
    """crmcore module → the crmcore modules it imports (``TYPE_CHECKING`` blocks left out)."""
    pkg = ROOT / "crmcore"
    paths = sorted(p for p in pkg.rglob("*.py") if p.name != "__init__.py")
    names = {p.stem for p in paths}
    assert len(names) == len(paths), "two crmcore modules share a short name"
    graph: dict[str, set[str]] = {}
    for path in paths:
        me = path.stem
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = []

        def walk(body, nested=False):
            for n in body:
                if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
                    continue
                if isinstance(n, (ast.Import, ast.ImportFrom)):
                    nodes.append(n)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    if module_level_only and not isinstance(n, ast.ClassDef):
                        continue
                for field in ("body", "orelse", "finalbody", "handlers"):
                    sub = getattr(n, field, None)
                    if isinstance(sub, list):
                        walk(sub, True)

        walk(tree.body)
        deps = set()
        for n in nodes:
            if isinstance(n, ast.ImportFrom) and (n.level or (n.module or "").startswith("crmcore")):
                last = (n.module or "").rsplit(".", 1)[-1]
                # from crmcore.customer.rfm import x → rfm; from crmcore.customer import rfm → rfm
                deps |= {last} if last in names else {a.name for a in n.names}
            elif isinstance(n, ast.Import):
                deps |= {a.name.rsplit(".", 1)[-1] for a in n.names if a.name.startswith("crmcore.")}
        graph[me] = {d for d in deps if d in names and d != me}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_crmcore_module_imports_in_a_circle():
    """Neither at import time nor through an import inside a function (the report runner, clv and dupont once
    did: report ↔ course, clv ↔ clv_value, dupont_text ↔ dupont_statements)."""
    assert _cycles(_import_graph(module_level_only=True)) == []
    assert _cycles(_import_graph(module_level_only=False)) == []


def test_cycle_finder_finds_a_planted_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_method_modules_do_not_import_the_report_runner_and_the_runner_imports_no_method():
    g = _import_graph(module_level_only=False)
    runner = {"report", "cli", "course"}
    methods = {"overview", "targets", "fivew2h", "swot", "porter", "dupont", "bcg", "rfm", "abc", "dormancy",
               "lifecycle", "churn", "credit", "cluster", "customer_value", "ahp", "ahp_matrix", "ahp_hierarchy",
               "ahp_judgements", "ahp_plots"}
    assert {m: sorted(g[m] & runner) for m in methods if g[m] & runner} == {}
    assert {r: sorted(g[r] & methods) for r in runner if r in g and g[r] & methods} == {}


def test_ahp_modules_import_one_way_only():
    """ahp_plots ← ahp_matrix ← ahp_judgements ← ahp ← ahp_hierarchy ← customer_value (ARCHITECTURE.md)."""
    g = _import_graph(module_level_only=False)
    chain = ["ahp_plots", "ahp_matrix", "ahp_judgements", "ahp", "ahp_hierarchy", "customer_value"]
    upward = {m: sorted(g[m] & set(chain[i + 1:])) for i, m in enumerate(chain) if g[m] & set(chain[i + 1:])}
    assert upward == {}


# ------------------------------------------------------------------------ the new sentences say what is true
def test_model_comparison_of_two_models_names_one_agreement_not_a_most_and_a_least(tiny_objects):
    """With two models there is one pair: "agree most … and least" about the same pair would be false."""
    said = _by_name(tiny_objects, "ModelComparison").interpret("en")
    assert len(said) == 1 and "most" not in said[0] and "least" not in said[0] and "agree with adjusted Rand" in said[0]


def test_two_axis_abc_counts_the_diagonal_cells_not_the_classes_of_one_axis():
    """Customers A on x but C on y are neither the core nor the tail: only the AA and CC cells are counted."""
    from crmcore import abc

    t = pd.DataFrame({"customer_id": list("abcdef"), "frequency": [9, 8, 1, 1, 1, 1],
                      "monetary": [900, 10, 800, 5, 4, 3]})
    r = abc.abc_two_axis(t, shares=(0.5, 0.3, 0.2))
    g = r.grid()
    aa, cc = int(g.loc["A", "A"]), int(g.loc["C", "C"])
    assert f"{aa:,} ({aa / 6:.1%}) are class A on both" in r.interpret("en")[0]
    assert f"两项都属 C 类的有 {cc:,} 位" in r.interpret("zh")[0]


def test_rfm_scores_sentence_counts_customers_top_on_all_three_axes_not_on_any():
    from crmcore import rfm

    t = pd.DataFrame({"customer_id": ["a", "b", "c"], "recency": [1.0, 50.0, 99.0], "frequency": [9, 9, 1],
                      "monetary": [100.0, 10.0, 1.0]})
    s = rfm.score(t, bins=3, method="fixed", thresholds={"R": [10, 60], "F": [2, 5], "M": [5, 50]})
    top_all = int((s.table[["R", "F", "M"]] == 3).all(axis=1).sum())
    assert top_all == 1   # a: 3/3/3; b is top on F only
    assert "1 (33.3%) score 3 on all three" in s.interpret("en")[1]


def test_stage_history_without_a_second_month_says_nothing_about_moves():
    from crmcore import datasets, lifecycle

    h = lifecycle.history(datasets.load("tiny"), start="2025-12-01", end="2025-12-31")
    assert len(h.to_frame().columns) == 1 and len(h.interpret("en")) == 1 and "move" not in h.interpret("en")[0]


def test_dupont_result_sentence_multiplies_the_factors_it_names():
    from crmcore import dupont

    r = dupont.dupont(dupont.demo_statements())
    row = r.table[r.table["company"] == r.companies[0]].sort_values("period").iloc[-1]
    product = 1.0
    for k in r.factors:
        product *= float(row[k])
    assert abs(product - float(row["roe"])) < 1e-9
    assert f"ROE {float(row['roe']):.1%} = " in r.interpret("en")[0]
