"""The problem library: every file is a test case; the grader passes right answers, fails
wrong ones and names the mistake it finds by re-solving as the mistake would."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import cvxreg as cr
from cvxreg.cli import main
from cvxreg.exercises import bundled_dir, bundled_files, load, load_all
from cvxreg.grading import AnswerError, read_answer

FILES = bundled_files()
EXERCISES = load_all()
SOLVABLE = [ex for ex in EXERCISES if ex.problem is not None]
UNIQUE = [ex for ex in SOLVABLE if ex.expected.unique and ex.expected.coef is not None]


def test_library_size_and_coverage():
    assert len(FILES) >= 50
    ids = {ex.id for ex in EXERCISES}
    tags = {t for ex in EXERCISES for t in ex.tags}
    for needed in (
        "islr",
        "esl",
        "augmentation",
        "grouping",
        "boyd",
        "least-norm",
        "tikhonov",
        "secular-equation",
        "group-lasso",
        "l3",
        "l4",
        "non-convex",
        "best-subset",
        "equal-columns",
        "orthonormal",
    ):
        assert needed in tags, needed
    assert {
        "islr-6.2.2-lasso-identity",
        "esl-table-3.4-ridge-orthonormal",
        "esl-table-3.4-lasso-orthonormal",
        "zou-hastie-lemma1-enet-augmented",
        "lp-half-rejected",
        "esl-table-3.4-best-subset",
    } <= ids
    constrained = {type(ex.problem.penalty) for ex in SOLVABLE if isinstance(ex.problem.form, cr.Constrained)}
    assert {cr.L1, cr.L2, cr.Linf, cr.SquaredL2} <= constrained
    for ex in EXERCISES:
        assert ex.source and ex.statement and ex.expected.origin


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_problem_file_solves_and_matches_its_expected_answer(ex):
    if ex.problem is None:
        assert isinstance(ex.rejection, cr.DCPError)
        for needle in ex.expected.message_contains:
            assert needle in str(ex.rejection)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ex.solve()
    assert res.ok or (ex.expected.outcome == "no_minimizer" and res.status == "no_minimizer")
    verdict = ex.check(res)
    assert verdict.passed, str(verdict)


FEATURES = {  # each format feature, as a (section, field) or (section, field, value) some file uses
    "composite penalty": ("formulation", "penalty", "composite"),
    "norm loss": ("formulation", "loss", "norm"),
    "max loss": ("formulation", "loss", "max"),
    "book notation (lam)": ("notation", "lam"),
    "book notation (t)": ("notation", "t"),
    "answers in the book's scale": ("expected", "scale", "book"),
    "lambda_max": ("expected", "lambda_max"),
    "constraint multipliers": ("expected", "constraint_duals"),
    "bound multipliers": ("expected", "lower_dual"),
    "active set": ("expected", "support"),
    "signs": ("expected", "signs"),
    "degrees of freedom": ("expected", "df"),
    "refusal": ("expected", "outcome", "rejected"),
    "no minimizer": ("expected", "outcome", "no_minimizer"),
    "fixed coordinates": ("expected", "fixed"),
    "fit": ("expected", "fit"),
    "path": ("expected", "path"),
    "summary statistics": ("data", "gram"),
}


def test_every_format_feature_is_used_by_a_bundled_file():
    import tomllib

    tables = [tomllib.loads(f.read_text()) for f in FILES]
    for name, (section, field, *value) in FEATURES.items():
        users = [t for t in tables if field in t.get(section, {}) and (not value or t[section][field] == value[0])]
        assert users, f"no bundled file uses {name}"
    coefs = [t.get("expected", {}).get("coef", []) for t in tables]
    assert any(isinstance(v, str) and "/" in v for coef in coefs for v in coef)  # exact fractions
    assert any(t.get("data", {}).get("generate", {}).get("design") == "polynomial" for t in tables)
    assert any(set(t.get("data", {})) == {"y"} for t in tables)  # intercept-only, no dummy column
    assert any("penalty" not in t.get("formulation", {}) for t in tables)  # unpenalized, no dummy penalty
    text = (Path(__file__).parents[1] / "docs" / "problem-files.md").read_text()
    for word in ("composite", "`norm`", "`max`", "[notation]", "lambda_max", "constraint_duals", "lower_dual",
                 "support", "signs", "`df`", "rejected", "fixed", "`fit`", "path", "gram", "polynomial", "`y` alone",
                 "observation_duals", "support_vectors", "interpolated", "path_formula", "path_breakpoints",
                 "Exact answers"):
        assert word in text, word


@pytest.mark.parametrize("ex", SOLVABLE, ids=lambda ex: ex.id)
def test_expected_answer_passes_its_own_check(ex):
    e = ex.expected
    if e.coef is None and not e.path:
        pytest.skip("a solution set stated by its parts: see test_a_solution_set_is_graded_by_its_unique_parts")
    duals = None if e.constraint_duals is None else [v.tolist() for v in e.constraint_duals]
    answer = {"intercept": e.intercept, "dual": e.dual, "objective": e.objective, "lambda_max": e.lambda_max}
    answer |= {"coef": e.coef} if e.coef is not None else {}
    answer |= {"support": e.support and list(e.support), "signs": e.signs and list(e.signs), "df": e.df}
    answer |= {"lower_dual": e.lower_dual, "upper_dual": e.upper_dual}
    if e.path:
        name = ex.problem.form.param_name
        answer["path"] = [{name: p.param, "coef": p.coef, "intercept": p.intercept, "dual": p.dual} for p in e.path]
    answer |= exact_fields(ex)
    verdict = ex.check({**answer, "constraint_duals": duals})
    assert verdict.passed, str(verdict)
    assert verdict.diagnoses == []


def exact_fields(ex):
    """The file's per-observation fields, and its exact path written back as a file writes it."""
    from cvxreg._rational import as_text

    e, out = ex.expected, {}
    if e.observation_duals is not None:
        out["observation_duals"] = list(e.observation_duals)
    for key in ("support_vectors", "interpolated"):
        if getattr(e, key) is not None:
            out[key] = list(getattr(e, key))
    if e.path_breakpoints is not None:
        out["path_breakpoints"] = [as_text(v / ex.path_lam_factor()) for v in e.path_breakpoints]
    if e.path_formula is not None:
        out["path_formula"] = [
            {"from": as_text(p["from"]), "to": "inf" if p["to"] is None else as_text(p["to"]),
             "coef": [f.text for f in p["coef"]]}
            for p in e.path_formula
        ]  # fmt: skip
    return out


