"""The lasso path and its cross-validation on the diabetes data

The whole path of the lasso on scikit-learn's diabetes data (442 patients, 10 measurements),
then 5-fold cross-validation on the same grid. Every point of the path carries its optimality
certificate; the λ chosen by cross-validation is the one scikit-learn's `LassoCV` picks on the
same folds. `Path.plot` and `CrossValidation.plot` draw them as glmnet's `plot.glmnet` and
`plot.cv.glmnet` do.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoCV
from sklearn.model_selection import KFold

import cvxreg as cr

X, y = load_diabetes(return_X_y=True)
lasso = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0), fit_intercept=True)

path = lasso.path(X, y, n_lams=60)
print(path)
print("worst certificate along the path:", max(c.worst for c in path.certificates))

folds = KFold(5, shuffle=True, random_state=0)
cv = cr.cross_validate(lasso, X, y, lams=path.lams, folds=folds)
sk = LassoCV(alphas=path.lams, cv=folds).fit(X, y)
print(f"chosen lam: cvxreg {cv.best_lam:.6g}, LassoCV {sk.alpha_:.6g}")

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
path.plot(chosen=cv.best_lam, ax=left)  # as glmnet's plot.glmnet
left.set_title("lasso path (diabetes)")
cv.plot(ax=right)  # as glmnet's plot.cv.glmnet: mean ± one standard error over the folds
right.set_title("5-fold cross-validation")
