"""Every exception cvxreg raises, each subclassing what callers already catch."""

from __future__ import annotations

import cvxpy.error


class CvxregError(Exception):
    """Base class of every error raised by cvxreg."""


class InvalidParameterError(CvxregError, ValueError, TypeError):
    """A parameter or data argument is out of its allowed set.

    Subclasses both ``ValueError`` and ``TypeError`` (as scikit-learn's
    ``InvalidParameterError`` does), so existing ``except`` clauses keep working.
    """


class DCPError(CvxregError, cvxpy.error.DCPError):
    """The stated problem is not convex (not DCP), so cvxreg refuses to build it."""


class SolveError(CvxregError, RuntimeError):
    """``solve(check=True)`` found no solution (infeasible, unbounded or solver failure)."""


class NotSupportedError(CvxregError, NotImplementedError):
    """The requested quantity is not available for this loss, penalty or form."""


class ProblemFileError(InvalidParameterError):
    """A problem file is malformed: the message names the file, the field and what is wrong."""


class AnswerError(InvalidParameterError):
    """An answer to an exercise cannot be used: unreadable file, wrong field types or length."""


class LocalSolutionWarning(UserWarning):
    """An answer from a non-convex method: a local solution that depends on where it started."""
