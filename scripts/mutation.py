"""Mutation score of the rule modules: a figure, not part of the test command.

    python scripts/mutation.py                      # every module below
    python scripts/mutation.py money suppression    # some of them
    python scripts/mutation.py --list               # the modules and their tests

Each module is mutated one change at a time (a comparison flipped, ``+``/``-`` swapped,
``and``/``or`` swapped, a ``not`` dropped, a condition negated, an integer or a ``Decimal``
literal moved by one, a returned value replaced by ``None``, an entry dropped from a
module-level table) and the tests that should catch it are run against each change, stopping
at the first failure. A change that makes a test fail is *killed*; one that passes every
test *survived*. The score is killed / (killed + survived).

Nothing is written to the source files: the tests run in one pytest process per module
(this file is also that process's plugin), which swaps the code object of the mutated
function (``function.__code__``), so every caller sees the change, or re-runs a mutated
module-level table and points every imported reference at the new object, and puts the
original back afterwards. The tests use their own database: set ``DATABASE_URL`` (e.g.
``postgres://postgres@127.0.0.1:5432/reinv_mutation``); pytest-django adds ``test_``.

Known survivors that no test can kill are listed with their reason in
``tests/MUTANTS.md``; the summary marks them ``equivalent`` and leaves them out of the score.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import signal
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "MUTANTS.md"


@dataclass(frozen=True)
class Target:
    name: str
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    #: Only these top-level functions (``name`` or ``Class.method``); all when empty.
    functions: tuple[str, ...] = ()
    #: Tests left out (``-k`` expression): the slow transactional ones that test the database's
    #: own triggers, not the module.
    leave_out: str = ""


TARGETS = [
    Target("money", ("money.parsing", "money.rounding", "money.formatting"),
           ("tests/money", "tests/wellness_fund/test_money.py", "tests/api/test_money_field.py")),
    Target("calculation", ("reinvestment.calculation",),
           ("tests/reinvestment/test_calculation.py", "tests/reinvestment/test_calculation_edges.py",
            "tests/reinvestment/test_properties.py",
            "tests/reinvestment/test_applicability.py")),
    Target("suppression", ("reporting.suppression",),
           ("tests/reporting/test_suppression.py", "tests/reporting/test_suppression_edges.py",
            "tests/reporting/test_suppression_cutoff.py")),
    Target("states", ("grants.states",), ("tests/grants/test_states.py", "tests/grants/test_states_messages.py")),
    Target("board_votes", ("grants.services.board",),
           ("tests/grants/test_passing_rules.py", "tests/grants/test_passing_rules_recused.py",
            "tests/grants/test_board.py"),
           ("_eligible_present", "_quorum_basis", "_passing_basis", "vote_close")),
    Target("idempotency", ("api.idempotency",),
           ("tests/api/test_idempotency_paths.py", "tests/api/test_idempotency_edges.py",
            "tests/api/test_reinvestment.py", "tests/api/test_reinvestment_edits.py",
            "tests/api/test_reports.py::test_request_is_idempotent", "tests/api/test_limits.py")),
    Target("ledger", ("wellness_fund.services.ledger",),
           ("tests/wellness_fund/test_ledger_edges.py", "tests/wellness_fund/test_ledger_refusals.py",
            "tests/wellness_fund/test_ledger.py", "tests/reinvestment/test_allocations_defects.py::test_reversing_a_contribution_payment_removes_what_it_credited"),
           leave_out="database_trigger or database_refuses or slipped_past_disabled_triggers or posted_rows_refuse"),
    Target("access", ("organizations.access",),
           ("tests/organizations/test_access.py", "tests/organizations/test_access_edges.py",
            "tests/organizations/test_service_refusals.py")),
]


# --- mutants -----------------------------------------------------------------------------

COMPARE_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
BINOP_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
}
SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
          ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+",
          ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}
DECIMAL_TEXT = re.compile(r"-?\d+(\.\d+)?")

Change = Callable[[ast.AST], ast.AST]


@dataclass
class Mutant:
    module: str
    scope: str  # "function" (code swap) or "table" (module-level statement)
    unit: str  # qualname of the top-level function, or the index of the module statement
    line: int
    description: str
    ident: str = ""
    status: str = "pending"  # killed / survived / equivalent / timeout / skipped
    killed_by: str = ""


def _changes(node: ast.AST, *, table: bool) -> Iterator[tuple[str, Change]]:
    """The mutations of one node: (description, function returning the replacement)."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            new = COMPARE_SWAP.get(type(op))
            if new is not None:
                def swap(n: ast.AST, i: int = i, new: type[ast.cmpop] = new) -> ast.AST:  # type: ignore[assignment]
                    assert isinstance(n, ast.Compare)
                    n.ops[i] = new()
                    return n
                yield f"`{SYMBOL[type(op)]}` -> `{SYMBOL[new]}`", swap
    elif isinstance(node, ast.BinOp | ast.AugAssign):
        new_op = BINOP_SWAP.get(type(node.op))
        if new_op is not None:
            def binop(n: ast.AST, new: type[ast.operator] = new_op) -> ast.AST:  # type: ignore[assignment]
                assert isinstance(n, ast.BinOp | ast.AugAssign)
                n.op = new()
                return n
            yield f"`{SYMBOL[type(node.op)]}` -> `{SYMBOL[new_op]}`", binop
    elif isinstance(node, ast.BoolOp):
        def boolop(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.BoolOp)
            n.op = ast.Or() if isinstance(n.op, ast.And) else ast.And()
            return n
        yield ("`and` -> `or`" if isinstance(node.op, ast.And) else "`or` -> `and`"), boolop
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
        yield ("drop `not`" if isinstance(node.op, ast.Not) else "drop unary `-`"), \
            lambda n: n.operand  # type: ignore[attr-defined]
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            yield f"`{node.value}` -> `{not node.value}`", lambda n: ast.Constant(not n.value)  # type: ignore[attr-defined]
        elif isinstance(node.value, int):
            yield f"`{node.value}` -> `{node.value + 1}`", lambda n: ast.Constant(n.value + 1)  # type: ignore[attr-defined]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal" \
            and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str) and DECIMAL_TEXT.fullmatch(node.args[0].value):
        text = node.args[0].value
        digits = len(text.split(".")[1]) if "." in text else 0
        from decimal import Decimal
        bumped = str(Decimal(text) + Decimal(1).scaleb(-digits))

        def dec(n: ast.AST, bumped: str = bumped) -> ast.AST:
            assert isinstance(n, ast.Call)
            n.args[0] = ast.Constant(bumped)
            return n
        yield f"`Decimal(\"{text}\")` -> `Decimal(\"{bumped}\")`", dec
    elif isinstance(node, ast.Return) and node.value is not None \
            and not (isinstance(node.value, ast.Constant) and node.value.value is None):
        def ret(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.Return)
            n.value = ast.Constant(None)
            return n
        yield "return None", ret
    elif isinstance(node, ast.If | ast.While | ast.IfExp) \
            and not isinstance(node.test, ast.Compare | ast.BoolOp | ast.UnaryOp):
        def neg(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.If | ast.While | ast.IfExp)
            n.test = ast.UnaryOp(ast.Not(), n.test)
            return n
        yield "negate condition", neg
    if table and isinstance(node, ast.Set | ast.Dict) and len(
            node.elts if isinstance(node, ast.Set) else node.keys) > (1 if isinstance(node, ast.Set) else 0):
        count = len(node.elts) if isinstance(node, ast.Set) else len(node.keys)
        for i in range(count):
            def drop(n: ast.AST, i: int = i) -> ast.AST:
                if isinstance(n, ast.Set):
                    del n.elts[i]
                else:
                    assert isinstance(n, ast.Dict)
                    del n.keys[i]
                    del n.values[i]
                return n
            label = ast.unparse(node.elts[i] if isinstance(node, ast.Set) else node.keys[i])  # type: ignore[arg-type]
            yield f"drop table entry {label}", drop


