"""Problems without a minimizer are said to be so; right answers are not called wrong."""

import numpy as np
import pytest

import cvxreg as cr
from cvxreg.losses import MaxLoss


@pytest.fixture
def separable():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    return X, np.where(X[:, 0] + 0.5 * X[:, 1] > 0, 1, -1)


def test_separable_classes_without_a_penalty_have_no_minimizer(separable):
    X, y = separable
    res = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=0.0)).solve(X, y)
    assert res.status == "no_minimizer" and not res.ok
    assert "separable" in res.message and "no minimizer" in res.message
    with pytest.raises(cr.SolveError, match="no_minimizer"):
        cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=0.0)).solve(X, y, check=True)


def test_a_penalty_or_overlapping_classes_give_a_minimizer(separable):
    X, y = separable
    assert cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=0.5)).solve(X, y).status == "optimal"
    y_mixed = np.where(np.random.default_rng(1).random(40) > 0.5, 1, -1)
    assert cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=0.0)).solve(X, y_mixed).status == "optimal"


def test_an_unpenalized_separating_coefficient_runs_off(separable):
    X, _ = separable
    y = np.where(X[:, 0] > 0, 1, -1)  # separated by coefficient 0 alone, which the penalty leaves free
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(factors=[0, 1, 1]), cr.Penalized(lam=1.0), fit_intercept=True)
    assert prob.solve(X, y).status == "no_minimizer"
    held = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=1.0), fit_intercept=True)
    assert held.solve(X, y).status == "optimal"


def test_bounds_can_stop_the_run(separable):
    X, _ = separable
    y = np.where(X[:, 0] > 0, 1, -1)
    # The separating direction needs w_0 > 0; holding w_0 <= 0 and the others at 0 leaves a minimizer.
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=0.0), bounds=(None, [0.0, 0.0, 0.0]))
    assert prob.solve(X, y).status == "optimal"


def test_single_class_labels_with_an_intercept_have_no_minimizer(separable):
    X, _ = separable
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(lam=1.0), fit_intercept=True)
    assert prob.solve(X, np.ones(40)).status == "no_minimizer"


def test_poisson_counts_of_zero_with_a_free_intercept(separable):
    X, _ = separable
    prob = cr.Problem(cr.PoissonLoss(), cr.SquaredL2(), cr.Penalized(lam=1.0), fit_intercept=True)
    res = prob.solve(X, np.zeros(40))
    assert res.status == "no_minimizer" and "intercept" in res.message
    one = prob.solve(X, np.r_[1.0, np.zeros(39)])
    assert one.status == "optimal" and np.isfinite(one.intercept)
    # A count of 0 with weight 0 does not count; the others are 0 too.
    assert prob.solve(X, np.r_[1.0, np.zeros(39)], sample_weight=np.r_[0.0, np.ones(39)]).status == "no_minimizer"


def test_false_alarms_on_right_answers_are_gone():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((50, 6))
    y = X @ rng.standard_normal(6) + rng.standard_normal(50)
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    tiny = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=1e-300)).solve(X, y)
    assert tiny.status == "optimal" and tiny.certificate.passed(1e-9)
    np.testing.assert_allclose(tiny.coef, ols, rtol=1e-9)
    huge = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=1e300)).solve(X, y)
    assert huge.status == "optimal" and huge.certificate.passed(1e-9)
    np.testing.assert_allclose(huge.coef, ols, rtol=1e-7)
    # max |1 - 2 w| + |w| is smallest at w = 1/2 (objective 1/2; w = 0 gives 1).
    one = cr.Problem(MaxLoss(), cr.L1(), cr.Penalized(lam=1.0)).solve(np.array([[2.0]]), np.array([1.0]))
    assert one.status == "optimal" and one.certificate.passed(1e-6)
    assert one.coef[0] == pytest.approx(0.5, abs=1e-8)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_exact_zeros_at_lam_max(fit_intercept):
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0), fit_intercept=fit_intercept)
    lam_max = prob.lambda_max(X, y)
    for lam in (lam_max, 2 * lam_max):
        res = cr.Problem(
            cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=lam), fit_intercept=fit_intercept
        ).solve(X, y)
        assert res.status == "optimal"
        assert np.all(res.coef == 0.0) and res.support.size == 0
        if fit_intercept:
            assert res.intercept == pytest.approx(y.mean(), rel=1e-12)


