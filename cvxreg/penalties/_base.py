"""The penalty protocol: every fact about one regularizer ``R(w)`` lives on its class.

Required: ``expr(w)`` (the CVXPY expression) and ``value(w)`` (its NumPy twin). Optional,
each raising ``NotSupportedError`` where it is not known (callers then fall back, e.g. from a
closed form to an accurate solve): ``prox``, ``dual_norm``, ``dual_norm_expr``, ``project``,
``subdifferential``, ``one_sided_derivative``, ``least_squares``, ``least_squares_ball``,
``as_elastic_net``, ``with_extra_coefficient``. A user's own subclass gets the matching parts
of the reference layer: with ``prox`` a closed form on orthonormal designs, with
``dual_norm`` the value of lam_max, with either a certificate.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, ClassVar

import cvxpy as cp
import numpy as np
from scipy.optimize import brentq

from cvxreg._protocol import PENALTY_NAMES, capabilities, forget_stale_facts, needs, optional, supports
from cvxreg._validation import SameByParameters, check_factors, invalid, own_parameters
from cvxreg.closed_forms import soft_threshold
from cvxreg.errors import NotSupportedError

__all__ = ["Norm", "Penalty", "Separable"]

NONCONVEX_P = (
    "For p < 1 the function {what} is not convex (nor concave on all of R^n: it is concave on "
    "each orthant only, which is why CVXPY, whose pnorm for p < 1 takes a nonnegative argument, "
    "calls it concave): its ball is not a convex set, "
    "so the problem can have local minima that no convex solver can rule out. Use p = 1 (L1()) "
    "for sparsity; for the non-convex penalty itself, cvxreg.nonconvex.reweighted(loss, p, lam, "
    "X, y) runs the reweighted-L1 heuristic (a sequence of weighted L1 problems, Candes, Wakin "
    "& Boyd 2008) to a local minimizer."
)


def cvxpy_p(p: float) -> Fraction | float:
    """The exponent CVXPY really uses for ``pnorm``/``power``: 1/p rounded to denominator 1024."""
    if math.isinf(p) or p <= 1:
        return p
    inv = Fraction(1 / Fraction(p)).limit_denominator(1024)
    return math.inf if inv == 0 else 1 / inv  # p > 2048 rounds to 1/p = 0, i.e. p = inf


class Penalty(SameByParameters):
    """Base class of a regularizer ``R(w)``; subclasses define at least ``expr`` and ``value``.

    Attributes
    ----------
    is_norm : bool
        ``R`` is a norm or seminorm (positively homogeneous of degree one).
    separable : bool
        ``R(w) = sum_j v_j r(w_j)`` with penalty factors ``v`` (glmnet's ``penalty.factor``).
    file_name : str or None
        The name problem files use for this penalty (built-in classes only).
    """

    is_norm: ClassVar[bool] = False
    #: ``k`` with ``R(a w) = a^k R(w)`` for ``a > 0`` (1 for a norm), when ``R`` is homogeneous.
    degree: ClassVar[float | None] = None
    separable: ClassVar[bool] = False
    file_name: ClassVar[str | None] = None
    #: Constructor arguments an estimator sets from its own parameter of the same name
    #: (``CvxRegressor(penalty="elastic_net", l1_ratio=0.3)``): ``"l1_ratio"``, ``"p"``.
    estimator_params: ClassVar[tuple[str, ...]] = ()
    #: The constructor a ``repr`` names, when a factory builds this class (``Lp(0.5)``).
    _shown_as: ClassVar[str | None] = None

    factors: np.ndarray | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        PENALTY_NAMES.add(cls)
        forget_stale_facts(cls, Penalty, ("expr", "value"))

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Penalty:
        """The penalty a problem file or an estimator names, from its ``penalty_params``: by
        default ``cls(**params)``. A penalty whose parameters are not plain values (other
        penalties, say) reads them here."""
        return cls(**params)

    def supports(self, hook: str) -> bool:
        """Whether this penalty answers the optional method ``hook`` (``"prox"``,
        ``"dual_norm"``, ...), known from its class before any call."""
        return supports(type(self), hook)

    def capabilities(self) -> frozenset[str]:
        """Every optional method of the protocol this penalty answers."""
        return capabilities(type(self))

    # -- required ----------------------------------------------------------------------------
    def expr(self, w: cp.Expression) -> cp.Expression:
        """The CVXPY expression of ``R(w)``."""
        raise NotSupportedError(f"{type(self).__name__} does not define expr(w).")

    def value(self, w: np.ndarray) -> float:
        """The NumPy value of ``R(w)``."""
        raise NotSupportedError(f"{type(self).__name__} does not define value(w).")

    # -- optional: the facts the reference layer asks for --------------------------------------
    @optional
    def quadratic_parts(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        """``(a, q)`` with ``R(w) = sum_j a_j |w_j| + 1/2 sum_j q_j w_j^2``, for a penalty of that
        form (L1, ridge, elastic net): what exact answers (``cvxreg.exact``) need."""
        raise NotSupportedError(f"{self!r} is not of the form sum a_j |w_j| + q_j w_j^2 / 2: no exact answer.")

    @optional
    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        """``argmin_u 1/2 ||u - v||^2 + step * R(u)``, the proximal map of ``step * R``."""
        raise NotSupportedError(f"No closed-form proximal map is known for {self!r}.")

    @optional
    def dual_norm(self, z: np.ndarray) -> float:
        """``inf{lam >= 0 : z in lam * dR(0)}``; for a norm, its dual norm. lam_max is
        ``dual_norm(-grad L(0))``; ``inf`` when no lam puts ``z`` in ``lam dR(0)``."""
        raise NotSupportedError(f"No dual norm is known for {self!r}, so lam_max is not available.")

    @optional
    def dual_norm_expr(self, z: cp.Expression) -> tuple[cp.Expression, list[cp.Constraint]]:
        """``dual_norm`` as a CVXPY expression of ``z`` plus constraints that keep it finite."""
        raise NotSupportedError(f"No dual norm is known for {self!r} as a CVXPY expression.")

    @optional
    def project(self, z: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        """``argmin_{R(w) <= t} 1/2 ||w - z||^2`` and the multiplier of ``R(w) <= t``."""
        raise NotSupportedError(f"No closed-form projection onto the ball of {self!r} is known.")

    @optional
    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        """A CVXPY expression ranging over ``dR(w~)`` (with constraints), ``w~`` being ``w`` with
        entries within ``tol`` of a kink moved onto it."""
        raise NotSupportedError(f"No subdifferential is known for {self!r}.")

    @optional
    def subdifferential_distance(self, w: np.ndarray, u: np.ndarray, tol: float) -> float:
        """``dist(u, dR(w~))`` in NumPy (``w~`` as in ``subdifferential``): the fast path of the
        certificate. Penalties without it are certified through ``subdifferential`` (CVXPY)."""
        raise NotSupportedError(f"No NumPy subdifferential distance is known for {self!r}.")

    @optional
    def zero_violation(self, z: np.ndarray, lam: float) -> np.ndarray:
        """Per coefficient, how far ``z`` lies outside ``lam dR(0)`` on its block (its own
        coordinate, or its group): positive where ``w = 0`` there cannot be optimal when
        ``z = -grad L``. Working sets start from the largest."""
        raise NotSupportedError(f"No coordinate-wise optimality test at zero is known for {self!r}.")

    @optional
    def linear_piece(self, w: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
        """For a polyhedral ``R``: the face holding ``w`` (pieces within ``tol`` of the largest
        counted as tied) as ``(P, c)``, ``w = P z`` on it and ``R(P z) = c'z`` there. A smooth loss
        plus ``lam c'z`` is then smooth in ``z``: ``cvxreg.polish.polish_piece`` solves it exactly."""
        raise NotSupportedError(f"No linear pieces are known for {self!r}.")

    @optional
    def zero_pattern(self, w: np.ndarray, tol: float) -> np.ndarray:
        """Boolean mask of the coefficients ``R`` pins at exactly 0 near ``w`` (those within ``tol``
        of a kink at zero); off this mask ``R`` is differentiable (used to polish answers)."""
        raise NotSupportedError(f"No zero pattern is known for {self!r}.")

    @optional
    def gradient(self, w: np.ndarray) -> np.ndarray:
        """The gradient of ``R`` at ``w``, on the coefficients off ``zero_pattern`` (0 on it)."""
        raise NotSupportedError(f"No gradient is known for {self!r}.")

    @optional
    def curvature(self, w: np.ndarray, free: np.ndarray) -> np.ndarray:
        """The Hessian of ``R`` at ``w`` on the coefficients ``free`` selects (a mask off
        ``zero_pattern``), as a (k, k) array: what Newton steps polishing an answer need."""
        raise NotSupportedError(f"No curvature is known for {self!r}.")

    @optional
    def restrict(self, mask: np.ndarray) -> Penalty:
        """This penalty on the coefficients ``mask`` selects, when ``R(w) = R_in(w_mask) +
        R_out(w_not_mask)`` splits that way (working sets); else ``NotSupportedError``."""
        raise NotSupportedError(f"{self!r} does not split over subsets of coefficients.")

    @optional
    def one_sided_derivative(self, w: np.ndarray, side: int) -> np.ndarray:
        """Right (``side=+1``) or left (``-1``) derivative of each term ``v_j r(w_j)``
        (separable penalties)."""
        raise NotSupportedError(f"{self!r} is not separable.")

    @optional
    def least_squares(self, X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
        """``argmin 1/2 ||y - X w||^2 + lam R(w)`` for any ``X``, in closed form."""
        raise NotSupportedError(f"No closed form for any design is known for {self!r}.")

    @optional
    def least_squares_ball(self, X: np.ndarray, y: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        """``argmin 1/2 ||y - X w||^2 s.t. R(w) <= t`` for any ``X``, and the multiplier."""
        raise NotSupportedError(f"No closed form for any design is known for {self!r}.")

    def euclidean_ball(self, t: float) -> tuple[str, float] | None:
        """When ``R(w) <= t`` is a Euclidean ball: how it is written (``"norm"`` for
        ``||w||_2 <= r``, ``"half_squared_norm"`` for ``1/2 ||w||^2 <= r^2/2``) and ``r``."""
        return None

    @optional
    def as_generalized_lasso(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(D, c, Q)`` with ``R(w) = sum_i c_i |(D w)_i| + 1/2 w^T Q w`` on ``d`` coefficients,
        when ``R`` is that piecewise quadratic (L1, ridge, elastic net, total variation, their
        weighted sums): what polishing needs where the kinks are not coordinate zeros."""
        raise NotSupportedError(f"{self!r} is not written as sum c_i |(Dw)_i| + 1/2 w'Qw.")

    def rescaled(self, a: float) -> tuple[Penalty, Any]:
        """``(R', f)`` with ``R(a v) = f R'(v)`` for every ``v`` (``a > 0``): the penalty in
        coefficients measured in units of ``a`` (``f`` has one entry per term of a Composite).
        Homogeneous penalties (``degree``) keep themselves; others say how they change."""
        degree = self.homogeneity()
        if degree is None:
            raise NotSupportedError(f"{self!r} is not known to be homogeneous: it cannot be rescaled.")
        return self, a**degree

    @optional
    def blocks(self, d: int) -> list[tuple[np.ndarray, float]]:
        """``[(indices_g, c_g), ...]`` with ``R(w) = sum_g c_g ||w_g||_2`` over disjoint blocks that
        cover the ``d`` coefficients (group lasso; one block for the L2 norm): what block
        coordinate descent needs. ``NotSupportedError`` when ``R`` is not of that form."""
        raise NotSupportedError(f"{self!r} is not a sum of Euclidean norms over blocks.")

    def homogeneity(self) -> float | None:
        """``k`` with ``R(a w) = a^k R(w)`` for every ``a > 0`` (1 for a norm), or None."""
        return 1.0 if self.is_norm else self.degree

    def columns_rescaled(self, scale: np.ndarray) -> Penalty:
        """``R'`` with ``R'(v) = R(v / scale)`` for every ``v``, exactly (``scale`` holds one power of
        two per coefficient): the penalty once ``X``'s columns are divided by ``scale``. Penalties
        separable and homogeneous per coefficient rewrite their factors; others say
        ``NotSupportedError`` and are read through ``R(v / scale)`` (``in_units``)."""
        if np.all(np.asarray(scale) == 1.0):
            return self
        raise NotSupportedError(f"{self!r} cannot take a different unit for each coefficient.")

    @optional
    def as_elastic_net(self) -> Penalty:
        """This penalty as an ``ElasticNet`` (L1 is ratio 1, ridge ratio 0)."""
        raise NotSupportedError(f"{self!r} is not an elastic-net penalty.")

    @optional
    def with_extra_coefficient(self) -> Penalty:
        """The same penalty over one more coefficient (last), penalized like the others."""
        raise NotSupportedError(f"{self!r} cannot be extended to one more coefficient.")

    #: How many terms, each with its own lam or t (``Composite`` has several).
    n_terms: int = 1
    #: Coefficients held at 0 (an infinite penalty factor), which ``Problem`` states as bounds.
    held: np.ndarray | None = None

    def parts(self) -> tuple[Penalty, ...]:
        """The penalties that take one entry each of lam or t: ``(self,)``; a ``Composite``'s terms."""
        return (self,)

    def weighted(self, weights: Any) -> tuple[Penalty, float]:
        """``(P, c)`` with ``c P(w)`` the penalty term of the Lagrangian when its weights (lam,
        or the multipliers) are ``weights``: ``(self, weights)`` for a single penalty."""
        return self, float(weights)

    def penalized(self, d: int) -> np.ndarray:
        """Boolean mask of the coefficients this penalty acts on (factor 0 leaves one free)."""
        return np.ones(d, dtype=bool) if self.factors is None else np.asarray(self.factors) > 0

    @property
    def strictly_convex(self) -> bool:
        """True when ``R`` is strictly convex on every coefficient."""
        return False

    def bounded_below(self) -> bool:
        """True when ``R >= 0`` everywhere (norms and seminorms; a penalty that says so, as the
        built-in separable ones do; a subclass that redefines the function is not assumed to be):
        ``loss + lam R`` then runs to -inf only if the loss does."""
        return self.is_norm

    # -- building ------------------------------------------------------------------------------
    def cache_key(self) -> Any:
        """What identifies this penalty's CVXPY expression for re-using built models: its
        class and whole state (``identity``), functions by identity."""
        return self.identity()

    def nonconvex_reason(self) -> str | None:
        """Why this penalty is not convex, when it is known in advance (else None)."""
        return None

    def placeholder_dim(self) -> int:
        """A coefficient count at which the DCP gate can build the expression before data."""
        return 3 if self.factors is None else len(self.factors)

    def check_dim(self, d: int) -> None:
        """Raise when this penalty cannot apply to ``d`` coefficients."""
        if self.factors is not None and len(self.factors) != d:
            raise invalid(
                "factors",
                type(self).__name__,
                f"of length {d} (one per column of X)",
                f"length {len(self.factors)}",
                raw=True,
            )

    def factor_vector(self, d: int) -> np.ndarray:
        """The penalty factors as an array of length ``d`` (all ones when none were given)."""
        return np.ones(d) if self.factors is None else np.asarray(self.factors)

    def _params(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        parts = []
        for key, val in self._params().items():
            if key == "":
                parts.append(val)
            elif isinstance(val, np.ndarray):
                parts.append(f"{key}={np.round(val, 12).tolist()!r}")
            else:
                parts.append(f"{key}={val}")
        factors = getattr(self, "_given", self.factors)  # as given: inf where a coefficient is held
        if factors is not None:
            parts.append(f"factors={np.round(factors, 12).tolist()!r}")
        parts += own_parameters(self, {*self._params(), "factors"})
        return f"{type(self)._shown_as or type(self).__name__}({', '.join(parts)})"


# ------------------------------------------------------------------------------------ helpers
def weighted_max(z: np.ndarray, v: np.ndarray | None) -> float:
    """``max_j |z_j| / v_j`` over ``v_j > 0`` (``v`` None: all ones): unpenalized coordinates
    are assumed fitted."""
    if v is None:  # no temporary of len(z): at d = 200000 each is 1.6 MB
        z = np.asarray(z, dtype=float)
        return float(max(np.max(z, initial=0.0), -np.min(z, initial=0.0)))
    z = np.abs(np.asarray(z, dtype=float))
    keep = v > 0
    return float(np.max(z[keep] / v[keep])) if np.any(keep) else 0.0


def weighted_max_expr(z: cp.Expression, v: np.ndarray) -> tuple[cp.Expression, list[cp.Constraint]]:
    """``weighted_max`` as a CVXPY expression."""
    keep = np.flatnonzero(v > 0)
    if keep.size == 0:
        return cp.Constant(0.0), []
    return cp.norm_inf(cp.multiply(1 / v[keep], z[keep])), []


def zero_only(z: np.ndarray | cp.Expression, v: np.ndarray) -> Any:
    """The dual-norm gauge of a penalty differentiable at 0 (ridge-like): 0 when ``z`` vanishes
    on the penalized coordinates, else inf; as a CVXPY pair for an expression."""
    if isinstance(z, cp.Expression):
        keep = np.flatnonzero(v > 0)
        return cp.Constant(0.0), ([z[keep] == 0] if keep.size else [])
    return 0.0 if not np.any(np.asarray(z)[v > 0]) else math.inf


#: Coordinates per block where a separable penalty's vector quantities are summed by blocks.
_BLOCK = 8192


def snap_to_kinks(penalty: Penalty, w: np.ndarray, tol: float) -> np.ndarray:
    """``w`` with the entries within ``tol`` of a kink at zero moved onto it. Only where there is
    a kink: a smooth coordinate (a ridge term, whose factor may be 1e8) keeps its value, since
    its derivative there, ``factor * w``, is not small."""
    w = np.asarray(w, dtype=float)
    # A separable penalty without factors has the same kink at every coordinate: one is tested.
    same = penalty.separable and penalty.factors is None
    zeros = np.zeros(1 if same else len(w))
    kinked = penalty.one_sided_derivative(zeros, +1) > penalty.one_sided_derivative(zeros, -1)
    return np.where(kinked & (np.abs(w) <= tol), 0.0, w)


def l1_subdifferential(w: np.ndarray, tol: float, weights: np.ndarray) -> tuple[cp.Expression, list[cp.Constraint]]:
    """``weights * u`` with ``u`` in the subdifferential of ``||.||_1`` at ``w`` (kinks within tol)."""
    d = len(w)
    wt = np.where(np.abs(w) <= tol, 0.0, w)
    u = cp.Variable(d)
    zero = wt == 0
    cons = [u[~zero] == np.sign(wt[~zero])] if np.any(~zero) else []
    if np.any(zero):
        cons.append(cp.abs(u[zero]) <= 1)
    return cp.multiply(weights, u), cons


class Separable(Penalty):
    """``R(w) = sum_j v_j r(w_j)`` with penalty factors ``v >= 0`` (all ones by default).

    Subclasses define the one-coefficient prox ``prox_1d(x, tau)`` of ``tau * r`` (``tau`` an
    array) and the one-sided derivative ``derivative_1d(w, side)`` of ``r``; the vector
    ``prox`` and ``one_sided_derivative`` follow from them.
    """

    separable = True

    def __init__(self, *, factors: Any = None) -> None:
        given = check_factors(factors, type(self).__name__, allow_inf=True)
        #: Coefficients with an infinite factor: held at 0 (``Problem`` states it as bounds).
        self.held: np.ndarray | None = None
        self._given = given
        if given is not None and np.any(np.isinf(given)):
            self.held = np.isinf(given)
            given = np.where(self.held, 0.0, given)  # held by the bounds, not by the penalty
            given.setflags(write=False)
        self.factors = given

    def columns_rescaled(self, scale: np.ndarray) -> Penalty:
        # sum_j v_j r(w_j / s_j) = sum_j (v_j / s_j^k) r(w_j) when r is homogeneous of degree k;
        # unpenalized coefficients (v_j = 0) take any unit.
        scale = np.asarray(scale, dtype=float)
        v = self.factor_vector(len(scale))
        if not np.any((scale != 1.0) & (v > 0)):
            return self
        degree = self.homogeneity()
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            factors = v / scale**degree if degree is not None else v
        if degree is None or not np.all(np.isfinite(factors)):
            raise NotSupportedError(f"{self!r} cannot take these units for its coefficients.")
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.factors = check_factors(factors, type(self).__name__)
        new._given = check_factors(
            factors if self.held is None else np.where(self.held, np.inf, factors), type(self).__name__, allow_inf=True
        )
        return new

    @optional
    def prox_1d(self, x: np.ndarray, tau: np.ndarray) -> np.ndarray:
        raise NotSupportedError(f"No closed-form proximal map is known for {self!r}.")

    @optional
    def derivative_1d(self, w: np.ndarray, side: int) -> np.ndarray:
        raise NotSupportedError(f"No derivative is known for {self!r}.")

    @optional
    def curvature_1d(self, w: np.ndarray) -> np.ndarray:
        raise NotSupportedError(f"No curvature is known for {self!r}.")

    @needs("derivative_1d")
    def subdifferential_distance(self, w: np.ndarray, u: np.ndarray, tol: float) -> float:
        # The distance is separable: it is summed over blocks of coordinates, so that on wide
        # data (d = 200000) its few temporaries are of a block's length, not d's.
        w, u = np.asarray(w, dtype=float), np.asarray(u, dtype=float)
        if len(w) <= _BLOCK:
            return self._block_distance(w, u, tol)
        total = 0.0
        for start in range(0, len(w), _BLOCK):
            part = np.arange(start, min(start + _BLOCK, len(w)))
            piece = self if self.factors is None else self.restrict(part)
            total += piece._block_distance(w[part], u[part], tol) ** 2
        return math.sqrt(total)

    def _block_distance(self, w: np.ndarray, u: np.ndarray, tol: float) -> float:
        # A convex r has dr(w) = [left derivative, right derivative] at every point.
        w = snap_to_kinks(self, w, tol)
        gap = np.clip(u, self.one_sided_derivative(w, -1), self.one_sided_derivative(w, +1))
        gap -= u
        return float(np.linalg.norm(gap))

    @needs("derivative_1d")
    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        # A convex r has dr(w) = [left derivative, right derivative]: a box, one free entry per kink.
        w = snap_to_kinks(self, w, tol)
        lo, hi = self.one_sided_derivative(w, -1), self.one_sided_derivative(w, +1)
        kinked = np.flatnonzero(hi > lo)
        if kinked.size == 0:
            return cp.Constant(lo), []
        theta = cp.Variable(kinked.size)
        pick = np.zeros((len(w), kinked.size))
        pick[kinked, np.arange(kinked.size)] = (hi - lo)[kinked]
        return lo + pick @ theta, [theta >= 0, theta <= 1]

    @needs("derivative_1d")
    def zero_violation(self, z: np.ndarray, lam: float) -> np.ndarray:
        # Without factors every coordinate has the same interval at 0: one is computed, and the
        # answer is the only vector of length d made.
        origin = np.zeros(1 if self.factors is None else len(z))
        lo, hi = lam * self.one_sided_derivative(origin, -1), lam * self.one_sided_derivative(origin, +1)
        out = np.clip(z, lo, hi)
        np.subtract(z, out, out=out)
        return np.abs(out, out=out)

    @needs("derivative_1d")
    def zero_pattern(self, w: np.ndarray, tol: float) -> np.ndarray:
        zeros = np.zeros(len(w))
        kinked = self.one_sided_derivative(zeros, +1) > self.one_sided_derivative(zeros, -1)
        return kinked & (np.abs(w) <= tol)

    @needs("derivative_1d")
    def gradient(self, w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        return np.where(w != 0, self.one_sided_derivative(w, +1), 0.0)

    @needs("curvature_1d")
    def curvature(self, w: np.ndarray, free: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        return np.diag((self.factor_vector(len(w)) * self.curvature_1d(w))[free])

    def restrict(self, mask: np.ndarray) -> Penalty:
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        for name in ("factors", "_given", "held"):
            if getattr(self, name, None) is not None:
                setattr(new, name, np.asarray(getattr(self, name))[np.asarray(mask)])
        return new

    @needs("prox_1d")
    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        return self.prox_1d(v, step * self.factor_vector(len(v)))

    @needs("derivative_1d")
    def one_sided_derivative(self, w: np.ndarray, side: int) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        out = self.derivative_1d(w, side)
        return out if self.factors is None else self.factor_vector(len(w)) * out  # no vector of ones

    def with_extra_coefficient(self) -> Penalty:
        if self.factors is None:
            return self
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.factors = check_factors(np.r_[self.factors, 1.0], type(self).__name__)
        new._given = check_factors(np.r_[self._given, 1.0], type(self).__name__, allow_inf=True)
        new.held = None if self.held is None else np.r_[self.held, False]
        return new

    def _all_penalized(self) -> bool:
        return self.factors is None or bool(np.all(np.asarray(self.factors) > 0))


def soft_1d(x: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """The prox of ``tau |x|``: the soft threshold."""
    return soft_threshold(x, tau)


def sign_1d(w: np.ndarray, side: int) -> np.ndarray:
    """The one-sided derivative of ``|w|``: ``sign(w)``, and ``side`` at 0."""
    out = np.sign(w)
    out[w == 0] = float(side)  # in place: one vector, not three
    return out


class Norm(Penalty):
    """A norm ``R``, from which two facts follow: its subdifferential from its dual norm, and
    the projection on its ball from its prox.

    A subclass defines ``expr``, ``value`` and ``dual_norm_expr`` (with ``dual_norm``, for
    lam_max) and gets ``subdifferential``; with ``prox`` it also gets ``project``.

    - ``dR(w) = {u : R*(u) <= 1, <u, w> = R(w)}`` (``<=`` holds on the whole dual ball, so
      ``>=`` is written). A numerical ``w`` is off the kinks by rounding: a polyhedral norm
      with ``linear_piece`` first moves it onto the face that holds it (entries within ``tol``
      of a kink put on it), where the set is the one of the exact point.
    - The projection of ``z`` on ``{R(w) <= t}`` is ``prox(z, mu)`` with the multiplier
      ``mu >= 0`` that puts it on the sphere (``R(prox(z, mu))`` falls from ``R(z)`` at 0 to 0
      at ``mu = R*(z)``), found by bracketed root finding.
    """

    is_norm = True
    degree = 1

    @needs("dual_norm_expr")
    def subdifferential(self, w: np.ndarray, tol: float) -> tuple[cp.Expression, list[cp.Constraint]]:
        w = np.asarray(w, dtype=float)
        try:
            P, _ = self.linear_piece(w, tol)
            w = P @ np.linalg.lstsq(P, w, rcond=None)[0] if P.shape[1] else np.zeros_like(w)
        except NotSupportedError:
            pass
        u = cp.Variable(len(w))
        dual, cons = self.dual_norm_expr(u)
        return u, [*cons, dual <= 1, u @ w >= self.value(w)]

    @needs("prox", "dual_norm")
    def project(self, z: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        z = np.asarray(z, dtype=float)
        if self.value(z) <= t:
            return z.copy(), 0.0
        hi = self.dual_norm(z)
        if t <= 0:
            return np.zeros_like(z), hi
        def excess(m: float) -> float:  # R(prox(z, m)) - t: R(z) - t > 0 at m = 0, -t at m = R*(z)
            return (self.value(z) if m == 0 else self.value(self.prox(z, m))) - t

        mu = brentq(excess, 0.0, hi, xtol=1e-15 * max(hi, 1.0), rtol=1e-15)
        return self.prox(z, mu), float(mu)