def accurate(problem, ex, X=None):
    """An accurate solution (closed form, else the most accurate tight solve) on the exercise's data."""
    from cvxreg.reference import most_accurate_solve

    X = ex.X if X is None else X
    ref = problem.reference(X, ex.y, sample_weight=ex.sample_weight)
    return ref if ref is not None else most_accurate_solve(problem, X, ex.y, sample_weight=ex.sample_weight)


def differs(ex, res) -> bool:
    e = ex.expected
    far = np.max(np.abs(res.coef - e.coef)) > 1e-3 * max(1.0, np.max(np.abs(e.coef)))
    return far or (ex.problem.fit_intercept and abs(res.intercept - (e.intercept or 0.0)) > 1e-3)


MISTAKES = [("n", "multiplied by n"), (2.0, "multiplied by 2"), (0.5, "divided by 2")]


@pytest.mark.parametrize(("factor", "name"), MISTAKES, ids=[m[1] for m in MISTAKES])
@pytest.mark.parametrize("ex", UNIQUE, ids=lambda ex: ex.id)
def test_scaled_parameter_is_failed_and_diagnosed(ex, factor, name):
    p = ex.problem
    k = ex.X.shape[0] if factor == "n" else factor
    wrong = accurate(p.with_form(p.form.with_value(p.form.param_value * k)), ex)
    if np.all(p.form.param_value == 0) or not differs(ex, wrong):
        pytest.skip("this mistake gives the right answer here (lam = 0, an inactive constraint, or w = 0 both ways)")
    verdict = ex.check({"coef": wrong.coef, "intercept": wrong.intercept})
    assert not verdict.passed
    assert any(name in d for d in verdict.diagnoses), verdict.diagnoses


WITH_INTERCEPT = [ex for ex in UNIQUE if ex.problem.fit_intercept]


@pytest.mark.parametrize("ex", WITH_INTERCEPT, ids=lambda ex: ex.id)
def test_penalized_intercept_is_failed_and_diagnosed(ex):
    p = ex.problem
    X1 = np.hstack([ex.X, np.ones((ex.X.shape[0], 1))])
    wrong = accurate(cr.Problem(p.loss, p.penalty, p.form), ex, X1)
    if np.all(p.form.param_value == 0):
        pytest.skip("no penalty: penalizing the intercept changes nothing")
    answer = {"coef": wrong.coef[:-1], "intercept": wrong.coef[-1]}
    if ex.check({**answer, **exact_fields(ex)}).passed:  # the right answer minimizes the mistaken problem too
        pytest.skip("penalizing the intercept gives the right answer here")
    verdict = ex.check(answer)
    assert not verdict.passed
    assert any("intercept was penalized" in d for d in verdict.diagnoses), verdict.diagnoses


def test_library_has_intercept_problems():
    assert len(WITH_INTERCEPT) >= 3


def test_orthonormal_formula_on_a_general_design_is_diagnosed():
    ex = load(bundled_dir() / "bv-6.3-tikhonov.toml")
    z = ex.X.T @ ex.y
    verdict = ex.check({"coef": z / (1 + ex.problem.form.lam)})  # ridge formula for X^T X = I
    assert not verdict.passed
    assert any("orthonormal-design formula" in d for d in verdict.diagnoses)


def test_multiplier_mistakes_are_diagnosed():
    ex = load(bundled_dir() / "secular-ridge-constrained.toml")
    e = ex.expected
    r = np.sqrt(2 * ex.problem.form.t)
    v = ex.check({"coef": e.coef, "dual": e.dual * r})
    assert not v.passed and any("||w||_2 <=" in d and "the norm" in d for d in v.diagnoses)
    v = ex.check({"coef": e.coef, "dual": -e.dual})
    assert not v.passed and any("wrong sign" in d for d in v.diagnoses)
    ex2 = load(bundled_dir() / "l2-norm-constrained-any-x.toml")
    v = ex2.check({"coef": ex2.expected.coef, "dual": ex2.expected.dual / ex2.problem.form.t})
    assert not v.passed and any("squared norm" in d for d in v.diagnoses)
    v = ex2.check({"coef": ex2.expected.coef})
    assert not v.passed and any(c.name == "multiplier" and not c.passed for c in v.checks)


