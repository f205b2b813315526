"""The report's Definitions section, generated from the operator model.

:func:`definitions` returns plain data (strings, lists, dicts) for the operator families, the
axioms, the divergences and the auxiliary objects of the axioms (the remainder ``r`` of M4 and
the raised weights ``w(s)`` of A3).  Every formula is printed by SymPy from the model's own
objects: each family's component (:data:`kdaxioms.symbolic.families.FAMILIES`), each axiom's
statement (:data:`kdaxioms.symbolic.axioms.AXIOMS`), each divergence's per-coordinate term
(:data:`kdaxioms.symbolic.divergences.DIVERGENCES`), the Hilbert metric of the C6 derivation,
and the remainder and raised weights as the axioms build them.  The prose around them is glue.

Math fragments (``latex``, ``parameters``) go inside ``\\[ \\]`` or ``$ $``; every other string
is LaTeX text mode with its specials escaped.  No string contains a non-ASCII character.
"""

from __future__ import annotations

import re
from typing import Callable

import sympy as sp
from sympy.printing.latex import greek_letters_set

from kdaxioms.numeric.processes import student_lag
from kdaxioms.symbolic import axioms as axiom_model
from kdaxioms.symbolic import families as family_model
from kdaxioms.symbolic.derivations import geometric
from kdaxioms.symbolic import divergences as divergence_model
from kdaxioms.symbolic.divergences import Divergence
from kdaxioms.symbolic.errors import ModelError
from kdaxioms.symbolic.model import INDEX, SUM_INDEX, SUPPORT, Kind, Operator, vector_symbols
from kdaxioms.symbolic.printing import ReaderPrinter

from .catalogue import CATALOGUE, Audit
from .latex import escape

__all__ = ["definitions", "print_latex"]


# -- the printer: SymPy's LaTeX in the report's notation ------------------------------------------

class _Printer(ReaderPrinter):
    """SymPy's LaTeX printer in the report's notation.

    Inputs print as ``p_{i}``; a numbered teacher ``p1[i]`` as ``p^{1}_{i}``; in an operator with
    older students, the student ``q`` and ``q1`` as ``q_{t,i}`` and ``q_{t-1,i}``.  A unit step
    ``Heaviside(x, 0)`` prints as the Iverson bracket ``[x > 0]`` (``Heaviside(x, 1)`` as
    ``[x \\ge 0]``); any other value at zero is no indicator and raises :class:`ModelError`.  A
    ``Max`` or ``Min`` over the same term at the coordinates ``1 .. n`` prints as ``\\max_{i}``."""

    def __init__(self, lagged: bool = False, names: dict[str, str] | None = None):
        super().__init__()
        self._lagged = lagged
        self._names = dict(names or {})

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        name, index = str(expr.base.label), ",".join(map(self._print, expr.indices))
        if name in self._names:
            return rf"{self._names[name]}_{{{index}}}"
        lag = student_lag(name)
        if lag is not None and self._lagged:
            return rf"q_{{{'t' if lag == 0 else f't-{lag}'},{index}}}"
        numbered = _teacher(name)
        if numbered:  # braced: a power of it must not be a double superscript
            return rf"{{{self._print(sp.Symbol(numbered[0]))}^{{{numbered[1]}}}_{{{index}}}}}"
        return rf"{self._print(sp.Symbol(name))}_{{{index}}}"

    def _print_Pow(self, expr: sp.Pow) -> str:
        """A power of a numbered teacher's coordinate in parentheses, ``\\left(p^{1}_{i}\\right)^{w_{1}}``
        (its own superscript would read as part of the exponent)."""
        base = expr.base
        if (isinstance(base, sp.Indexed) and not expr.exp.is_negative and str(base.base.label) not in self._names
                and _teacher(str(base.base.label))):
            return rf"\left({self._print(base)}\right)^{{{self._print(expr.exp)}}}"
        return super()._print_Pow(expr)

    def _print_Heaviside(self, expr: sp.Heaviside, exp: str | None = None) -> str:
        at_zero = expr.args[1] if len(expr.args) > 1 else None
        if at_zero not in (sp.Integer(0), sp.Integer(1)):
            raise ModelError(f"the step {expr} takes the value {at_zero} at zero: it is no indicator of a relation")
        return super()._print_Heaviside(expr, exp)

    def _print_Mul(self, expr: sp.Mul) -> str:
        """Variables before functions (``x_i \\log(x_i/y_i)``, ``p_i [c_i < k]``), as a paper writes
        a product, in a numerator too; SymPy's own printing otherwise (signs, fractions, coefficients)."""
        if expr.could_extract_minus_sign():
            return super()._print_Mul(expr)
        numer, denom = sp.fraction(expr, exact=True)
        if denom != 1:
            if _reordered(numer) is None:
                return super()._print_Mul(expr)
            return rf"\frac{{{self._print(numer)}}}{{{self._print(denom)}}}"
        ordered = _reordered(expr)
        if ordered is None:
            return super()._print_Mul(expr)
        parts = []
        for k, f in enumerate(ordered):
            tex = self._print(f)
            if self._needs_mul_brackets(f, first=k == 0, last=k == len(ordered) - 1):
                tex = rf"\left({tex}\right)"
            parts.append(tex)
        return " ".join(parts)

    def _fold(self, expr: sp.Basic, name: str, fallback: Callable[[sp.Basic], str]) -> str:
        template = _over_support(expr.args)
        if template is None:
            return fallback(expr)
        return rf"\{name}_{{{self._print(INDEX)}}} {self._print(template)}"

    def _print_Max(self, expr: sp.Max, exp: str | None = None) -> str:
        return self._fold(expr, "max", lambda e: super(_Printer, self)._print_Max(e, exp))

    def _print_Min(self, expr: sp.Min, exp: str | None = None) -> str:
        return self._fold(expr, "min", lambda e: super(_Printer, self)._print_Min(e, exp))


