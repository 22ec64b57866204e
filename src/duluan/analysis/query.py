"""Topic queries: a small boolean syntax over accent-folded words, parsed once and matched fast.

Syntax (operators in capitals; everything else is matched without case or diacritics):

    gia xang                 two words, both present (adjacent terms are joined by AND)
    "gia xang"               the phrase: the words next to each other, in this order
    tham nhung*              a word starting with `nhung` (trailing * on a single word)
    A OR B, A AND B, NOT A   boolean operators; NOT binds tighter than AND, AND than OR
    ( … )                    grouping

`Giá xăng` in a query and `gia xang`, `GIÁ XĂNG` in a text all match: both sides are folded
with `duluan.text.fold`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from duluan.errors import BadInput
from duluan.text.fold import fold
from duluan.text.tokens import per_token

MAX_QUERY_LENGTH = 2000
_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|([^\s()"]+))')
_WORD = re.compile(r"[0-9a-z]+")


def _token_words(token: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(token)))


_folded_words = per_token(_token_words)


@dataclass(frozen=True, slots=True)
class Text:
    """A text prepared for matching: its folded words, as a set and as a padded sequence."""

    words: tuple[str, ...]
    word_set: frozenset[str]
    padded: str

    @classmethod
    def of(cls, raw: str) -> Text:
        words = tuple(_folded_words(raw))
        return cls(words, frozenset(words), f" {' '.join(words)} ")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    prefix: bool = False

    def matches(self, text: Text) -> bool:
        if self.prefix:
            return any(word.startswith(self.words[0]) for word in text.word_set)
        if self.words[0] not in text.word_set:
            return False  # cheap set test first; most texts lack the first word of a phrase
        return len(self.words) == 1 or f" {' '.join(self.words)} " in text.padded


@dataclass(frozen=True)
class Not:
    operand: Node

    def matches(self, text: Text) -> bool:
        return not self.operand.matches(text)


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Node, ...]

    def matches(self, text: Text) -> bool:
        return all(o.matches(text) for o in self.operands)


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Node, ...]

    @cached_property
    def _split(self) -> tuple[frozenset[str], dict[str, list[str]], tuple[Node, ...]]:
        """Plain words, tested together with one set operation; phrases, by their first word
        (padded as in `Text.padded`); and the other operands."""
        plain: set[str] = set()
        phrases: dict[str, list[str]] = {}
        rest: list[Node] = []
        for o in self.operands:
            if isinstance(o, Term) and not o.prefix and len(o.words) == 1:
                plain.add(o.words[0])
            elif isinstance(o, Term) and not o.prefix:
                phrases.setdefault(o.words[0], []).append(f" {' '.join(o.words)} ")
            else:
                rest.append(o)
        return frozenset(plain), phrases, tuple(rest)

    def matches(self, text: Text) -> bool:
        plain, phrases, rest = self._split
        if not plain.isdisjoint(text.word_set):
            return True
        for first in text.word_set.intersection(phrases):
            for phrase in phrases[first]:
                if phrase in text.padded:
                    return True
        return bool(rest) and any(o.matches(text) for o in rest)


Node = Term | Not | AllOf | AnyOf


def anchors(node: Node) -> frozenset[str] | None:
    """Words of which a matching text must contain at least one; None when that cannot be said.

    Lets a caller skip most queries with one set test instead of walking their tree.
    """
    if isinstance(node, Term):
        return None if node.prefix else frozenset(node.words[:1])
    if isinstance(node, AnyOf):
        union: set[str] = set()
        for operand in node.operands:
            part = anchors(operand)
            if part is None:
                return None
            union |= part
        return frozenset(union)
    if isinstance(node, AllOf):
        known = [p for p in map(anchors, node.operands) if p is not None]
        return min(known, key=len) if known else None
    return None


def _tokens(query: str) -> list[str]:
    """Split into `(`, `)`, operators, words and phrases (phrases keep a leading quote)."""
    tokens, position = [], 0
    while position < len(query):
        if not query[position:].strip():
            break
        found = _TOKEN.match(query, position)
        if found is None:
            raise BadInput("errors.query_unclosed_quote", position=position + 1)
        opening, closing, phrase, word = found.groups()
        tokens.append(opening or closing or (f'"{phrase}' if phrase is not None else word))
        position = found.end()
    return tokens


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary (AND? unary)*; unary := NOT? atom."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.index = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_unary()]
        while self.peek() not in (None, "OR", ")"):
            if self.peek() == "AND":
                self.take()
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def parse_unary(self) -> Node:
        if self.peek() == "NOT":
            self.take()
            return Not(self.parse_unary())
        return self.parse_atom()

    def parse_atom(self) -> Node:
        item = self.peek()
        if item is None or item in ("AND", "OR", ")"):
            raise BadInput(
                "errors.query_missing_term", after=self.tokens[self.index - 1] if self.index else ""
            )
        self.take()
        if item == "(":
            node = self.parse_or()
            if self.peek() != ")":
                raise BadInput("errors.query_unclosed_parenthesis")
            self.take()
            return node
        return _term(item)


def _term(token: str) -> Term:
    prefix = token.endswith("*") and not token.startswith('"')
    words = tuple(_WORD.findall(fold(token.lstrip('"').rstrip("*"))))
    if not words:
        raise BadInput("errors.query_empty_term", term=token.lstrip('"'))
    if prefix and len(words) > 1:
        raise BadInput("errors.query_prefix_phrase", term=token)
    return Term(words, prefix)


def parse(query: str) -> Node:
    """The query as a tree; BadInput with a message naming the problem if it is malformed."""
    if len(query) > MAX_QUERY_LENGTH:
        raise BadInput("errors.query_too_long", max=MAX_QUERY_LENGTH)
    tokens = _tokens(query)
    if not tokens:
        raise BadInput("errors.query_empty")
    parser = _Parser(tokens)
    node = parser.parse_or()
    if parser.peek() is not None:
        raise BadInput("errors.query_unexpected", token=parser.peek())
    return node