def test_violated_constraint_is_diagnosed():
    ex = load(bundled_dir() / "duchi-l1-ball-orthonormal.toml")
    z = ex.X.T @ ex.y  # the unconstrained least-squares answer ignores ||w||_1 <= t
    v = ex.check({"coef": z, "dual": 0.0})
    assert not v.passed
    assert any(c.name == "feasibility" and not c.passed for c in v.checks)
    assert any("constraint is violated" in d for d in v.diagnoses)


def test_non_unique_answer_accepts_any_minimizer():
    ex = load(bundled_dir() / "islr-ch6-ex5-lasso-equal-columns.toml")
    for split in ([1.5, 0.0], [0.0, 1.5], [0.5, 1.0], [0.75, 0.75]):
        assert ex.check({"coef": split}).passed, split
    bad = ex.check({"coef": [1.0, -0.5]})  # same sum... but signs disagree: larger L1 norm
    assert not bad.passed


def test_answer_formats_and_unusable_answers(tmp_path):
    ex = load(bundled_dir() / "islr-6.2.2-lasso-identity.toml")
    (tmp_path / "a.json").write_text(json.dumps({"coef": [3, -1, 0, 0.5]}))
    (tmp_path / "a.toml").write_text("coef = [3.0, -1.0, 0.0, 0.5]\n")
    (tmp_path / "a.csv").write_text("name,coef\nx0,3\nx1,-1\nx2,0\nx3,0.5\n")
    for f in ("a.json", "a.toml", "a.csv"):
        assert ex.check(read_answer(tmp_path / f)).passed
    (tmp_path / "short.json").write_text(json.dumps({"coef": [1, 2]}))
    with pytest.raises(AnswerError, match="4 entries"):
        ex.check(read_answer(tmp_path / "short.json"))
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(AnswerError, match="not a readable JSON"):
        read_answer(tmp_path / "bad.json")
    with pytest.raises(AnswerError, match="unknown field"):
        ex.check({"coef": [3, -1, 0, 0.5], "lambda": 1})


GOOD = """
id = "tiny"
title = "tiny"
source = "made up for a test"
statement = "s"
[data]
X = [[1.0, 0.0], [0.0, 1.0]]
y = [1.0, 2.0]
[formulation]
loss = "squared"
penalty = "l1"
form = "penalized"
lam = 0.5
[expected]
coef = [0.5, 1.5]
origin = "soft threshold"
"""

MALFORMED = [
    (GOOD.replace('id = "tiny"\n', ""), "field 'id' is required"),
    (GOOD.replace("lam = 0.5", 'lam = "big"'), "field 'formulation.lam' must be a finite number >= 0. Got 'big'"),
    (GOOD.replace("lam = 0.5", "lam = -1.0"), "field 'formulation.lam' must be a finite number >= 0. Got -1.0"),
    (GOOD.replace("lam = 0.5", "lam = inf"), "field 'formulation.lam' must be a finite number >= 0. Got inf"),
    (GOOD.replace("coef = [0.5, 1.5]", "coef = [nan, 1.5]"), "'expected.coef' must be a list of numbers (finite)"),
    (GOOD.replace("lam = 0.5", "t = 0.5"), "field 'formulation.t' belongs to form 'constrained'"),
    (GOOD.replace('penalty = "l1"', 'penalty = "l7"'), "field 'formulation.penalty' must be one of"),
    (GOOD.replace("coef = [0.5, 1.5]", "coef = [0.5]"), "field 'expected.coef' must be a list of 2 numbers"),
    (GOOD.replace("y = [1.0, 2.0]", "y = [1.0]"), "field 'data.y' must be a list of 2 numbers"),
    (GOOD + "\n[extra]\nx = 1\n", "unknown top-level field(s) ['extra']"),
    (GOOD.replace("[formulation]", "[formulation]\nsolver = 'X'"), "unknown field(s) ['solver'] in [formulation]"),
    (GOOD.replace("[expected]", '[expected]\noutcome = "rejected"\nerror = "DCPError"'), "expects a rejection"),
    (GOOD.replace('penalty = "l1"', 'penalty = "lp"\npenalty_params = { p = 0.5 }'), "expects a solution"),
    (
        GOOD.replace('penalty = "l1"', 'penalty = "elastic_net"\npenalty_params = { l1_ratio = 3 }'),
        "field 'formulation.penalty_params' is invalid for 'elastic_net'",
    ),
    ("id = ", "is not valid TOML"),
]


@pytest.mark.parametrize(("text", "needle"), MALFORMED, ids=[m[1][:40] for m in MALFORMED])
def test_malformed_files_name_file_field_and_problem(tmp_path, text, needle):
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(cr.errors.ProblemFileError) as info:
        load(path)
    assert str(path) in str(info.value) and needle in str(info.value), str(info.value)


