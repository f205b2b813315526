"""Operator files: one operator per TOML file, read as data (a public contract).

```toml
name = "my-anchor"
kind = "meta"                        # softening | aggregation | meta
component = "alpha*p[i] + (1 - alpha)*q[i]"
normalize = false
[parameters]
alpha = "0 < alpha <= 1"
[roles]
anchor_weight = "alpha"
```

Joint constraints among the parameters are linear equations, ``constraints = ["w_1 + w_2 = 1"]``
(the domain is the parameters' own domains and the constraints; it must not be empty).

Inputs by kind: softening ``p``; aggregation teachers ``p1 .. pm`` (``teachers = m``, default
2); meta the anchor ``p``, the student ``q`` and older students ``q1 .. q{k-1}``
(``memory = k``, default 1).  Roles: ``temperature`` (default ``tau``; a softening without
parameters, like top-k, has no temperature and no temperature axioms) and ``identity``
(default 1) for softening, ``weights`` (one expression per teacher) for aggregation,
``anchor_weight`` (and optionally ``temperature``) for meta.  Every formula goes through :mod:`kdaxioms.symbolic.parse`.

An aggregation without weights (``Max(p1[i], p2[i])``, say) writes ``weights = []``: every
axiom but weight monotonicity (A3, then "not applicable") is audited.  The empty list must be
written: a missing ``weights`` role is an error, so that a forgotten role is never read as
"no weights".

One validation for every command (``audit``, ``iterate``, ``derive``, ``report --operator``):
:func:`load_operator` reads a regular file of bounded size (:mod:`.limits`), every formula and
domain goes through :mod:`.parse` (with its limits), and then, on the whole operator:

- parameter names are ASCII identifiers (``[A-Za-z][A-Za-z0-9_]*``) that are not a function
  name, ``n``, ``i``, ``j``, an input name of any kind (``p``, ``q``, ``p1``.., ``q0``..) or a
  process input of ``iterate --set`` (``N``, ``Phi``); names such as ``a_b_c`` are printed by
  SymPy's LaTeX printer (``a_{b c}``), non-ASCII names such as ``α`` are refused (write ``alpha``);
- every domain is turned into its assumptions and, for a domain of its parameter alone, its
  interval: a failure of that machinery is an :class:`InputError`, never a traceback;
- exponents stay small at the parameter values the audit substitutes
  (:func:`.limits.check_exponent_values`).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Mapping

import sympy as sp

from . import limits
from .domains import Parameter
from .errors import InputError, KdaxiomsError, excerpt
from .model import Kind, Operator, real
from .parse import FUNCTION_NAMES, ParseError, parse_constraint, parse_domain, parse_expression

_KEYS = {"name", "kind", "component", "normalize", "parameters", "constraints", "roles", "teachers", "memory", "title"}
_ROLES = {
    Kind.SOFTENING: {"temperature", "identity"},
    Kind.AGGREGATION: {"weights"},
    Kind.META: {"anchor_weight", "temperature"},
}


def _inputs(kind: Kind, data: Mapping[str, Any]) -> tuple[str, ...]:
    if kind is Kind.SOFTENING:
        return ("p",)
    if kind is Kind.AGGREGATION:
        m = _count(data, "teachers", 2)
        return tuple(f"p{k}" for k in range(1, m + 1))
    k = _count(data, "memory", 1)
    return ("p", "q") + tuple(f"q{j}" for j in range(1, k))


def _count(data: Mapping[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 16:
        raise InputError(f"'{key}' must be an integer from 1 to 16, not {value!r}")
    return value


def _text(data: Mapping[str, Any], key: str) -> str:
    if key not in data:
        raise InputError(f"missing key '{key}'")
    if not isinstance(data[key], str) or not data[key].strip():
        raise InputError(f"'{key}' must be a non-empty string")
    return data[key]


#: A parameter name: ASCII, starting with a letter (so that LaTeX and every backend print it).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: Names that commands use for their own inputs: ``iterate --set p=.. q0=.. N=.. Phi=..``.
_INPUT_NAME = re.compile(r"[pq][0-9]*|N|Phi")


#: The longest parameter name (it is printed in tables, messages and LaTeX).
MAX_NAME = 32


def _name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a parameter's name (None when it can)."""
    if len(name) > MAX_NAME:
        return f"names have at most {MAX_NAME} characters"
    if not _NAME.fullmatch(name):
        if not name.isascii():
            return "names are ASCII (write alpha, not α)"
        return "a name starts with a letter and has only letters, digits and _"
    if name in {"n", "i", "j"}:
        return "n is the support size and i, j are indices"
    if name in FUNCTION_NAMES:
        return "it is a function name"
    if _INPUT_NAME.fullmatch(name):
        return "p, q, p1.., q0.., N and Phi name inputs of the operator or of kdaxioms iterate"
    return None


def _parameters(data: Mapping[str, Any]) -> tuple[Parameter, ...]:
    table = data.get("parameters", {})
    if not isinstance(table, dict):
        raise InputError("[parameters] must be a table of name = \"domain\" entries")
    names = set(table)
    out = []
    for name, domain in table.items():
        problem = _name_problem(name)
        if problem is not None:
            raise InputError(f"parameter name {excerpt(name)} is not allowed: {problem}; rename it (e.g. alpha, w1)")
        if not isinstance(domain, str) or not domain.strip():
            raise InputError(f"parameter {name} has no domain; write e.g. {name} = \"0 < {name} <= 1\"")
        param = Parameter(real(name), parse_domain(domain, name, names))
        _check_domain(param, domain)
        out.append(param)
    return tuple(out)


