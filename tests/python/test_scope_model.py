"""The verifier's scope model against CPython's own compiler, through ``symtable``.

For every scope of a module and every name it refers to, the verifier's resolution (local,
cell, free, declared or implicit global, whether a class namespace is searched first, and
the mangled spelling) must be the one ``symtable`` reports. Run on a seeded sample of the
running interpreter's standard library (``OCAPY_WHOLE_STDLIB=1`` runs all of it), on the
repository's corpora, and on seeded generated programs. CPython 3.12+ inlines list, set
and dict comprehensions into their scope (PEP 709), so ``symtable`` shows their names in
the enclosing scope; the comparison folds them in the same way.
"""

from __future__ import annotations

import _symtable
import ast
import os
import random
import symtable
import sys
import sysconfig
from collections import defaultdict
from pathlib import Path

import pytest

from ocapy import _native

ROOT = Path(__file__).parents[2]
KINDS = {
    _symtable.LOCAL: "local",
    _symtable.CELL: "cell",
    _symtable.FREE: "free",
    _symtable.GLOBAL_EXPLICIT: "global_explicit",
    _symtable.GLOBAL_IMPLICIT: "global_implicit",
}
# Names the compiler adds on its own.
IMPLICIT = {
    "__class__",
    "__classcell__",
    "__classdict__",
    "__classdictcell__",
    "__conditional_annotations__",
    "__firstlineno__",
    "__static_attributes__",
    "__type_params__",
}
INLINED = {"listcomp", "setcomp", "dictcomp"}
# A comprehension's iteration variable: CPython's symtable.h, not exported by `_symtable`.
DEF_COMP_ITER = 2 << 8
Entry = tuple[str, bool, bool]


def symtable_names(table: symtable.SymbolTable) -> dict[str, Entry]:
    symbols = table._table.symbols  # the raw flags: the kind is not public before 3.14
    is_class = is_class_table(table)
    sees_class = "__classdict__" in symbols
    names = {}
    for name, flags in symbols.items():
        kind = KINDS[(flags >> _symtable.SCOPE_OFF) & _symtable.SCOPE_MASK]
        class_lookup = (is_class and kind != "global_explicit") or (
            sees_class and kind in ("free", "global_implicit")
        )
        names[name] = (kind, bool(flags & _symtable.DEF_PARAM), class_lookup)
    return names


def is_class_table(table: symtable.SymbolTable) -> bool:
    return table.get_type() == "class" or str(table.get_type()).endswith("CLASS")


def class_namespace_reads(table: symtable.SymbolTable) -> set[str]:
    """The names a class binds that are read from its namespace: by its body, or by the
    annotation scopes under it that search it first (``__classdict__``)."""
    symbols = table._table.symbols

    def kind(flags: int) -> str:
        return KINDS[(flags >> _symtable.SCOPE_OFF) & _symtable.SCOPE_MASK]

    # An inlined comprehension's variable never reaches the class namespace.
    comprehension_variable = DEF_COMP_ITER
    bound = {
        name
        for name, flags in symbols.items()
        if flags & (_symtable.DEF_LOCAL | _symtable.DEF_IMPORT)
        and not flags & comprehension_variable
        and kind(flags) in ("local", "cell")
    }
    read = {name for name in bound if symbols[name] & _symtable.USE}
    pending = list(table.get_children())
    while pending:
        child = pending.pop()
        child_symbols = child._table.symbols
        if is_class_table(child) or "__classdict__" not in child_symbols:
            continue
        read |= {
            name
            for name in bound
            if child_symbols.get(name, 0) & _symtable.USE
            and kind(child_symbols[name]) in ("free", "global_implicit")
        }
        pending.extend(child.get_children())
    return read


def augmented_targets(source: str, table: symtable.SymbolTable) -> set[str]:
    """The names a class body's augmented assignments target: a read of the class namespace
    that ``symtable`` does not mark as a use."""
    targets = set()
    pending: list[ast.AST] = list(body_of(source, table))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            targets.add(node.target.id)
        pending.extend(ast.iter_child_nodes(node))
    return targets


def normalised(names: dict[str, Entry], is_module: bool) -> dict[str, Entry]:
    if not is_module:
        return names
    return {name: ("global", parameter, False) for name, (_, parameter, _) in names.items()}


