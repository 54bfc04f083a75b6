"""A sparse classifier on the breast-cancer data

L1-penalized logistic regression on scikit-learn's breast-cancer data (569 tumours, 30
features), as a scikit-learn estimator inside a `Pipeline`: `CvxClassifier(lam=1/C)` is
`LogisticRegression(C=C)` with the same penalty (the intercept unpenalized, as saga has it;
liblinear penalizes it). Its coefficients equal saga's run at a tight tolerance, it keeps a
handful of the 30 features, and it carries the certificate of its solve. `CvxClassifierCV`
then picks λ by stratified cross-validation on the log-loss.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import RocCurveDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from cvxreg.sklearn import CvxClassifier, CvxClassifierCV

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
)
C = 0.1
ours = make_pipeline(StandardScaler(), CvxClassifier(penalty="l1", lam=1 / C)).fit(X_train, y_train)
theirs = make_pipeline(
    StandardScaler(), LogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=1_000_000)
).fit(X_train, y_train)

clf = ours[-1]
kept = np.flatnonzero(clf.coef_.ravel())
print(f"features kept: {kept.size} of {X_train.shape[1]}:", ", ".join(data.feature_names[kept]))
print("largest difference from saga:", np.max(np.abs(clf.coef_ - theirs[-1].coef_)))
print("certificate:", clf.result_.certificate.worst)
print(f"test accuracy: cvxreg {ours.score(X_test, y_test):.3f}, saga {theirs.score(X_test, y_test):.3f}")

tuned = make_pipeline(StandardScaler(), CvxClassifierCV(penalty="l1", n_lams=20)).fit(X_train, y_train)
print(f"lam chosen by 5-fold stratified CV on the log-loss: {tuned[-1].lam_:.4g}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
RocCurveDisplay.from_estimator(ours, X_test, y_test, ax=left, name="CvxClassifier, L1")
RocCurveDisplay.from_estimator(tuned, X_test, y_test, ax=left, name="CvxClassifierCV, L1")
left.set_title("held-out ROC curves")
order = np.argsort(-np.abs(clf.coef_.ravel()))[: kept.size]
right.barh(data.feature_names[order][::-1], clf.coef_.ravel()[order][::-1])
right.set_title(f"the {kept.size} coefficients kept (standardized features)")
fig.tight_layout()
