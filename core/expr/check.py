"""Load-time checks that make a rule expression safe to evaluate.

An expression is parsed once, when the rules load, and every node of its syntax
tree is checked against an allow-list before anything runs:

- only arithmetic, comparisons, boolean logic, conditionals, list literals,
  constants, names and calls to the registered function library;
- names only from what the rules declare (inputs, indicators, aspects, earlier
  components), with a "did you mean" for typos;
- no attribute access, subscripts, comprehensions, lambdas or f-strings, so no
  expression can reach a method, a dunder or the caller's data;
- caps on the text length, nesting depth and size of the tree; integer constants
  are bounded; powers, repeats and shifts are checked again at run time;
- static types (number, string, bool, list) so that text formatting with ``%`` and
  text repetition are refused before they can run.

The checked tree is what :mod:`kinerja.expr.columnar` turns into polars expressions.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from kinerja.errors import ExprError
from kinerja.functions import FUNCTIONS, REQUIRED, Function
from kinerja.i18n import N_, _

MAX_LENGTH = 2000
MAX_DEPTH = 24
MAX_NODES = 500
MAX_INT = 10**15
MAX_STR = 500
MAX_LIST = 100
MAX_EXPONENT = 64
MAX_SHIFT = 64

NUMBER, STRING, BOOL, LIST, ANY, NONE = "number", "string", "bool", "list", "any", "none"

_BINOPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_CMPOPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)

_REFUSED_WORDS: dict[type, str] = {
    ast.Attribute: N_("attribute access (a.b) is not allowed; use a function from the library"),
    ast.Subscript: N_("indexing (a[b]) is not allowed"),
    ast.Lambda: N_("lambda is not allowed"),
    ast.ListComp: N_("comprehensions are not allowed"),
    ast.SetComp: N_("comprehensions are not allowed"),
    ast.DictComp: N_("comprehensions are not allowed"),
    ast.GeneratorExp: N_("generator expressions are not allowed"),
    ast.JoinedStr: N_("f-strings are not allowed"),
    ast.NamedExpr: N_("assignment (:=) is not allowed"),
    ast.Dict: N_("dictionaries are not allowed"),
    ast.Set: N_("sets are not allowed"),
    ast.Starred: N_("unpacking (*) is not allowed"),
    ast.Await: N_("await is not allowed"),
    ast.Yield: N_("yield is not allowed"),
    ast.YieldFrom: N_("yield is not allowed"),
    ast.Slice: N_("slices are not allowed"),
}
"""Why each refused kind of syntax is refused (translated where shown)."""

_TYPE_WORDS: dict[str, str] = {
    # i18n: the type of a value in a rule expression, as in "must be a number, not string"
    NUMBER: N_("number"),
    # i18n: the type of a value in a rule expression (text), as in "must be a number, not string"
    STRING: N_("string"),
    # i18n: the type of a value in a rule expression (true or false)
    BOOL: N_("bool"),
    # i18n: the type of a value in a rule expression, as in "must be a list, not number"
    LIST: N_("list"),
}
"""An expression's static types in the words an argument error shows."""

_HINTS = (
    N_("(did you mean {first}?)"),
    N_("(did you mean {first} or {second}?)"),
    N_("(did you mean {first} or {second} or {third}?)"),
)
"""The did-you-mean hint for one, two or three close names."""


@dataclass(frozen=True, slots=True)
class Checked:
    """An expression that passed every check, ready to compile."""

    source: str
    tree: ast.Expression
    type: str
    names: tuple[str, ...]
    """Declared names the expression reads, in first-use order."""
    functions: tuple[str, ...]


class Scope:
    """What an expression may refer to: names with their static types, and the bands."""

    def __init__(
        self,
        names: Mapping[str, str],
        bands: frozenset[str] = frozenset(),
        functions: Mapping[str, Function] | None = None,
    ):
        self.names = dict(names)
        self.bands = bands
        self.functions = dict(FUNCTIONS if functions is None else functions)

    def with_names(self, extra: Mapping[str, str]) -> Scope:
        """A copy of this scope that also knows ``extra`` names."""
        return Scope({**self.names, **extra}, self.bands, self.functions)