SKIP_FIELDS = {"decorator_list", "returns", "annotation", "format_spec", "type_comment", "args"}


def _points(node: ast.AST, *, table: bool) -> Iterator[tuple[ast.AST, str, int, ast.AST]]:
    """(owner, field, index or -1, child) of every mutable node under ``node``, in a fixed order."""
    for name, value in ast.iter_fields(node):
        if name in SKIP_FIELDS and not isinstance(node, ast.Call):
            continue
        children = value if isinstance(value, list) else [value]
        for i, child in enumerate(children):
            if not isinstance(child, ast.AST):
                continue
            if name == "body" and i == 0 and isinstance(child, ast.Expr) \
                    and isinstance(child.value, ast.Constant) and isinstance(child.value.value, str):
                continue  # docstring
            if isinstance(child, ast.JoinedStr):
                continue  # message text
            yield node, name, (i if isinstance(value, list) else -1), child
            yield from _points(child, table=table)


def _units(tree: ast.Module, functions: tuple[str, ...]) -> Iterator[tuple[str, str, ast.AST]]:
    """(scope, unit, node) of what may be mutated: top-level functions, methods, module tables."""
    for index, stmt in enumerate(tree.body):
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            if not functions or stmt.name in functions:
                yield "function", stmt.name, stmt
        elif isinstance(stmt, ast.ClassDef):
            for sub in stmt.body:
                qual = f"{stmt.name}.{getattr(sub, 'name', '')}"
                if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef) and (
                        not functions or qual in functions):
                    yield "function", qual, sub
        elif isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None and not functions:
            names = [t.id for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
                     if isinstance(t, ast.Name)]
            if names and not any(n.startswith("__") for n in names):
                yield "table", str(index), stmt