def _teacher(name: str) -> tuple[str, str] | None:
    """A numbered input that is no student (``p1`` -> ``("p", "1")``), None otherwise."""
    numbered = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return None if numbered is None or student_lag(name) is not None else (numbered[1], numbered[2])


def _reordered(expr: sp.Basic) -> list[sp.Basic] | None:
    """The factors of a product with its functions (a logarithm, a step, a sum) after its
    variables and powers of them; None when SymPy's order already is that, or there is nothing
    else to move."""
    if not expr.is_Mul:
        return None
    factors = list(expr.as_ordered_factors())
    late = [f for f in factors if isinstance(f, (sp.Function, sp.Sum))]
    early = [f for f in factors if not isinstance(f, (sp.Function, sp.Sum))]
    simple = all(f.is_Atom or isinstance(f, sp.Indexed) or (f.is_Pow and not f.exp.is_negative) for f in early)
    if not late or not early or not simple or factors == early + late:
        return None
    return early + late


def _over_support(args: tuple[sp.Basic, ...]) -> sp.Basic | None:
    """The one term ``f(x_i)`` when ``args`` are ``f(x_1), .., f(x_m)`` (in any order, ``m >= 2``),
    each reading its inputs at one coordinate; None otherwise."""
    templates, seen = set(), set()
    for arg in args:
        indexed = arg.atoms(sp.Indexed)
        indices = {x.indices for x in indexed}
        if len(indices) != 1:
            return None
        seen |= indices
        templates.add(arg.xreplace({x: x.base[INDEX] for x in indexed}))
    if len(templates) != 1 or len(args) < 2 or seen != {(sp.Integer(k),) for k in range(1, len(args) + 1)}:
        return None
    return templates.pop()


def print_latex(expr: sp.Basic, lagged: bool = False, names: dict[str, str] | None = None) -> str:
    """``expr`` in the report's notation (see :class:`_Printer`)."""
    return _Printer(lagged, names).doprint(expr)


# -- text fields -----------------------------------------------------------------------------------

