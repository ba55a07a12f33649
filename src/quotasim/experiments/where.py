"""``--where "EXPR"``: a condition on a sweep's summary outputs, parsed and checked without NumPy.

Grammar (words are case-sensitive)::

    expr       := conjunct ("or" conjunct)*
    conjunct   := negation ("and" negation)*
    negation   := "not" negation | "(" expr ")" | comparison
    comparison := operand OP operand        OP: < <= > >= == !=
    operand    := OUTPUT | NUMBER           one side at least an output, e.g. exiled_persons > 20

``OUTPUT`` is a summary key as the sweep's tables name it (``at_review.arrested``,
``collected_by_source.households``). :func:`parse` returns a tree that :func:`evaluate` turns into a
boolean array over the runs; both raise :class:`InputError` with one line saying what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence, Union

from quotasim.errors import InputError

WHERE = "--where"
OPS = ("<=", ">=", "==", "!=", "<", ">")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<op><=|>=|==|!=|<|>)"
    r"|(?P<paren>[()])|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(?P<bad>\S))"
)
EXAMPLE = "e.g. \"exiled_persons > 20\" or \"at_review.arrested >= 5 and complained < 10\""


@dataclass(frozen=True)
class Compare:
    left: Union[str, float]
    op: str
    right: Union[str, float]


@dataclass(frozen=True)
class Logic:
    op: str  # "and", "or", "not"
    args: tuple


Node = Union[Compare, Logic]


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        kind = m.lastgroup
        value = m.group(kind)
        start = m.start(kind)
        if kind == "bad":
            raise InputError(f"unexpected {value!r} at position {start + 1} of {text!r}; {EXAMPLE}", where=WHERE)
        if kind == "name" and value in ("and", "or", "not"):
            kind = value
        out.append((kind, value, start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else ("end", "", len(self.text))

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def fail(self, expected: str):
        kind, value, pos = self.peek()
        found = "the end" if kind == "end" else repr(value)
        raise InputError(f"expected {expected} at position {pos + 1} of {self.text!r}, found {found}; {EXAMPLE}", where=WHERE)

    def expr(self) -> Node:
        args = [self.conjunct()]
        while self.peek()[0] == "or":
            self.take()
            args.append(self.conjunct())
        return args[0] if len(args) == 1 else Logic("or", tuple(args))

    def conjunct(self) -> Node:
        args = [self.negation()]
        while self.peek()[0] == "and":
            self.take()
            args.append(self.negation())
        return args[0] if len(args) == 1 else Logic("and", tuple(args))

    def negation(self) -> Node:
        kind = self.peek()[0]
        if kind == "not":
            self.take()
            return Logic("not", (self.negation(),))
        if kind == "paren" and self.peek()[1] == "(":
            self.take()
            node = self.expr()
            if self.peek()[1] != ")":
                self.fail("')'")
            self.take()
            return node
        return self.comparison()

    def operand(self):
        kind, value, _ = self.peek()
        if kind == "number":
            self.take()
            return float(value)
        if kind == "name":
            self.take()
            return value
        self.fail("an output name or a number")

    def comparison(self) -> Compare:
        left = self.operand()
        if self.peek()[0] != "op":
            self.fail("a comparison (< <= > >= == !=)")
        op = self.take()[1]
        right = self.operand()
        if not isinstance(left, str) and not isinstance(right, str):
            raise InputError(f"{left:g} {op} {right:g} compares two numbers; compare an output, {EXAMPLE}", where=WHERE)
        if self.peek()[0] == "op":
            self.fail("'and' or 'or' (write a < x and x < b, not a < x < b)")
        return Compare(left, op, right)


def parse(text: str) -> Node:
    """The tree of ``text``; InputError (one line) if it is not a condition."""
    if not text or not text.strip():
        raise InputError(f"is empty; {EXAMPLE}", where=WHERE)
    p = _Parser(text)
    node = p.expr()
    if p.peek()[0] != "end":
        p.fail("'and', 'or' or the end")
    return node


def names(node: Node) -> list[str]:
    """The output names ``node`` reads, in order of appearance."""
    if isinstance(node, Compare):
        return [s for s in (node.left, node.right) if isinstance(s, str)]
    out: list[str] = []
    for arg in node.args:
        out += [n for n in names(arg) if n not in out]
    return out


def check(node: Node, outputs: Sequence[str], params: Sequence[str] = ()) -> None:
    """Every name in ``node`` must be an output of the sweep."""
    from quotasim.experiments.outcomes import check_outputs

    check_outputs(names(node), list(outputs), where=WHERE, params={p: None for p in params})


def evaluate(node: Node, columns: Mapping[str, Any]):
    """A boolean NumPy array: ``node`` on ``columns`` (output -> array); a missing value is false."""
    import numpy as np

    if isinstance(node, Logic):
        parts = [evaluate(a, columns) for a in node.args]
        if node.op == "not":
            return ~parts[0]
        return np.logical_and.reduce(parts) if node.op == "and" else np.logical_or.reduce(parts)

    def value(side):
        return np.asarray(columns[side], dtype=float) if isinstance(side, str) else side

    a, b = value(node.left), value(node.right)
    with np.errstate(invalid="ignore"):
        result = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
                  "==": np.equal, "!=": np.not_equal}[node.op](a, b)
    missing = np.zeros(np.shape(result), dtype=bool)
    for side in (a, b):
        if isinstance(side, np.ndarray):
            missing |= np.isnan(side)
    return np.asarray(result, dtype=bool) & ~missing