def bound_here(names: dict[str, Entry]) -> dict[str, Entry]:
    return {
        name: ("local" if kind == "cell" else kind, parameter, class_lookup)
        for name, (kind, parameter, class_lookup) in names.items()
    }


# CPython 3.12.0-3.12.3 mangle every private name in a generic class's type-parameter scope
# with the class's name; later releases (and the verifier) only the type parameters.
MANGLES_ALL_OF_A_GENERIC_CLASS = (3, 12) <= sys.version_info < (3, 12, 4)


def mangled_by_release(source: str) -> bool:
    """Whether a generic class's bases, keywords or type-parameter bounds and defaults use a
    private name other than its type parameters: one CPython releases mangle differently,
    which the verifier refuses (OC101)."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef) or not getattr(node, "type_params", None):
            continue
        own = {param.name for param in node.type_params}
        for part in [*node.bases, *node.keywords, *node.type_params]:
            for name in mangled_identifiers(part):
                if name.startswith("__") and not name.endswith("__") and name not in own:
                    return True
    return False


def mangled_identifiers(tree: ast.AST):
    """The identifiers under ``tree`` that CPython's compiler may mangle: names, attribute
    names and parameters (not a call's keyword names)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.arg):
            yield node.arg


def differences(source: str, filename: str, claims: list | None = None) -> list[str] | None:
    """Where the verifier and ``symtable`` disagree; ``None`` if either refuses the source,
    or if this interpreter's release mangles it unlike the one the verifier models.
    ``claims``, if given, stands in for the names the verifier's rules trusted."""
    try:
        top = symtable.symtable(source, filename, "exec")
    except (SyntaxError, ValueError, SystemError):
        # SystemError: 3.12.1's symtable fails on some programs its compiler also refuses.
        return None
    if MANGLES_ALL_OF_A_GENERIC_CLASS and mangled_by_release(source):
        return None
    model = _native._scope_model(source)
    if model is None:
        return None
    scopes, trusted = model
    if claims is not None:
        trusted = [
            (next(i for i, row in enumerate(scopes) if row[0] == label), name, trust, bound)
            for label, name, trust, bound in claims
        ]
    tables: dict[int, symtable.SymbolTable] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for index, (_, _, parent, _, _) in enumerate(scopes):
        if parent is not None:
            children[parent].append(index)
    found: list[str] = []

    def walk(scope: int, table: symtable.SymbolTable, where: str) -> None:
        tables[scope] = table
        names = dict(scopes[scope][3])
        is_class = is_class_table(table)
        extra = set(scopes[scope][4]) - class_namespace_reads(table)
        if is_class and (
            not set(scopes[scope][4]) >= class_namespace_reads(table)
            or not extra <= augmented_targets(source, table)
        ):
            found.append(
                f"{where}: the class names read from its namespace are "
                f"{sorted(scopes[scope][4])} to the verifier, "
                f"{sorted(class_namespace_reads(table))} to symtable"
            )
        unmatched = list(table.get_children())
        pairs = []
        inlined = False
        queue = list(children[scope])
        while queue:
            child = queue.pop(0)
            label, line, _, child_names, _ = scopes[child]
            match = next(
                (t for t in unmatched if t.get_name() == label and t.get_lineno() == line), None
            ) or next(
                # A generator expression that is a call's only argument starts at its `(`.
                (
                    t
                    for t in unmatched
                    if label == "genexpr" == t.get_name() and 0 < line - t.get_lineno() <= 3
                ),
                None,
            )
            if match is not None:
                unmatched.remove(match)
                pairs.append((child, match))
            elif label in INLINED:
                inlined = True
                tables[child] = table
                for name, (kind, parameter, _) in child_names.items():
                    if name not in names:
                        names[name] = (kind, parameter, is_class and kind != "global_explicit")
                    elif kind == "cell" and names[name][0] == "local":
                        names[name] = ("cell", *names[name][1:])
                queue[:0] = children[child]
            else:
                found.append(f"{where}: the verifier has scope {label!r} (line {line})")
        for table_child in unmatched:
            found.append(
                f"{where}: symtable has scope {table_child.get_name()!r} "
                f"(line {table_child.get_lineno()})"
            )
        expected = symtable_names(table)
        for name in IMPLICIT:
            if name not in names:
                expected.pop(name, None)
        # The implicit `__class__` cell of methods: the verifier refuses the name (OC402).
        names.pop("__class__", None)
        expected.pop("__class__", None)
        expected = {name: entry for name, entry in expected.items() if not name.startswith(".")}
        is_module = table.get_type() == "module" or str(table.get_type()).endswith("MODULE")
        mine, theirs = normalised(names, is_module), normalised(expected, is_module)
        if inlined:
            # An inlined comprehension reads its scope's locals directly: whether they are
            # also cells for other nested scopes no longer shows.
            mine, theirs = bound_here(mine), bound_here(theirs)
            # symtable records an inlined comprehension's variable over a name of the same
            # spelling that only passes through the scope to a nested one.
            for name, flags in table._table.symbols.items():
                if flags & DEF_COMP_ITER and mine.get(name, ("",))[0] == "free":
                    del mine[name]
                    theirs.pop(name, None)
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name):
                found.append(
                    f"{where}: {name!r} is {mine.get(name)} to the verifier, "
                    f"{theirs.get(name)} to symtable"
                )
        for child, table_child in pairs:
            walk(child, table_child, f"{where}/{table_child.get_name()}")

    walk(0, top, filename)
    if not found:
        found.extend(untrusted(source, top, tables, trusted))
    return found


