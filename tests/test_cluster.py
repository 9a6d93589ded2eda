"""Tests for crmcore.cluster: recovery of known structure, stable labels, naming, errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from crmcore import cluster as cl
from crmcore.errors import DataError, DomainError, ParameterError


def blobs(n=600, centers=4, seed=7, std=0.6):
    X, y = make_blobs(n_samples=n, centers=centers, n_features=3, cluster_std=std, random_state=seed)
    df = pd.DataFrame(X, columns=["a", "b", "monetary"])
    df.insert(0, "customer_id", [f"C{i:04d}" for i in range(n)])
    return df, pd.Series(y, index=df["customer_id"])


# ------------------------------------------------------------------ feature preparation
def test_standard_scaling_gives_mean_0_sd_1_and_records_the_transform():
    df = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "x": [1.0, 2.0, 3.0, 6.0]})
    F = cl.prepare_features(df, log=None)
    # mean 3, population sd sqrt((4+1+0+9)/4) = sqrt(3.5)
    assert F.center["x"] == pytest.approx(3.0)
    assert F.scale["x"] == pytest.approx(np.sqrt(3.5))
    assert F.data["x"].tolist() == pytest.approx([(v - 3) / np.sqrt(3.5) for v in (1, 2, 3, 6)])
    assert F.conventions() == {"scaling": "standard", "log_columns": ()}


def test_auto_log_applies_to_skewed_nonnegative_columns_only():
    money = [1, 1, 2, 2, 3, 3, 4, 5, 10, 500.0]   # right-skewed money
    sym = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0]        # symmetric
    df = pd.DataFrame({"customer_id": list("abcdefghij"), "money": money, "sym": sym})
    F = cl.prepare_features(df, scaling="none")
    assert F.log_columns == ("money",)
    assert F.data["money"].tolist() == pytest.approx(np.log1p(money).tolist())
    assert F.data["sym"].tolist() == pytest.approx(sym)
    tf = F.to_frame().set_index("feature")
    assert bool(tf.loc["money", "log1p"]) and not bool(tf.loc["sym", "log1p"])


def test_robust_and_minmax_scaling():
    df = pd.DataFrame({"customer_id": list("abcde"), "x": [0.0, 1.0, 2.0, 3.0, 14.0]})
    R = cl.prepare_features(df, log=None, scaling="robust")
    # median 2, quartiles 1 and 3 → IQR 2
    assert R.data["x"].tolist() == pytest.approx([-1.0, -0.5, 0.0, 0.5, 6.0])
    M = cl.prepare_features(df, log=None, scaling="minmax")
    assert M.data["x"].tolist() == pytest.approx([0, 1 / 14, 2 / 14, 3 / 14, 1])


def test_features_are_sorted_by_customer_id_and_transform_reapplies():
    df, _ = blobs(50)
    F = cl.prepare_features(df.iloc[::-1])
    assert list(F.data.index) == sorted(df["customer_id"])
    again = F.transform(df)
    pd.testing.assert_frame_equal(again.sort_index(), F.data, check_names=False)


# ------------------------------------------------------------------ bad input
def test_nan_names_the_column_and_the_customer():
    df = pd.DataFrame({"customer_id": ["a", "b", "c"], "recency": [1.0, np.nan, 3.0], "monetary": [1.0, 2, 5]})
    with pytest.raises(DataError, match=r"column 'recency'.*1 of 3 values are missing.*'b'"):
        cl.prepare_features(df)


def test_constant_column_is_refused_by_name():
    df = pd.DataFrame({"customer_id": ["a", "b", "c"], "f": [2.0, 2.0, 2.0], "m": [1.0, 2, 5]})
    with pytest.raises(DataError, match=r"column 'f'.*constant"):
        cl.prepare_features(df)


def test_k_not_below_the_number_of_customers_is_refused():
    df = pd.DataFrame({"customer_id": list("abcde"), "x": [1.0, 2, 3, 4, 5], "y": [5.0, 3, 1, 2, 2]})
    with pytest.raises(ParameterError, match=r"k=5 is not below the number of customers \(5\)"):
        cl.fit(df, 5)
    with pytest.raises(ParameterError, match="k in k_range=9"):
        cl.choose_k(df, range(2, 10))
    with pytest.raises(ParameterError, match="at least 2"):
        cl.fit(df, 1)


def test_other_bad_inputs_raise_crmcore_errors():
    df = pd.DataFrame({"customer_id": ["a", "a", "b"], "x": [1.0, 2, 3]})
    with pytest.raises(DataError, match="duplicated"):
        cl.prepare_features(df)
    df = pd.DataFrame({"customer_id": ["a", "b", "c"], "x": [1.0, 2, 3], "s": ["u", "v", "w"]})
    with pytest.raises(DataError, match=r"column 's'.*not numeric"):
        cl.prepare_features(df, columns=["x", "s"])
    with pytest.raises(DataError, match="'nope' not found"):
        cl.prepare_features(df, columns=["nope"])
    with pytest.raises(ParameterError, match="scaling='zscore'"):
        cl.prepare_features(df, scaling="zscore")
    neg = pd.DataFrame({"customer_id": ["a", "b", "c"], "x": [-1.0, 2, 3]})
    with pytest.raises(DomainError, match=r"column 'x'.*negative"):
        cl.prepare_features(neg, log=["x"])
    blob, _ = blobs(60)
    with pytest.raises(ParameterError, match="model='spectral'"):
        cl.fit(blob, 3, model="spectral")


# ------------------------------------------------------------------ knee and scores
def test_knee_is_the_point_farthest_below_the_chord():
    # x_n = 0, .25, .5, .75, 1; y_n = (y − 2)/8 = 1, .25, .125, .0625, 0
    # (1 − x_n) − y_n = 0, .5, .375, .1875, 0 → the knee is at x = 2
    assert cl.knee([1, 2, 3, 4, 5], [10, 4, 3, 2.5, 2]) == 2
    assert cl.knee([1, 2, 3, 4], [4, 3, 2, 1]) is None        # a straight line has no knee
    assert cl.knee([1, 2, 3], [10, 9, 1]) is None             # concave: all above the chord
    assert cl.knee([1, 2], [5, 1]) is None


def test_silhouette_is_sampled_deterministically_for_large_n():
    df, y = blobs(3000, centers=3)
    F = cl.prepare_features(df)
    lab = cl.fit(F, 3).labels.to_numpy()
    a = cl.scores(F.data.to_numpy(), lab, sample_size=500, seed=1)
    b = cl.scores(F.data.to_numpy(), lab, sample_size=500, seed=1)
    full = cl.scores(F.data.to_numpy(), lab, sample_size=10_000)
    assert a == b
    assert a["silhouette"] == pytest.approx(full["silhouette"], abs=0.03)


# ------------------------------------------------------------------ recovery and stable labels
def test_kmeans_recovers_seeded_blobs():
    df, y = blobs()
    c = cl.fit(df, 4, seed=0)
    assert adjusted_rand_score(y.loc[c.labels.index], c.labels) > 0.9


def test_choose_k_recommends_the_true_k_on_blobs_with_the_reason():
    df, _ = blobs(400, centers=4)
    kc = cl.choose_k(df, range(2, 9), seed=0)
    assert kc.recommended == 4
    assert kc.knee == 4
    assert set(kc.table.columns) >= {"k", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin"}
    assert kc.table["inertia"].is_monotonic_decreasing
    assert "k = 4" in kc.reason() and "k = 4" in kc.reason("zh")


@pytest.mark.parametrize("model", ["kmeans", "minibatch", "gmm", "ward"])
def test_labels_identical_across_runs_and_under_row_shuffling(model):
    df, _ = blobs(std=1.5)  # overlapping blobs: an order-dependent fit would show here
    a = cl.fit(df, 4, model=model, seed=3).labels
    b = cl.fit(df, 4, model=model, seed=3).labels
    shuffled = df.sample(frac=1.0, random_state=11)
    c = cl.fit(shuffled, 4, model=model, seed=3).labels
    pd.testing.assert_series_equal(a, b)
    pd.testing.assert_series_equal(a, c.loc[a.index])


def test_choose_k_on_many_customers_uses_minibatch_and_a_silhouette_sample(monkeypatch):
    monkeypatch.setattr(cl, "LARGE_N", 500)
    df, _ = blobs(800, centers=3)
    kc = cl.choose_k(df, [2, 3, 4], sample_size=300, seed=0)
    assert kc.model == "minibatch" and kc.sampled
    assert kc.conventions()["sample_size"] == 300
    assert kc.recommended == 3


def test_cluster_0_has_the_highest_mean_monetary():
    df, _ = blobs()
    for model in ("kmeans", "gmm", "ward", "minibatch"):
        c = cl.fit(df, 4, model=model, seed=0)
        means = df.set_index("customer_id")["monetary"].groupby(c.labels).mean()
        assert list(means.index) == [0, 1, 2, 3]
        assert means.is_monotonic_decreasing, model
        assert c.order_by == "monetary"


def test_predict_assigns_the_same_canonical_labels():
    df, _ = blobs(300)
    c = cl.fit(df, 4, seed=0)
    pd.testing.assert_series_equal(c.predict(df).loc[c.labels.index], c.labels, check_names=False)
    with pytest.raises(ParameterError, match="cannot assign new customers"):
        cl.fit(df, 4, model="ward").predict(df)


def test_compare_models_on_blobs_agree_and_report_every_column():
    df, y = blobs(500)
    mc = cl.compare_models(df, 4, models=("kmeans", "minibatch", "gmm", "ward", "dbscan"), seed=0)
    t = mc.table.set_index("model")
    assert list(t.index) == ["k-means", "mini-batch k-means", "Gaussian mixture", "agglomerative (Ward)", "DBSCAN"]
    for m in ("k-means", "Gaussian mixture", "agglomerative (Ward)"):
        assert t.loc[m, "ari_vs_first"] > 0.9
        assert sum(int(s.replace(",", "")) for s in t.loc[m, "sizes"].split(" / ")) == 500
    assert np.allclose(np.diag(mc.agreement), 1.0)
    assert np.allclose(mc.agreement, mc.agreement.T)
    assert (t["runtime_s"] >= 0).all()


def test_stability_is_near_one_at_the_true_k():
    df, _ = blobs(300, centers=3, std=0.5)
    st = cl.stability(df, [3, 6], n_boot=5, seed=0)
    t = st.table.set_index("k")
    assert t.loc[3, "mean_ari"] > 0.95
    again = cl.stability(df, [3, 6], n_boot=5, seed=0)
    pd.testing.assert_frame_equal(st.table, again.table)


# ------------------------------------------------------------------ profile and naming
def test_naming_rule_on_a_hand_made_profile():
    # overall means: recency 100 days, frequency 5, monetary 1000
    overall = pd.Series({"recency": 100.0, "frequency": 5.0, "monetary": 1000.0})
    means = pd.DataFrame({
        "recency": [20.0, 300.0, 40.0, 250.0, 100.0],
        "frequency": [12.0, 9.0, 1.5, 1.0, 5.0],
        "monetary": [5000.0, 4000.0, 200.0, 150.0, 1000.0],
    }, index=[0, 1, 2, 3, 4])
    named = cl.name_clusters(means, overall, recency="recency", frequency="frequency", monetary="monetary")
    # cluster 0: recent (20 < 100), frequent, big spender       → 重要价值客户
    # cluster 1: NOT recent (300 > 100: many days ago), F↑ M↑    → 重要保持客户
    # cluster 2: recent, F↓ M↓                                   → 一般发展客户
    # cluster 3: not recent, F↓ M↓                               → 一般挽留客户
    # cluster 4: exactly at every mean: ties count as high       → 重要价值客户 (2)
    assert named["name_zh"].tolist() == ["重要价值客户", "重要保持客户", "一般发展客户", "一般挽留客户", "重要价值客户"]
    assert named["code"].tolist() == ["R↑F↑M↑", "R↓F↑M↑", "R↑F↓M↓", "R↓F↓M↓", "R↑F↑M↑"]
    assert named["name_en"].iloc[1] == "Important retention customers"
    assert named["name_unique_zh"].iloc[4] == "重要价值客户 (2)"


def test_naming_rule_table_covers_the_eight_classes_once():
    rule = cl.naming_rule("zh")
    assert len(rule) == 8 and rule["name_zh"].is_unique
    assert set(zip(rule.R, rule.F, rule.M)) == {(r, f, m) for r in "高低" for f in "高低" for m in "高低"}
    row = rule[rule.name_zh == "重要挽留客户"].iloc[0]
    assert (row.R, row.F, row.M) == ("低", "低", "高")
    assert "BELOW" in cl.naming_rule_text("en")


def test_profile_hand_computed():
    table = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e", "f"],
        "recency": [10.0, 20.0, 30.0, 200.0, 300.0, 400.0],
        "frequency": [10.0, 8.0, 6.0, 1.0, 2.0, 3.0],
        "monetary": [500.0, 300.0, 100.0, 50.0, 30.0, 20.0],
    })
    labels = pd.Series([0, 0, 0, 1, 1, 1], index=list("abcdef"), name="cluster")
    p = cl.profile(labels, table)
    t = p.table
    # total monetary 1000: cluster 0 has 900 → 0.9; overall mean monetary 1000/6
    assert t.loc[0, "revenue_share"] == pytest.approx(0.9)
    assert t.loc[1, "share"] == pytest.approx(0.5)
    assert t.loc[0, "monetary_mean"] == pytest.approx(300.0)
    assert t.loc[0, "monetary_median"] == pytest.approx(300.0)
    assert t.loc[0, "monetary_mean_index"] == pytest.approx(300 / (1000 / 6))
    # overall recency mean 160: cluster 1 mean 300 → index 1.875
    assert t.loc[1, "recency_mean_index"] == pytest.approx(300 / 160)
    assert t.loc[0, "name_zh"] == "重要价值客户" and t.loc[1, "name_zh"] == "一般挽留客户"
    s = p.describe()
    assert s[0].startswith("Cluster 0 — Important value customers: 50.0% of customers, 90.0% of revenue")
    assert "重要价值客户" in p.describe("zh")[0]
    assert p.actions()["suggested action"].iloc[0].startswith("retain: VIP service")


def test_crosstab_hand_computed():
    labels = pd.Series([0, 0, 0, 1, 1], index=list("abcde"))
    seg = pd.Series(["x", "x", "y", "y", "y"], index=list("abcde"), name="segment")
    ct = cl.crosstab(labels, seg)
    assert ct.table.loc[0, "x"] == 2 and ct.table.loc[1, "y"] == 2
    # majority of cluster 0 is x (2 of 3), of cluster 1 is y (2 of 2): purity 4/5
    assert ct.purity == pytest.approx(0.8)
    assert ct.ari == pytest.approx(adjusted_rand_score(labels, seg))
    with pytest.raises(DataError, match="share no customer id"):
        cl.crosstab(labels, pd.Series(["x"], index=["zz"]))


def test_raw_features_let_money_decide_and_scaling_fixes_it():
    rng = np.random.default_rng(0)
    n = 400
    group = np.repeat([0, 1], n // 2)
    df = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "recency": np.where(group == 0, 20.0, 300.0) + rng.normal(0, 10, n),   # clear two groups
        "monetary": rng.normal(10_000, 3_000, n),                                # big units, no groups
    })
    se = cl.scaling_effect(df, 2, seed=0)
    t = se.table
    assert t.loc["raw", "recency"] < 0.2          # money's units dominate the raw clustering
    assert t.loc["standard", "recency"] > 0.9     # after scaling the real structure is found


# ------------------------------------------------------------------ the demo data's answer key
@pytest.fixture(scope="module")
def demo_rfm():
    from crmcore import datasets, rfm

    table = rfm.rfm_table(datasets.load("demo"), asof="2026-01-01")
    return table, datasets.customers("demo").set_index("customer_id")["true_type"]


def test_clustering_demo_rfm_recovers_the_latent_customer_types(demo_rfm):
    table, true_type = demo_rfm
    F = cl.prepare_features(table, columns=["recency", "frequency", "monetary"])
    c = cl.fit(F, 4, seed=42)
    ct = cl.crosstab(c, true_type, what="true_type")
    assert "true type" in ct.summary() and "真实类型" in ct.summary("zh")
    assert ct.ari > 0.3                      # chance gives ≈ 0
    by_type = ct.table.div(ct.table.sum(axis=0), axis=1)
    assert by_type.loc[0, "champion"] > 0.95           # champions in the top-money cluster
    p = cl.profile(c)
    winback = [int(k) for k, v in p.names["key"].items() if v == "general_winback"]
    assert by_type.loc[winback, "lost"].sum() > 0.9    # lost customers are named 一般挽留客户
    assert p.table.loc[0, "name_zh"] == "重要价值客户"


# ------------------------------------------------------------------ plots
def test_plots_draw_and_return_axes():
    import matplotlib

    from crmcore.plotting import use_style

    use_style("zh")

    df, _ = blobs(200)
    c = cl.fit(df, 4)
    kc = cl.choose_k(df, range(2, 6))
    axes = kc.plot(lang="zh")
    assert len(axes) == 4 and axes[0].get_ylabel() == "簇内平方和"
    for kind in ("pca", "silhouette", "snake"):
        assert isinstance(c.plot(kind=kind), matplotlib.axes.Axes)
    p = cl.profile(c, rfm=("a", "b", "monetary"))
    assert p.plot(lang="zh").get_title() == "类别画像：均值 ÷ 总体均值"
    assert isinstance(cl.stability(df, [2, 4], n_boot=2).plot(), matplotlib.axes.Axes)


def test_fast_silhouette_equals_sklearn():
    from sklearn.metrics import silhouette_score

    df, y = blobs(700, centers=5, std=1.5)
    F = cl.prepare_features(df)
    lab = y.loc[F.data.index].to_numpy().copy()
    lab[0] = 9  # a singleton cluster scores 0 by definition
    assert cl.silhouette(F.data.to_numpy(), lab, chunk=100) == pytest.approx(
        silhouette_score(F.data.to_numpy(), lab), abs=1e-9)


# ------------------------------------------------------------------ notebook
@pytest.mark.notebook
def test_notebook_runs_on_tiny_and_records_consistent_numbers(run_notebook):
    rec = run_notebook("07_clustering.ipynb", dataset="tiny", n_boot=2, k_max=6)
    from crmcore import datasets, rfm

    n = len(rfm.rfm_table(datasets.load("tiny"), asof="2026-01-01"))
    assert rec["customers"] == n == rec["export_rows"]
    assert 2 <= rec["recommended_k"] <= 6 and rec["k"] == rec["recommended_k"]
    assert sum(rec["cluster_shares"]) == pytest.approx(1.0)
    assert sum(rec["revenue_shares"]) == pytest.approx(1.0)
    # cluster 0 has the highest mean spend, so its spend is at or above the overall mean (M high) and its
    # revenue share at least its customer share
    assert rec["names_zh"][0].startswith("重要")
    assert rec["revenue_share_cluster_0"] >= rec["cluster_shares"][0]
    assert -1 <= rec["silhouette"][str(rec["k"])] <= 1
    assert rec["models"][0] == "k-means" and len(rec["models"]) == 5


def test_vote_tie_is_broken_by_the_best_mean_rank():
    # silhouette and DB pick k = 2, the knee and CH pick k = 4: a 2–2 tie.
    table = pd.DataFrame({"k": [2, 3, 4, 5], "inertia": [100.0, 70.0, 30.0, 25.0],
                          "silhouette": [0.60, 0.50, 0.55, 0.40],
                          "calinski_harabasz": [50.0, 60.0, 90.0, 80.0],
                          "davies_bouldin": [0.70, 0.90, 0.75, 1.00]})
    # chord distance (1 − x_n) − y_n: x_n = 0, 1/3, 2/3, 1; y_n = 1, .6, .0667, 0 → 0, .0667, .2667, 0
    # ranks (1 = best)   knee   sil   CH   DB   mean
    #   k = 2             3.5    1     4    1    2.375
    #   k = 4             1      2     1    2    1.5    → 4
    rec, kn, choices = cl.recommend_k(table)
    assert kn == 4 and choices == {"knee": 4, "silhouette": 2, "calinski_harabasz": 4, "davies_bouldin": 2}
    assert rec == 4
    assert cl.recommend_k(table, rule="silhouette")[0] == 2


# ------------------------------------------------------------------ issue 16: one definition of centres and inertia
def test_centres_are_the_ones_predict_uses_and_inertia_is_measured_around_them():
    """Issue 16: ``Clustering.centers`` are the model's final centres (what ``predict`` assigns by), and
    ``inertia`` = Σ‖z − centre‖² around them — scikit-learn's ``inertia_`` for k-means, the same number
    ``choose_k`` reports. Mini-batch k-means is the telling case: its centres are not the label means."""
    df, _ = blobs(n=600, centers=4, seed=3, std=2.5)
    F = cl.prepare_features(df, log=None)
    Z = F.data.to_numpy()
    km = cl.fit(F, 4, model="kmeans", seed=1)
    assert km.inertia == pytest.approx(km.estimator.inertia_, rel=1e-12)
    ch = cl.choose_k(F, range(2, 6), model="kmeans", seed=1)
    assert ch.table.set_index("k").loc[4, "inertia"] == pytest.approx(km.inertia, rel=1e-12)
    mb = cl.fit(F, 4, model="minibatch", seed=1, batch_size=64)
    C = mb.centers.to_numpy()
    raw_centres = mb.estimator.cluster_centers_
    for old, new in mb.mapping.items():
        if old >= 0:
            np.testing.assert_allclose(mb.centers.loc[new].to_numpy(), raw_centres[old])
    nearest = mb.centers.index.to_numpy()[((Z[:, None, :] - C[None]) ** 2).sum(-1).argmin(axis=1)]
    assert (nearest == mb.labels.to_numpy()).all()
    assert (mb.predict(df) == mb.labels).all()
    lab = mb.labels.to_numpy()
    around_centres = sum(((Z[lab == c] - C[c]) ** 2).sum() for c in range(4))
    around_label_means = sum(((Z[lab == c] - Z[lab == c].mean(0)) ** 2).sum() for c in range(4))
    assert mb.inertia == pytest.approx(around_centres, rel=1e-12)
    assert around_label_means < around_centres  # the two definitions differ here; we use the first one
    assert mb.inertia == pytest.approx(cl.choose_k(F, [4], model="minibatch", seed=1, batch_size=64)
                                       .table["inertia"].iloc[0], rel=1e-12)


def test_k_outside_the_range_tried_is_refused_with_the_range_and_the_fix():
    """Issue 16: ``crm report 07 -p k 500`` gave KeyError: 500; now a ParameterError names k_min..k_max."""
    df, _ = blobs(n=200, centers=3, seed=1)
    F = cl.prepare_features(df, log=None)
    ch = cl.choose_k(F, range(2, 6), seed=0)
    assert ch.resolve(0) == ch.recommended and ch.resolve(5) == 5
    with pytest.raises(ParameterError, match=r"k=500 is outside the range tried, k_min\.\.k_max = 2\.\.5.*k = 0"):
        ch.resolve(500)
    assert cl.check_k_param(0, 2, 8) == 0 and cl.check_k_param(8, 2, 8) == 8
    with pytest.raises(ParameterError, match=r"k=500 is outside the range tried, k_min\.\.k_max = 2\.\.8"):
        cl.check_k_param(500, 2, 8)
    with pytest.raises(ParameterError, match="k_min ≤ k_max"):
        cl.check_k_param(0, 9, 8)
    st = cl.stability(F, range(2, 4), n_boot=2, seed=0)
    with pytest.raises(ParameterError, match="k=500 was not in the stability run"):
        st.summary(500)


def test_choose_k_on_two_distinct_points_says_the_data_support_at_most_two_clusters():
    """Issue 16: two distinct customers' values repeated: k = 3..5 used to score silhouette 1.0."""
    df = pd.DataFrame({"customer_id": [f"C{i}" for i in range(20)],
                       "recency": [10.0, 200.0] * 10, "monetary": [500.0, 20.0] * 10})
    F = cl.prepare_features(df, log=None)
    ch = cl.choose_k(F, range(2, 6), seed=0)
    t = ch.table.set_index("k")
    assert t.loc[2, "silhouette"] == pytest.approx(1.0) and t.loc[[3, 4, 5], "silhouette"].isna().all()
    assert ch.recommended == 2 and ch.n_distinct == 2
    assert "support at most 2 clusters; k = 3–5 were not scored" in ch.reason()
    assert "数据最多支持 2 个类别" in ch.reason("zh")
    with pytest.raises(ParameterError, match="support at most 2"):
        ch.resolve(3)
    with pytest.raises(DomainError, match="support at most 2 clusters; set k_min ≤ 2"):
        cl.choose_k(F, range(3, 6), seed=0)
    same = df.assign(recency=10.0, monetary=5.0)
    with pytest.raises((DomainError, DataError)):
        cl.choose_k(cl.prepare_features(same, log=None, scaling="none"), range(2, 4))