def _check_domain(param: Parameter, text: str) -> None:
    """Run the domain machinery once (assumptions; the interval of a one-parameter domain)."""
    try:
        param.assumptions()
        if param.domain.free_symbols == {param.symbol}:
            param.interval()
    except InputError as err:
        raise InputError(f"domain of {param.name} {excerpt(text)}: {err}") from None
    except (TypeError, ValueError, ArithmeticError, NotImplementedError, AttributeError, sp.PolynomialError) as err:
        raise InputError(f"domain of {param.name} {excerpt(text)} cannot be handled ({type(err).__name__}); write "
                         f"bounds such as 0 < {param.name} <= 1") from None


#: Most joint constraints in one operator file.
MAX_CONSTRAINTS = 16


def _constraints(data: Mapping[str, Any], names: set[str]) -> tuple[sp.Eq, ...]:
    """The joint constraints among the parameters: a list of linear equations such as ``w_1 + w_2 = 1``."""
    listed = data.get("constraints", [])
    if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed) or len(listed) > MAX_CONSTRAINTS:
        raise InputError(f"'constraints' must be a list of at most {MAX_CONSTRAINTS} equations, "
                         "e.g. [\"w_1 + w_2 = 1\"]")
    out = []
    for text in listed:
        equation = parse_constraint(text, names)
        if equation is sp.false:
            raise InputError(f"constraint {excerpt(text)} never holds")
        if equation is not sp.true:
            out.append(equation)
    return tuple(out)


def _roles(kind: Kind, data: Mapping[str, Any], names: set[str], inputs: set[str]) -> dict[str, Any]:
    table = data.get("roles", {})
    if not isinstance(table, dict):
        raise InputError("[roles] must be a table")
    unknown = set(table) - _ROLES[kind]
    if unknown:
        raise InputError(f"unknown role {sorted(unknown)[0]!r} for a {kind.value} operator; "
                         f"known roles: {', '.join(sorted(_ROLES[kind]))}")
    roles: dict[str, Any] = {}
    if kind is Kind.SOFTENING:
        if "temperature" in table or names:  # a softening with parameters has a temperature
            roles["temperature"] = parse_expression(table.get("temperature", "tau"), names, set())
            roles["identity"] = parse_expression(str(table.get("identity", "1")), names, set())
        elif "identity" in table:
            raise InputError("roles.identity needs a temperature: name it in roles.temperature (default tau)")
    elif kind is Kind.AGGREGATION:
        weights = table.get("weights")
        if (not isinstance(weights, list) or len(weights) not in (0, len(inputs))
                or not all(isinstance(w, str) for w in weights)):
            raise InputError(f"roles.weights must list {len(inputs)} expressions, one per teacher, e.g. [\"w\", \"1 - w\"], "
                             "or be [] for an aggregation without weights")
        roles["weights"] = tuple(parse_expression(w, names, set()) for w in weights)
    else:
        for role in ("anchor_weight", "temperature"):
            if role in table:
                roles[role] = parse_expression(str(table[role]), names, set())
    return roles


def operator_from_data(data: Mapping[str, Any], source: str = "operator file") -> Operator:
    """Build an operator from a parsed TOML table; every problem is one :class:`InputError`."""
    try:
        unknown = set(data) - _KEYS
        if unknown:
            raise InputError(f"unknown key {sorted(unknown)[0]!r}; known keys: {', '.join(sorted(_KEYS))}")
        name = _text(data, "name")
        kind_text = _text(data, "kind")
        try:
            kind = Kind(kind_text)
        except ValueError:
            raise InputError(f"unknown kind {kind_text!r}; choose softening, aggregation or meta") from None
        normalize = data.get("normalize", False)
        if not isinstance(normalize, bool):
            raise InputError("'normalize' must be true or false")
        parameters = _parameters(data)
        names = {p.name for p in parameters}
        inputs = _inputs(kind, data)
        component = parse_expression(_text(data, "component"), names, set(inputs))
        limits.check_exponent_values(component, parameters, data["component"])
        roles = _roles(kind, data, names, set(inputs))
        for role in roles.values():
            for expr in role if isinstance(role, tuple) else (role,):
                limits.check_exponent_values(expr, parameters, str(expr))
        constraints = _constraints(data, names)
        try:
            return Operator(name, kind, inputs, component, parameters, normalize=normalize, roles=roles,
                            title=str(data.get("title", name)), constraints=constraints, source=_plain(data))
        except KdaxiomsError as err:  # a model the parser let through (a bug's symptom, still one line)
            raise InputError(str(err)) from None
    except InputError as err:
        raise InputError(f"{source}: {err}") from None


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of operator-file data as JSON-ready values (lists and dicts, read-only inputs
    such as TOML tables copied)."""
    if isinstance(data, Mapping):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    return data


def load_operator(path: str | Path) -> Operator:
    """Read one operator from a TOML file: a regular file of at most
    :data:`~kdaxioms.symbolic.limits.MAX_FILE_BYTES`, every problem one :class:`InputError`."""
    path = Path(path)
    text = limits.read_regular_file(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{excerpt(path)}: not valid TOML ({excerpt(err, 160)})") from None
    except (RecursionError, MemoryError):
        raise InputError(f"{excerpt(path)}: the TOML is nested too deeply; an operator file has flat keys, "
                         "a [parameters] and a [roles] table") from None
    return operator_from_data(data, str(path))
