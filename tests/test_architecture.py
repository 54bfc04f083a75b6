"""The shape of the package: no import cycles (imports inside functions count), no module
over 600 lines, and loss/penalty facts asked of the objects, not of their types."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "cvxreg"
MODULES = sorted(ROOT.rglob("*.py"))


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {_name(p) for p in MODULES}


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(path: Path) -> set[str]:
    """Every cvxreg module ``path`` imports at run time, at any depth of the file."""
    tree = ast.parse(path.read_text())
    guarded = [node for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node)]
    skip = {id(n) for node in guarded for n in ast.walk(node)}
    here = _name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in NAMES}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for a in node.names:
                full = f"{base}.{a.name}"
                if full in NAMES:
                    out.add(full)
                elif base in NAMES:
                    out.add(base)
    out.discard(here)
    return out


GRAPH = {_name(p): _imports(p) for p in MODULES}


def _cycle() -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            # A package's __init__ re-exports its submodules; a submodule importing a sibling
            # through the package is an edge to that sibling, not a cycle through __init__.
            if nxt in ("cvxreg", "cvxreg.penalties") and node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(GRAPH):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles_counting_imports_inside_functions():
    assert _cycle() is None, " -> ".join(_cycle() or [])


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_600_lines(path):
    assert len(path.read_text().splitlines()) <= 600


PROTOCOL_HOMES = {"penalties", "losses"}


def _protocol_classes() -> set[str]:
    """Every loss, penalty and form class cvxreg exports (found, not listed)."""
    import inspect

    import cvxreg as cr
    from cvxreg.forms import Form

    exported = [getattr(cr, name) for name in cr.__all__]
    found = {c.__name__ for c in exported if inspect.isclass(c) and issubclass(c, cr.Penalty | cr.Loss | Form)}
    return found | {"Penalty", "Loss", "Form", "Separable", "Norm"}


CLASSES = _protocol_classes()


def _registered_names() -> set[str]:
    from cvxreg.exercises import LOSSES, PENALTIES

    return set(LOSSES) | set(PENALTIES)


def _about_a_loss_or_penalty(node: ast.AST) -> bool:
    text = ast.unparse(node)
    return "file_name" in text or any(word in text for word in ("loss", "penalty", "pen_name", "pen."))


def _name_tests(path: Path) -> list[int]:
    """Lines that compare a loss's or penalty's name to a registered name ("logistic", ...)."""
    names, lines = _registered_names(), []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        consts = {s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)}
        for s in sides:
            if isinstance(s, ast.Tuple | ast.List | ast.Set):
                consts |= {e.value for e in s.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
        if consts & names and any(_about_a_loss_or_penalty(s) for s in sides):
            lines.append(node.lineno)
    return lines


def _attribute_sniffing(path: Path) -> list[int]:
    """Lines that ask a loss or penalty for an attribute with getattr/hasattr (a fact the protocol
    should declare, so every object has it)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr"):
            named = len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
            if named and _about_a_loss_or_penalty(node.args[0]):
                lines.append(node.lineno)
    return lines


def _outside_the_protocol(check) -> dict[str, list[int]]:
    found = {str(p.relative_to(ROOT)): check(p) for p in MODULES if p.relative_to(ROOT).parts[0] not in PROTOCOL_HOMES}
    return {k: v for k, v in found.items() if v}


def test_no_name_strings_or_attribute_sniffing_on_losses_and_penalties():
    assert _outside_the_protocol(_name_tests) == {}
    assert _outside_the_protocol(_attribute_sniffing) == {}


def test_the_checks_see_what_they_look_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(problem, loss):\n"
        "    if problem.loss.file_name == 'logistic':\n"
        "        return getattr(loss, 'tau', None)\n"
        "    return isinstance(loss, QuantileLoss)\n"
    )
    assert _name_tests(bad) == [2] and _attribute_sniffing(bad) == [3] and _type_tests(bad) == [4]


def _type_tests(path: Path) -> list[int]:
    """Lines that test whether something is one of the loss, penalty or form classes."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance":
            names = {n.id if isinstance(n, ast.Name) else getattr(n, "attr", "") for n in ast.walk(node.args[1])}
            if names & CLASSES:
                lines.append(node.lineno)
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.Is | ast.IsNot) for op in node.ops):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Name) and s.id in CLASSES for s in sides):
                lines.append(node.lineno)
    return lines


def test_loss_and_penalty_facts_are_asked_of_the_objects():
    found = _outside_the_protocol(_type_tests)
    assert sum(len(v) for v in found.values()) <= 3, found


def test_closed_forms_use_numpy_and_scipy_only():
    tree = ast.parse((ROOT / "closed_forms.py").read_text())
    roots = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    roots |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert roots <= {"__future__", "math", "typing", "numpy", "scipy"}, roots


def test_every_subpackage_is_installed():
    # setuptools installs only the packages pyproject.toml lists: a new one left out works from
    # the source tree and is missing from a real install.
    import tomllib

    listed = set(tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"cvxreg." + p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert found <= listed, sorted(found - listed)


def test_import_cvxreg_loads_nothing_until_a_name_is_asked_and_the_core_loads_no_pandas():
    import subprocess
    import sys

    code = (
        "import sys, cvxreg as cr\n"
        "heavy = ('cvxpy', 'pandas', 'sqlite3', 'matplotlib', 'scipy')\n"
        "print(*[m for m in heavy if m in sys.modules])\n"
        "cr.Problem, cr.Penalized, cr.L1, cr.SquaredLoss, cr.Result\n"
        "print(*[m for m in heavy if m in sys.modules])\n"
        "from cvxreg import *\n"
        "print(Berhu.__name__, LogCoshLoss.__name__, len(cr.__all__))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == ""  # import cvxreg: nothing heavy
    assert set(out[1].split()) == {"cvxpy", "scipy"}  # the core: no pandas, store or plotting
    assert out[2].startswith("Berhu LogCoshLoss")


def _function_lengths(path: Path) -> dict[str, int]:
    """Each function's lines, its docstring not counted."""
    out = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            first = node.body[0]
            docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            if docstring and isinstance(first.value.value, str):
                length -= first.end_lineno - first.lineno + 1
            out[f"{node.name}:{node.lineno}"] = length
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_over_80_lines(path):
    long = {name: n for name, n in _function_lengths(path).items() if n > 80}
    assert not long, long
