"""Property-based fuzzing of problem files and answer files: any input gives a valid object or
a typed error (``ProblemFileError``, ``AnswerError``), never another exception."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cvxreg as cr
from cvxreg.exercises import bundled_dir, load
from cvxreg.grading import read_answer

BASE = (bundled_dir() / "lasso-intercept-centred.toml").read_text() if bundled_dir() else ""
FIELDS = re.findall(r"^([A-Za-z_]+) = ", BASE, flags=re.M)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

toml_scalars = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(["1e400", "-1e400", "nan", "inf", "-inf", "0", "-1", "3e8", "1e-320"]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12).map(json.dumps),
    st.booleans().map(lambda b: "true" if b else "false"),
)
toml_values = st.recursive(
    toml_scalars.map(str),
    lambda inner: st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
    max_leaves=8,
)


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_are_a_problem_file_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "p.toml"
    path.write_bytes(data)
    try:
        load(path)
    except cr.ProblemFileError:
        pass


@pytest.mark.skipif(not BASE, reason="no bundled problems")
@FAST
@given(st.sampled_from(FIELDS or ["id"]), toml_values)
def test_any_value_in_a_valid_file_loads_or_is_refused_by_field(tmp_path_factory, field, value):
    text = re.sub(rf"^{field} = .*$", lambda _: f"{field} = {value}", BASE, count=1, flags=re.M)
    path = tmp_path_factory.mktemp("fuzz") / "p.toml"
    path.write_text(text)
    try:
        load(path)
    except cr.ProblemFileError as exc:
        assert str(path) in str(exc)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=12,
)


@pytest.mark.skipif(not BASE, reason="no bundled problems")
@FAST
@given(st.one_of(json_values, st.fixed_dictionaries({"coef": json_values}, optional={"dual": json_values})))
def test_any_answer_document_is_graded_or_refused(tmp_path_factory, doc):
    ex = load(bundled_dir() / "islr-6.2.2-lasso-identity.toml")
    path = tmp_path_factory.mktemp("fuzz") / "a.json"
    path.write_text(json.dumps(doc))
    try:
        ex.check(read_answer(path))
    except cr.AnswerError:
        pass


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,  # nested 100,000 deep
        '{"coef": [' + "9" * 400 + "]}",  # a 400-digit number
        '{"coef": [1e999, 0, 0, 0]}',
    ],
    ids=["deep", "huge-int", "overflow"],
)
def test_hostile_answer_files_are_answer_errors(tmp_path, text):
    ex = load(bundled_dir() / "islr-6.2.2-lasso-identity.toml")
    path = tmp_path / "a.json"
    path.write_text(text)
    with pytest.raises(cr.AnswerError):
        ex.check(read_answer(path))


HEAD = """
id = "hostile"
title = "t"
source = "s"
statement = "s"
"""
FORMULATION = """
[formulation]
loss = "squared"
penalty = "{penalty}"
form = "penalized"
lam = 1.0
{params}

[expected]
objective = 1.0
origin = "o"
"""
INLINE = "\n[data]\nX = [[1.0, 0.0], [0.0, 1.0]]\ny = [1.0, 2.0]\n"
HOSTILE = {
    # GroupLasso itself refuses an index beyond any data (10 million) before making its lists.
    "group index 3e8": (INLINE, "group_lasso", "penalty_params = { groups = [[0, 300000000]] }", "indices below"),
    "group index 5e6": (INLINE, "group_lasso", "penalty_params = { groups = [[0, 5000000]] }", "does not fit"),
    "identity n=40000": ('\n[data.generate]\ndesign = "identity"\nn = 40000\n', "l1", "", "at most 2000000 entries"),
    "n = 10**30": (
        '\n[data.generate]\ndesign = "gaussian"\nn = 1000000000000000000000000000000\nd = 5\n',
        "l1",
        "",
        "at most 2000000 entries",
    ),
    "copies": (
        '\n[data.generate]\ndesign = "equal_columns"\nn = 1000\nd = 100\ncopies = 1000\n',
        "l1",
        "",
        "copies = 1000",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_problem_files_asking_for_huge_sizes_are_refused_before_allocating(tmp_path, name):
    import tracemalloc

    data, penalty, params, needle = HOSTILE[name]
    path = tmp_path / "p.toml"
    path.write_text(HEAD + data + FORMULATION.format(penalty=penalty, params=params))
    tracemalloc.start()
    try:
        with pytest.raises(cr.ProblemFileError) as info:
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(info.value) and needle in str(info.value) and peak < 50_000_000


def test_a_problem_file_above_the_size_limit_is_not_read(tmp_path, monkeypatch):
    from cvxreg import exercises

    monkeypatch.setitem(exercises.LIMITS, "file_bytes", 1000)
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * 2000 + "\n")
    with pytest.raises(cr.ProblemFileError, match="above the limit of 1000"):
        load(path)
