"""Benchmarks: many problems x solvers x settings, in parallel, into a resumable CSV.

``Case`` names a problem with its data; ``benchmark`` runs the grid with joblib or on a Dask
cluster and appends each row to a CSV as it finishes (a re-run skips what is done);
``builtin_cases`` is the seeded set of the solver report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sqlite3
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cvxreg import losses as L
from cvxreg import penalties as P
from cvxreg._isolate import MAX_TIMEOUT, die_with_parent
from cvxreg._validation import check_choice, check_jobs, check_real, frozen, invalid, workers
from cvxreg.compare import COLUMNS, Facts, compare_solvers, default_solvers, problem_facts, settings_list
from cvxreg.errors import NotSupportedError
from cvxreg.forms import Constrained, Penalized
from cvxreg.problem import Problem
from cvxreg.reference import truth
from cvxreg.result import Result
from cvxreg.solvers import solver_label
from cvxreg.store import ResultStore, StoreError

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

    def fingerprint(self) -> str:
        """A digest of what the case is — the problem (its loss, penalty, form and their
        parameters, bounds, constraints), the data and the weights — stable across runs: a
        results store keys the case's rows by it, so a changed case is never answered from
        rows computed for the old one."""
        digest = hashlib.sha256()
        digest.update(repr(self.problem).encode())
        prob = self.problem
        parts = (prob.loss, prob.penalty, prob.form._key(), prob.bounds, [c.key() for c in prob.constraints])
        for part in (*parts, prob.fit_intercept, self.X, self.y, self.sample_weight, self.unique):
            _digest(digest, frozen(part))
        return digest.hexdigest()


def _digest(digest: Any, value: Any) -> None:
    """Feed a ``frozen`` value to ``digest`` in a form that is the same in every process."""
    if isinstance(value, tuple):
        digest.update(b"(")
        for item in value:
            _digest(digest, item)
        digest.update(b")")
    elif isinstance(value, bytes):
        digest.update(len(value).to_bytes(8, "little") + value)
    elif isinstance(value, type):
        digest.update(f"<{value.__module__}.{value.__qualname__}>".encode())
    elif isinstance(value, frozenset):
        for item in sorted(value, key=repr):
            _digest(digest, item)
    elif hasattr(value, "obj"):  # compared by identity in a process; across runs by its name
        obj = value.obj
        digest.update(f"<{type(obj).__module__}.{getattr(obj, '__qualname__', type(obj).__qualname__)}>".encode())
    else:
        digest.update(repr(value).encode())


def _as_cases(problems: Any) -> list[Case]:
    if isinstance(problems, Case):
        return [problems]
    if isinstance(problems, dict):
        items = []
        for k, v in problems.items():
            if isinstance(v, Case):
                items.append(v)
            elif isinstance(v, tuple | list) and 3 <= len(v) <= 4:
                items.append(Case(str(k), *v))
            else:
                allowed = "Case objects or (problem, X, y[, sample_weight]) tuples as the dict's values"
                raise invalid("problems", "benchmark", allowed, f"{k!r}: {type(v).__name__}", raw=True)
    else:
        items = list(problems)
    if not items or not all(isinstance(c, Case) for c in items):
        raise invalid(
            "problems", "benchmark", "a non-empty list of Case objects or a dict name -> (problem, X, y)", problems
        )
    # A store keys rows by text: a name is its text from here on (1 and "1" are one case).
    items = [c if isinstance(c.name, str) else dataclasses.replace(c, name=str(c.name)) for c in items]
    names = [c.name for c in items]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise invalid("problems", "benchmark", "cases with distinct names", f"repeated names {dup}", raw=True)
    return items


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
    n_jobs = workers(n_jobs, len(args))
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
    parallel = Parallel(n_jobs=n_jobs, backend=backend, return_as="generator_unordered")
    if backend in ("loky", "multiprocessing"):  # worker processes: they must not outlive this one
        yield from parallel(delayed(_in_worker)(fn, *a) for a in args)
    else:
        yield from parallel(delayed(fn)(*a) for a in args)


def _in_worker(fn: Any, *args: Any) -> Any:
    """Run ``fn`` in a worker process that dies with the process that started it (Linux): a
    killed benchmark leaves no worker to start the solves still queued."""
    die_with_parent()
    return fn(*args)


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
    wait: float = 3600.0,
    lease: float = 120.0,
) -> pd.DataFrame:
    """Run problems x solvers x settings, in parallel, appending each finished row to ``out``.

    ``problems``: a list of ``Case`` (or a dict ``name -> (problem, X, y)``). ``backend`` is a
    joblib backend ("loky", "threading", ...) or "dask", which runs on ``client`` (a
    ``distributed.Client``; by default the current one, else a ``LocalCluster`` of ``n_jobs``
    workers on 127.0.0.1 made for this run). With ``out`` every row is stored as soon as it
    is done in an SQLite file (``cvxreg.store``: one transaction per row; ``x.csv`` means the
    store ``x.sqlite`` with ``x.csv`` exported from it at the end); rows already stored are
    skipped, so an interrupted run resumes where it stopped, and runs sharing a store split
    the work. If the store cannot be written (a full disk) the run goes on, warns, and
    returns every row (``frame.attrs["store_error"]`` says what was not written).
    ``progress``: a tqdm bar on a terminal, plain progress lines on
    stderr otherwise (a CI log); ``False`` for silence. Every (problem, solver, settings) is a
    row, those a solver cannot take included (status "unsupported", with the solvers that can).
    Rows claimed by another live run sharing ``out`` are waited for (with a warning naming the
    run) for at most ``wait`` seconds, then computed here; claims whose owner is gone, or whose
    lease was not renewed for ``lease`` seconds, are taken over at once (``cvxreg.store``).
    Returns the rows of these cases (those read back from ``out`` included), not the other
    rows the store may hold.

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
        The results store (``.sqlite``), or a ``.csv`` exported from a store beside it.
    timeout : float, default 120
        Seconds before one solve is killed.
    progress : bool, optional
    client : distributed.Client, optional
    wait : float, default 3600
        Seconds to wait for rows another live run is computing before computing them here.
    lease : float, default 120
        Seconds after which another run's claim that was not renewed is taken over.

    Returns
    -------
    pandas.DataFrame
        Columns ``cvxreg.compare.COLUMNS``.
    """
    cases = _as_cases(problems)
    setting_names = settings_list(settings, "benchmark")
    timeout = check_real(timeout, "timeout", "benchmark", lo=0.0, hi=MAX_TIMEOUT, lo_open=True)
    check_jobs(n_jobs, "benchmark")
    check_choice(backend, "backend", "benchmark", ("loky", "threading", "multiprocessing", "sequential", "dask"))
    wait = check_real(wait, "wait", "benchmark", lo=0.0, hi=MAX_TIMEOUT)
    lease = check_real(lease, "lease", "benchmark", lo=0.0, hi=86400.0, lo_open=True)
    store, csv_path = _open_store(out, lease)
    run = _Run(store, cases)
    solver_list = list(default_solvers() if solvers is None else solvers)
    tasks = {
        (case.name, solver_label(solver), setting): (case, solver, setting)
        for case in cases
        for solver in solver_list
        for setting in setting_names
    }
    own_cluster = None
    if backend == "dask" and client is None:
        client, own_cluster = _dask_client(workers(n_jobs, len(tasks)))
    try:
        run.work(tasks, timeout, n_jobs, backend, client, progress, wait)
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()
        if store is not None:
            store.release()
    return run.frame(tasks, csv_path)


def _dask_client(n_workers: int) -> tuple[Any, Any]:
    """The current ``distributed.Client``, or one on a ``LocalCluster`` made for this run
    (returned second, to be closed by the caller)."""
    try:
        from distributed import Client, LocalCluster, get_client
    except ImportError:
        raise NotSupportedError(
            "backend='dask' needs dask.distributed: pip install 'cvxreg-lab[distributed]'"
        ) from None
    try:
        return get_client(), None
    except ValueError:
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        )
        return Client(cluster), cluster


#: A row's key: (problem, solver, settings).
Key = tuple[str, str, str]


class _Run:
    """One benchmark's rows, its store and what went wrong with the store (the run goes on in
    memory when the store cannot be written, and says so)."""

    def __init__(self, store: ResultStore | None, cases: list[Case]) -> None:
        self.store, self.cases = store, cases
        self.store_error: str | None = None
        self.rows: list[dict[str, Any]] = []
        self.refs: dict[str, tuple[Result, str, Any]] = {}
        if store is None:
            return
        try:
            changed = store.check_cases({str(case.name): case.fingerprint() for case in cases})
        except StoreError as exc:  # nothing can be written: compute everything in memory
            self._lost(exc)
            changed = []
        if changed:
            warnings.warn(
                f"The stored rows of {changed} were computed for other data or another problem under the same "
                f"name: they are solved again.",
                RuntimeWarning,
                stacklevel=3,
            )

    @property
    def storing(self) -> bool:
        return self.store is not None and self.store_error is None

    def _lost(self, exc: Exception) -> None:
        self.store_error = str(exc)
        warnings.warn(f"{exc} Rows are kept in memory and returned.", RuntimeWarning, stacklevel=3)

    def work(self, tasks: dict[Key, Any], timeout: float, n_jobs: int, backend: str, client: Any,
             progress: bool | None, wait: float) -> None:  # fmt: skip
        """Claim what is pending, solve it, store each row; wait for rows another live run
        computes, for at most ``wait`` seconds, then take them over."""
        store = self.store
        pending = [k for k in tasks if store is None or k not in store.done()]
        waiting_since: float | None = None
        while pending:
            mine = pending
            if store is not None and self.storing:
                try:
                    gave_up = waiting_since is not None and time.monotonic() - waiting_since > wait
                    mine = store.take_over(pending) if gave_up else store.claim(pending)
                except StoreError as exc:  # nothing can be written: compute everything in memory
                    self._lost(exc)
            if mine:
                self._solve(mine, tasks, timeout, n_jobs, backend, client, progress)
            if store is None or not self.storing:
                break
            done = store.done()
            pending = [k for k in pending if k not in done]
            if pending and not mine:  # what is left is being computed by another live run
                if waiting_since is None:
                    waiting_since = time.monotonic()
                    owners = ", ".join(sorted(set(store.claimed_elsewhere(pending).values()))) or "another run"
                    warnings.warn(
                        f"{store.path}: waiting for {len(pending)} row(s) that {owners} "
                        f"is computing; after {wait:g} s they are computed here (benchmark's wait).",
                        RuntimeWarning,
                        stacklevel=3,
                    )
                time.sleep(0.5)

    def _solve(self, mine: list[Key], tasks: dict[Key, Any], timeout: float, n_jobs: int, backend: str,
               client: Any, progress: bool | None) -> None:  # fmt: skip
        """The references of the cases not seen yet, then the claimed rows, stored as they finish."""
        need = sorted({k[0] for k in mine} - set(self.refs))
        by_name = {c.name: c for c in self.cases}
        for name, ref, kind, facts in _run_parallel(_reference_task, [(by_name[n],) for n in need], n_jobs, backend,
                                                    client):  # fmt: skip
            self.refs[name] = (ref, kind, facts)
        args = [(*tasks[k], timeout, *self.refs[k[0]]) for k in mine]
        bar = _Progress(len(args), progress)
        for batch in _run_parallel(_solver_task, args, n_jobs, backend, client):
            for row in batch:
                self.rows.append(row)
                if self.store is not None and self.storing:
                    try:
                        self.store.put(row)
                    except StoreError as exc:  # keep computing: every row is returned
                        self._lost(exc)
            bar.update(f"{batch[0]['problem']} / {batch[0]['solver']}" if batch else "")
        bar.close()

    def frame(self, tasks: dict[Key, Any], csv_path: Path | None) -> pd.DataFrame:
        """The rows of these tasks: from the store (those of earlier runs included), plus what
        only memory holds when the store failed; the CSV exported when one was asked for."""
        store = self.store
        if store is None:
            frame = pd.DataFrame(self.rows, columns=COLUMNS)
            frame.attrs["computed"] = len(self.rows)
            return frame
        try:
            frame = store.frame(COLUMNS)
        except (StoreError, sqlite3.Error):
            frame = pd.DataFrame(columns=COLUMNS)
        asked = [k in tasks for k in zip(frame["problem"], frame["solver"], frame["settings"], strict=True)]
        frame = frame[np.asarray(asked, dtype=bool)].reset_index(drop=True)  # the store may hold other cases too
        frame.attrs["computed"] = len(self.rows)  # rows this run solved (the others were stored already)
        if self.store_error is not None:  # the store holds what it could: add what only memory has
            have = set(zip(frame["problem"], frame["solver"], frame["settings"], strict=True))
            extra = [r for r in self.rows if (r["problem"], r["solver"], r["settings"]) not in have]
            frame = pd.concat([frame, pd.DataFrame(extra, columns=COLUMNS)], ignore_index=True)
            frame.attrs["store_error"] = self.store_error
        elif csv_path is not None:
            try:
                store.export_csv(csv_path, COLUMNS)
            except OSError as exc:
                frame.attrs["store_error"] = f"{csv_path}: the CSV could not be written ({exc})."
                warnings.warn(frame.attrs["store_error"], RuntimeWarning, stacklevel=3)
        store.close()
        return frame


def _open_store(out: str | os.PathLike[str] | None, lease: float) -> tuple[ResultStore | None, Path | None]:
    """The store behind ``out``: ``x.csv`` is exported from ``x.sqlite``; any other name is the
    SQLite file itself."""
    if out is None:
        return None, None
    path = Path(out)
    if path.is_dir():
        raise invalid("out", "benchmark", "a file path (x.sqlite, or x.csv exported from x.sqlite)", str(out))
    if path.suffix.lower() != ".csv":
        return ResultStore(path, lease=lease), None
    if path.exists() and path.stat().st_size > 0:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.readline(4096).strip().split(",")  # the header only, not the whole file
        if "problem" not in head or "solver" not in head:
            allowed = "a new CSV path, or a results CSV written by benchmark"
            raise invalid("out", "benchmark", allowed, f"{out} (an unrelated CSV)", raw=True)
    return ResultStore(path.with_suffix(".sqlite"), lease=lease), path


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