def test_scaling_sentence_says_dominated_only_when_one_feature_carries_most_of_the_raw_variance():
    """Issue 13: the sentence said 'dominated by monetary' beside an η² table where the raw clusters
    captured frequency best. It now states the η² facts and a variance share that is arithmetic."""
    rng = np.random.default_rng(0)
    n = 400
    group = np.repeat([0, 1], n // 2)
    money = pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)],
                          "recency": np.where(group == 0, 20.0, 300.0) + rng.normal(0, 10, n),
                          "monetary": rng.normal(10_000, 3_000, n)})
    s = cl.scaling_effect(money, 2, seed=0).summary()
    sd = money[["recency", "monetary"]].std(ddof=0)
    share = sd["monetary"] ** 2 / (sd ** 2).sum()
    assert f"monetary carries {share:.1%} of the total variance" in s
    assert "消费金额占全部方差的" in cl.scaling_effect(money, 2, seed=0).summary("zh")
    # same spreads: nothing dominates, and the naive "dominated by" would be false
    even = pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)],
                         "recency": np.where(group == 0, -1.0, 1.0) + rng.normal(0, 0.3, n),
                         "frequency": rng.normal(0, 1.05, n)})
    se = cl.scaling_effect(even, 2, seed=0)
    assert "No single feature dominates" in se.summary() and "dominated" not in se.summary()
    assert "并不由单一特征主导" in se.summary("zh")


def test_rfm_notes_say_how_many_return_only_customers_were_left_out():
    """Online Retail has 2 customers with only return lines; the report says so instead of a raw warning."""
    t = pd.DataFrame({"customer_id": ["a"], "recency": [1]})
    assert cl.rfm_notes(t) == []
    t.attrs["crmcore"] = {"rfm": {"customers_only_returns": 2}}
    assert cl.rfm_notes(t) == ["2 customers have only return lines before asof and are left out of the customer table."]
    assert cl.rfm_notes(t, "zh") == ["有 2 个客户在分析时点之前只有退货记录，未计入客户表。"]
    t.attrs["crmcore"]["rfm"]["customers_only_returns"] = 1
    assert "1 customer has only" in cl.rfm_notes(t)[0] and "is left out" in cl.rfm_notes(t)[0]