def check_expression(source: object, scope: Scope) -> Checked:
    """Parse and check one expression against ``scope``.

    :param source: the expression text from the rule file.
    :param scope: the names, bands and functions it may use.
    :raises ExprError: with a plain-words reason and the column it applies to.
    """
    if isinstance(source, bool) or not isinstance(source, (str, int, float)):
        raise ExprError(_("an expression must be text, such as `0.6 * hasil_kerja`"))
    text = str(source)
    if not text.strip():
        raise ExprError(_("the expression is empty"))
    if len(text) > MAX_LENGTH:
        message = _(
            "expression is {length} characters; the limit is {limit}",
            length=str(len(text)),
            limit=str(MAX_LENGTH),
        )
        raise ExprError(message)
    if "\n" in text.strip() or "\r" in text:
        text = " ".join(text.split())
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        offset = max((exc.offset or 1) - 1, 0)
        raise ExprError(_("syntax error: {detail}", detail=exc.msg), offset) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExprError(_("the expression cannot be parsed (too deeply nested?)")) from None
    if _depth(tree) > MAX_DEPTH + 2:  # measured without recursion, before any visitor runs
        raise ExprError(_too_deep())
    tree = _Literals().visit(tree)
    checker = _Checker(scope)
    result_type = checker.visit_node(tree.body, 1)
    if checker.count > MAX_NODES:
        message = _(
            "expression has {count} parts; the limit is {limit}",
            count=str(checker.count),
            limit=str(MAX_NODES),
        )
        raise ExprError(message)
    return Checked(text.strip(), tree, result_type, tuple(checker.names), tuple(checker.functions))


def _depth(tree: ast.AST) -> int:
    """The nesting depth of a syntax tree, walked iteratively (no recursion limit)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _too_deep() -> str:
    return _("expression is nested more than {limit} levels deep", limit=str(MAX_DEPTH))


def suggest(name: str, candidates: list[str]) -> str:
    """A ``did you mean`` hint for a misspelt name (up to three close names, quoted, after
    a space), or an empty string."""
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not close:
        return ""
    first, second, third = [*map(repr, close), "", ""][:3]
    return " " + _(_HINTS[len(close) - 1], first=first, second=second, third=third)


class _Literals(ast.NodeTransformer):
    """Read YAML-style ``true``, ``false`` and ``null`` as the constants they mean."""

    words = {"true": True, "false": False, "null": None}

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.words:
            return ast.copy_location(ast.Constant(self.words[node.id]), node)
        return node


def _literal_number(node: ast.AST) -> int | float | None:
    """The value of a number written out (``65``, ``-65``), else None: checked at run time."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        if not isinstance(node.value, bool):
            return sign * node.value
    return None


