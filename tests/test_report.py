"""The solver report: summaries, profiles, findings, writers, figures, scaling and the CLI."""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

import cvxreg as cr
from cvxreg import report
from cvxreg._report_stats import profile, sgm
from cvxreg.benchmark import benchmark, builtin_cases
from cvxreg.cli import main
from cvxreg.compare import COLUMNS
from cvxreg.quantities import _finite
from cvxreg.scaling import scaling, slopes


def row(problem: str, solver: str, status: str = "optimal", error: float = 1e-9, time: float = 1e-3, **kw):
    """One comparison row written by hand (the numbers the tests check are derived by hand)."""
    base = dict.fromkeys(COLUMNS, math.nan)
    base.update(
        problem=problem,
        problem_class="QP",
        solver=solver,
        settings="default",
        model="plain",
        status=status,
        success=status == "optimal" and error <= 1e-4,
        error=error,
        objective_gap=error,
        coef_error=error,
        solve_time=time,
        setup_time=0.01,
        kkt_residual=1e-10,
        primal_residual=0.0,
        dual_note="",
        reference="closed_form",
        message="",
    )
    base.update(kw)
    return base


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    return pd.DataFrame(
        [
            row("p1", "A", time=1e-3),
            row("p2", "A", time=4e-3),
            row("p1", "B", time=2e-3),
            row("p2", "B", status="solver_error", error=math.nan, time=math.nan, message="it raised"),
            row("p1", "C", status="unsupported", error=math.nan, time=math.nan),
            row("p2", "C", error=0.5, time=1e-4),  # optimal but wrong
        ],
        columns=COLUMNS,
    )


def test_shifted_geometric_mean_by_hand():
    assert sgm([1.0, 4.0], 0.0) == pytest.approx(2.0)
    assert sgm([0.0, 8.0], 1.0) == pytest.approx(2.0)  # exp(mean(log 1, log 9)) - 1 = 3 - 1
    assert math.isnan(sgm([], 1.0))
    assert sgm([0.0, 0.0], 1e-12) == 0.0


def test_summary_by_hand(hand):
    s = report.summary(hand, time_limit=10.0).set_index("solver")
    assert list(s.index) == ["A", "B", "C"]  # sorted by success rate, then time
    assert s.loc["A", "success_pct"] == 100.0 and s.loc["B", "success_pct"] == 50.0
    assert s.loc["C", "supported"] == 1 and s.loc["C", "success_pct"] == 0.0 and s.loc["C", "failures"] == 1
    shift = 1e-4
    a = math.sqrt((1e-3 + shift) * (4e-3 + shift)) - shift
    b = math.sqrt((2e-3 + shift) * (10.0 + shift)) - shift  # the failure counts the time limit
    assert s.loc["A", "time_sgm_ms"] == pytest.approx(1e3 * a)
    assert s.loc["B", "time_sgm_ms"] == pytest.approx(1e3 * b)
    assert s.loc["A", "time_vs_best"] == pytest.approx(1.0)
    assert s.loc["B", "time_vs_best"] == pytest.approx(b / a)
    # C supports p2 only, where it was fast but wrong (no success): over the shared set both of
    # its problems count the limit; over its supported one, the limit too.
    c = 10.0
    assert s.loc["C", "time_sgm_ms"] == pytest.approx(1e3 * c)
    assert s.loc["C", "time_sgm_supported_ms"] == pytest.approx(1e3 * c)


def test_time_is_compared_on_one_shared_set_of_problems(hand):
    # Was: each solver's mean over its own supported problems, so a solver that takes only the
    # easy problems looked fastest. D supports p1 only and solves it fastest of all.
    extra = pd.DataFrame([row("p1", "D", time=5e-4), row("p2", "D", status="unsupported", error=math.nan,
                                                          time=math.nan)], columns=COLUMNS)  # fmt: skip
    s = report.summary(pd.concat([hand, extra], ignore_index=True), time_limit=10.0).set_index("solver")
    shift = 1e-4
    assert s.loc["D", "time_sgm_supported_ms"] == pytest.approx(1e3 * 5e-4)
    assert s.loc["D", "time_sgm_ms"] == pytest.approx(1e3 * (math.sqrt((5e-4 + shift) * (10.0 + shift)) - shift))
    assert s.loc["A", "time_vs_best"] == pytest.approx(1.0)  # A solved both: it is the fastest on the set