_GREEK = frozenset(greek_letters_set)
#: Plain-text signs of the axioms' descriptions and their LaTeX (a printer's table of known signs).
_SIGNS = {"->": r"\to", ">=": r"\ge", "<=": r"\le", ">": ">", "<": "<", "oo": r"\infty", "max": r"\max",
          "min": r"\min"}
_TOKEN = re.compile(r"(?P<sign>->|>=|<=|>|<)"
                    r"|(?P<script>[A-Za-z]+(?:[_^](?:\{[A-Za-z0-9+\-]*\}|[A-Za-z0-9]+))+)"
                    r"|(?P<word>[A-Za-z]+)")


def _math_word(word: str) -> str | None:
    if word in _GREEK:
        return "\\" + word
    return _SIGNS.get(word)


def _scripted(token: str) -> str:
    """``S_tau`` as ``S_{\\tau}``, ``max_j`` as ``\\max_{j}``, ``q_{t-j}`` unchanged (math mode)."""
    def word(m: re.Match) -> str:
        return _math_word(m[0]) or m[0]
    parts = re.split(r"([_^])", token)
    out = re.sub(r"[A-Za-z]+", word, parts[0])
    for mark, script in zip(parts[1::2], parts[2::2]):
        inner = script[1:-1] if script.startswith("{") else script
        out += mark + "{" + re.sub(r"[A-Za-z]+", word, inner) + "}"
    return out


def prose(text: str) -> str:
    """A description written in plain ASCII math (``T(q) >= alpha p``, ``S_tau(p)``, ``tau -> oo``)
    as LaTeX text: signs, Greek names and sub- or superscripted names in math mode, the rest
    escaped by :func:`kdaxioms.proofs.latex.escape`."""
    out, last = [], 0
    for m in _TOKEN.finditer(text):
        out.append(escape(text[last:m.start()]))
        last = m.end()
        if m["sign"]:
            out.append(f"${_SIGNS[m['sign']]}$")
        elif m["script"]:
            out.append(f"${_scripted(m['script'])}$")
        else:
            math = _math_word(m["word"])
            out.append(m["word"] if math is None else f"${math}$")
    out.append(escape(text[last:]))
    return "".join(out)


# -- families ----------------------------------------------------------------------------------------

#: The student processes of :data:`kdaxioms.symbolic.families.FamilySpec.process`: the update of
#: the student and what it means.  The model holds a process by name only (its numeric engine is
#: in :mod:`kdaxioms.numeric.processes`), so its LaTeX is this table's; an unknown process raises.
PROCESSES: dict[str, tuple[str, str]] = {
    "exact": ("", ""),
    "projection": (r"q_{t+1} = \Pi_{Q_\Phi}\bigl(T(q_t)\bigr),\quad Q_\Phi = \{q_\theta \propto \exp(\Phi\theta)\}",
                   r"the next student is the forward-KL projection of the meta-teacher onto the exponential family "
                   r"$Q_\Phi$ with feature matrix $\Phi$"),
    "multinomial": (r"q_{t+1} = X/N,\quad X \sim \mathrm{Multinomial}\bigl(N, T(q_t)\bigr)",
                    r"the next student is the empirical distribution of $N$ samples drawn from the meta-teacher"),
}


def _lagged(op: Operator) -> bool:
    return any(student_lag(x) for x in op.inputs)


def _teachers(op: Operator) -> list[str]:
    return [x for x in op.inputs if _teacher(x)]


def _students(op: Operator) -> list[str]:
    return sorted((x for x in op.inputs if student_lag(x) is not None), key=student_lag)


def _vector_name(op: Operator, name: str) -> str:
    lag = student_lag(name)
    if lag is not None and _lagged(op):
        return "q_{t}" if lag == 0 else f"q_{{t-{lag}}}"
    numbered = _teacher(name)
    if numbered:
        return f"{print_latex(sp.Symbol(numbered[0]))}^{{{numbered[1]}}}"
    return print_latex(sp.Symbol(name))