def test_cli_solve_check_and_gradebook(tmp_path, capsys):
    f = str(bundled_dir() / "islr-6.2.2-lasso-identity.toml")
    assert main(["solve", f, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"coef", "intercept", "objective", "dual"}
    ans = tmp_path / "a.json"
    ans.write_text(json.dumps(doc))
    assert main(["check", f, "--answer", str(ans)]) == 0
    ans.write_text(json.dumps({"coef": [2.0, 0.0, 0.0, 0.0]}))  # lam doubled
    assert main(["check", f, "--answer", str(ans)]) == 1
    assert "lam multiplied by 2" in capsys.readouterr().out
    ans.write_text("[1, 2")
    assert main(["check", f, "--answer", str(ans)]) == 2
    assert main(["solve", f]) == 0
    assert "certificate" in capsys.readouterr().out
    # A gradebook: two students, two problems.
    probs = tmp_path / "probs"
    probs.mkdir()
    for name in ("islr-6.2.2-lasso-identity", "islr-6.2.2-ridge-identity"):
        (probs / f"{name}.toml").write_text((bundled_dir() / f"{name}.toml").read_text())
    answers = tmp_path / "answers"
    for student, lasso, ridge in (
        ("ada", [3, -1, 0, 0.5], [2, -1, 0.25, 0.75]),
        ("bob", [2, 0, 0, 0], [2, -1, 0.25, 0.75]),
    ):
        (answers / student).mkdir(parents=True)
        (answers / student / "islr-6.2.2-lasso-identity.json").write_text(json.dumps({"coef": lasso}))
        (answers / student / "islr-6.2.2-ridge-identity.json").write_text(json.dumps({"coef": ridge}))
    out = tmp_path / "grades.csv"
    assert main(["check", str(probs), "--answers", str(answers), "--out", str(out)]) == 1  # bob fails one
    import pandas as pd

    book = pd.read_csv(out)
    assert len(book) == 4
    bob = book[(book.student == "bob") & (book.exercise == "islr-6.2.2-lasso-identity")].iloc[0]
    assert not bob["passed"] and "lam multiplied by 2" in bob["diagnoses"]
    assert book[book.student == "ada"]["passed"].all()
    assert main(["check", str(probs)]) == 2


def test_bundled_problems_after_a_regular_install(tmp_path):
    # Run from outside the source tree, so the installed package (not ./problems) is used.
    code = "import cvxreg.exercises as e; print(len(e.bundled_files()), e.bundled_dir())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    count = int(out.stdout.split()[0])
    assert count == len(FILES)


# ------------------------------------------------------------------ defects found by textbooks
UNIT_BALL = """
id = "unit-ball-identity"
title = "Least squares in the unit L2 ball, X = I"
source = "Boyd & Vandenberghe, Convex Optimization (2004), Section 5.5.3, with X = I and r = 1"
statement = "Minimize 1/2||y - w||^2 s.t. ||w||_2 <= 1 with y = (3, 4): w = y/||y||, mu = ||y|| - 1."

[data]
X = [[1.0, 0.0], [0.0, 1.0]]
y = [3.0, 4.0]

[formulation]
loss = "squared"
penalty = "{penalty}"
form = "constrained"
t = {t}

[expected]
coef = [0.6, 0.8]
dual = 4.0
origin = "hand derivation: w = y r/||y|| = (0.6, 0.8); mu = ||y|| - r = 4 (norm), (||y|| - r)/r = 4 (squared, r = 1)"
"""


@pytest.mark.parametrize(("penalty", "t"), [("l2", 1.0), ("squared_l2", 0.5)])
def test_on_the_unit_ball_the_norm_multiplier_mistake_is_not_named(tmp_path, penalty, t):
    # At r = 1 the norm's and the squared norm's multipliers coincide: that "mistake" reproduces
    # the right answer, so it must not be named (it was, for any answer failing another check).
    path = tmp_path / "unit.toml"
    path.write_text(UNIT_BALL.format(penalty=penalty, t=t))
    ex = load(path)
    right = ex.check(ex.solve())
    assert right.passed and not right.diagnoses
    near = ex.check({"coef": [0.6, 0.8], "dual": 4.0002})  # a multiplier 5e-5 off: fails, no such mistake
    assert not near.passed
    assert not any("||w||_2 <=" in d or "1/2||w||^2 <=" in d for d in near.diagnoses)


def test_a_solution_set_without_an_objective_is_graded_by_the_optimal_value(tmp_path):
    # ISLR ch. 6 ex. 5: any split of 3/2 between the two equal columns is a lasso solution.
    # Without `objective` in the file, coef = [1000, 0] used to pass.
    text = (bundled_dir() / "islr-ch6-ex5-lasso-equal-columns.toml").read_text()
    text = text.replace("objective = 1.75\n", "")
    path = tmp_path / "set.toml"
    path.write_text(text)
    ex = load(path)
    assert ex.expected.objective is None and not ex.expected.unique
    assert not ex.check({"coef": [1000.0, 0.0]}).passed
    for split in ([1.5, 0.0], [0.2, 1.3], [0.75, 0.75]):
        verdict = ex.check({"coef": split})
        assert verdict.passed, verdict
    objective = next(c for c in ex.check({"coef": [1.5, 0.0]}).checks if c.name == "objective")
    assert "computed by a certified solve" in objective.detail


def test_a_penalized_intercept_is_recognised_on_a_solution_set_whatever_the_split(tmp_path):
    # Equal columns with an intercept: the student penalized the intercept and chose a split
    # of the duplicate columns other than the solver's. The fit X w + b is what is unique.
    rows = [[1.0, 1.0], [-1.0, -1.0], [2.0, 2.0], [0.5, 0.5]]
    y = [4.0, 0.5, 6.0, 3.0]
    text = f"""
id = "equal-columns-intercept"
title = "Lasso with equal columns and an intercept"
source = "ISLR 2nd ed., Chapter 6, Conceptual Exercise 5, with an intercept"
statement = "Lasso with two identical columns and an unpenalized intercept."

[data]
X = {rows}
y = {y}

[formulation]
loss = "squared"
penalty = "l1"
form = "penalized"
lam = 1.0
fit_intercept = true

[expected]
coef = [0.8066666666666666, 0.8066666666666666]
intercept = 2.3666666666666667
unique = false
origin = "hand derivation: a 1-D lasso in s = w1 + w2 on centred data, s = S(8.5625, 1)/4.6875, b = 3.375 - 0.625 s"
"""
    path = tmp_path / "eq.toml"
    path.write_text(text)
    ex = load(path)
    X1 = np.column_stack([np.asarray(rows)[:, 0], np.ones(4)])  # one copy of the column, and ones
    wrong = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)).solve(X1, np.asarray(y))
    s, b = wrong.coef  # the penalized intercept b, all the weight on one column
    for split in ([s, 0.0], [0.3 * s, 0.7 * s]):
        verdict = ex.check({"coef": split, "intercept": b})
        assert not verdict.passed
        assert any("intercept was penalized" in d for d in verdict.diagnoses), verdict