def test_performance_profile_by_hand(hand):
    curves = profile(hand, "time")
    # p1: A 1 ms (best), B 2 ms; p2: A 4 ms (only success). A is best on both.
    tau, rho = curves["A"]
    assert np.allclose(tau, [1.0, 1.0]) and np.allclose(rho, [0.5, 1.0])
    tau, rho = curves["B"]
    assert np.allclose(tau, [2.0]) and np.allclose(rho, [0.5])
    assert len(curves["C"][0]) == 0  # C never succeeds
    tau, rho = profile(hand, "error")["C"]  # solved (wrong) on p2: counts in the error profile
    assert np.allclose(tau, [0.5 / 1e-9]) and np.allclose(rho, [0.5])


def test_findings_name_solvers_problems_and_reasons(hand):
    text = "\n".join(report.findings(hand))
    assert "C reports status 'optimal' with a wrong answer" in text and "p2" in text
    assert "B returns no solution (solver_error) on p2" in text and "it raised" in text
    assert "C refuses QP" in text
    assert "QP (2 problems, default settings): 1 solver(s) succeed on all; most accurate A" in text
    failed = hand.assign(status="solver_error", success=False)
    assert report.findings(failed)[0].startswith("No solve returned a solution")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    cases = [c for c in builtin_cases() if c.name in ("lasso-orthonormal", "ridge-constrained", "logistic-l1")]
    cases[0].name = "lasso <script>alert(1)</script> $x_$"  # to be escaped; as mathtext it would not even parse
    return benchmark(cases, ["CLARABEL", "SCS", "OSQP"], settings=["default", "high"], progress=False)


def test_every_pair_is_a_row_with_its_reason(frame):
    assert len(frame) == 3 * 3 * 2
    osqp = frame[frame["solver"] == "OSQP"].set_index("problem")
    assert (osqp.loc["logistic-l1", "status"] == "unsupported").all()
    assert osqp.loc["logistic-l1", "message"].str.contains("installed solvers that can: CLARABEL").all()
    assert (osqp.loc["ridge-constrained", "status"] == "unsupported").all()
    assert set(frame["problem_class"]) == {"QP", "SOCP", "exponential cone"}
    s = report.summary(frame)
    clarabel = s[(s["solver"] == "CLARABEL") & (s["settings"] == "default")].iloc[0]
    assert clarabel["supported"] == 3 and clarabel["success_pct"] == 100.0


def test_success_is_against_the_truth_and_the_settings_bar(frame):
    ok = frame[frame["status"] == "optimal"]
    for _, r in ok.iterrows():
        bar = cr.solvers.SUCCESS_BAR[r["settings"]]
        assert r["success"] == (r["error"] <= bar and r["primal_residual"] <= bar)
        assert r["error"] >= r["objective_gap"]
    acc = report.accuracy(frame)  # the error of every solved row (optimal, or optimal_inaccurate), inf otherwise
    solved = frame["status"].isin(["optimal", "optimal_inaccurate"])
    assert np.all(np.isinf(acc[~solved])) and np.all(np.isfinite(acc[solved]))