def flags_of(table: symtable.SymbolTable, name: str) -> int:
    return table._table.symbols.get(name, 0)


def kind_of(table: symtable.SymbolTable, name: str) -> str | None:
    flags = table._table.symbols.get(name)
    if flags is None:
        return None
    return KINDS[(flags >> _symtable.SCOPE_OFF) & _symtable.SCOPE_MASK]


BINDS = _symtable.DEF_LOCAL | _symtable.DEF_IMPORT


def searches_a_class_first(table: symtable.SymbolTable) -> bool:
    return is_class_table(table) or "__classdict__" in table._table.symbols


def descendants(table: symtable.SymbolTable):
    for child in table.get_children():
        yield child
        yield from descendants(child)


def parents_of(top: symtable.SymbolTable) -> dict[int, symtable.SymbolTable]:
    parents = {}
    for table in [top, *descendants(top)]:
        for child in table.get_children():
            parents[child.get_id()] = table
    return parents


def positional_count(source: str, function: symtable.SymbolTable) -> int:
    """How many positional parameters the ``def`` of a function table declares."""
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name == function.get_name()
            and node.lineno == function.get_lineno()
        ):
            return len(node.args.posonlyargs) + len(node.args.args)
    raise AssertionError(f"no def for {function.get_name()!r} on line {function.get_lineno()}")


def rebound_by_a_nested_scope(method: symtable.SymbolTable, name: str) -> bool:
    """Whether a scope inside the method rebinds its local ``name`` (``nonlocal``)."""
    pending = list(method.get_children())
    while pending:
        table = pending.pop()
        if kind_of(table, name) != "free":
            continue
        if flags_of(table, name) & BINDS:
            return True
        pending.extend(table.get_children())
    return False


def receiver_problem(
    source: str, table: symtable.SymbolTable, name: str, parents: dict
) -> str | None:
    """Why CPython might resolve ``name``, read in ``table``, to anything but the first
    parameter of a method, never rebound; ``None`` if it cannot."""
    while kind_of(table, name) == "free":
        if searches_a_class_first(table):
            return "a class namespace is searched first"
        table = parents[table.get_id()]
    flags = flags_of(table, name)
    if table.get_type() not in ("function", _symtable.TYPE_FUNCTION):
        return f"it is bound in {table.get_type()} {table.get_name()!r}, not in a function"
    if kind_of(table, name) not in ("local", "cell") or not flags & _symtable.DEF_PARAM:
        return f"it is {kind_of(table, name)} in {table.get_name()!r}, not a parameter"
    if flags & BINDS or rebound_by_a_nested_scope(table, name):
        return f"{table.get_name()!r} rebinds it"
    if table.get_parameters()[0] != name or positional_count(source, table) == 0:
        return f"it is not the first positional parameter of {table.get_name()!r}"
    owner = parents[table.get_id()]
    if str(owner.get_type()).startswith(("type parameter", "SymbolTableType.TYPE_PARAMETERS")):
        owner = parents[owner.get_id()]  # a generic method's type-parameter scope
    if not is_class_table(owner):
        return f"{table.get_name()!r} is not defined in a class body"
    return None


