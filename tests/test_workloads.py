"""Real sizes and the specialist tools: each tool runs only on its own objective, reaches the
certified truth when asked for accuracy, and the report's section reads its own frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cvxreg as cr
from cvxreg import report
from cvxreg._report_workloads import BAR, time_to_bar, wall_time, workload_findings
from cvxreg.specialists import SPECIALISTS, available_specialists, specialist_rows
from cvxreg.workloads import WORKLOADS, run_workloads, workload_data

pytest.importorskip("sklearn")


def _named(name: str):
    return next(s for s in SPECIALISTS if s.name == name)


def test_a_specialist_takes_only_its_own_objective():
    lasso = _named("sklearn Lasso (cd)")
    assert lasso.takes(cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(0.1)))
    assert lasso.takes(cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(0.1), fit_intercept=True))
    assert not lasso.takes(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.1)))  # RSS/2: another lam
    assert not lasso.takes(cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(factors=[1, 2]), cr.Penalized(0.1)))
    assert not lasso.takes(cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(0.5), cr.Penalized(0.1)))
    assert not lasso.takes(cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Constrained(1.0)))
    assert not lasso.takes(cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(0.1), bounds=(0, None)))
    liblinear = _named("sklearn liblinear L1")
    logistic = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(4.0))
    assert liblinear.takes(logistic) and liblinear.param(4.0) == 0.25  # C = 1 / lam
    with_intercept = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(4.0), fit_intercept=True)
    assert not liblinear.takes(with_intercept)  # liblinear penalizes its intercept
    assert _named("sklearn saga L1").takes(with_intercept)
    names = [s.name for s in available_specialists(cr.Problem(cr.LogisticLoss(), cr.SquaredL2(), cr.Penalized(1.0)))]
    assert "sklearn lbfgs L2" in names and "sklearn liblinear L1" not in names


def _by_hand_objective(tool: str, X, y, coef, b, lam):
    """Each tool's objective in its own documented form, at its own parameter."""
    r = y - X @ coef - b
    if tool == "sklearn Lasso (cd)":
        return r @ r / (2 * len(y)) + lam * np.abs(coef).sum()
    if tool == "sklearn lbfgs L2":
        C = 1 / lam
        return (C * np.logaddexp(0, -y * (X @ coef + b)).sum() + coef @ coef / 2) / C
    raise AssertionError(tool)


@pytest.mark.parametrize("workload, tool", [("diabetes-lasso", "sklearn Lasso (cd)"),
                                            ("breast-cancer-logistic", "sklearn lbfgs L2")])  # fmt: skip
def test_a_tools_tight_answer_is_the_certified_truth(workload, tool):
    # Independent numbers: the tool's own fit at its tightest tolerance, its objective written
    # out by hand in the tool's documented form, against cvxreg's certified solve.
    problem, X, y = workload_data(workload, 0)
    data = problem.check_data(X, y, None, "test")
    truth = problem.solve(X, y, tol=1e-10)
    assert truth.certificate.passed(1e-9)
    facts = cr.compare.Facts("QP", ())
    rows = pd.DataFrame(specialist_rows(problem, data, truth, facts, workload, engine=False))
    mine = rows[rows["solver"] == tool]
    assert list(mine["settings"]) == ["tol=0.01", "tol=0.0001", "tol=1e-06", "tol=1e-08"]
    tight = mine.iloc[-1]
    assert tight["status"] == "optimal" and tight["error"] < 1e-5 and tight["runs"] >= 1
    lam = float(problem.form.param_value)
    sk_coef = _refit(tool, X, y, lam)
    by_hand = _by_hand_objective(tool, X, y, *sk_coef, lam)
    assert tight["objective"] == pytest.approx(by_hand, rel=1e-12)
    assert by_hand >= truth.objective - 1e-12 * abs(truth.objective)  # the truth is the minimum
    assert mine["error"].iloc[0] > mine["error"].iloc[-1]  # a loose tolerance is less accurate


def _refit(tool, X, y, lam):
    from sklearn.linear_model import Lasso, LogisticRegression

    if tool == "sklearn Lasso (cd)":
        m = Lasso(alpha=lam, tol=1e-8, max_iter=100_000).fit(X, y)
        return m.coef_, m.intercept_
    m = LogisticRegression(C=1 / lam, tol=1e-8, max_iter=10_000).fit(X, y)
    return m.coef_.ravel(), m.intercept_[0]


@pytest.fixture(scope="module")
def work():
    return run_workloads(["diabetes-lasso", "quantile-l1-dense"], ["CLARABEL", "HIGHS", "OSQP"],
                         sizes={"quantile-l1-dense": (6, 12)}, budget=2.0, timeout=20.0)  # fmt: skip


