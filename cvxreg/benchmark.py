"""Benchmarks: many problems x solvers x settings, in parallel, into a resumable CSV.

``Case`` names a problem with its data; ``benchmark`` runs the grid with joblib or on a Dask
cluster and appends each row to a CSV as it finishes (a re-run skips what is done);
``builtin_cases`` is the seeded set of the solver report.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cvxreg import losses as L
from cvxreg import penalties as P
from cvxreg._validation import check_choice, invalid
from cvxreg.compare import COLUMNS, Facts, compare_solvers, default_solvers, problem_facts, settings_list
from cvxreg.errors import NotSupportedError
from cvxreg.forms import Constrained, Penalized
from cvxreg.problem import Problem
from cvxreg.reference import truth
from cvxreg.result import Result
from cvxreg.solvers import solver_label

__all__ = ["Case", "benchmark", "builtin_cases"]


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
    #: False when the minimizer is not unique: solvers are then scored on the objective alone.
    unique: bool = True


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
    case: Case, solver: Any, setting: str, timeout: float, ref: Result, ref_kind: str, facts: Facts
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
        facts=facts,
    )
    rows = frame.to_dict("records")
    for row in rows:
        row["reference"] = ref_kind
    return rows


def _reference_task(case: Case) -> tuple[str, Result, str, Facts]:
    """The truth of a case and its ``Facts`` (once per problem, before any solver runs)."""
    data = case.problem.check_data(case.X, case.y, case.sample_weight, "benchmark")
    if case.reference is not None:
        ref, kind = case.reference, case.reference_label
    else:
        ref, kind = truth(case.problem, data.X, data.y, sample_weight=data.sample_weight)
    return case.name, ref, kind, problem_facts(case.problem, data, ref, unique=case.unique)


class _Progress:
    """Progress of a run: a tqdm bar on a terminal; elsewhere (a CI log, a pipe) a plain line
    every ~10% of the solves, so a long run is never silent. ``progress=False``: nothing."""

    def __init__(self, total: int, progress: bool | None, stream: Any = None) -> None:
        self.total, self.done, self.bar, self.next_line = total, 0, None, 0
        self.stream = sys.stderr if stream is None else stream
        self.on = progress is not False and total > 0
        tty = bool(getattr(self.stream, "isatty", lambda: False)())
        if self.on and (tty or progress is True):
            try:
                from tqdm.auto import tqdm

                self.bar = tqdm(total=total, desc="cvxreg benchmark", unit="solve", file=self.stream)
            except ImportError:
                pass
        self.start = time.perf_counter()

    def update(self, label: str) -> None:
        self.done += 1
        if not self.on:
            return
        if self.bar is not None:
            self.bar.update(1)
        elif self.done >= self.next_line or self.done == self.total:
            elapsed = time.perf_counter() - self.start
            print(
                f"cvxreg benchmark: {self.done}/{self.total} solves ({elapsed:.0f} s), last {label}", file=self.stream
            )
            self.stream.flush()
            self.next_line = self.done + max(1, self.total // 10)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


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
    resumes where it stopped. ``progress``: a tqdm bar on a terminal, plain progress lines on
    stderr otherwise (a CI log); ``False`` for silence. Every (problem, solver, settings) is a
    row, those a solver cannot take included (status "unsupported", with the solvers that can).
    Returns all rows (those read back from ``out`` included).

    Parameters
    ----------
    problems : list of Case, or dict name -> (problem, X, y)
    solvers : list of str, optional
        Default: every installed solver that accepts each problem.
    settings : str or list of str, default "default"
    n_jobs : int, default 1
        Workers (-1: all cores).
    backend : {"loky", "threading", "multiprocessing", "sequential", "dask"}
    out : path, optional
        The resumable CSV.
    timeout : float, default 120
        Seconds before one solve is killed.
    progress : bool, optional
    client : distributed.Client, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``cvxreg.compare.COLUMNS``.
    """
    cases = _as_cases(problems)
    setting_names = settings_list(settings, "benchmark")
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0 or n_jobs < -1:
        raise invalid("n_jobs", "benchmark", "a positive integer or -1 (all cores)", n_jobs)
    check_choice(backend, "backend", "benchmark", ("loky", "threading", "multiprocessing", "sequential", "dask"))
    done, previous = _done_keys(out)
    solver_list = list(default_solvers() if solvers is None else solvers)
    pending = [
        (case, solver, setting)
        for case in cases
        for solver in solver_list
        for setting in setting_names
        if (case.name, solver_label(solver), setting) not in done
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
            name: (ref, kind, facts)
            for name, ref, kind, facts in _run_parallel(_reference_task, need_ref, n_jobs, backend, client)
        }
        args = [(case, solver, setting, timeout, *refs[case.name]) for case, solver, setting in pending]
        bar = _Progress(len(args), progress)
        for batch in _run_parallel(_solver_task, args, n_jobs, backend, client):
            for row in batch:
                rows.append(row)
                if out is not None:
                    _append(out, row)
            bar.update(f"{batch[0]['problem']} / {batch[0]['solver']}" if batch else "")
        bar.close()
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if previous is not None:
        previous = previous.reindex(columns=COLUMNS)  # a file written before a column was added
        frame = pd.concat([previous, frame], ignore_index=True) if len(frame) else previous
    return frame


# --------------------------------------------------------------------------------------------
# The built-in benchmark set
# --------------------------------------------------------------------------------------------
def builtin_cases(seed: int = 0) -> list[Case]:
    """Eighteen seeded problems covering every penalty and both forms, with every loss.

    Orthonormal designs where a closed form exists (so the reference is exact), Gaussian
    designs elsewhere (reference: the most accurate tight solve).
    """
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