def statement_binds(statement: ast.stmt, name: str) -> bool:
    """Whether a statement of a module or class body binds ``name`` in that body, as
    ``symtable`` sees the statement on its own (a `global` in a function included)."""
    try:
        table = symtable.symtable(ast.unparse(statement), "<statement>", "exec")
    except SyntaxError:
        return True  # cannot tell: count it as a binding
    if flags_of(table, name) & BINDS:
        return True
    return any(
        kind_of(inner, name) == "global_explicit" and flags_of(inner, name) & BINDS
        for inner in descendants(table)
    )


def body_of(source: str, table: symtable.SymbolTable) -> list[ast.stmt]:
    tree = ast.parse(source)
    if table.get_type() in ("module", _symtable.TYPE_MODULE):
        return tree.body
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.lineno == table.get_lineno():
            return node.body
    raise AssertionError(f"no class statement on line {table.get_lineno()}")


def builtin_problem(
    source: str,
    top: symtable.SymbolTable,
    table: symtable.SymbolTable,
    name: str,
    bound_from: dict[int, int],
    parents: dict,
) -> str | None:
    """Why CPython might resolve ``name``, read in ``table``, to anything but the builtin
    when the read runs; ``None`` if it cannot."""
    bodies = []  # the module or class bodies whose bindings the read may see
    while table is not top:
        kind = kind_of(table, name)
        if kind == "free":
            return f"it is free in {table.get_name()!r}: a function binds it"
        if is_class_table(table):
            if flags_of(table, name) & BINDS:
                bodies.append(table)
            break  # what a class body does not bind, it reads from the module
        if kind == "local":
            return f"it is local to {table.get_name()!r}"
        if kind == "global_explicit" or "__classdict__" not in table._table.symbols:
            break
        table = parents[table.get_id()]  # an annotation scope searches its class first
    module_binds = flags_of(top, name) & BINDS or any(
        kind_of(inner, name) == "global_explicit" and flags_of(inner, name) & BINDS
        for inner in descendants(top)
    )
    if module_binds:
        bodies.append(top)
    for body in bodies:
        position = bound_from.get(body.get_id())
        if position is None:
            return f"{body.get_name()!r} binds it and the verifier did not say from where"
        before = body_of(source, body)[:position]
        if any(statement_binds(statement, name) for statement in before):
            return f"{body.get_name()!r} binds it before the statement that reads it"
    return None


def untrusted(
    source: str,
    top: symtable.SymbolTable,
    tables: dict[int, symtable.SymbolTable],
    trusted: list[tuple[int, str, str, list[tuple[int, int]]]],
) -> list[str]:
    """The names the verifier's rules trusted that CPython might resolve otherwise."""
    parents = parents_of(top)
    found = []
    for scope, name, trust, bound_from in trusted:
        table = tables[scope]
        if trust == "receiver":
            problem = receiver_problem(source, table, name, parents)
        else:
            from_table = {tables[body].get_id(): position for body, position in bound_from}
            problem = builtin_problem(source, top, table, name, from_table, parents)
        if problem is not None:
            found.append(
                f"{table.get_name()!r} (line {table.get_lineno()}): the verifier trusts "
                f"{name!r} as the {trust}, but {problem}"
            )
    return found


def stdlib_files() -> list[Path]:
    files = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("**/*.py"))
    files = [path for path in files if "site-packages" not in path.parts]
    if os.environ.get("OCAPY_WHOLE_STDLIB"):
        return files
    return random.Random(12).sample(files, 60)


def corpus_files() -> list[Path]:
    return sorted((ROOT / "tests/third_party/corpus").glob("**/*.py")) + sorted(
        (ROOT / "tests/escapes").glob("*.py")
    )


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