Site = tuple[str, str, ast.AST, tuple[str, int], ast.AST, str, Change]


def _sites(tree: ast.Module, functions: tuple[str, ...]) -> Iterator[Site]:
    for scope, unit, node in _units(tree, functions):
        for owner, name, index, child in _points(node, table=scope == "table"):
            for description, change in _changes(child, table=scope == "table"):
                yield scope, unit, owner, (name, index), child, description, change


def module_file(module: str) -> Path:
    path = ROOT / Path(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def list_mutants(module: str, functions: tuple[str, ...]) -> list[Mutant]:
    source = module_file(module).read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    out: list[Mutant] = []
    seen: dict[str, int] = {}
    for scope, unit, _owner, _where, child, description, _change in _sites(tree, functions):
        line = getattr(child, "lineno", 0)
        text = lines[line - 1].strip() if line else ""
        mutant = Mutant(module, scope, unit, line, description)
        ident = f"{module}:{line}: {description} in `{text}`"
        seen[ident] = seen.get(ident, 0) + 1
        mutant.ident = ident if seen[ident] == 1 else f"{ident} #{seen[ident]}"
        out.append(mutant)
    return out


def mutated_tree(module: str, functions: tuple[str, ...], number: int) -> ast.Module:
    tree = ast.parse(module_file(module).read_text())
    for n, (_scope, _unit, owner, (name, index), child, _description, change) in enumerate(
            _sites(tree, functions)):
        if n == number:
            new = change(child)
            if index < 0:
                setattr(owner, name, new)
            else:
                getattr(owner, name)[index] = new
            return ast.fix_missing_locations(tree)
    raise IndexError(number)


# --- applying a mutant in the test process -----------------------------------------------


def _find_code(code: types.CodeType, qualname: str) -> types.CodeType | None:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_qualname == qualname:
                return const
            found = _find_code(const, qualname)
            if found is not None:
                return found
    return None


def _live_functions(module: types.ModuleType, qualname: str) -> list[types.FunctionType]:
    """Every function object whose code is ``qualname`` of ``module`` (under decorators)."""
    head, _, tail = qualname.partition(".")
    obj: Any = getattr(module, head, None)
    candidates: list[Any] = []
    if tail:
        raw = vars(obj).get(tail) if isinstance(obj, type) else None
        candidates += [raw, getattr(raw, "__func__", None), getattr(raw, "fget", None),
                       getattr(raw, "fset", None), getattr(raw, "func", None)]
    else:
        candidates.append(obj)
    found = []
    seen: set[int] = set()
    while candidates:
        c = candidates.pop()
        if c is None or id(c) in seen:
            continue
        seen.add(id(c))
        code = getattr(c, "__code__", None)
        if isinstance(c, types.FunctionType) and code is not None and code.co_qualname == qualname:
            found.append(c)
        candidates += [getattr(c, "__wrapped__", None), getattr(c, "run", None)]
    return found


def _restore_code(fn: types.FunctionType, old: types.CodeType) -> Callable[[], None]:
    return lambda: setattr(fn, "__code__", old)


def _restore_attr(attrs: dict[str, Any], attr: str, old: object) -> Callable[[], None]:
    return lambda: attrs.__setitem__(attr, old)


class Applied:
    """One mutant in place in the running process; ``undo`` puts the original back."""

    def __init__(self, mutant: Mutant, number: int, functions: tuple[str, ...]) -> None:
        self.undo_steps: list[Callable[[], None]] = []
        module = sys.modules[mutant.module]
        tree = mutated_tree(mutant.module, functions, number)
        filename = str(module_file(mutant.module))
        if mutant.scope == "function":
            compiled = compile(tree, filename, "exec")
            new_code = _find_code(compiled, mutant.unit)
            live = _live_functions(module, mutant.unit)
            if new_code is None or not live:
                raise LookupError(f"cannot reach {mutant.unit}")
            for fn in live:
                old = fn.__code__
                fn.__code__ = new_code
                self.undo_steps.append(_restore_code(fn, old))
        else:
            start = int(mutant.unit)
            tables: list[ast.stmt] = [s for s in tree.body[start:] if isinstance(s, ast.Assign | ast.AnnAssign)]
            names = {t.id for s in tables
                     for t in (s.targets if isinstance(s, ast.Assign) else [s.target])  # type: ignore[attr-defined]
                     if isinstance(t, ast.Name)}
            old_values = {n: module.__dict__[n] for n in names if n in module.__dict__}
            namespace = dict(module.__dict__)
            exec(compile(ast.Module(body=tables, type_ignores=[]), filename, "exec"), namespace)  # noqa: S102
            for name, old in old_values.items():
                new = namespace[name]
                for other in list(sys.modules.values()):
                    attrs = getattr(other, "__dict__", None)
                    if not isinstance(attrs, dict):
                        continue
                    for attr, value in list(attrs.items()):
                        if value is old:
                            attrs[attr] = new
                            self.undo_steps.append(_restore_attr(attrs, attr, old))

    def undo(self) -> None:
        for step in reversed(self.undo_steps):
            step()


# --- the pytest plugin -------------------------------------------------------------------


class Timeout(Exception):  # noqa: N818 - raised into a test that runs too long
    pass


def _on_alarm(signum: int, frame: object) -> None:  # noqa: ARG001
    raise Timeout("mutant ran too long")


def _run_item(item: Any, timeout: float) -> tuple[str, float]:
    """Run one test; (the last line of its failure, "" when it passed; seconds)."""
    from _pytest.runner import runtestprotocol

    from tests.conftest import is_transactional, reseed_database

    item.session._setupstate.teardown_exact(item)
    start = time.monotonic()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        reports = runtestprotocol(item, log=False, nextitem=item.parent)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if is_transactional(item):
        # Its end emptied every table; the next test may not be transactional.
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            reseed_database()
    failures = [r for r in reports if r.failed]
    why = (failures[0].longreprtext.strip().splitlines() or ["failed"])[-1][:200] if failures else ""
    return why, time.monotonic() - start


def pytest_runtestloop(session: Any) -> bool:
    if session.testsfailed:
        return False
    target = next(t for t in TARGETS if t.name == os.environ["MUTATION_TARGET"])
    out = Path(os.environ["MUTATION_OUT"])
    progress = open(os.environ.get("MUTATION_LOG", os.devnull), "a")  # noqa: SIM115
    items = list(session.items)

    baseline: dict[str, float] = {}
    broken = []
    for item in items:
        failed, seconds = _run_item(item, 600)
        baseline[item.nodeid] = seconds
        if failed:
            broken.append(item.nodeid)
    items = [i for i in items if i.nodeid not in broken]
    print(f"[{target.name}] baseline: {len(items)} tests pass, {len(broken)} fail "
          f"({sum(baseline.values()):.1f}s)", file=progress, flush=True)

    mutants: list[Mutant] = []
    killers: list[str] = []
    for module in target.modules:
        for number, mutant in enumerate(list_mutants(module, target.functions)):
            mutants.append(mutant)
            try:
                applied = Applied(mutant, number, target.functions)
            except (LookupError, SyntaxError, TypeError, ValueError) as exc:
                mutant.status, mutant.killed_by = "skipped", str(exc)
                continue
            try:
                order = sorted(items, key=lambda i: (killers.index(i.nodeid) if i.nodeid in killers
                                                     else len(killers)))
                mutant.status = "survived"
                for item in order:
                    try:
                        failed, _ = _run_item(item, 10 * baseline[item.nodeid] + 10)
                    except Timeout:
                        failed = "timeout"
                    if failed:
                        mutant.status, mutant.killed_by = "killed", f"{item.nodeid}: {failed}"
                        if item.nodeid in killers:
                            killers.remove(item.nodeid)
                        killers.insert(0, item.nodeid)
                        break
            finally:
                applied.undo()
            print(f"[{target.name}] {mutant.status:8} {mutant.ident}  <- {mutant.killed_by}", file=progress,
                  flush=True)
    session._setupstate.teardown_exact(None)
    out.write_text(json.dumps({"target": target.name, "tests": len(items), "broken": broken,
                               "mutants": [asdict(m) for m in mutants]}, indent=1))
    return True


# --- the driver --------------------------------------------------------------------------


def _without_line(ident: str) -> str:
    """An ident without its line number, so the list survives edits elsewhere in the file."""
    return re.sub(r"^([\w.]+):\d+:", r"\1:", ident)


def equivalents() -> set[str]:
    """Mutant idents listed in tests/MUTANTS.md (a line ``- `ident` — reason``), without lines."""
    if not EQUIVALENTS.exists():
        return set()
    found = re.findall(r"^- `(.+?)`(?: —| -) ", EQUIVALENTS.read_text(), flags=re.MULTILINE)
    return {_without_line(ident) for ident in found}


@dataclass
class Score:
    name: str
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    equivalent: int = 0
    skipped: int = 0

    @property
    def percent(self) -> float:
        total = self.killed + len(self.survived)
        return 100.0 * self.killed / total if total else 100.0


def run_target(target: Target, work: Path) -> Score:
    out = work / f"{target.name}.json"
    env = os.environ | {"MUTATION_TARGET": target.name, "MUTATION_OUT": str(out),
                        "MUTATION_LOG": str(work / "progress.log"),
                        "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), str(ROOT)]),
                        "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "mutation",
               "--reuse-db", "-m", "not celery_worker", *target.tests]
    if target.leave_out:
        command += ["-k", f"not ({target.leave_out})"]
    subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
    data = json.loads(out.read_text())
    known = equivalents()
    score = Score(target.name)
    for m in data["mutants"]:
        if m["status"] == "killed":
            score.killed += 1
        elif m["status"] == "skipped":
            score.skipped += 1
        elif _without_line(m["ident"]) in known:
            score.equivalent += 1
        else:
            score.survived.append(m["ident"])
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help="module names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests")
    parser.add_argument("--work", default=str(ROOT / "var" / "mutation"), help="folder for results")
    args = parser.parse_args()
    by_name = {t.name: t for t in TARGETS}
    unknown = [name for name in args.targets if name not in by_name]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(by_name)}")
    chosen = [by_name[name] for name in args.targets] if args.targets else TARGETS
    if args.list:
        for t in chosen:
            count = sum(len(list_mutants(m, t.functions)) for m in t.modules)
            print(f"{t.name:12} {count:4} mutants  {', '.join(t.modules)}  <- {' '.join(t.tests)}")
        return 0
    if "DATABASE_URL" not in os.environ:
        print("set DATABASE_URL to a database of its own (pytest-django adds test_)", file=sys.stderr)
        return 2
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    scores = []
    for target in chosen:
        start = time.monotonic()
        score = run_target(target, work)
        scores.append(score)
        print(f"{score.name:12} {score.percent:5.1f}% killed  ({score.killed} killed, "
              f"{len(score.survived)} survived, {score.equivalent} equivalent, {score.skipped} skipped; "
              f"{time.monotonic() - start:.0f}s)", flush=True)
        for ident in score.survived:
            print(f"    survived: {ident}", flush=True)
    print("\nmodule        score")
    for s in scores:
        print(f"{s.name:12} {s.percent:5.1f}%")
    return 0 if all(s.percent >= 90 for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