def test_gradebook_has_a_row_for_an_answer_not_handed_in(tmp_path, capsys):
    probs = tmp_path / "probs"
    probs.mkdir()
    for name in ("islr-6.2.2-lasso-identity", "islr-6.2.2-ridge-identity"):
        (probs / f"{name}.toml").write_text((bundled_dir() / f"{name}.toml").read_text())
    answers = tmp_path / "answers" / "cy"
    answers.mkdir(parents=True)
    (answers / "islr-6.2.2-lasso-identity.json").write_text(json.dumps({"coef": [3, -1, 0, 0.5]}))
    out = tmp_path / "grades.csv"
    assert main(["check", str(probs), "--answers", str(tmp_path / "answers"), "--out", str(out)]) == 1
    import pandas as pd

    book = pd.read_csv(out).set_index("exercise")
    assert book.loc["islr-6.2.2-ridge-identity", "failed_checks"] == "missing"
    assert not book.loc["islr-6.2.2-ridge-identity", "passed"]
    assert "missing" in capsys.readouterr().out


def test_constraint_multipliers_are_stated_checked_and_scored(tmp_path, capsys):
    # Boyd & Vandenberghe 5.5.3 by hand: w = (0.25, 1.25, 1.5), nu = mu = 0.75.
    ex = load("bv-5.5-constrained-least-squares")
    assert [v.tolist() for v in ex.expected.constraint_duals] == [[0.75], [0.75]]
    assert ex.check(ex.solve()).passed
    wrong_sign = ex.check({"coef": [0.25, 1.25, 1.5], "constraint_duals": [[0.75], [-0.75]]})
    assert not wrong_sign.passed and any(c.name == "constraint multipliers" and not c.passed for c in wrong_sign.checks)
    missing = ex.check({"coef": [0.25, 1.25, 1.5]})
    assert not missing.passed
    off_budget = ex.check({"coef": [0.0, 1.0, 1.5], "constraint_duals": [[0.75], [0.75]]})  # sum is 2.5, not 3
    assert not next(c for c in off_budget.checks if c.name == "feasibility").passed
    # `solve --json` writes them, and `check` reads them back
    assert main(["solve", "bv-5.5-constrained-least-squares", "--json"]) == 0
    answer = tmp_path / "a.json"
    answer.write_text(capsys.readouterr().out)
    assert json.loads(answer.read_text())["constraint_duals"][1] == pytest.approx([0.75], rel=1e-6)
    assert main(["check", "bv-5.5-constrained-least-squares", "--answer", str(answer)]) == 0
    # a comparison scores the solvers' constraint multipliers against the file's
    frame = cr.compare_solvers(
        ex.problem, ex.X, ex.y, solvers=["CLARABEL", "SCS"], settings="high", reference=ex.expected_result()
    )
    assert (frame["dual_error"] < 1e-5).all() and frame["dual_error"].notna().all()
    bad = tmp_path / "bad.toml"
    text = (bundled_dir() / "bv-5.5-constrained-least-squares.toml").read_text()
    bad.write_text(text.replace("constraint_duals = [[0.75], [0.75]]", "constraint_duals = [[0.75]]"))
    with pytest.raises(cr.ProblemFileError, match=r"constraint_duals.*one list of numbers per constraint"):
        load(bad)


@pytest.mark.parametrize("ex", load_all(), ids=lambda ex: ex.id)
def test_every_bundled_file_solves_and_its_json_answer_passes_check(ex, tmp_path, capsys):
    # `cvxreg solve` passes with its own default route, and what `solve --json` writes passes
    # `check` (a refusal included: the non-convex files are answered {"rejected": true}).
    assert main(["solve", ex.id]) == 0, capsys.readouterr().out
    capsys.readouterr()
    assert main(["solve", ex.id, "--json"]) == 0
    answer = tmp_path / "a.json"
    answer.write_text(capsys.readouterr().out)
    assert main(["check", ex.id, "--answer", str(answer)]) == 0, capsys.readouterr().out