@pytest.mark.parametrize(
    "paths", [stdlib_files(), corpus_files()], ids=["stdlib-sample", "corpora"]
)
def test_the_verifier_resolves_names_as_cpython_does(paths: list[Path]) -> None:
    compared = 0
    problems: list[str] = []
    for path in paths:
        source = read(path)
        if source is None:
            continue
        found = differences(source, str(path))
        if found is None:
            continue
        compared += 1
        problems.extend(found)
    assert compared >= len(paths) // 2
    assert not problems, "\n".join(problems[:40])


class Generator:
    """Small random programs of nested scopes, mangled names, global, nonlocal and walrus."""

    NAMES = ["a", "b", "x", "self", "__p", "_C__p", "__q__", "super", "classmethod", "len"]

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.lines: list[str] = []

    def name(self) -> str:
        return self.random.choice(self.NAMES)

    def expr(self, depth: int) -> str:
        choice = self.random.randrange(8 if depth < 3 else 2)
        if self.random.random() < 0.2:
            choice = 6
        if choice <= 1:
            return self.name()
        if choice == 6:
            # What the private-attribute rule trusts: a receiver, or `super()`.
            return f"{self.random.choice(['self', '__p', self.name()])}._p"
        if choice == 7:
            return "super()._p"
        if choice == 2:
            return f"[{self.expr(depth + 1)} for {self.name()} in {self.expr(depth + 1)}]"
        if choice == 3:
            return f"(lambda {self.name()}: {self.expr(depth + 1)})"
        if choice == 4:
            return f"({self.name()} for {self.name()} in {self.expr(depth + 1)})"
        return f"[({self.name()} := {self.expr(depth + 1)}) for {self.name()} in ()]"

    def block(self, indent: int, depth: int, kind: str) -> None:
        pad = " " * indent
        for _ in range(self.random.randrange(1, 4)):
            choice = self.random.randrange(self.kinds if depth < 3 else 3)
            if kind == "class" and depth < 3 and self.random.random() < 0.5:
                choice = 5  # methods, more often than other statements of a class body
            name = self.name()
            if choice == 0:
                self.lines.append(f"{pad}{name} = {self.expr(depth)}")
            elif choice == 1:
                self.lines.append(f"{pad}print({self.expr(depth)})")
            elif choice == 2 and kind == "function":
                self.lines.append(f"{pad}global {name}")
            elif choice == 3 and kind == "function":
                self.lines.append(f"{pad}nonlocal {name}")
            elif choice == 4:
                self.lines.append(f"{pad}del {name}")
            elif choice in (5, 6):
                decorator = self.random.choice(["", "classmethod", "staticmethod", "property"])
                if decorator:
                    self.lines.append(f"{pad}@{decorator}")
                if kind == "class" and self.random.random() < 0.7:
                    name = self.random.choice(["self", "__p"])  # a method's receiver
                self.lines.append(f"{pad}def {self.random.choice(['f', '__g', 'm'])}({name}):")
                self.block(indent + 4, depth + 1, "function")
            elif choice == 7:
                self.lines.append(f"{pad}class {self.random.choice(['C', '_D', '__E'])}:")
                self.block(indent + 4, depth + 1, "class")
            else:
                self.generic(pad, indent, depth, choice, kind)
            if self.random.random() < (0.3 if kind == "module" else 0.1):
                self.lines.append(f"{pad}import {name}")

    def annotation(self) -> str:
        # 3.12 refuses comprehensions, lambdas and walrus in an annotation scope in a class.
        return self.random.choice(["{}", "{}({})", "{}[{}]"]).format(self.name(), self.name())

    def type_params(self) -> str:
        params = []
        for _ in range(self.random.randrange(1, 3)):
            # Not a name a comprehension binds: PEP 709 makes an inlined comprehension's
            # variable a local of its function to symtable, and CPython raises NameError
            # for the sibling scopes that read it, where the verifier resolves them outward.
            name = self.random.choice(["T", "__U", "_C__U"])
            if self.random.random() < 0.5:
                name += f": {self.annotation()}"
            params.append(name)
        return ", ".join(params)

    def base(self, depth: int, kind: str) -> str:
        """A generic class's base: sometimes a lambda or generator expression, whose scope
        nests in the type-parameter scope (3.13 mangles only the type parameters there too).
        3.12 refuses them in an annotation scope in a class."""
        if (kind != "class" or sys.version_info >= (3, 13)) and self.random.random() < 0.5:
            if self.random.random() < 0.5:
                return f"(lambda {self.name()}: {self.expr(depth + 1)})"
            return f"({self.expr(depth + 1)} for {self.name()} in {self.expr(depth + 1)})"
        return self.annotation()

    def generic(self, pad: str, indent: int, depth: int, choice: int, kind: str) -> None:
        """PEP 695 definitions (3.12+), whose annotation scopes may see a class's names."""
        if choice == 8:
            name = self.random.choice(["f", "__g", "m"])
            annotated = f"{self.name()}: {self.annotation()}"
            self.lines.append(
                f"{pad}def {name}[{self.type_params()}]({annotated}) -> {self.annotation()}:"
            )
            self.block(indent + 4, depth + 1, "function")
        elif choice == 9:
            name = self.random.choice(["C", "_D", "__E"])
            bases = self.base(depth, kind)
            self.lines.append(f"{pad}class {name}[{self.type_params()}]({bases}):")
            self.block(indent + 4, depth + 1, "class")
        else:
            self.lines.append(f"{pad}type A[{self.type_params()}] = {self.annotation()}")

    @property
    def kinds(self) -> int:
        # Generic definitions where the interpreter mangles them as the verifier models.
        return 11 if sys.version_info >= (3, 12, 4) else 8

    def program(self) -> str:
        self.block(0, 0, "module")
        return "\n".join(self.lines) + "\n"