@pytest.mark.parametrize("form", [cr.Penalized(lam=1.0), cr.Constrained(t=0.5)], ids=["penalized", "constrained"])
def test_total_variation_leaves_the_constant_direction_free(form):
    # TV(w) = sum |w_{j+1} - w_j| is flat along w = c (1, ..., 1). Every sample has a positive row
    # sum and label +1, so y_i x_i^T (c 1) grows with c: the logistic loss falls for ever along it.
    rng = np.random.default_rng(0)
    X = np.abs(rng.standard_normal((30, 5))) + 0.1
    y = np.ones(30)
    y[:5] = -1.0
    X[:5] *= -1.0  # the negatives have negative row sums: still separated along the constant
    res = cr.Problem(cr.LogisticLoss(), cr.TotalVariation(), form).solve(X, y)
    assert res.status == "no_minimizer", res.message
    assert "coefficients [0, 1, 2, 3, 4]" in res.message
    # Not along it (a label that breaks the separation): a minimizer exists and is found.
    y[10] = -1.0
    found = cr.Problem(cr.LogisticLoss(), cr.TotalVariation(), form).solve(X, y)
    assert found.status == "optimal" and found.certificate.passed(1e-6)


def test_a_bound_stops_the_constant_direction_of_total_variation():
    rng = np.random.default_rng(1)
    X = np.abs(rng.standard_normal((20, 4))) + 0.1
    y = np.ones(20)
    # With w <= 0 the constant direction may only go down, which raises every term: a minimizer exists.
    res = cr.Problem(cr.LogisticLoss(), cr.TotalVariation(), cr.Penalized(1.0), bounds=(None, 0.0)).solve(X, y)
    assert res.status == "optimal"
    np.testing.assert_allclose(res.coef, 0.0, atol=1e-9)


def test_a_problem_file_may_expect_no_minimizer(tmp_path):
    from cvxreg.errors import ProblemFileError
    from cvxreg.exercises import bundled_dir, load

    ex = load(bundled_dir() / "albert-anderson-separation.toml")
    assert ex.expected.outcome == "no_minimizer" and "separable" in ex.expected.reason
    res = ex.solve()
    assert res.status == "no_minimizer"
    assert ex.check(res).passed and ex.check({"no_minimizer": True}).passed
    wrong = ex.check({"coef": [40.0], "intercept": 0.0})  # a large iterate that only looks optimal
    assert not wrong.passed and "separable" in wrong.diagnoses[0]
    # A file that says "no minimizer" where one exists is refused when it is loaded, naming the field.
    text = (bundled_dir() / "albert-anderson-separation.toml").read_text()
    text = text.replace("y = [-1.0, -1.0, -1.0", "y = [1.0, -1.0, -1.0")  # x = -3 joins the other class
    bad = tmp_path / "not-separated.toml"
    bad.write_text(text)
    with pytest.raises(ProblemFileError, match=r"expected\.outcome"):
        load(bad)
    # And an answer of "no minimizer" to a problem that has one is wrong.
    other = load(bundled_dir() / "logistic-ridge-sklearn.toml")
    assert not other.check({"no_minimizer": True}).passed


def test_the_report_leaves_out_a_problem_without_a_minimizer():
    from cvxreg._cli_report import cases_from as _cases

    names = {case.name for case in _cases([])}
    assert "albert-anderson-separation" not in names and "logistic-ridge-sklearn" in names