def test_refusals_are_answered_and_graded():
    refused = next(ex for ex in load_all() if ex.problem is None)
    assert refused.check({"rejected": True}).passed
    wrong = refused.check({"coef": [1.0] * refused.X.shape[1]})
    assert not wrong.passed and "not convex" in wrong.diagnoses[0]
    convex = load("sklearn-lasso-toy")
    assert not convex.check({"rejected": True}).passed
    with pytest.raises(AnswerError, match="'rejected'"):
        convex.check({"rejected": "yes"})


def test_textbook_mistakes_factor_two_multiplier_book_scale_objective_and_swapped_quantile():
    # ESL and Bishop state RSS, so their multiplier of ||w|| <= r is twice cvxreg's (1/2 RSS).
    ball = load("l2-ball-orthonormal")
    e = ball.expected
    v = ball.check({"coef": e.coef, "dual": 2 * e.dual})
    assert not v.passed and any("factor 2" in d for d in v.diagnoses)
    # The objective in the book's scale, RSS + lam||w||_1: twice cvxreg's 1/2 RSS + ...
    toy = load("islr-6.2.2-lasso-identity")
    f = toy.problem.objective_value(toy.X, toy.y, toy.expected.coef)
    v = toy.check({"coef": toy.expected.coef, "objective": 2 * f})
    assert not v.passed and any("book's scale" in d for d in v.diagnoses)
    # Koenker & Bassett: the 0.3 quantile given for the 0.7 one.
    q = load("quantile-regression-sklearn")
    swapped = cr.Problem(
        cr.QuantileLoss(0.3, scale="mean"), q.problem.penalty, q.problem.form, fit_intercept=True
    ).solve(q.X, q.y, **cr.solvers.solver_options("CLARABEL", "tight"))
    v = q.check({"coef": swapped.coef, "intercept": swapped.intercept})
    named = [d for d in v.diagnoses if "swapped (tau and 1 - tau)" in d and "QuantileLoss(tau=0.3," in d]
    assert not v.passed and named, v
    assert q.check({"coef": q.expected.coef, "intercept": q.expected.intercept}).diagnoses == []


def test_the_ols_form_of_the_orthonormal_formula_on_a_general_design_is_named():
    # ESL Table 3.4 gives ridge as beta_OLS / (1 + lam) for an orthonormal design; on Boyd &
    # Vandenberghe's general Tikhonov design that is a mistake, and the grader names it.
    ex = load("bv-6.3-tikhonov")
    ols = np.linalg.lstsq(ex.X, ex.y, rcond=None)[0]
    v = ex.check({"coef": ols / (1 + ex.problem.form.param_value)})
    assert not v.passed and any("OLS estimate (ESL Table 3.4)" in d for d in v.diagnoses), v