def test_generated_programs_resolve_as_cpython_does() -> None:
    compared = 0
    problems: list[str] = []
    for seed in range(1500):
        source = Generator(seed).program()
        try:
            compile(source, "<generated>", "exec")
        except (SyntaxError, SystemError):
            continue
        found = differences(source, f"<seed {seed}>")
        assert found is not None, source
        compared += 1
        if found:
            problems.append(source + "\n".join(found))
    assert compared > 300
    assert not problems, "\n\n".join(problems[:5])


# Each claim, made of a name CPython resolves otherwise, that the proof must refuse.
WRONG_CLAIMS = {
    "rebound": ("class C:\n def m(self, o):\n  self = o\n", ("m", "self", "receiver", [])),
    "rebound by a nested scope": (
        "class C:\n def m(self, o):\n  def g():\n   nonlocal self\n   self = o\n",
        ("m", "self", "receiver", []),
    ),
    "not the first parameter": ("class C:\n def m(self, o):\n  o\n", ("m", "o", "receiver", [])),
    "keyword-only": ("class C:\n def m(*, self):\n  self\n", ("m", "self", "receiver", [])),
    "not in a class": ("def m(self):\n self\n", ("m", "self", "receiver", [])),
    "class namespace": (
        "def f(self):\n class C:\n  self\n",
        ("C", "self", "receiver", []),
    ),
    "a function binds it": (
        "def f():\n super = 1\n def g():\n  super\n",
        ("g", "super", "builtin", []),
    ),
    "the module binds it first": (
        "super = 1\nclass C:\n super\n",
        ("C", "super", "builtin", [(0, 1)]),
    ),
    "a global in a function binds it": (
        "def f():\n global super\n super = 1\ndef g():\n super\n",
        ("g", "super", "builtin", []),
    ),
}


@pytest.mark.parametrize("case", WRONG_CLAIMS)
def test_the_proof_refuses_a_name_cpython_resolves_otherwise(case: str) -> None:
    source, claim = WRONG_CLAIMS[case]
    assert differences(source, case) == []
    found = differences(source, case, claims=[claim])
    assert found and "the verifier trusts" in found[0], found


def test_the_proof_accepts_what_cpython_cannot_resolve_otherwise() -> None:
    source = "class C:\n super\n def m(self, o):\n  lambda: self\nsuper = 1\n"
    claims = [
        ("m", "self", "receiver", []),
        ("lambda", "self", "receiver", []),
        ("C", "super", "builtin", [(0, 0)]),
    ]
    assert differences(source, "accepted", claims=claims) == []