class _Checker:
    def __init__(self, scope: Scope):
        self.scope = scope
        self.names: dict[str, None] = {}
        self.functions: dict[str, None] = {}
        self.count = 0

    def fail(self, node: ast.AST, message: str) -> ExprError:
        return ExprError(message, getattr(node, "col_offset", 0))

    def visit_node(self, node: ast.AST, depth: int) -> str:
        self.count += 1
        if depth > MAX_DEPTH:
            raise self.fail(node, _too_deep())
        if self.count > MAX_NODES:
            limit = str(MAX_NODES)
            raise self.fail(node, _("expression has more than {limit} parts", limit=limit))
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            refused = _REFUSED_WORDS.get(type(node))
            kind = type(node).__name__
            reason = _(refused) if refused else _("{kind} is not allowed", kind=kind)
            raise self.fail(node, reason)
        node_type: str = method(node, depth + 1)
        node.kinerja_type = node_type  # type: ignore[attr-defined]  # read by the compiler
        return node_type

    # leaves ---------------------------------------------------------------
    def visit_Constant(self, node: ast.Constant, depth: int) -> str:
        value = node.value
        if value is None:
            return NONE
        if isinstance(value, bool):
            return BOOL
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                raise self.fail(node, _too_large(value))
            return NUMBER
        if isinstance(value, float):
            if value - value != 0 or abs(value) > MAX_INT:
                raise self.fail(node, _too_large(value))
            return NUMBER
        if isinstance(value, str):
            if len(value) > MAX_STR:
                limit = str(MAX_STR)
                raise self.fail(
                    node, _("text constant longer than {limit} characters", limit=limit)
                )
            return STRING
        kind = type(value).__name__
        raise self.fail(node, _("constant of type {kind} is not allowed", kind=kind))

    def visit_Name(self, node: ast.Name, depth: int) -> str:
        name = node.id
        if name.startswith("_"):
            raise self.fail(node, _underscore(name))
        if name in self.scope.names:
            self.names.setdefault(name, None)
            return self.scope.names[name]
        if name in self.scope.functions or name == "band":
            raise self.fail(node, _("{name} is a function; call it like {name}(...)", name=name))
        hint = suggest(name, sorted(self.scope.names))
        raise self.fail(node, _("unknown name {name}{hint}", name=repr(name), hint=hint))

    # operators ------------------------------------------------------------
    def visit_BinOp(self, node: ast.BinOp, depth: int) -> str:
        op = _BINOPS.get(type(node.op))
        if op is None:
            kind = type(node.op).__name__
            raise self.fail(node, _("operator {kind} is not allowed", kind=kind))
        left = self.visit_node(node.left, depth)
        right = self.visit_node(node.right, depth)
        if LIST in (left, right):
            message = _("cannot use {op} on a list; use total(), mean() or wmean()", op=op)
            raise self.fail(node, message)
        if op == "+" and STRING in (left, right):
            if {left, right} <= {STRING, ANY}:
                return STRING
            raise self.fail(node, _("cannot add text and a number"))
        if op == "%" and left == STRING:
            raise self.fail(node, _("text formatting with % is not allowed"))
        if op == "*" and STRING in (left, right):
            raise self.fail(node, _("repeating text with * is not allowed"))
        if STRING in (left, right):
            raise self.fail(node, _("cannot use {op} on text", op=op))
        amount = _literal_number(node.right)
        if op == "**" and amount is not None and abs(amount) > MAX_EXPONENT:
            message = _(
                "exponent {amount} is above the limit of {limit}",
                amount=str(amount),
                limit=str(MAX_EXPONENT),
            )
            raise self.fail(node.right, message)
        if op in ("<<", ">>") and amount is not None and not 0 <= amount <= MAX_SHIFT:
            limit = str(MAX_SHIFT)
            message = _("shift amount must be a whole number from 0 to {limit}", limit=limit)
            raise self.fail(node.right, message)
        if ANY in (left, right) or NONE in (left, right):
            return ANY if op in ("+", "*", "%") else NUMBER
        return NUMBER

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> str:
        operand = self.visit_node(node.operand, depth)
        if isinstance(node.op, ast.Not):
            return BOOL
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            if operand in (STRING, LIST):
                raise self.fail(node, _("cannot negate text or a list"))
            return NUMBER
        raise self.fail(node, _("bitwise inversion (~) is not allowed"))

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> str:
        types = {self.visit_node(v, depth) for v in node.values}
        return types.pop() if len(types) == 1 else ANY

    def visit_Compare(self, node: ast.Compare, depth: int) -> str:
        types = [self.visit_node(node.left, depth)]
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if not isinstance(op, _CMPOPS):
                kind = type(op).__name__
                raise self.fail(node, _("comparison {kind} is not allowed", kind=kind))
            right = self.visit_node(comparator, depth)
            left = types[-1]
            if isinstance(op, (ast.In, ast.NotIn)):
                if right not in (LIST, STRING, ANY):
                    raise self.fail(comparator, _("`in` needs a list, e.g. x in ['a', 'b']"))
            elif isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
                pair = {left, right}
                if STRING in pair and NUMBER in pair:
                    raise self.fail(node, _("cannot order text against a number"))
            types.append(right)
        return BOOL

    def visit_IfExp(self, node: ast.IfExp, depth: int) -> str:
        self.visit_node(node.test, depth)
        body = self.visit_node(node.body, depth)
        orelse = self.visit_node(node.orelse, depth)
        if body == orelse:
            return body
        if NONE in (body, orelse):
            return orelse if body == NONE else body
        return ANY

    def visit_List(self, node: ast.List | ast.Tuple, depth: int) -> str:
        if len(node.elts) > MAX_LIST:
            raise self.fail(node, _("list has more than {limit} items", limit=str(MAX_LIST)))
        for element in node.elts:
            if self.visit_node(element, depth) == LIST:
                raise self.fail(element, _("lists inside lists are not allowed"))
        return LIST

    visit_Tuple = visit_List

    # calls ----------------------------------------------------------------
    def visit_Call(self, node: ast.Call, depth: int) -> str:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, _("only functions from the library can be called, by name"))
        name = node.func.id
        if name.startswith("_"):
            raise self.fail(node, _underscore(name))
        if name == "band":
            return self._band(node, depth)
        function = self.scope.functions.get(name)
        if function is None:
            hint = suggest(name, sorted([*self.scope.functions, "band"]))
            raise self.fail(node, _("unknown function {name}{hint}", name=repr(name), hint=hint))
        self.functions.setdefault(name, None)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.fail(node, _("unpacking (**) is not allowed"))
        arg_types = [self.visit_node(a, depth) for a in node.args]
        kw_types = {k.arg: self.visit_node(k.value, depth) for k in node.keywords}
        self._check_arity(node, function, arg_types, kw_types)
        return function.returns

    def _check_arity(
        self, node: ast.Call, function: Function, args: list[str], kwargs: dict[str | None, str]
    ) -> None:
        params = function.params
        name = function.name
        signature = (
            f"{name}({', '.join(p.name for p in params)}{', ...' if function.variadic else ''})"
        )
        if function.variadic:
            self._check_variadic(node, function, args, kwargs, signature)
            return
        if len(args) > len(params):
            message = _(
                "{name}() takes at most {count} arguments: {signature}",
                name=name,
                count=str(len(params)),
                signature=signature,
            )
            raise self.fail(node, message)
        given: dict[str, str] = {p.name: t for p, t in zip(params, args, strict=False)}
        for key, t in kwargs.items():
            if key not in {p.name for p in params}:
                hint = suggest(str(key), [p.name for p in params])
                message = _(
                    "{name}() has no argument {key}{hint}: {signature}",
                    name=name,
                    key=repr(key),
                    hint=hint,
                    signature=signature,
                )
                raise self.fail(node, message)
            if key in given:
                raise self.fail(node, _("{name}() got {key} twice", name=name, key=repr(key)))
            given[str(key)] = t
        for param in params:
            if param.name not in given:
                if param.default is REQUIRED:
                    message = _(
                        "{name}() is missing {param}: {signature}",
                        name=name,
                        param=repr(param.name),
                        signature=signature,
                    )
                    raise self.fail(node, message)
                continue
            t = given[param.name]
            if param.type in (NUMBER, STRING, LIST) and t not in (param.type, ANY, NONE):
                message = _(
                    "{name}() argument {param} must be a {wanted}, not {got}",
                    name=name,
                    param=repr(param.name),
                    wanted=_(_TYPE_WORDS[param.type]),
                    got=_(_TYPE_WORDS[t]) if t in _TYPE_WORDS else t,
                )
                raise self.fail(node, message)

    def _check_variadic(
        self,
        node: ast.Call,
        function: Function,
        args: list[str],
        kwargs: dict[str | None, str],
        signature: str,
    ) -> None:
        name = function.name
        if kwargs:
            message = _(
                "{name}() takes no named arguments; use {signature}",
                name=name,
                signature=signature,
            )
            raise self.fail(node, message)
        expected = function.params[0].type if function.params else ANY
        for t in args:
            if expected == NUMBER and t == STRING:
                raise self.fail(node, _("{name}() needs numbers, got text", name=name))
            if expected == NUMBER and t == BOOL:
                raise self.fail(node, _("{name}() needs numbers, got true/false", name=name))

    def _band(self, node: ast.Call, depth: int) -> str:
        if len(node.args) != 2 or node.keywords:
            message = _("band() takes two arguments: band(value, 'table name')")
            raise self.fail(node, message)
        self.visit_node(node.args[0], depth)
        table = node.args[1]
        if not (isinstance(table, ast.Constant) and isinstance(table.value, str)):
            message = _("band()'s second argument must be a table name in quotes")
            raise self.fail(table, message)
        if table.value not in self.scope.bands:
            raise self.fail(table, _no_band(table.value, sorted(self.scope.bands)))
        self.functions.setdefault("band", None)
        self.count += 1
        return STRING


def _too_large(value: int | float) -> str:
    limit = f"{MAX_INT:.0e}"
    return _("number {value} is larger than {limit}", value=str(value), limit=limit)


def _underscore(name: str) -> str:
    return _("names starting with '_' are not allowed: {name}", name=name)


def _no_band(table: str, bands: list[str]) -> str:
    """Why ``band(x, table)`` is refused when no such table is declared."""
    hint = suggest(table, bands)
    if not bands:
        return _(
            "no band table {table}{hint}; bands: none are declared", table=repr(table), hint=hint
        )
    known = ", ".join(bands)
    return _(
        "no band table {table}{hint}; bands: {known}", table=repr(table), hint=hint, known=known
    )