def test_lambda_max_is_asked_stated_and_checked(tmp_path, capsys):
    # Friedman, Hastie & Tibshirani (2010) 2.5 by hand: lambda_max = max |X^T y| = 4.
    ex = load("fht-lasso-lambda-max")
    assert ex.expected.lambda_max == 4.0
    assert ex.check({"coef": [0.0, 0.0], "lambda_max": 4.0}).passed
    assert not ex.check({"coef": [0.0, 0.0]}).passed  # asked for, not given
    doubled = ex.check({"coef": [0.0, 0.0], "lambda_max": 8.0})  # the book's RSS scale
    assert not doubled.passed and any("lambda_max is off by a factor 2" in d for d in doubled.diagnoses)
    assert main(["solve", "fht-lasso-lambda-max", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["lambda_max"] == pytest.approx(4.0, rel=1e-12)


def test_an_unpenalized_model_and_exact_fractions_need_no_workaround(tmp_path):
    # Strang 4.3: the line through (1, 1), (2, 2), (3, 2) is C + D t with (C, D) = (2/3, 1/2).
    ex = load("ols-normal-equations-fractions")
    assert np.allclose(ex.expected.coef, [2 / 3, 1 / 2], rtol=0, atol=1e-16)
    assert ex.expected.objective == 1 / 12
    res = ex.solve()
    assert np.allclose(res.coef, [2 / 3, 1 / 2], atol=1e-12) and ex.check(res).passed
    text = (bundled_dir() / "ols-normal-equations-fractions.toml").read_text()
    for wrong, needle in (
        (text.replace('loss = "squared"', 'loss = "squared"\nlam = 1.0'), "needs a penalty"),
        (text.replace('loss = "squared"', 'loss = "squared"\nform = "constrained"'), "'formulation.form'"),
        (text.replace('"1/2"]', '"1/0"]'), "'expected.coef'"),
    ):
        path = tmp_path / "w.toml"
        path.write_text(wrong)
        with pytest.raises(cr.ProblemFileError, match=needle):
            load(path)


def test_book_notation_derives_lam_and_accepts_answers_in_the_books_scale():
    # Zou & Hastie (2005) eq. (3): |y - Xb|^2 + lambda2 |b|^2 + lambda1 |b|_1 with (1, 1) is
    # cvxreg's 1/2 RSS + 1/2 ||b||_1 + 1 * 1/2 ||b||^2: lam = (lambda1/2, lambda2).
    ex = load("zou-hastie-naive-enet-orthogonal")
    assert ex.problem.form == cr.Penalized(lam=[0.5, 1.0])
    assert ex.expected.objective == pytest.approx(6.91 / 2)  # stated in the paper's scale
    right = [1.25, -0.25, 0.0]
    assert ex.check({"coef": right, "objective": 6.91, "scale": "book"}).passed
    assert ex.check({"coef": right, "objective": 3.455}).passed
    unsaid = ex.check({"coef": right, "objective": 6.91})
    assert not unsaid.passed and any("book's scale" in d for d in unsaid.diagnoses)
    with pytest.raises(cr.AnswerError, match="scale"):
        ex.check({"coef": right, "scale": "paper"})
    with pytest.raises(cr.AnswerError, match="scale"):
        load("islr-6.2.2-lasso-identity").check({"coef": [3.0, -1.0, 0.0, 0.5], "scale": "book"})


def test_rescaled_elastic_net_is_named():
    ex = load("zou-hastie-naive-enet-orthogonal")
    v = ex.check({"coef": [2.5, -0.5, 0.0]})  # (1 + lambda2) times the naive solution
    assert not v.passed and any("rescaled elastic net" in d for d in v.diagnoses), v


def test_projecting_ols_onto_the_ball_is_named_on_a_general_design():
    ex = load("gvl-lsqi-unit-ball")
    ols = np.linalg.lstsq(ex.X, ex.y, rcond=None)[0]
    v = ex.check({"coef": ols / np.linalg.norm(ols)})
    assert not v.passed and any("projected onto the ball" in d for d in v.diagnoses), v


def test_the_centred_problems_intercept_is_named():
    # ESL 3.4's centred lasso: the intercept of the centred problem is 0; on the original data
    # it is mean(y) - mean(X) w (here mean(y), X's columns being centred).
    ex = load("lasso-intercept-centred")
    v = ex.check({"coef": ex.expected.coef, "intercept": 0.0})
    assert not v.passed and any("centred problem's intercept (0)" in d for d in v.diagnoses), v


@pytest.mark.parametrize(
    ("notation", "needle"),
    [
        ('objective = "x"\nloss_factor = 0\nlam = 2.0', "loss_factor"),
        ('objective = "x"\nterm_factors = [1, 2]\nlam = 2.0', "term_factors"),
        ('objective = "x"\nlam = [1.0, 2.0]', r"notation\.lam"),
        ('loss_factor = 2\nlam = 2.0', r"notation\.objective"),
    ],
)
def test_notation_errors_name_the_field(tmp_path, notation, needle):
    path = tmp_path / "n.toml"
    path.write_text(
        'id = "n"\ntitle = "n"\nsource = "s"\nstatement = "s"\n[data]\nX = [[1.0, 0.0], [0.0, 1.0]]\ny = [1.0, 2.0]\n'
        '[formulation]\nloss = "squared"\npenalty = "l1"\nform = "penalized"\n'
        f'[notation]\n{notation}\n[expected]\ncoef = [0.0, 0.0]\norigin = "o"\n'
    )
    with pytest.raises(cr.ProblemFileError, match=needle):
        load(path)


def test_notation_and_formulation_cannot_both_give_lam(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text(
        'id = "n"\ntitle = "n"\nsource = "s"\nstatement = "s"\n[data]\nX = [[1.0, 0.0], [0.0, 1.0]]\ny = [1.0, 2.0]\n'
        '[formulation]\nloss = "squared"\npenalty = "l1"\nform = "penalized"\nlam = 1.0\n'
        '[notation]\nobjective = "RSS + lambda |b|_1"\nloss_factor = 2\nlam = 2.0\n'
        '[expected]\ncoef = [0.0, 0.0]\norigin = "o"\n'
    )
    with pytest.raises(cr.ProblemFileError, match=r"formulation\.lam"):
        load(path)


@pytest.mark.parametrize("ex", SOLVABLE, ids=lambda ex: ex.id)
def test_no_optimal_answer_fails_its_own_certificate(ex):
    # Problem.solve at its defaults (no solver named): "optimal" only where the certificate passes
    # at the requested tolerance, on every bundled problem.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ex.problem.solve(ex.X, ex.y, sample_weight=ex.sample_weight)
    if res.status == "optimal" and res.certificate is not None and not np.isnan(res.certificate.worst):
        assert res.certificate.passed(1e-6), (res.solver, res.certificate)
    assert res.status in ("optimal", "optimal_inaccurate", "no_minimizer"), (res.status, res.message)


@pytest.mark.parametrize("design", ["identity", "tall"])
def test_total_variation_degrees_of_freedom_count_the_fused_groups(design):
    # Tibshirani & Taylor (2011), Thm 3: for the fused lasso (X of full column rank, no ridge)
    # df = the number of fused groups, i.e. the nullity of D_Z (Z: the differences that are 0).
    from cvxreg.quantities import degrees_of_freedom

    rng = np.random.default_rng(0)
    w0 = np.r_[np.zeros(8), 3 * np.ones(8), np.ones(8)]
    X = np.eye(24) if design == "identity" else rng.standard_normal((60, 24))
    y = X @ w0 + 0.3 * rng.standard_normal(X.shape[0])
    prob = cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Penalized(lam=2.0))
    res = prob.solve(X, y)
    assert res.status == "optimal"
    groups = 1 + int(np.sum(np.abs(np.diff(res.coef)) > 1e-6))
    assert 1 < groups < 24
    assert degrees_of_freedom(prob, X, y, res) == pytest.approx(groups, abs=1e-8)


def test_bound_multipliers_with_the_wrong_sign_are_named():
    # Lawson & Hanson's dual vector w = A^T(b - Ax) read as the multiplier of x >= 0: was graded
    # wrong with no name (the sign hypothesis covered a scalar multiplier only).
    ex = load("lawson-hanson-nnls-multipliers")
    verdict = ex.check({"coef": [1.5, 0.0], "lower_dual": [0.0, -1.5], "upper_dual": [0.0, 0.0]})
    assert not verdict.passed
    assert any("lower bounds' multipliers have the wrong sign" in d for d in verdict.diagnoses)
    assert ex.check({"coef": [1.5, 0.0], "lower_dual": [0.0, 1.5], "upper_dual": [0.0, 0.0]}).passed


def test_two_mistakes_that_give_the_same_multiplier_are_said_to_coincide(tmp_path):
    # A ball of radius 2: the squared-norm multiplier (mu / r) and "off by a factor 2" (mu / 2) are
    # one number. Was: both stated as facts. With X = I and y = (3, 4, 0): ||y|| = 5, so
    # w = y * 2 / 5 = (1.2, 1.6, 0) and mu = ||y|| - t = 3 (the projection onto the ball).
    path = tmp_path / "ball.toml"
    path.write_text(
        'id = "ball-radius-two"\ntitle = "t"\nsource = "projection onto the L2 ball"\nstatement = "s"\n\n'
        "[data]\nX = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]\ny = [3.0, 4.0, 0.0]\n\n"
        '[formulation]\nloss = "squared"\npenalty = "l2"\nform = "constrained"\nt = 2.0\n\n'
        '[expected]\ncoef = [1.2, 1.6, 0.0]\ndual = 3.0\norigin = "w = y t / ||y||, mu = ||y|| - t"\n'
    )
    ex = load(path)
    verdict = ex.check({"coef": [1.2, 1.6, 0.0], "dual": 1.5})
    assert not verdict.passed
    coincide = [d for d in verdict.diagnoses if "cannot tell which" in d]
    assert len(coincide) == 1 and "squared norm" in coincide[0] and "factor 2" in coincide[0]
    assert not any(d.startswith("the multiplier is off by a factor 2") for d in verdict.diagnoses)
    single = ex.check({"coef": [1.2, 1.6, 0.0], "dual": -3.0}).diagnoses  # one mistake: stated as it is
    assert any(d.startswith("the multiplier has the wrong sign") for d in single)


def test_zou_hasties_orthogonal_formula_on_a_correlated_design_is_named():
    # Zou & Hastie (2005) eq. (6), beta = (|z| - lambda1/2)_+ sign(z) / (1 + lambda2) with
    # z = X'y, holds for an orthogonal design only. Applied to a correlated one it is a mistake the
    # checker names: the orthonormal hypotheses are now tried for a composite penalty too.
    import cvxpy as cp

    ex = load("zou-hastie-naive-enet-correlated")
    X, y = ex.X, ex.y
    z = X.T @ y
    wrong = np.sign(z) * np.maximum(np.abs(z) - 0.5, 0) / 2.0  # eq. (6), lambda1 = lambda2 = 1: (1.1, 0.01, 0)
    # The right answer: the paper's criterion (eq. 3) solved by CVXPY, written out here.
    b = cp.Variable(3)
    crit = cp.sum_squares(y - X @ b) + cp.sum_squares(b) + cp.norm1(b)
    cp.Problem(cp.Minimize(crit)).solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    assert np.allclose(ex.expected.coef, b.value, atol=1e-7) and ex.check({"coef": b.value.tolist()}).passed
    verdict = ex.check({"coef": wrong.tolist()})
    assert not verdict.passed
    assert any("orthonormal-design formula" in d for d in verdict.diagnoses), verdict.diagnoses


def test_a_mistake_with_several_minimizers_is_matched_by_its_whole_solution_set():
    # With lam multiplied by n = 4 the slope is 0 and the intercept any median of y: every point
    # of [2.9, 3.3] minimizes the mistaken problem. The re-solved point is one of them; the
    # diagnosis now asks whether the answer minimizes the mistaken problem, not whether it is
    # that point.
    from scipy.optimize import linprog

    ex = load("koenker-median-line-penalized")
    # Independent: the LP min 1/n sum (u + v)/2 + lam |s| over (a, s), u - v = y - a - s x, by HiGHS.
    x, y, n, lam = ex.X[:, 0], ex.y, 4, 0.2
    # variables: a, s+, s-, u (4), v (4)
    c = np.r_[0.0, lam, lam, np.full(n, 0.5 / n), np.full(n, 0.5 / n)]
    A = np.c_[np.ones(n), x, -x, np.eye(n), -np.eye(n)]
    lp = linprog(c, A_eq=A, b_eq=y, bounds=[(None, None)] + [(0, None)] * (2 + 2 * n), method="highs")
    assert abs(lp.x[1] - lp.x[2] - 4 / 3) < 1e-9 and abs(lp.x[0] - 1.0) < 1e-9  # the file's answer
    for b in (2.9, 3.05, 3.2, 3.3):
        verdict = ex.check({"coef": [0.0], "intercept": b})
        assert not verdict.passed and any("multiplied by n" in d for d in verdict.diagnoses), (b, verdict.diagnoses)
    outside = ex.check({"coef": [0.0], "intercept": 3.5})  # not a median: no mistake named
    assert not any("multiplied by n" in d for d in outside.diagnoses)
