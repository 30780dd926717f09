"""One table of problem codes (api/problems.py): every domain error has its row, and every row is raised."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from api.errors import STATUS
from api.problems import DOMAIN_ERRORS, PROBLEMS

ROOT = Path(__file__).resolve().parents[2]


def _load_every_module(base: type[Exception]) -> None:
    """Import the whole domain package, so that every error class defined anywhere in it is a subclass."""
    package = importlib.import_module(base.__module__.split(".")[0])
    for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        importlib.import_module(module.name)


def _subclasses(cls: type[Exception]) -> Iterator[type[Exception]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _domain_errors() -> dict[type[Exception], dict[str, str]]:
    """Each base's error classes that name their own code, as {class: code} (CasesFieldError and MediaRefusal
    name none: they add fields to their subclasses)."""
    found: dict[type[Exception], dict[str, str]] = {}
    for base in DOMAIN_ERRORS:
        _load_every_module(base)
        domain = base.__module__.split(".")[0]
        found[base] = {
            f"{cls.__module__}.{cls.__qualname__}": str(cls.__dict__["code"])
            for cls in _subclasses(base)
            if "code" in cls.__dict__ and cls.__module__.split(".")[0] == domain  # not a test's own subclass
        }
    return found


def _domain_codes() -> set[str]:
    return {code for classes in _domain_errors().values() for code in classes.values()}


def _raised_by_the_api() -> dict[str, set[int | None]]:
    """The codes api/ raises itself, with the statuses it raises them with (None where not a literal):
    `ProblemError(status, code, ...)`, `problem_response(request, status, code, ...)` and the codes of
    litestar's own HTTP errors (api.errors._STATUS_CODES)."""
    raised: dict[str, set[int | None]] = {}

    def literal(node: ast.expr | None) -> object:
        return node.value if isinstance(node, ast.Constant) else None

    def status(node: ast.expr | None) -> int | None:
        value = literal(node)
        return value if isinstance(value, int) else None

    for path in (ROOT / "api").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                first = {"ProblemError": 0, "problem_response": 1}.get(node.func.id)
                if first is None or len(node.args) < first + 2:
                    continue
                code = literal(node.args[first + 1])
                if isinstance(code, str):
                    raised.setdefault(code, set()).add(status(node.args[first]))
            elif (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "_STATUS_CODES" for t in node.targets)
                and isinstance(node.value, ast.Dict)
            ):
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    raised.setdefault(str(literal(value)), set()).add(status(key))
    return raised


def test_every_domain_error_has_its_row() -> None:
    missing = [
        f"{name} ({code!r})"
        for classes in _domain_errors().values()
        for name, code in classes.items()
        if code not in PROBLEMS
    ]
    assert missing == [], "add a row to api/problems.py for each"


def test_every_error_with_a_code_is_under_a_base_the_api_answers() -> None:
    """An error class with a `code` outside DOMAIN_ERRORS would reach a client as a 500. The payment providers'
    errors are the exception: housing.payments turns them into housing errors, and the callbacks answer the
    providers themselves."""
    _domain_errors()  # every module of every domain loaded
    outside = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _subclasses(Exception)
        if "code" in cls.__dict__
        and cls.__module__.split(".")[0] in {base.__module__.split(".")[0] for base in DOMAIN_ERRORS}
        and not issubclass(cls, DOMAIN_ERRORS)
        and not cls.__module__.startswith("housing.providers.")
    )
    assert outside == []


def test_every_row_has_a_status_and_both_titles() -> None:
    for code, problem in PROBLEMS.items():
        assert code.isidentifier() and code == code.lower(), code
        assert 400 <= problem.status <= 599, code
        assert problem.zh and problem.en and problem.zh != problem.en, code
        assert STATUS[code] == problem.status


def test_no_row_is_unused() -> None:
    """A row is a domain error's code, or a code the API raises itself."""
    unused = set(PROBLEMS) - _domain_codes() - set(_raised_by_the_api())
    assert unused == set(), "nothing raises these: remove their rows"


def test_the_api_raises_its_codes_with_their_rows_status() -> None:
    wrong = {
        code: statuses
        for code, statuses in _raised_by_the_api().items()
        if code not in PROBLEMS or not statuses <= {PROBLEMS[code].status, None}
    }
    assert wrong == {}, "raised without a row, or with another status than the row's"


def test_each_code_has_exactly_one_row() -> None:
    """The table is a dict literal, where a second row of a code would silently win: read the source instead.
    invalid_cursor, raised by four domains' own classes and once registered by four controllers, is one row."""
    tree = ast.parse((ROOT / "api" / "problems.py").read_text(encoding="utf-8"))
    (table,) = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "PROBLEMS"
        and isinstance(node.value, ast.Dict)
    ]
    keys = [str(key.value) for key in table.keys if isinstance(key, ast.Constant)]
    assert sorted(code for code in set(keys) if keys.count(code) > 1) == []
    assert len(keys) == len(table.keys) == len(PROBLEMS)
    raisers = {
        base.__name__ for base, classes in _domain_errors().items() if "invalid_cursor" in classes.values()
    }
    assert {"IdentityError", "CasesError", "NotificationsError", "HousingError"} <= raisers
    assert keys.count("invalid_cursor") == 1


def test_every_domain_base_is_answered_as_a_problem_without_a_controller_imported() -> None:
    """The table and the domains' bases come from api/problems.py, not from importing controller modules."""
    probe = (
        "import sys; from api.errors import exception_handlers; from api.problems import DOMAIN_ERRORS; "
        "handlers = exception_handlers(); assert all(base in handlers for base in DOMAIN_ERRORS); "
        "print(sorted(m for m in sys.modules if m.startswith('api.controllers')))"
    )
    run = subprocess.run(  # a fresh interpreter: this one has imported the app already
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert (run.returncode, run.stdout.strip()) == (0, "[]"), run.stderr