def test_write_formats_escape_and_embed_figures(frame, tmp_path):
    md = report.write(frame, tmp_path / "r.md").read_text()
    assert md.startswith("# cvxreg solver comparison") and "## Findings" in md
    # Markdown without HTML entities (was: &#x27;low&#x27;), a tag's "<" escaped as Markdown does
    assert not re.search(r"(?<!\\)<script>", md) and "\\<script>" in md and "&#x27;" not in md and "&lt;" not in md
    assert "'default' settings" in md
    # contents with anchors GitHub makes (and the HTML has as ids), every section reachable
    assert "- [Findings](#findings)" in md
    assert "  - ['high' settings (success bar 1e-06)](#high-settings-success-bar-1e-06)" in md
    csv = pd.read_csv(report.write(frame, tmp_path / "r.csv"))
    assert len(csv) == len(frame)
    html = report.write(frame, tmp_path / "r.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.index("Findings") < html.index("Summary per settings") < html.index("Per problem")
    assert "<details>" in html and "solve (ms)" in html and "cvxpy" in html and "CPU" in html
    headings = re.findall(r"<h[23] id='([^']+)'>", html)
    assert headings and sorted(re.findall(r"<a href='#([^']+)'>", html)) == sorted(headings)
    assert len(set(headings)) == len(headings)
    for item in ("BLAS", "cvxreg", "date", "command"):
        assert f"<td>{item}</td>" in html
    # the solvers that did not run on a problem are one line, not one row per solver and settings
    assert "Cannot take this exponential cone model: OSQP (installed solvers that can: CLARABEL" in html
    assert html.count("cannot take this exponential cone model") == 0
    assert "<th>runs</th>" in html
    pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    # profiles of time and error, error vs time, a status matrix per settings, multiplier errors
    assert len(pngs) == 3 + 2 + 1
    assert all(base64.b64decode(p)[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    with pytest.raises(cr.InvalidParameterError, match=r"'path'.*'\.pdf'"):
        report.write(frame, tmp_path / "r.pdf")


def test_report_of_nothing_solved_is_written(frame, tmp_path):
    failed = frame.assign(status="timeout", success=False, error=np.nan, solve_time=np.nan, message="killed")
    paths = report.write_report(failed, tmp_path / "out")
    text = paths["md"].read_text()
    assert "No solve returned a solution (timeout: 18)" in text
    assert paths["html"].stat().st_size > 0 and paths["status_default"].exists()


def test_scaling_families_and_slopes(tmp_path):
    scale = scaling(["lasso", "logistic"], [10, 20, 40], ["CLARABEL", "OSQP"], budget=5.0, progress=False)
    assert set(scale[scale["family"] == "logistic"]["solver"]) == {"CLARABEL"}  # OSQP cannot take it
    assert set(scale[scale["family"] == "lasso"]["d"]) == {10, 20, 40}
    assert (scale["n"] == 2 * scale["d"]).all()
    assert scale["success"].all()
    # the fit on log-log axes, checked on times made to grow like d^2
    fake = scale.assign(solve_time=0.01 * (scale["d"] / 10.0) ** 2, status="optimal", success=True)
    fitted = slopes(fake).set_index(["family", "solver"])
    assert fitted.loc[("lasso", "CLARABEL"), "slope"] == pytest.approx(2.0)
    assert fitted.loc[("lasso", "CLARABEL"), "largest_d"] == 40
    frame = pd.DataFrame([row("p1", "CLARABEL")], columns=COLUMNS)
    paths = report.write_report(frame, tmp_path / "s", scale=scale)
    assert paths["scaling"].exists() and paths["scaling_csv"].exists()
    assert "Scaling, lasso: at d = 40" in paths["md"].read_text()


def test_multiplier_not_unique_is_flagged_and_left_out():
    from cvxreg.exercises import load
    from cvxreg.reference import multiplier_note

    svm = load("benchmark-svm-hinge")  # hinge loss: the optimal value has a kink in t
    data = svm.problem.check_data(svm.X, svm.y, svm.sample_weight)
    note = multiplier_note(svm.problem, data, svm.expected_result())
    assert note.startswith("not unique: the optimal value's slope in t changes from")
    ridge = load("secular-ridge-constrained")  # smooth in t: a unique multiplier
    data = ridge.problem.check_data(ridge.X, ridge.y, ridge.sample_weight)
    assert multiplier_note(ridge.problem, data, ridge.expected_result()) == ""
    # At lam above lam_max the constrained twin has t = 0: one feasible point, every multiplier
    # from lam_max = 4 up is valid (Friedman, Hastie & Tibshirani's example, by hand).
    at_max = load("fht-lasso-lambda-max")
    data = at_max.problem.check_data(at_max.X, at_max.y)
    assert multiplier_note(at_max.problem, data, at_max.expected_result()).startswith("not unique: at t = 0")
    for mu in (4.0, 5.0, 9.0):
        point = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=mu)).solve(at_max.X, at_max.y)
        assert np.max(np.abs(point.coef)) < 1e-12  # each of them gives the same (zero) solution
    flagged = pd.DataFrame(
        [row("p1", "A", dual_error=0.2, dual_note=note), row("p2", "A", dual_error=1e-7)], columns=COLUMNS
    )
    s = report.summary(flagged).iloc[0]
    assert s["dual_error_max"] == pytest.approx(1e-7) and s["dual_flagged"] == 1


# ------------------------------------------------------------------------------------------ CLI
def test_cli_report_and_compare_by_name(tmp_path, capsys):
    out = tmp_path / "rep"
    args = ["report", "sklearn-lasso-toy", "logistic-ridge-sklearn", "--solvers", "CLARABEL", "OSQP"]
    assert main([*args, "--settings", "default", "--sizes", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "wrote html" in text and (out / "report.html").exists()
    rows = pd.read_csv(out / "results.csv")
    assert len(rows) == 4 and (rows["status"] == "unsupported").sum() == 1
    assert "72.727273" not in text and "success_pct" in text  # the summary's numbers in 3 digits
    assert main(["compare", "sklearn-lasso-toy", "--solvers", "CLARABEL", "SCIPY", "--settings", "low", "high"]) == 0
    printed = capsys.readouterr().out
    # Was: 219-character lines with NaN columns. Now it reads in a 100-column terminal.
    assert "CLARABEL" in printed and "NaN" not in printed and "nan" not in printed
    assert max(len(line) for line in printed.splitlines()) <= 100
    assert "SCIPY (low): SCIPY cannot take this QP model" in printed


def test_cli_list_version_and_help(capsys):
    assert main(["list"]) == 0
    text = capsys.readouterr().out
    assert "sklearn-lasso-toy" in text and "bundled problems" in text
    assert main(["list", "--json"]) == 0
    assert any(p["id"] == "sklearn-lasso-toy" for p in json.loads(capsys.readouterr().out))
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"cvxreg {cr.__version__}"
    assert main(["report", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "{default,low,high,tight}" in help_text and "(default: 10.0)" in help_text


def strict_json(text: str):
    def refuse(name: str):
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def test_cli_solve_json_is_strict(capsys):
    assert main(["solve", "sklearn-lasso-toy"]) == 0
    assert "by CLARABEL at 'tight' settings" in capsys.readouterr().out  # it says which settings
    assert main(["solve", "sklearn-lasso-toy", "--json"]) == 0
    doc = strict_json(capsys.readouterr().out)
    assert doc["coef"] == pytest.approx([0.85]) and doc["dual"] is None
    # ProxQP reports this LP infeasible: no solution, so the numbers are null and the exit code 1.
    assert main(["solve", "quantile-regression-sklearn", "--solver", "PROXQP", "--json"]) == 1
    doc = strict_json(capsys.readouterr().out)
    assert all(v is None for v in doc["coef"]) and doc["objective"] is None
    assert _finite(float("nan")) is None and _finite(2) == 2.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["solve", "logistic-ridge-sklearn", "--solver", "OSQP"], "OSQP cannot take this exponential cone model"),
        (["solve", "logistic-ridge-sklearn", "--solver", "OSQP", "--json"], "installed solvers that can: CLARABEL"),
        (["solve", "sklearn-lasso-toy", "--solver", "CLARABLE"], "'--solver' .*Got CLARABLE"),
        (["compare", "sklearn-lasso-toy", "--solvers", "CLARABLE"], "'--solvers'.*Got CLARABLE"),
        (["report", "--solvers", "CLARABLE"], "'--solvers'.*Got CLARABLE"),
        (["report", "--strict", "--bar", "nan"], "'--bar'.*Got nan"),
        (["solve", "no-such-problem"], "no bundled problem has this id"),
        (["compare", "missing.toml"], "cannot be read"),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("cvxreg: error:") and "Traceback" not in err
    assert re.search(message, err), err
    assert captured.out == ""


def test_cli_report_with_no_usable_solver_writes_the_report_and_exits_2(tmp_path, capsys, monkeypatch):
    # SciPy's solver takes LPs only: every pair is 'unsupported', the report still says so.
    argv = ["report", "sklearn-lasso-toy", "--solvers", "SCIPY", "--settings", "default", "--sizes"]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("cvxreg: error: none of the solvers (SCIPY) could take any of the problems")
    assert "SCIPY cannot take this QP model" in pd.read_csv(tmp_path / "results.csv")["message"].iloc[0]
    assert "No solve returned a solution" in (tmp_path / "report.md").read_text()
    import cvxreg.solvers

    monkeypatch.setattr(cvxreg.solvers, "installed_solvers", lambda: [])  # a machine with no solver
    assert main(["report", "--out", str(tmp_path)]) == 2
    assert "none is installed" in capsys.readouterr().err


def test_cli_strict_bar(tmp_path):
    # SCS at default settings is not accurate to 1e-14: --strict fails with exit 1.
    argv = ["report", "sklearn-lasso-toy", "--solvers", "SCS", "--settings", "default", "--sizes"]
    assert main([*argv, "--out", str(tmp_path), "--strict", "--bar", "1e-14"]) == 1
    assert main(["report", "--settings", "sloppy", "--out", str(tmp_path)]) == 2


def test_progress_lines_when_not_a_terminal(capsys):
    cases = [c for c in builtin_cases() if c.name == "ridge"]
    benchmark(cases, ["CLARABEL", "SCS"], settings=["default", "low"])
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("cvxreg benchmark:")]
    assert lines and lines[-1].startswith("cvxreg benchmark: 4/4 solves")


def test_the_report_probes_cvxpys_epigraph_limitation(tmp_path):
    import cvxpy as cp

    from cvxreg._report_probes import epigraph_probe

    notes = epigraph_probe(["CLARABEL", "SCS", "HIGHS", "OSQP"])
    for note in notes:
        assert note.startswith(f"Known CVXPY limitation, observed with cvxpy {cp.__version__}")
        assert "SCS" not in note and "OSQP" not in note  # these answer the plain model right
    if cp.__version__ == "1.9.3" and "HIGHS" in cr.installed_solvers():
        assert any("hinge SVM with cp.pos" in n and "HIGHS (objective 60" in n for n in notes)
    frame = pd.DataFrame([row("p1", "A")], columns=COLUMNS)
    text = report.write(frame, tmp_path / "r.md", observed=notes).read_text()
    assert all(n.split(":")[0] in text for n in notes)


def _sgm(values, shift):
    x = np.asarray(values, dtype=float)
    return float(np.exp(np.mean(np.log(np.maximum(x, 0.0) + shift))) - shift)


def test_the_findings_are_true_to_the_written_csv(frame, tmp_path):
    # Every number a finding states is recomputed here from results.csv, as a reader would.
    paths = report.write_report(frame, tmp_path / "out")
    rows = pd.read_csv(paths["csv"])
    text = paths["md"].read_text()
    found = [line[2:] for line in text.split("## Findings", 1)[1].split("\n## ", 1)[0].splitlines()
             if line.startswith("- ")]  # fmt: skip
    checked = 0
    shape = re.compile(r"(?P<cls>.+) \((?P<n>\d+) problems, (?P<s>\w+) settings\): (?P<k>\d+) solver\(s\) succeed on "
                       r"all; most accurate (?P<acc>\S+) \(error sgm (?P<err>\S+)\), fastest (?P<fast>\S+) "
                       r"\((?P<ms>\S+) ms sgm solve time\)\.")  # fmt: skip
    for line in found:
        m = shape.fullmatch(line)
        if not m:
            continue
        part = rows[(rows["problem_class"] == m["cls"]) & (rows["settings"] == m["s"])]
        assert part["problem"].nunique() == int(m["n"])
        full = [s for s, g in part.groupby("solver") if g["success"].all() and len(g) == int(m["n"])]
        assert len(full) == int(m["k"])
        errs = {s: _sgm(part[part["solver"] == s]["error"], 1e-12) for s in full}
        times = {s: _sgm(part[part["solver"] == s]["solve_time"], 1e-4) for s in full}
        assert min(errs, key=errs.get) == m["acc"] and f"{errs[m['acc']]:.1e}" == m["err"]
        assert min(times, key=times.get) == m["fast"] and f"{1e3 * times[m['fast']]:.2g}" == m["ms"]
        checked += 1
    missed = re.compile(r"At (?P<s>\w+) settings these answers miss the (?P<bar>\S+) bar: (?P<rest>.+)\.")
    for line in found:
        m = missed.fullmatch(line)
        if not m:
            continue
        for item in re.finditer(r"(?P<solver>[A-Z_]+) on (?P<count>\d+) \(.*?; worst (?P<worst>\S+) on ", m["rest"]):
            bad = rows[(rows["settings"] == m["s"]) & (rows["solver"] == item["solver"]) & ~rows["success"]
                       & rows["status"].isin(["optimal", "optimal_inaccurate"])]  # fmt: skip
            assert len(bad) == int(item["count"]) and f"{bad['error'].max():.1e}" == item["worst"]
            checked += 1
    assert checked >= 2, found


def test_time_per_problem_class_is_over_the_class_shared_by_all(hand):
    # qpbenchmark's rule within each class: every solver timed on the same problems, a problem
    # not solved with success counting the time limit.
    from cvxreg._report_stats import class_summary

    extra = pd.DataFrame([row("p3", s, problem_class="SOCP", time=t) for s, t in (("A", 3e-3), ("B", 1e-3))]
                         + [row("p3", "C", problem_class="SOCP", status="unsupported", error=math.nan, time=math.nan)],
                         columns=COLUMNS)  # fmt: skip
    table = class_summary(pd.concat([hand, extra], ignore_index=True), 10.0).set_index(["problem_class", "solver"])
    shift = 1e-4
    assert table.loc[("QP", "A"), "problems"] == 2 and table.loc[("SOCP", "A"), "problems"] == 1
    assert table.loc[("SOCP", "B"), "time_sgm_ms"] == pytest.approx(1.0)  # B is the fastest on the SOCP
    assert table.loc[("SOCP", "A"), "time_vs_best"] == pytest.approx(3.0)
    assert table.loc[("SOCP", "C"), "time_sgm_ms"] == pytest.approx(1e4)  # not supported: the limit
    b_qp = math.sqrt((2e-3 + shift) * (10.0 + shift)) - shift
    assert table.loc[("QP", "B"), "time_sgm_ms"] == pytest.approx(1e3 * b_qp)
    assert table.loc[("QP", "A"), "time_vs_best"] == pytest.approx(1.0)
