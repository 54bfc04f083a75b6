"""Solver comparison: one row per solver x settings, never an exception for a solver's failure.

``SETTINGS`` maps a settings name to each solver's own options; ``"tight"`` asks every
solver for a common tight accuracy (1e-10) in its own vocabulary. Each solve runs in a
forked child process (``cvxreg._isolate``), so a solver that raises, crashes its process or
hangs past ``timeout`` becomes a row with that status while the other rows are kept.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from cvxpy.reductions.solvers.solver import Solver

from cvxreg._isolate import run_isolated
from cvxreg._validation import check_choice, check_real, check_sample_weight, check_X, check_y, invalid
from cvxreg.errors import CvxregError, NotSupportedError
from cvxreg.forms import Constrained, Penalized
from cvxreg.problem import Problem, installed_solvers
from cvxreg.result import Result

__all__ = [
    "COLUMNS",
    "SETTINGS",
    "Case",
    "benchmark",
    "builtin_cases",
    "compare_solvers",
    "most_accurate_solve",
    "solver_options",
]

_TIGHT = 1e-10

#: settings name -> solver -> keyword options passed to CVXPY's ``solve``.
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "default": {},
    "tight": {
        "CLARABEL": {"tol_gap_abs": _TIGHT, "tol_gap_rel": _TIGHT, "tol_feas": _TIGHT, "max_iter": 500},
        "ECOS": {"abstol": _TIGHT, "reltol": _TIGHT, "feastol": _TIGHT, "max_iters": 500},
        "SCS": {"eps_abs": _TIGHT, "eps_rel": _TIGHT, "max_iters": 200_000},
        "OSQP": {"eps_abs": _TIGHT, "eps_rel": _TIGHT, "max_iter": 200_000, "polish": True},
        "HIGHS": {
            "primal_feasibility_tolerance": _TIGHT,
            "dual_feasibility_tolerance": _TIGHT,
            "ipm_optimality_tolerance": _TIGHT,
        },
        "PIQP": {"eps_abs": _TIGHT, "eps_rel": _TIGHT},
        "DAQP": {"primal_tol": _TIGHT, "dual_tol": _TIGHT},
        "CVXOPT": {"abstol": _TIGHT, "reltol": _TIGHT, "feastol": _TIGHT},
        "PROXQP": {"eps_abs": _TIGHT, "eps_rel": _TIGHT},
        "QOCO": {"abstol": _TIGHT, "reltol": _TIGHT},
    },
}

#: Columns of every comparison frame, in order.
COLUMNS = [
    "problem",
    "solver",
    "settings",
    "status",
    "objective",
    "objective_gap",
    "coef_error",
    "dual_error",
    "kkt_residual",
    "support_match",
    "setup_time",
    "solve_time",
    "iterations",
    "reference",
    "message",
]

#: Installed solvers that ``solvers=None`` leaves out: ECOS_BB is ECOS for integer programs.
_SKIP_BY_DEFAULT = ("ECOS_BB",)


def solver_options(solver: str, settings: str = "default") -> dict[str, Any]:
    """The options of ``solver`` under the named settings (empty for ``"default"``)."""
    check_choice(settings, "settings", "solver_options", tuple(SETTINGS))
    return dict(SETTINGS[settings].get(solver.upper(), {}))


#: Solvers tried, in order, for the most accurate solve: an interior-point method, then
#: SCS, whose high-accuracy solutions are often better on exponential and power cones.
_ACCURATE_ORDER = ("CLARABEL", "SCS", "ECOS")


def most_accurate_solve(problem: Problem, X: Any, y: Any, *, sample_weight: Any = None, tol: float = 1e-9) -> Result:
    """Solve at tight settings with the accurate solvers and keep the best certified result.

    Stops at the first solver whose certificate is below ``tol``; otherwise returns the
    result with the smallest worst certificate measure.
    """
    best: tuple[float, Result] | None = None
    res = None
    for name in _ACCURATE_ORDER:
        if name not in installed_solvers():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = problem.solve(X, y, sample_weight=sample_weight, solver=name, **solver_options(name, "tight"))
        if not res.ok:
            continue
        worst = res.certificate.worst
        if not math.isfinite(worst):  # a certificate that could not be computed ranks last
            worst = math.inf
        if best is None or worst < best[0]:
            best = (worst, res)
        if worst <= tol:
            break
    if best is None:
        if res is None:
            raise NotSupportedError("None of CLARABEL, SCS, ECOS is installed.")
        return res
    return best[1]


# --------------------------------------------------------------------------------------------
# One problem, many solvers
# --------------------------------------------------------------------------------------------
def _solver_label(solver: Any) -> str:
    return solver.name() if isinstance(solver, Solver) else str(solver).upper()


def _default_solvers() -> list[str]:
    return [s for s in installed_solvers() if s not in _SKIP_BY_DEFAULT]


def _reference(
    problem: Problem, X: Any, y: Any, s: np.ndarray | None, given: Result | None, label: str = "given"
) -> tuple[Result, str]:
    if given is not None:
        if not isinstance(given, Result) or not given.ok:
            raise invalid("reference", "compare_solvers", "None or a Result with a solution", given)
        return given, label
    closed = problem.reference(X, y, sample_weight=s)
    if closed is not None:
        return closed, "closed_form"
    best = most_accurate_solve(problem, X, y, sample_weight=s)
    return best, f"tight {best.solver}" if best.ok else "none"


def _payload(
    problem: Problem, X: Any, y: Any, s: Any, solver: Any, opts: dict[str, Any], twin_t: float | None = None
) -> dict[str, Any]:
    """Solve in the child process; return plain data (picklable, no CVXPY objects).

    With ``twin_t`` (penalized problems) the same solver also solves the constrained twin at
    ``t = R(w_ref)``, whose multiplier must equal lam: that is how a penalized problem tests
    a solver's duals.
    """
    twin_dual = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = problem.solve(X, y, sample_weight=s, solver=solver, **opts)
        if twin_t is not None and res.ok:
            twin = problem.with_form(Constrained(twin_t)).solve(X, y, sample_weight=s, solver=solver, **opts)
            twin_dual = twin.dual if twin.ok else None
    return {
        "twin_dual": twin_dual,
        "coef": np.asarray(res.coef),
        "intercept": res.intercept,
        "status": res.status,
        "solver": res.solver,
        "dual": res.dual,
        "lower_dual": res.lower_dual,
        "upper_dual": res.upper_dual,
        "setup_time": res.setup_time,
        "solve_time": res.solve_time,
        "iterations": res.iterations,
        "message": res.message,
    }


def _support(w: np.ndarray, scale: float) -> np.ndarray:
    return np.abs(w) > 1e-6 * max(1.0, scale)


def _row(
    name: str,
    solver: str,
    settings: str,
    outcome: tuple[str, Any],
    problem: Problem,
    X: Any,
    y: Any,
    s: np.ndarray | None,
    ref: Result,
    ref_kind: str,
) -> dict[str, Any]:
    kind, value = outcome
    row: dict[str, Any] = dict.fromkeys(COLUMNS, math.nan)
    row.update(
        problem=name,
        solver=solver,
        settings=settings,
        reference=ref_kind,
        message="",
        iterations=None,
        support_match=None,
    )
    if kind != "ok":
        row["status"] = {"error": "solver_error"}.get(kind, kind)
        if kind == "error" and value.startswith("InvalidParameterError"):
            row["status"] = "invalid_options"
        row["message"] = value
        return row
    p = value
    row.update(
        status=p["status"],
        message=p["message"],
        setup_time=p["setup_time"],
        solve_time=p["solve_time"],
        iterations=p["iterations"],
    )
    res = Result(
        coef=p["coef"],
        intercept=p["intercept"],
        objective=math.nan,
        status=p["status"],
        solver=p["solver"],
        dual=p["dual"],
        lower_dual=p["lower_dual"],
        upper_dual=p["upper_dual"],
        _context=(problem, X, y, s),
    )
    if not res.ok:
        return row
    obj = problem.objective_value(X, y, res.coef, res.intercept, sample_weight=s)
    row["objective"] = obj
    if ref.ok:
        row["objective_gap"] = abs(obj - ref.objective) / max(1.0, abs(ref.objective))
        row["coef_error"] = float(max(np.max(np.abs(res.coef - ref.coef)), abs(res.intercept - ref.intercept)))
        errors = []
        if isinstance(problem.form, Constrained) and ref.dual is not None and res.dual is not None:
            errors.append(abs(res.dual - ref.dual))
        if p.get("twin_dual") is not None:  # round trip: the constrained twin's multiplier vs lam
            errors.append(abs(p["twin_dual"] - problem.form.value))
        for mine, theirs in ((res.lower_dual, ref.lower_dual), (res.upper_dual, ref.upper_dual)):
            if mine is not None and theirs is not None:
                unique = np.isfinite(theirs)  # NaN marks a multiplier that is not unique
                errors.append(float(np.max(np.abs(mine - theirs)[unique], initial=0.0)))
        row["dual_error"] = max(errors) if errors else math.nan
        scale = float(np.max(np.abs(ref.coef), initial=0.0))
        row["support_match"] = bool(np.array_equal(_support(res.coef, scale), _support(ref.coef, scale)))
    try:
        row["kkt_residual"] = res.certificate.kkt_residual
    except CvxregError:
        pass
    return row


def _settings_list(settings: str | Sequence[str], owner: str) -> list[str]:
    items = [settings] if isinstance(settings, str) else list(settings)
    if not items:
        raise invalid("settings", owner, "a settings name or a list of them: " + ", ".join(map(repr, SETTINGS)), items)
    return [check_choice(x, "settings", owner, tuple(SETTINGS)) for x in items]


def compare_solvers(
    problem: Problem,
    X: Any,
    y: Any,
    *,
    solvers: Sequence[Any] | None = None,
    settings: str | Sequence[str] = "default",
    reference: Result | None = None,
    reference_label: str = "given",
    timeout: float = 120.0,
    sample_weight: Any = None,
    name: str = "problem",
    isolate: bool = True,
    skip: Iterable[tuple[str, str]] = (),
    round_trip: bool = True,
) -> pd.DataFrame:
    """Solve ``problem`` with each solver under each settings; one row per solver x settings.

    Columns (``COLUMNS``): ``objective_gap`` is ``|f - f_ref| / max(1, |f_ref|)`` with ``f``
    the objective (NumPy twin) at the solver's coefficients; ``coef_error`` the max abs error
    of coefficients and intercept; ``dual_error`` that of the constraint and bound
    multipliers (for a penalized problem, with ``round_trip=True``, the multiplier the same
    solver finds for the constrained twin at ``t = R(w_ref)`` against lam); ``kkt_residual``
    the certificate's stationarity residual; ``support_match`` whether the sparsity pattern
    equals the reference's. The reference is ``reference`` when
    given (labelled ``reference_label``), else the closed form when one applies, else the most
    accurate tight solve; the ``reference`` column says which.

    ``solvers=None`` means every installed solver that accepts the problem (those that refuse
    it are left out); named solvers always get a row: "not_installed", "unsupported",
    "solver_error" (it raised), "crashed" (its process died), "timeout" (killed after
    ``timeout`` seconds) or "invalid_options", with the reason in ``message``.
    ``isolate=False`` solves in-process (no crash or time protection). ``skip`` holds
    ``(solver, settings)`` pairs already done.
    """
    Xv, _ = check_X(X, "compare_solvers")
    yv = check_y(y, Xv.shape[0], "compare_solvers")
    s = check_sample_weight(sample_weight, Xv.shape[0], "compare_solvers")
    problem._build(Xv, yv, s)  # bad data or a non-convex custom penalty: raise now, once
    setting_names = _settings_list(settings, "compare_solvers")
    timeout = check_real(timeout, "timeout", "compare_solvers", lo=0.0, lo_open=True)
    drop_unsupported = solvers is None
    todo = list(_default_solvers() if solvers is None else solvers)
    if isinstance(solvers, str):
        raise invalid("solvers", "compare_solvers", "None or a list of solver names", solvers)
    ref, ref_kind = _reference(problem, Xv, yv, s, reference, reference_label)
    twin_t = None
    if round_trip and isinstance(problem.form, Penalized) and problem.form.value > 0 and ref.ok:
        try:
            twin_t = float(problem.penalty.value(ref.coef))
        except CvxregError:
            twin_t = None
    done = set(skip)
    rows = []
    for solver in todo:
        label = _solver_label(solver)
        for setting in setting_names:
            if (label, setting) in done:
                continue
            if not isinstance(solver, Solver) and label not in installed_solvers():
                outcome: tuple[str, Any] = (
                    "not_installed",
                    f"{label} is not installed (installed: {', '.join(installed_solvers())})",
                )
            else:
                opts = solver_options(label, setting) if not isinstance(solver, Solver) else {}
                arg = label if not isinstance(solver, Solver) else solver

                def job(arg: Any = arg, opts: dict[str, Any] = opts) -> dict[str, Any]:
                    return _payload(problem, Xv, yv, s, arg, opts, twin_t)

                outcome = run_isolated(job, timeout) if isolate else _in_process(job)
            row = _row(name, label, setting, outcome, problem, Xv, yv, s, ref, ref_kind)
            if drop_unsupported and row["status"] == "unsupported":
                continue
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _in_process(job: Any) -> tuple[str, Any]:
    try:
        return "ok", job()
    except Exception as exc:
        return "error", f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------------------------
# Many problems: benchmark
# --------------------------------------------------------------------------------------------
@dataclass
class Case:
    """A named problem with its data, the unit of a benchmark."""

    name: str
    problem: Problem
    X: Any
    y: Any
    sample_weight: Any = None
    description: str = ""
    source: str = ""
    #: A known answer (e.g. a problem file's expected answer) to measure errors against; when
    #: None the reference is the closed form, else the most accurate tight solve.
    reference: Result | None = None
    reference_label: str = "given"


def _as_cases(problems: Any) -> list[Case]:
    if isinstance(problems, Case):
        return [problems]
    if isinstance(problems, dict):
        items = [Case(k, *v) if not isinstance(v, Case) else v for k, v in problems.items()]
    else:
        items = list(problems)
    if not items or not all(isinstance(c, Case) for c in items):
        raise invalid(
            "problems", "benchmark", "a non-empty list of Case objects or a dict name -> (problem, X, y)", problems
        )
    names = [c.name for c in items]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise invalid("problems", "benchmark", "cases with distinct names", f"repeated names {dup}", raw=True)
    return items


def _done_keys(out: str | os.PathLike[str] | None) -> tuple[set[tuple[str, str, str]], pd.DataFrame | None]:
    if out is None or not os.path.exists(out) or os.path.getsize(out) == 0:
        return set(), None
    frame = pd.read_csv(out)
    keys = {
        (str(a), str(b), str(c)) for a, b, c in zip(frame["problem"], frame["solver"], frame["settings"], strict=True)
    }
    return keys, frame


def _append(out: str | os.PathLike[str], row: dict[str, Any]) -> None:
    new = not os.path.exists(out) or os.path.getsize(out) == 0
    with open(out, "a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow(row)
        fh.flush()
        os.fsync(fh.fileno())


def _solver_task(
    case: Case, solver: Any, setting: str, timeout: float, ref: Result, ref_kind: str, drop_unsupported: bool
) -> list[dict[str, Any]]:
    frame = compare_solvers(
        case.problem,
        case.X,
        case.y,
        solvers=[solver],
        settings=setting,
        timeout=timeout,
        sample_weight=case.sample_weight,
        name=case.name,
        reference=ref if ref.ok else None,
    )
    rows = frame.to_dict("records")
    for row in rows:
        row["reference"] = ref_kind
    if drop_unsupported:
        rows = [r for r in rows if r["status"] != "unsupported"]
    return rows


def _reference_task(case: Case) -> tuple[str, Result, str]:
    Xv, _ = check_X(case.X, "benchmark")
    yv = check_y(case.y, Xv.shape[0], "benchmark")
    s = check_sample_weight(case.sample_weight, Xv.shape[0], "benchmark")
    if case.reference is not None:
        return case.name, dataclasses.replace(case.reference, _context=None), case.reference_label
    ref, kind = _reference(case.problem, Xv, yv, s, None)
    return case.name, dataclasses.replace(ref, _context=None), kind  # no problem and data: cheap to send


def _progress(total: int, progress: bool | None) -> Any:
    """A tqdm bar (None when tqdm is missing or the bar is off); by default only on a terminal."""
    if progress is False:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="cvxreg benchmark", unit="solve", disable=None if progress is None else False)


def _run_parallel(fn: Any, args: list[tuple], n_jobs: int, backend: str, client: Any = None) -> Iterable[Any]:
    """Yield ``fn(*a)`` for each ``a`` as tasks finish (unordered)."""
    if n_jobs == 1 and backend != "dask":
        for a in args:
            yield fn(*a)
        return
    if backend == "dask":
        from distributed import as_completed

        futures = [client.submit(fn, *a, pure=False) for a in args]
        for fut in as_completed(futures):
            yield fut.result()
        return
    try:
        from joblib import Parallel, delayed
    except ImportError:
        raise NotSupportedError("n_jobs > 1 needs joblib: pip install 'cvxreg-lab[distributed]'") from None
    yield from Parallel(n_jobs=n_jobs, backend=backend, return_as="generator_unordered")(delayed(fn)(*a) for a in args)


def benchmark(
    problems: Any,
    solvers: Sequence[Any] | None = None,
    *,
    settings: str | Sequence[str] = "default",
    n_jobs: int = 1,
    backend: str = "loky",
    out: str | os.PathLike[str] | None = None,
    timeout: float = 120.0,
    progress: bool | None = None,
    client: Any = None,
) -> pd.DataFrame:
    """Run problems x solvers x settings, in parallel, appending each finished row to ``out``.

    ``problems``: a list of ``Case`` (or a dict ``name -> (problem, X, y)``). ``backend`` is a
    joblib backend ("loky", "threading", ...) or "dask", which runs on ``client`` (a
    ``distributed.Client``; by default the current one, else a ``LocalCluster`` of ``n_jobs``
    workers on 127.0.0.1 made for this run). With ``out`` (a CSV path) every row is written
    as soon as it is done, and rows already in the file are skipped, so an interrupted run
    resumes where it stopped. ``progress`` shows a tqdm bar (default: only on a terminal).
    Returns all rows (those read back from ``out`` included).
    """
    cases = _as_cases(problems)
    setting_names = _settings_list(settings, "benchmark")
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0 or n_jobs < -1:
        raise invalid("n_jobs", "benchmark", "a positive integer or -1 (all cores)", n_jobs)
    check_choice(backend, "backend", "benchmark", ("loky", "threading", "multiprocessing", "sequential", "dask"))
    done, previous = _done_keys(out)
    drop_unsupported = solvers is None
    solver_list = list(_default_solvers() if solvers is None else solvers)
    pending = [
        (case, solver, setting)
        for case in cases
        for solver in solver_list
        for setting in setting_names
        if (case.name, _solver_label(solver), setting) not in done
    ]
    own_cluster = None
    if backend == "dask" and client is None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise NotSupportedError(
                "backend='dask' needs dask.distributed: pip install 'cvxreg-lab[distributed]'"
            ) from None

        try:
            from distributed import get_client

            client = get_client()
        except ValueError:
            workers = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
            own_cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            )
            client = Client(own_cluster)
    rows: list[dict[str, Any]] = []
    try:
        by_name = {c.name: c for c in cases}
        need_ref = [(by_name[name],) for name in sorted({case.name for case, _, _ in pending})]
        refs = {
            name: (ref, kind) for name, ref, kind in _run_parallel(_reference_task, need_ref, n_jobs, backend, client)
        }
        args = [
            (case, solver, setting, timeout, *refs[case.name], drop_unsupported) for case, solver, setting in pending
        ]
        bar = _progress(len(args), progress)
        for batch in _run_parallel(_solver_task, args, n_jobs, backend, client):
            for row in batch:
                rows.append(row)
                if out is not None:
                    _append(out, row)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if previous is not None:
        frame = pd.concat([previous[COLUMNS], frame], ignore_index=True) if len(frame) else previous[COLUMNS]
    return frame


# --------------------------------------------------------------------------------------------
# The built-in benchmark set
# --------------------------------------------------------------------------------------------
def builtin_cases(seed: int = 0) -> list[Case]:
    """Eighteen seeded problems covering every penalty and both forms, with every loss.

    Orthonormal designs where a closed form exists (so the reference is exact), Gaussian
    designs elsewhere (reference: the most accurate tight solve).
    """
    from cvxreg import losses as L
    from cvxreg import penalties as P
    from cvxreg.forms import Penalized

    rng = np.random.default_rng(seed)
    n, d = 120, 20
    X = rng.standard_normal((n, d))
    w_true = np.zeros(d)
    w_true[:5] = [3.0, -2.0, 1.5, 1.0, -0.5]
    y = X @ w_true + 0.5 * rng.standard_normal(n)
    Q, _ = np.linalg.qr(rng.standard_normal((n, d)))
    yq = Q @ w_true + 0.3 * rng.standard_normal(n)
    labels = np.where(X @ w_true + rng.standard_normal(n) > 0, 1.0, -1.0)
    counts = rng.poisson(np.exp(0.15 * (X @ w_true))).astype(float)
    groups = [list(range(k, k + 4)) for k in range(0, d, 4)]

    def case(name: str, loss: Any, pen: Any, form: Any, Xc: Any, yc: Any, desc: str) -> Case:
        return Case(name, Problem(loss, pen, form), Xc, yc, description=desc)

    return [
        case("lasso-orthonormal", L.SquaredLoss(), P.L1(), Penalized(0.8), Q, yq, "soft threshold closed form"),
        case("l1-ball-orthonormal", L.SquaredLoss(), P.L1(), Constrained(4.0), Q, yq, "L1-ball projection"),
        case("ridge", L.SquaredLoss(), P.SquaredL2(), Penalized(5.0), X, y, "ridge closed form, any X"),
        case("ridge-constrained", L.SquaredLoss(), P.SquaredL2(), Constrained(3.0), X, y, "secular equation"),
        case(
            "elastic-net-orthonormal",
            L.SquaredLoss(scale="mean"),
            P.ElasticNet(0.5),
            Penalized(0.01),
            Q,
            yq,
            "scikit-learn scaling, closed form",
        ),
        case("l2-ball", L.SquaredLoss(), P.L2(), Constrained(2.5), X, y, "norm-constrained ridge"),
        case("lp3-penalized", L.SquaredLoss(), P.Lp(3), Penalized(5.0), Q, yq, "prox of the L3 norm"),
        case("lp3-constrained", L.SquaredLoss(), P.Lp(3), Constrained(2.0), X, y, "power cones"),
        case("linf-penalized", L.SquaredLoss(), P.Linf(), Penalized(2.0), Q, yq, "Moreau + L1-ball projection"),
        case("linf-ball", L.SquaredLoss(), P.Linf(), Constrained(1.0), Q, yq, "clipping"),
        case("lpower4", L.SquaredLoss(), P.LpPower(4), Penalized(3.0), Q, yq, "prox of |x|^4"),
        case("group-lasso", L.SquaredLoss(), P.GroupLasso(groups), Penalized(10.0), X, y, "block sparsity"),
        case("fused-lasso", L.SquaredLoss(), P.TotalVariation(), Penalized(5.0), X, y, "total variation"),
        case("logistic-l1", L.LogisticLoss(), P.L1(), Penalized(2.0), X, labels, "exponential cones"),
        case("huber-l2-ball", L.HuberLoss(1.0), P.L2(), Constrained(3.0), X, y, "robust regression"),
        case("quantile-l1", L.QuantileLoss(0.7), P.L1(), Penalized(2.0), X, y, "an LP"),
        case("hinge-ridge", L.HingeLoss(), P.SquaredL2(), Penalized(1.0), X, labels, "soft-margin SVM"),
        case("poisson-l1", L.PoissonLoss(), P.L1(), Penalized(5.0), X, counts, "exponential cones"),
    ]