def _lhs(op: Operator) -> str:
    """``T(q)_i``, ``T(q_{t}, q_{t-1})_i``, ``S_\\tau(p)_i``, ``A_w(p^{1}, p^{2})_i``."""
    i = print_latex(INDEX)
    if op.kind is Kind.SOFTENING:
        tau = op.roles.get("temperature")
        head = "S" if tau is None else f"S_{{{print_latex(tau)}}}"
        return f"{head}({', '.join(_vector_name(op, x) for x in op.inputs)})_{{{i}}}"
    if op.kind is Kind.AGGREGATION:
        return f"A_w({', '.join(_vector_name(op, x) for x in op.inputs)})_{{{i}}}"
    return f"T({', '.join(_vector_name(op, x) for x in _students(op))})_{{{i}}}"


def component(op: Operator) -> sp.Expr:
    """The whole ``T(x)_i`` of the model: the component, divided by its sum over the support when
    normalized (summed over ``j``, or over a fresh index when the component already sums over ``j``)."""
    if not op.normalize:
        return op.component
    index = sp.Symbol("l", integer=True, positive=True) if op.component.has(SUM_INDEX) else SUM_INDEX
    return op.component / sp.Sum(op.component.xreplace({INDEX: index}), (index, 1, SUPPORT))


def _domain_parts(op: Operator) -> list[str]:
    """Each parameter in its interval, then the joint constraints, then the inputs that must lie in
    the open simplex (the anchor of a meta operator: ``p \\in \\Delta_n^\\circ``)."""
    parts = [print_latex(sp.Contains(p.symbol, p.interval(), evaluate=False)) for p in op.parameters]
    interior = [rf"{name} \in \Delta_n^\circ" for name in op.interior_inputs if name in op.inputs]
    return parts + [print_latex(c) for c in op.constraints] + interior


def _process(name: str) -> tuple[str, str]:
    try:
        return PROCESSES[name]
    except KeyError:
        raise ModelError(f"the student process {name!r} has no LaTeX (known: {', '.join(PROCESSES)})") from None


def _name(op: Operator, code: str) -> str:
    """The family's title without its theory id (``F1 linear anchor`` -> ``linear anchor``)."""
    words = op.title.split() if op.title else [op.name]
    return " ".join(words[1:] if words[0] == code else words)


def _notes(op: Operator, process: str) -> list[str]:
    notes = []
    if op.kind is Kind.META and _lagged(op):
        notes.append(f"shown with the model's memory $k = {len(_students(op))}$ (the current and "
                     f"{len(_students(op)) - 1} older student{'s' if len(_students(op)) > 2 else ''})")
    if _teachers(op):
        notes.append(f"shown with $m = {len(_teachers(op))}$ teachers")
    anchor = op.roles.get("anchor_weight")
    for p in op.parameters:
        if p.symbol not in op.component.free_symbols and p.symbol == anchor:
            notes.append(f"the map does not use ${print_latex(p.symbol)}$, the anchor weight that M3 is stated with")
    if _process(process)[1]:
        notes.append(_process(process)[1])
    return notes


def _member(spec: family_model.FamilySpec) -> dict:
    op = spec.build()
    formula = rf"{_lhs(op)} = {print_latex(component(op), _lagged(op))}"
    update, parts = _process(spec.process)[0], _domain_parts(op)
    return {"name": escape(_name(op, spec.code)), "kind": op.kind.value,
            "latex": formula + (rf",\quad {update}" if update else ""),
            "parameters": r",\ ".join(parts), "parts": parts, "notes": _notes(op, spec.process)}


def _common_words(names: list[str]) -> str:
    split = [re.sub(r"\s*\(.*\)$", "", n).split() for n in names]
    common = []
    for words in zip(*split):
        if len(set(words)) != 1:
            break
        common.append(words[0])
    return " ".join(common)