def test_every_tool_is_scored_against_one_certified_truth(work):
    assert set(work["tool_kind"]) == {"cvxpy", "specialist"}
    assert (work["reference"] == "cvxreg at tol 1e-10, certified").all()
    assert {"sklearn Lasso (cd)", "cvxreg Problem.solve", "CLARABEL"} <= set(work["solver"])
    quantile = work[work["workload"] == "quantile-l1-dense"]
    assert "sklearn QuantileRegressor (highs)" in set(quantile["solver"]) and "HIGHS" in set(quantile["solver"])
    assert "sklearn Lasso (cd)" not in set(quantile["solver"])  # not its objective
    assert sorted(quantile["d"].unique()) == [6, 12] and (quantile["n"] == 20 * quantile["d"]).all()
    ok = work[work["status"] == "optimal"]
    assert (ok["runs"] >= 1).all() and ok["kkt_residual"].notna().all()
    highs = quantile[(quantile["solver"] == "sklearn QuantileRegressor (highs)")]
    assert (highs["error"] < 1e-8).all()  # an LP solved exactly, by another route than the truth's


def test_a_tool_over_budget_stops_growing():
    tiny = run_workloads(["quantile-l1-dense"], ["CLARABEL"], sizes={"quantile-l1-dense": (5, 10)}, budget=1e-9)
    assert list(tiny["d"].unique()) == [5]  # every tool took longer than 1e-9 s: nothing grows


def test_time_to_the_bar_and_the_findings_read_the_frame(work):
    table = time_to_bar(work, "diabetes-lasso").set_index("tool (seconds to 1e-06)")
    rows = work[work["workload"] == "diabetes-lasso"].assign(wall=lambda f: wall_time(f))
    for tool, g in rows.groupby("solver"):
        good = g[(g["status"].isin(["optimal", "optimal_inaccurate"])) & (g["error"] <= BAR)
                 & (g["primal_residual"].fillna(0) <= BAR)]  # fmt: skip
        expected = f"{good['wall'].min():.3g}" if len(good) else "missed"
        assert table.loc[tool].iloc[0] == expected
    cvx = rows[rows["tool_kind"] == "cvxpy"]
    assert np.allclose(cvx["wall"], cvx["solve_time"] + cvx["setup_time"])  # compile counts for a user
    found = workload_findings(work)
    assert len(found) == 2 and found[0].startswith("Real sizes, diabetes-lasso at 442 x 10: fastest to error 1e-06 is ")


def test_the_report_has_the_section_and_its_figure(work, tmp_path):
    frame = cr.compare_solvers(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5)),
                               np.eye(4), np.arange(4.0), solvers=["CLARABEL"], isolate=False)  # fmt: skip
    paths = report.write_report(frame, tmp_path, work=work)
    html = paths["html"].read_text()
    assert "<h2 id='real-sizes'>Real sizes</h2>" in html and "href='#real-sizes'" in html
    assert "<h3 id='diabetes-lasso'>" in html and "alt='accuracy_vs_time'" in html
    assert paths["accuracy_vs_time"].stat().st_size > 20_000
    assert len(pd.read_csv(paths["workloads_csv"])) == len(work)
    assert "Real sizes, diabetes-lasso" in paths["md"].read_text()


def test_workload_names_are_checked():
    with pytest.raises(cr.InvalidParameterError, match="'names'"):
        run_workloads(["no-such-workload"])
    with pytest.raises(cr.InvalidParameterError, match="'name'"):
        workload_data("nope", 3)
    assert set(WORKLOADS) >= {"lasso-sparse", "logistic-l1-dense", "quantile-l1-dense", "diabetes-lasso",
                              "breast-cancer-logistic"}  # fmt: skip


def test_the_real_size_findings_are_true_to_workloads_csv(work, tmp_path):
    import re

    frame = cr.compare_solvers(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5)),
                               np.eye(4), np.arange(4.0), solvers=["CLARABEL"], isolate=False)  # fmt: skip
    paths = report.write_report(frame, tmp_path, work=work)
    rows = pd.read_csv(paths["workloads_csv"])
    lines = [x[2:] for x in paths["md"].read_text().splitlines() if x.startswith("- Real sizes, ")]
    assert len(lines) == 2
    for line in lines:
        m = re.match(r"Real sizes, (?P<w>\S+) at (?P<n>\d+) x (?P<d>\d+)(, \d+ nonzeros)?: fastest to error 1e-06 is "
                     r"(?P<tool>.+?) \((?P<t>\S+) s\)", line)  # fmt: skip
        part = rows[(rows["workload"] == m["w"]) & (rows["d"] == rows.loc[rows["workload"] == m["w"], "d"].max())]
        assert (part["n"] == int(m["n"])).all() and (part["d"] == int(m["d"])).all()
        wall = part["solve_time"] + part["setup_time"].fillna(0).where(part["tool_kind"] == "cvxpy", 0.0)
        good = part[part["status"].isin(["optimal", "optimal_inaccurate"]) & (part["error"] <= 1e-6)
                    & (part["primal_residual"].fillna(0) <= 1e-6)]  # fmt: skip
        best = wall[good.index].idxmin()
        assert part.loc[best, "solver"] == m["tool"] and f"{wall[best]:.3g}" == m["t"]
