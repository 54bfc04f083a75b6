"""Solver comparison: rows for every outcome (real solver processes that raise, die or hang),
agreement with the reference layer, parallel and distributed benchmarks, resumable output."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pandas as pd
import pytest
from cvxpy.reductions.solvers.conic_solvers.clarabel_conif import CLARABEL

import cvxreg as cr
from cvxreg.benchmark import Case, benchmark, builtin_cases
from cvxreg.compare import COLUMNS, compare_solvers
from tests.conftest import classification_data, regression_data


class RaisingSolver(CLARABEL):
    def name(self) -> str:
        return "RAISES"

    def solve_via_data(self, *args, **kwargs):
        raise RuntimeError("forced failure inside the solver")


class DyingSolver(CLARABEL):
    def name(self) -> str:
        return "DIES"

    def solve_via_data(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)


class HangingSolver(CLARABEL):
    def name(self) -> str:
        return "HANGS"

    def solve_via_data(self, *args, **kwargs):
        time.sleep(600)


def lasso_case():
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((30, 6)))
    y = Q @ np.array([2.0, -1.0, 0.5, 0.0, 0.0, 0.1]) + 0.05 * np.random.default_rng(1).standard_normal(30)
    return cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.3)), Q, y


def test_columns_and_closed_form_reference():
    prob, Q, y = lasso_case()
    frame = compare_solvers(prob, Q, y, solvers=["CLARABEL", "SCS", "OSQP"], settings=["default", "tight"])
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 6 and set(frame["settings"]) == {"default", "tight"}
    assert (frame["reference"] == "closed_form").all()
    truth = cr.closed_forms.lasso_orthonormal(Q.T @ y, 0.3)
    tight = frame[frame["settings"] == "tight"]
    assert (tight["coef_error"] < 1e-7).all() and tight["support_match"].all()
    assert (tight["objective_gap"] < 1e-9).all() and (tight["kkt_residual"] < 1e-7).all()
    # objective_gap is measured against the closed form's objective.
    f_ref = prob.objective_value(Q, y, truth)
    row = frame.iloc[0]
    assert row["objective_gap"] == pytest.approx(abs(row["objective"] - f_ref) / max(1, abs(f_ref)), rel=1e-6)


def test_constrained_dual_error_against_the_closed_form_multiplier():
    _, Q, y = lasso_case()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1.5))
    frame = compare_solvers(prob, Q, y, solvers=["CLARABEL"], settings="tight")
    theta = cr.closed_forms.l1_ball_orthonormal(Q.T @ y, 1.5)[1]
    res = prob.solve(Q, y, solver="CLARABEL", **cr.compare.solver_options("CLARABEL", "tight"))
    assert frame.iloc[0]["dual_error"] == pytest.approx(abs(res.dual - theta), abs=1e-9)
    assert frame.iloc[0]["dual_error"] < 1e-7


def test_raising_dying_and_hanging_solvers_each_give_one_status_row():
    prob, Q, y = lasso_case()
    start = time.monotonic()
    frame = compare_solvers(
        prob, Q, y, solvers=["CLARABEL", RaisingSolver(), DyingSolver(), HangingSolver(), "SCS"], timeout=3.0
    )
    assert time.monotonic() - start < 60
    status = dict(zip(frame["solver"], frame["status"], strict=True))
    assert status == {
        "CLARABEL": "optimal",
        "RAISES": "solver_error",
        "DIES": "crashed",
        "HANGS": "timeout",
        "SCS": "optimal",
    }
    messages = dict(zip(frame["solver"], frame["message"], strict=True))
    assert "forced failure" in messages["RAISES"]
    assert "signal 9" in messages["DIES"]
    assert "3 s" in messages["HANGS"]


def test_missing_and_refusing_solvers():
    X, y = classification_data()
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(1.0))
    frame = compare_solvers(prob, X, y, solvers=["CLARABEL", "OSQP", "MOSEK", "NOT_A_SOLVER"])
    status = dict(zip(frame["solver"], frame["status"], strict=True))
    assert status["CLARABEL"] == "optimal" and status["OSQP"] == "unsupported"
    assert status["MOSEK"] == "not_installed" and status["NOT_A_SOLVER"] == "not_installed"
    # OSQP is never run on an exponential cone: the row says so and names who can take it.
    osqp = frame[frame["solver"] == "OSQP"].iloc[0]
    assert "OSQP cannot take this exponential cone model" in osqp["message"] and "CLARABEL" in osqp["message"]
    assert frame["problem_class"].eq("exponential cone").all()
    every = compare_solvers(prob, X, y)  # solvers=None: every installed solver keeps its row
    assert set(every["solver"]) == set(cr.compare.default_solvers())
    refused = every[every["status"] == "unsupported"]
    assert "OSQP" in set(refused["solver"]) and "CLARABEL" not in set(refused["solver"])
    assert refused["message"].str.contains("installed solvers that can: CLARABEL").all()
    assert not refused["success"].any()


def test_bad_settings_and_data_are_errors_not_rows():
    prob, Q, y = lasso_case()
    with pytest.raises(cr.InvalidParameterError, match=r"'settings'.*'loose'"):
        compare_solvers(prob, Q, y, settings="loose")
    with pytest.raises(cr.InvalidParameterError, match="'y'"):
        compare_solvers(prob, Q, y[:-1])


def small_cases() -> list[Case]:
    return [c for c in builtin_cases() if c.name in ("lasso-orthonormal", "ridge", "linf-ball", "logistic-l1")]


def test_benchmark_parallel_with_resumable_output(tmp_path):
    out = tmp_path / "rows.csv"
    first = benchmark(small_cases(), ["CLARABEL"], settings="default", n_jobs=2, backend="loky", out=out)
    assert len(first) == 4 and len(pd.read_csv(out)) == 4
    before = pd.read_csv(out)
    # A second run with one more solver computes only the missing rows; nothing is redone.
    second = benchmark(small_cases(), ["CLARABEL", "SCS"], settings="default", n_jobs=2, out=out)
    after = pd.read_csv(out)
    assert len(after) == 8 and len(second) == 8
    assert after.iloc[:4]["solve_time"].tolist() == before["solve_time"].tolist()
    assert not after.duplicated(["problem", "solver", "settings"]).any()


def test_benchmark_rows_are_written_as_they_finish(tmp_path):
    # The run dies part-way (a solver hangs past its timeout only on the last case): the rows of
    # the cases finished before are already on disk.
    out = tmp_path / "rows.csv"
    cases = small_cases()
    frame = benchmark(cases, ["CLARABEL", HangingSolver()], settings="default", out=out, timeout=2.5)
    on_disk = pd.read_csv(out)
    assert len(on_disk) == len(frame) == 8
    assert set(on_disk.loc[on_disk["solver"] == "HANGS", "status"]) == {"timeout"}


@pytest.mark.slow
def test_benchmark_on_a_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        frame = benchmark(small_cases(), ["CLARABEL", "SCS"], backend="dask", client=client, out=tmp_path / "d.csv")
    assert len(frame) == 8 and set(frame["status"]) == {"optimal"}
    assert len(pd.read_csv(tmp_path / "d.csv")) == 8


def test_benchmark_dask_backend_makes_its_own_loopback_cluster():
    pytest.importorskip("distributed")
    frame = benchmark(small_cases()[:2], ["CLARABEL"], backend="dask", n_jobs=2)
    assert len(frame) == 2 and set(frame["status"]) == {"optimal"}


def test_builtin_cases_cover_every_penalty_and_both_forms():
    cases = builtin_cases()
    assert len(cases) >= 10
    kinds = {type(c.problem.penalty) for c in cases}
    assert {
        cr.L1,
        cr.SquaredL2,
        cr.L2,
        cr.Lp,
        cr.Linf,
        cr.LpPower,
        cr.ElasticNet,
        cr.GroupLasso,
        cr.TotalVariation,
    } <= kinds
    assert {type(c.problem.form) for c in cases} == {cr.Penalized, cr.Constrained}


def test_references_of_closed_form_cases_agree_with_reference_layer():
    # "Results against closed forms agree with the truth table of the reference layer".
    for case in builtin_cases():
        ref = case.problem.reference(case.X, case.y)
        if ref is None:
            continue
        frame = compare_solvers(case.problem, case.X, case.y, solvers=["CLARABEL", "SCS"], settings="tight")
        assert (frame["reference"] == "closed_form").all()
        assert (frame["coef_error"] < 1e-5).all(), (case.name, frame["coef_error"].tolist())


def test_regression_data_frame_has_no_exceptions_for_bad_solver_options():
    X, y = regression_data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    cr.compare.SETTINGS["broken"] = {"CLARABEL": {"not_an_option": 1}}
    try:
        frame = compare_solvers(prob, X, y, solvers=["CLARABEL", "SCS"], settings="broken")
    finally:
        del cr.compare.SETTINGS["broken"]
    status = dict(zip(frame["solver"], frame["status"], strict=True))
    assert status == {"CLARABEL": "invalid_options", "SCS": "optimal"}


def test_penalized_dual_error_is_the_round_trip_multiplier_against_lam():
    prob, Q, y = lasso_case()
    frame = compare_solvers(prob, Q, y, solvers=["CLARABEL", "SCS"], settings="tight")
    assert (frame["dual_error"] < 1e-6).all()
    # By hand: the constrained twin at t = ||w*||_1 (closed form w*) has multiplier lam = 0.3.
    t = np.sum(np.abs(cr.closed_forms.lasso_orthonormal(Q.T @ y, 0.3)))
    twin = prob.with_form(cr.Constrained(t)).solve(
        Q, y, solver="CLARABEL", **cr.compare.solver_options("CLARABEL", "tight")
    )
    assert frame.iloc[0]["dual_error"] == pytest.approx(abs(twin.dual - 0.3), abs=1e-9)
    plain = compare_solvers(prob, Q, y, solvers=["CLARABEL"], round_trip=False)
    assert np.isnan(plain.iloc[0]["dual_error"])


def test_the_problem_column_names_the_problem_by_default():
    # Was the word "problem" in every row.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3))
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5))
    frame = cr.compare_solvers(prob, X, X.sum(axis=1), solvers=["CLARABEL"], isolate=False)
    assert list(frame["problem"]) == [repr(prob)]
    named = cr.compare_solvers(prob, X, X.sum(axis=1), solvers=["CLARABEL"], isolate=False, name="toy")
    assert list(named["problem"]) == ["toy"]


def test_a_comparison_prints_the_columns_read_first():
    # A 22-column table printed whole is unreadable in a terminal or a notebook: the comparison
    # shows solver, settings, status, success, error, residuals and time, and names the rest.
    X, y = np.random.default_rng(0).standard_normal((40, 4)), np.random.default_rng(1).standard_normal(40)
    table = cr.compare_solvers(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5)), X, y,
                               solvers=["CLARABEL", "OSQP"], isolate=False)  # fmt: skip
    assert isinstance(table, pd.DataFrame) and list(table.columns) == cr.compare.COLUMNS
    text, html = repr(table), table._repr_html_()
    assert "solver" in text and "16 more columns (problem, problem_class, model" in text and "message" in text
    assert "<table" in html and "more columns" in html and "dual_note</th>" not in html
    assert "dual_note" in pd.DataFrame(table).to_string()  # every column is still there
    small = table[["solver", "status"]]
    assert repr(small) == repr(pd.DataFrame(small))  # a few columns print as they are


def test_a_time_is_the_median_of_repeated_runs():
    # Was: one run per time (SCS on one problem took 0.154 / 12.8 / 0.187 ms with the same 75
    # iterations). Now each measurement runs at least `repeat` times and `min_time` seconds.
    import time

    from cvxreg.timing import Timing, repeated

    calls = []
    timed = repeated(lambda: calls.append(time.sleep(0.005)), repeat=3, min_time=0.02)
    assert 3 <= timed.runs <= 4 and timed.runs == len(calls)  # each run sleeps 5 ms: 0.02 s by the fourth
    assert timed.median >= 0.005 and timed.spread >= 0.0
    assert repeated(lambda: None, repeat=3, min_time=10.0, max_runs=50).runs == 50  # at most max_runs
    assert repeated(lambda: time.sleep(0.03), repeat=3, budget=0.05).runs == 1  # a slow call: what fits
    assert Timing.of([1.0, 2.0, 3.0, 4.0, 100.0]) == Timing(3.0, (4.0 - 2.0) / 3.0, 5)  # quartiles, robust

    X, y = np.random.default_rng(0).standard_normal((40, 4)), np.random.default_rng(1).standard_normal(40)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5))
    table = cr.compare_solvers(prob, X, y, solvers=["CLARABEL", "SCIPY"], isolate=False, round_trip=False)
    clarabel, scipy_row = table.iloc[0], table.iloc[1]
    assert clarabel["runs"] >= 3 and clarabel["solve_time"] > 0 and clarabel["time_iqr"] >= 0
    assert scipy_row["status"] == "unsupported" and scipy_row["runs"] == 0  # a QP: no time to take
    once = cr.compare_solvers(prob, X, y, solvers=["CLARABEL"], isolate=False, repeat=1, min_time=0.0)
    assert list(once["runs"]) == [1]
    isolated = cr.compare_solvers(prob, X, y, solvers=["OSQP"], round_trip=False)
    assert isolated["runs"].iloc[0] >= 3  # timed in the solver's own process too
    with pytest.raises(cr.InvalidParameterError, match=r"'repeat'.*Got 0"):
        cr.compare_solvers(prob, X, y, solvers=["CLARABEL"], repeat=0)


def test_a_refusal_names_only_solvers_of_continuous_models():
    # Was: ECOS_BB (ECOS with branch and bound, for integer programs) was named among the
    # solvers able to take a continuous model.
    X, y = np.random.default_rng(0).standard_normal((20, 3)), np.random.default_rng(1).standard_normal(20)
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5))
    table = cr.compare_solvers(prob, X, y, solvers=["SCIPY"], isolate=False)
    message = table["message"].iloc[0]
    assert "CLARABEL" in message and "ECOS_BB" not in message and "GLPK_MI" not in message
