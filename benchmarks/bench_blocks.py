"""Data that do not fit one worker: a lasso path with 5-fold cross-validation by blocks, against
dask-ml on the same objective, on a LocalCluster whose workers each hold less than the data.

Run: python benchmarks/bench_blocks.py [--rows N] [--cols D] [--worker-memory 1GB] [--quick]
The data are written once to ``.npy`` files (``--folder``, default a temporary folder kept
between runs) and read back by the workers a block at a time (``cvxreg.blocks.from_npy``).
Printed: wall time, passes over the data, each worker's peak memory against its limit, the
coefficients' agreement with the solve on a subsample in memory, and dask-ml's answer (its
``proximal_grad`` solver, the same objective, fit_intercept=False on centred data) with its
certificate by cvxreg. dask-glm minimises ``sum r^2 + (1 / C) ||w||_1``; cvxreg's mean-scale
lasso ``sum r^2 / (2n) + lam ||w||_1`` is the same problem at ``C = 1 / (2 n lam)``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def _anon_mb() -> float:
    """This process's anonymous resident memory (its own data; pages of a mapped file are the
    page cache's, and the OS takes them back)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Sampler:
    """The largest ``_anon_mb`` of each worker, sampled every quarter second while it runs."""

    def __init__(self, client: object) -> None:
        import threading

        self.client, self.peak, self._stop = client, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, *self.client.run(_anon_mb).values())
            except Exception:
                pass
            self._stop.wait(0.25)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def write_data(folder: Path, n: int, d: int, seed: int = 0) -> tuple[Path, Path]:
    """``X`` (n x d, standard normal columns, centred) and ``y = X beta + noise`` with 10 of the
    d coefficients nonzero, written in chunks of 10^6 rows."""
    xp, yp = folder / f"X_{n}x{d}.npy", folder / f"y_{n}x{d}.npy"
    if xp.exists() and yp.exists():
        return xp, yp
    rng = np.random.default_rng(seed)
    beta = np.zeros(d)
    beta[:10] = np.linspace(2.0, -2.0, 10)
    X = np.lib.format.open_memmap(xp, mode="w+", dtype=float, shape=(n, d))
    y = np.lib.format.open_memmap(yp, mode="w+", dtype=float, shape=(n,))
    for start in range(0, n, 1_000_000):
        stop = min(start + 1_000_000, n)
        block = rng.standard_normal((stop - start, d))
        X[start:stop] = block
        y[start:stop] = block @ beta + rng.standard_normal(stop - start)
    X.flush()
    y.flush()
    return xp, yp


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--cols", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-memory", default="1GB")
    parser.add_argument("--block-mb", type=float, default=32.0)
    parser.add_argument("--daskml-iterations", type=int, default=5)
    parser.add_argument("--folder", default=str(Path(tempfile.gettempdir()) / "cvxreg-bench-blocks"))
    parser.add_argument("--quick", action="store_true", help="1.2 million rows, for a smoke run")
    parser.add_argument("--verbose", action="store_true", help="keep Dask's and dask-ml's warnings")
    args = parser.parse_args()
    n, d = (1_200_000 if args.quick else args.rows), args.cols

    import logging
    import warnings

    import dask
    from distributed import Client, LocalCluster

    if not args.verbose:  # dask-ml resubmits tasks under the same keys, and distributed logs each
        logging.getLogger("distributed").setLevel(logging.ERROR)
        warnings.simplefilter("ignore")

    import cvxreg as cr
    from cvxreg import blocks, blocks_newton

    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    xp, yp = write_data(folder, n, d)
    print(f"data: {n} x {d} float64, {n * d * 8 / 1e9:.2f} GB on disk ({time.perf_counter() - t0:.0f} s to have it)")
    max_bytes = args.block_mb * 2**20
    with (
        LocalCluster(n_workers=args.workers, threads_per_worker=1, memory_limit=args.worker_memory,
                     dashboard_address=None, host="127.0.0.1") as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        limit = next(iter(client.scheduler_info()["workers"].values()))["memory_limit"] / 1e6
        ratio = n * d * 8 / 1e6 / limit
        print(f"cluster: {args.workers} workers x 1 thread, memory limit {limit:.0f} MB each "
              f"(the data: {ratio:.1f}x a worker's limit); blocks of {args.block_mb:g} MiB")  # fmt: skip
        X, y = blocks.from_npy(xp, max_bytes=max_bytes), blocks.from_npy(yp, max_bytes=max_bytes / d)
        y = y.rechunk((X.chunks[0],))
        lasso = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))

        before, t0 = blocks.passes(), time.perf_counter()
        with Sampler(client) as sampler:
            cv = cr.cross_validate(lasso, X, y, n_lams=30, folds=5)
        wall, passes = time.perf_counter() - t0, blocks.passes() - before
        restarts = args.workers - len(client.scheduler_info()["workers"])
        print("\ncvxreg: 30-point lasso path, 5-fold cross-validation, refit at the best lam")
        print(f"  wall {wall:.1f} s, {passes} passes over the data, worker peak memory (anonymous) "
              f"{sampler.peak:.0f} MB of {limit:.0f} MB, {restarts} workers restarted")  # fmt: skip
        res = cv.result
        print(f"  best lam {cv.best_lam:.4g}: status {res.status}, certificate {res.certificate.worst:.1e}, "
              f"{len(res.support)} nonzeros")  # fmt: skip

        # The same answer in memory on the first 10^6 rows (a subsample that fits this process).
        m = min(n, 1_000_000)
        Xs, ys = dask.compute(X[:m], y[:m])
        sub = lasso.with_form(cr.Penalized(cv.best_lam))
        on_blocks = sub.solve(X[:m], y[:m])
        in_memory = sub.solve(Xs, ys)
        print(f"  subsample of {m} rows: by blocks vs in memory, largest coefficient difference "
              f"{np.abs(on_blocks.coef - in_memory.coef).max():.1e}, both {on_blocks.status}/{in_memory.status}")

        # L1-logistic on the same rows, labels y > 0: proximal Newton by blocks.
        labels = (y > 0) * 2.0 - 1.0
        logit = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(1e-3 * n))  # dask-glm's objective at C = 1/lam
        before, t0 = blocks.passes(), time.perf_counter()
        with Sampler(client) as logit_sampler:
            fit = logit.solve(X, labels)
        logit_wall, logit_passes = time.perf_counter() - t0, blocks.passes() - before
        print("\ncvxreg: L1-logistic, sum of the losses + lam ||w||_1, lam = 1e-3 n, no intercept")
        print(f"  wall {logit_wall:.1f} s, {logit_passes} passes, worker peak memory {logit_sampler.peak:.0f} MB; "
              f"status {fit.status}, certificate {fit.certificate.worst:.1e}, {len(fit.support)} nonzeros")  # fmt: skip

        try:
            from dask_ml.linear_model import LinearRegression, LogisticRegression
        except ImportError:
            print("\ndask-ml is not installed (pip install dask-ml): no comparison")
            return
        lam = cv.best_lam
        exact = lasso.with_form(cr.Penalized(lam)).solve(X, y)  # no intercept: dask-glm would penalize it
        peer = LinearRegression(penalty="l1", C=1 / (2 * n * lam), fit_intercept=False, solver="proximal_grad",
                                max_iter=args.daskml_iterations)  # fmt: skip
        t0 = time.perf_counter()
        peer.fit(X, y)
        peer_wall = time.perf_counter() - t0
        cert = blocks.certificate(lasso.with_form(cr.Penalized(lam)), X, y, peer.coef_)
        print(f"\ndask-ml LinearRegression(penalty='l1', solver='proximal_grad', "
              f"max_iter={args.daskml_iterations}) at the same lam, no intercept")  # fmt: skip
        print(f"  wall {peer_wall:.1f} s (cvxreg's whole 5-fold CV above: {wall:.1f} s); "
              "at least one pass per iteration")
        print(f"  its certificate by cvxreg: KKT {cert.kkt_residual:.1e}, gap {cert.duality_gap}, "
              f"passes {cert.passed(1e-6)} at 1e-6")  # fmt: skip
        print(f"  largest coefficient difference from cvxreg's certified answer "
              f"({exact.status}, {exact.certificate.worst:.1e}): {np.abs(peer.coef_ - exact.coef).max():.1e}")

        peer_logit = LogisticRegression(penalty="l1", C=1 / (1e-3 * n), fit_intercept=False, solver="proximal_grad",
                                        max_iter=args.daskml_iterations)  # fmt: skip
        t0 = time.perf_counter()
        peer_logit.fit(X, (y > 0).astype(int))
        peer_wall = time.perf_counter() - t0
        cert = blocks_newton.certificate(logit, X, labels, peer_logit.coef_)
        print(f"\ndask-ml LogisticRegression(penalty='l1', solver='proximal_grad', "
              f"max_iter={args.daskml_iterations}), the same objective")  # fmt: skip
        print(f"  wall {peer_wall:.1f} s (cvxreg's certified fit above: {logit_wall:.1f} s)")
        print(f"  its certificate by cvxreg: KKT {cert.kkt_residual:.1e}, passes {cert.passed(1e-6)} at 1e-6; "
              f"largest coefficient difference from cvxreg's: {np.abs(peer_logit.coef_ - fit.coef).max():.1e}")


if __name__ == "__main__":
    main()