def _family(code: str, members: list[dict]) -> dict:
    names = [m["name"] for m in members]
    kind = members[0]["kind"]
    name = names[0] if len(members) == 1 else (_common_words(names) or
                                                 (f"{kind} operators" if kind != Kind.META.value else names[0]))
    parameters = list(dict.fromkeys(part for m in members for part in m["parts"]))
    notes = [n if len(members) == 1 else f"{m['name']}: {n}" for m in members for n in m["notes"]]
    return {"code": code, "name": name, "kind": kind,
            "latex": r" \quad\text{or}\quad ".join(m["latex"] for m in members),
            "parameters": r",\ ".join(parameters),
            "note": "; ".join(notes) + ("." if notes else ""),
            "members": [{k: m[k] for k in ("name", "latex", "parameters")} for m in members]}


def families() -> list[dict]:
    """One entry per family code of the registry (F0..F7, then the softening and aggregation
    families), its members in registry order."""
    grouped: dict[str, list[dict]] = {}
    for spec in family_model.FAMILIES.values():
        grouped.setdefault(spec.code, []).append(_member(spec))
    return [_family(code, members) for code, members in grouped.items()]


# -- axioms ----------------------------------------------------------------------------------------

def _code_key(code: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", code)
    return (int(digits) if digits else 0, code)


def _common_prefix(names: list[str]) -> str:
    split = [n.split("-") for n in names]
    common = []
    for parts in zip(*split):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "-".join(common)


def _variant_name(name: str, base: str) -> str:
    """``weight-monotone-kl-reverse`` under ``weight-monotone``: measured in reverse Kullback-Leibler."""
    tokens = name[len(base):].strip("-").split("-")
    known = divergence_model.DIVERGENCES
    words = [known[t].title if t in known else t for t in tokens if t != "reverse"]
    return "measured in " + " ".join((["reverse"] if "reverse" in tokens else []) + words)


def _joined_text(texts: list[str]) -> str:
    return texts[0] if len(set(texts)) == 1 else "; ".join(texts)


def axioms() -> list[dict]:
    """One entry per axiom code, by kind (softening, aggregation, meta) and number; a code checked
    with several divergences (M4, A3) lists each as a variant."""
    out = []
    for kind in Kind:
        by_code: dict[str, list[axiom_model.AxiomSpec]] = {}
        for spec in axiom_model.AXIOMS[kind].values():
            by_code.setdefault(spec.code, []).append(spec)
        for code in sorted(by_code, key=_code_key):
            specs = by_code[code]
            base = specs[0].name if len(specs) == 1 else _common_prefix([s.name for s in specs])
            variants = [{"name": escape(base.replace("-", " ") if len(specs) == 1 else _variant_name(s.name, base)),
                         "latex": s.latex, "text": prose(s.text)} for s in specs]
            out.append({"code": code, "kind": kind.value, "name": escape(base.replace("-", " ")),
                        "latex": r",\qquad ".join(v["latex"] for v in variants),
                        "text": _joined_text([v["text"] for v in variants]), "variants": variants})
    return out


# -- divergences -----------------------------------------------------------------------------------

_X, _Y = sp.IndexedBase("x"), sp.IndexedBase("y")


def _sum(d: Divergence, reverse: bool = False) -> sp.Expr:
    """``sum_{i=1}^n d(x_i, y_i)`` for a generic ``n`` (arguments exchanged when ``reverse``, as a
    reversed contraction statement measures it)."""
    x, y = (_Y[INDEX], _X[INDEX]) if reverse else (_X[INDEX], _Y[INDEX])
    return sp.Sum(d.coordinate(x, y), (INDEX, 1, SUPPORT))


def hilbert_metric() -> sp.Expr:
    """The Hilbert metric as the C6 derivation computes it, on three coordinates; the printer folds
    its ``Max`` and ``Min`` to ``\\max_i`` and ``\\min_i``."""
    return geometric._hilbert(tuple(_X[k] for k in (1, 2, 3)), tuple(_Y[k] for k in (1, 2, 3)))


def divergences() -> list[dict]:
    """Every divergence of the registry as a sum over the support, the reverse KL (KL with its
    arguments exchanged), and the Hilbert projective metric."""
    x, y = print_latex(sp.Symbol("x")), print_latex(sp.Symbol("y"))
    out = []
    for d in divergence_model.DIVERGENCES.values():
        out.append({"symbol": d.latex(x, y), "name": escape(d.title),
                    "latex": rf"{d.latex(x, y)} = {print_latex(_sum(d))}",
                    "text": rf"for distributions ${x}, {y}$ on $[n]$: one term per coordinate, summed"})
        if d.name == "kl":
            out.append({"symbol": rf"{d.latex(y, x)}", "name": escape(f"reverse {d.title}"),
                        "latex": rf"{d.latex(y, x)} = {print_latex(_sum(d, reverse=True))}",
                        "text": rf"{escape(d.title)} with its arguments exchanged, the direction of a reversed "
                                rf"contraction claim such as ${d.latex('p', 'Tq')}$"})
    out.append({"symbol": rf"d_H({x}, {y})", "name": "Hilbert projective metric",
                "latex": rf"d_H({x}, {y}) = {print_latex(hilbert_metric())}",
                "text": rf"for ${x}, {y}$ in the open simplex $\Delta_n^\circ$"})
    return out


# -- the remainder r (M4) and the raised weights w(s) (A3) ------------------------------------------

def _probe_remainder(op: Operator, n: int = 2) -> tuple[sp.Expr, ...]:
    """The remainder ``r_1 .. r_n`` exactly as M4's whole-vector formula builds it: the divergence
    term is replaced by a probe that records its first argument."""
    seen: list[sp.Expr] = []

    def probe(a: sp.Expr, b: sp.Expr) -> sp.Expr:
        seen.append(a)
        return sp.Function("D")(a, b)
    axiom_model._remainder_vector(probe)(op, n)
    return tuple(seen[:n])


def _at_coordinate_one(op: Operator, expr: sp.Expr, n: int = 2) -> sp.Expr:
    """``expr`` over the symbols of coordinate 1 as a formula of coordinate ``i`` (``x[i]``)."""
    mapping = {vector_symbols(x, n)[0]: sp.IndexedBase(x)[INDEX] for x in op.inputs}
    stray = expr.free_symbols - set(mapping) - set(op.parameter_symbols) - {SUPPORT}
    if stray:
        raise ModelError(f"the remainder of {op.name} reads {sorted(map(str, stray))}, which are not its parameters "
                         f"nor coordinate 1 of its inputs {list(op.inputs)}")
    return expr.xreplace(mapping)


def remainder(op: Operator) -> sp.Expr:
    """``r_i`` of M4 for ``op``, simplified, over ``x[i]``."""
    return sp.simplify(_at_coordinate_one(op, _probe_remainder(op)[0]))


def generic_remainder() -> tuple[sp.Expr, Operator]:
    """``r_i`` for a meta-teacher whose output is the input ``T`` (the anchor weight and its
    domain from F1): the remainder as a formula of ``T(q)_i``."""
    f1 = family_model.linear_anchor()
    weight = f1.roles["anchor_weight"]
    probe = Operator("meta-teacher", Kind.META, ("p", "T"), sp.IndexedBase("T")[INDEX],
                     tuple(p for p in f1.parameters if p.symbol == weight), roles={"anchor_weight": weight})
    return _at_coordinate_one(probe, _probe_remainder(probe)[0]), probe


def _m4_families() -> list[str]:
    """The families whose M4 the claims check (the catalogue's audits of a remainder axiom)."""
    names = {s.name for s in axiom_model.AXIOMS[Kind.META].values() if s.code == "M4"}
    return list(dict.fromkeys(e.family for e in CATALOGUE if isinstance(e.how, Audit) and e.how.axiom in names))


def _remainder_entry() -> dict:
    generic, probe = generic_remainder()
    i = print_latex(INDEX)
    weight = print_latex(probe.roles["anchor_weight"])
    instances = []
    for name in _m4_families():
        spec = family_model.family_spec(name)
        op = spec.build()
        instances.append({"code": spec.code, "name": escape(_name(op, spec.code)),
                          "latex": rf"r_{{{i}}} = {print_latex(remainder(op), _lagged(op))}"})
    return {"symbol": "r", "latex": rf"r_{{{i}}} = {print_latex(generic, names={'T': 'T(q)'})}",
            "text": rf"the remainder of the meta-teacher once the anchor's share is taken out, "
                    rf"$T(q) = {weight}\, p + (1 - {weight})\, r$ (for ${weight} < 1$): M3 asks for $r \ge 0$, and M4 "
                    rf"compares $D(r, p)$ with the students' divergences from $p$",
            "instances": instances}


def raised(op: Operator, k: int = 0) -> tuple[dict[sp.Symbol, sp.Expr], sp.Symbol, sp.Basic]:
    """A3's raised weights of ``op`` for teacher ``k`` (:func:`kdaxioms.symbolic.axioms.raised_weights`)."""
    return axiom_model.raised_weights(op, k)


def _by_weight(expr: sp.Expr, weights: tuple[sp.Expr, ...]) -> sp.Expr:
    """``w_1 + s - w_1 s`` as ``w_1 (1 - s) + s``: collected by the old weights."""
    return sp.collect(sp.expand(expr), list(weights))


def _weights_entry() -> dict:
    weighted = [(spec, op) for spec, op in ((spec, spec.build()) for spec in family_model.FAMILIES.values())
                if op.kind is Kind.AGGREGATION and op.roles.get("weights")]
    if not weighted:
        raise ModelError("no aggregation family with weights: A3's raised weights cannot be shown")
    op = weighted[0][1]
    weights = op.roles["weights"]
    new, share, _ = raised(op)
    s = print_latex(share)
    rows = [rf"{print_latex(w)}({s}) = {print_latex(_by_weight(new.get(w, w), weights))}" for w in weights]
    domain = print_latex(sp.Contains(share, axiom_model.AUXILIARY_DOMAINS[share].as_set(), evaluate=False))
    instances = []
    for spec, agg in weighted:
        moved, _, _ = raised(agg)
        raised_op = component(agg).xreplace({w: _by_weight(v, agg.roles["weights"]) for w, v in moved.items()})
        instances.append({"name": escape(_name(agg, spec.code)),
                          "latex": rf"A_{{w({s})}}({', '.join(_vector_name(agg, x) for x in agg.inputs)})_{{"
                                   rf"{print_latex(INDEX)}}} = {print_latex(raised_op)}"})
    first = _vector_name(op, op.inputs[0])
    return {"symbol": "w(s)", "latex": r",\quad ".join(rows) + rf",\qquad {domain}",
            "text": rf"the weights after raising the weight of the teacher ${first}$ by the share ${s}$, the other "
                    rf"weights rescaled proportionally (shown with $m = {len(weights)}$ teachers; every teacher is "
                    rf"raised alike): A3 compares the aggregate at $w({s})$ with the one at $w$",
            "instances": instances}


def objects() -> list[dict]:
    """The auxiliary objects of the axioms: M4's remainder ``r`` and A3's raised weights ``w(s)``."""
    return [_remainder_entry(), _weights_entry()]


# -- the section -----------------------------------------------------------------------------------

def definitions() -> dict:
    """The content of the report's Definitions section, generated from the operator model::

        {"families":    [{"code", "name", "kind", "latex", "parameters", "note",
                          "members": [{"name", "latex", "parameters"}]}],
         "axioms":      [{"code", "kind", "name", "latex", "text", "variants": [{"name", "latex", "text"}]}],
         "divergences": [{"symbol", "name", "latex", "text"}],
         "objects":     [{"symbol", "latex", "text", "instances": [{"name", "latex"} (+ "code" for r)]}]}

    ``latex``, ``parameters`` and ``symbol`` are math mode; every other string is text mode.
    Families come in registry order, one entry per code (F0..F7, S, A; a code with several
    families lists each as a member, and its ``latex`` joins theirs with "or"); axioms by kind
    (softening, aggregation, meta), then code, one entry per code (M4 and A3 list the divergences
    they are checked in as variants)."""
    return {"families": families(), "axioms": axioms(), "divergences": divergences(), "objects": objects()}
