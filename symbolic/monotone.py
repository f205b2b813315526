"""Monotonicity in a parameter, by a derivative closed with a non-negativity certificate.

**A3** (weight monotonicity).  Raising teacher ``k``'s weight by a share ``s`` moves the
weights along ``w(s) = (1 - s) w + s e_k``.  These paths compose: raising ``w(s)`` by ``s'``
gives ``w(s + s'(1 - s))``.  With ``phi_w(s) = D(A_{w(s)}, p^k)`` this gives
``phi_w'(s) = phi_{w(s)}'(0) / (1 - s)``, so the axiom (``phi_w(s) <= phi_w(0)`` for every
``w`` and ``0 <= s <= 1``) follows as soon as

    G(w) = d/ds D(A_{w(s)}, p^k) |_{s=0} <= 0      for every w in the domain

(``phi_w`` is smooth on ``[0, 1)`` because the inputs are interior, and continuous at ``s = 1``).

**A3 in TV**, for every ``n``.  TV is not differentiable, but its right (Dini) derivative along
the raise is, and the same composition argument applies to it.  The route recognises the
direction ``v_i = dA_i/ds`` at ``s = 0`` per coordinate, from the model (so for every ``n``):

* a *mixture path*, unnormalized with ``dc_i/ds = p^k_i - c_i``: then
  ``D+ TV = sum_i sign(A_i - p_i)(p_i - A_i) = -TV <= 0``;
* an *exponential tilt*, normalized with ``d log c_i / ds = log(p^k_i / c_i) + kappa`` and
  ``kappa`` free of the coordinates: then ``dA_i/ds = A_i (log(p_i/A_i) + KL(A||p))``.  With
  ``S = {i : A_i >= p_i}`` (ties included: there ``dA_i/ds = A_i KL >= 0``),
  ``D+ TV = sum_{i in S} dA_i/ds = A(S) KL(A||p) - sum_{i in S} A_i log(A_i/p_i)
  <= KL(A||p) - sum_{i in S} A_i log(A_i/p_i) <= 0``, because ``A(S) <= 1``, ``KL >= 0``
  (Gibbs) and the terms of ``KL`` outside ``S`` are ``<= 0``.

**S3** (entropy monotonicity).  The axiom's formula is already a derivative,
``E = d/dtau H(S_tau(p)) >= 0``.

SymPy computes ``-G`` (or ``E``) at a fixed support size ``n`` from the operator's own formula,
and :func:`kdaxioms.symbolic.certificates.certify` looks for an exact identity with ``c N``, ``N``
a form that a named lemma makes non-negative and ``c >= 0`` a monomial in the parameters.  No
step is numeric: without a certificate that passes the exact check the outcome is ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

import sympy as sp

from .axioms import Axiom, monotone_term, raised_weights, temperature
from .budget import Deadline
from .certificates import Domain, certify, signed_symbols
from .errors import KdaxiomsError
from .model import vector_symbols
from .outcome import PROVED, Outcome, unknown

Term = Callable[[sp.Expr, sp.Expr], sp.Expr]
#: Support sizes of the proof (the exact check grows quickly with n: about 8 s per teacher at
#: n = 4 for geometric aggregation).
SIZES = (2, 3)


def _teacher(name: str, index: str = "") -> str:
    """LaTeX of a teacher input: ``p1`` is ``p^{1}`` (with ``index``, ``p^{1}_i``)."""
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    base = rf"{match.group(1)}^{{{match.group(2)}}}" if match else sp.latex(sp.Symbol(name))
    return base + index


def raise_derivative(ax: Axiom, n: int, k: int, term: Term) -> tuple[sp.Expr, tuple[sp.Expr, ...], tuple[sp.Symbol, ...]]:
    """``G = d/ds D(A_{w(s)}, p^k)`` at ``s = 0``, with the output ``A`` and the target ``p^k``."""
    op = ax.operator
    new, share, _ = raised_weights(op, k)
    out = op.vector(n)
    target = vector_symbols(op.inputs[k], n)
    phi = sp.Add(*(term(a.xreplace(new), b) for a, b in zip(out, target)))
    return sp.diff(phi, share).xreplace({share: 0}), out, target


def _stopped(deadline: Deadline, proved: int | None, steps: list[str], where: str, evidence=()) -> Outcome:
    """Out of time before ``where``: the sizes up to ``proved`` stay proved (with the
    certificates ``evidence`` of those sizes), else ``unknown``."""
    if proved is not None:
        return Outcome(PROVED, f"n<={proved}", tuple(steps + [deadline.reason(f"n<={proved}; {where} not tried")]),
                       evidence=tuple(evidence))
    return unknown(deadline.reason(f"{where} not tried"), *steps)


def prove_weight_monotone(ax: Axiom, sizes=SIZES, deadline: Deadline | None = None) -> Outcome:
    """Prove A3 for each support size in ``sizes`` (see the module docstring); ``unknown`` otherwise.
    Once ``deadline`` runs out no further size is started (the sizes proved stay proved)."""
    deadline = deadline or Deadline.unbounded()
    proved, certificates = None, []
    term = monotone_term(ax.spec.name)
    if term is None:
        return unknown(f"axiom {ax.spec.name} has no differentiable divergence for the derivative route")
    op = ax.operator
    steps = [r"raises compose ($w(s)$ raised by $s'$ is $w(s + s'(1-s))$), so "
             r"$\frac{d}{ds} D(A_{w(s)}, p^k) = G(w(s)) / (1 - s)$ with $G(w) = \frac{d}{ds} D(A_{w(s)}, p^k)|_{s=0}$: "
             r"the axiom holds when $G \le 0$ on the domain"]
    for n in sizes:
        if deadline.expired:
            return _stopped(deadline, proved, steps, f"n={n}", certificates)
        domain, size_certificates = Domain(op, n), []
        if not domain.distribution(op.vector(n)):
            return unknown(f"n={n}: the output is not shown to lie in the simplex, which the certificates assume", *steps)
        for k, name in enumerate(op.inputs):
            if deadline.expired:
                return _stopped(deadline, proved, steps, f"n={n}, teacher {name}", certificates)
            G, A, p = raise_derivative(ax, n, k, term)
            found = certify(-G, A, p, domain)
            if found is None:
                return unknown(f"n={n}, teacher {name}: no non-negative form N with -G = cN passed the exact check", *steps)
            teacher = _teacher(name)
            size_certificates.append(replace(found.record, label=f"n = {n}, raising the weight of {name}: -G = c N"))
            steps.append(rf"$n = {n}$, raising the weight of ${teacher}$: $-G = {found.latex()}$ exactly on the simplex "
                         rf"(with $A = A_w$, $p = {teacher}$), non-negative by {found.lemma}")
        proved = n
        certificates += size_certificates
    return Outcome(PROVED, f"n<={max(sizes)}", tuple(steps), evidence=tuple(certificates))


_DINI = (r"raises compose, so TV is non-increasing along every raise when its right derivative at $s = 0$, "
         r"$D^+\mathrm{TV}$, is $\le 0$ for every $w$ (a continuous function with $D^+ \le 0$ does not increase)")


def prove_tv_monotone(ax: Axiom) -> Outcome:
    """Prove A3 in TV for every ``n`` by recognising the raise direction (see the module docstring)."""
    op = ax.operator
    reason = op.coordinatewise()
    if reason is not None:
        return unknown(f"the component is not one function of each coordinate ({reason}): no per-coordinate raise direction")
    x = op.coordinate_inputs()
    c = op.unnormalized_coordinate()
    steps = [_DINI]
    for k, name in enumerate(op.inputs):
        new, share, _ = raised_weights(op, k)
        p, raised = x[name], c.xreplace(new)
        teacher = _teacher(name, "_i")
        if not op.normalize:
            v = sp.simplify(sp.diff(raised, share).xreplace({share: 0}))
            if sp.simplify(v - (p - c)) != 0:
                return unknown(f"raising teacher {name}: dc_i/ds = {v} is not p_i - c_i (no recognised path)", *steps)
            steps.append(rf"raising the weight of ${_teacher(name)}$: $\frac{{d}}{{ds}} A_i = {sp.latex(v)} = {teacher} - A_i$ per coordinate "
                         rf"(a mixture path), so $D^+\mathrm{{TV}} = -\mathrm{{TV}} \le 0$")
            continue
        if c.xreplace(signed_symbols(op, x.values())).is_positive is not True:
            return unknown(f"the unnormalized component {c} is not shown positive", *steps)
        g = sp.diff(sp.log(raised), share).xreplace({share: 0})
        kappa = sp.simplify(sp.expand_log(g - sp.log(p / c), force=True))
        if kappa.free_symbols & set(x.values()):
            return unknown(f"raising teacher {name}: d log c_i/ds - log(p_i/c_i) depends on the coordinates", *steps)
        shift = "" if kappa == 0 else f" + {sp.latex(kappa)}"
        steps.append(rf"raising the weight of ${_teacher(name)}$: $\frac{{d}}{{ds}} \log c_i = \log({teacher}/c_i){shift}$ per "
                     r"coordinate (an exponential tilt), hence $\dot A_i = A_i(\log(p_i/A_i) + \mathrm{KL}(A\|p))$ and, with "
                     r"$S = \{i : A_i \ge p_i\}$, $D^+\mathrm{TV} = A(S)\,\mathrm{KL}(A\|p) - \sum_{i \in S} A_i \log(A_i/p_i) "
                     r"\le \mathrm{KL}(A\|p) - \sum_{i \in S} A_i \log(A_i/p_i) \le 0$ "
                     r"($A(S) \le 1$, Gibbs' inequality, and the terms of $\mathrm{KL}$ outside $S$ are $\le 0$)")
    return Outcome(PROVED, "all-n", tuple(steps))


def prove_entropy_monotone(ax: Axiom, sizes=SIZES, deadline: Deadline | None = None) -> Outcome:
    """Prove S3, ``d/dtau H(S_tau(p)) >= 0``, for each support size in ``sizes`` by a certificate
    (no further size once ``deadline`` runs out; the sizes proved stay proved)."""
    deadline = deadline or Deadline.unbounded()
    proved, certificates = None, []
    op = ax.operator
    try:
        tau = temperature(op)
    except KdaxiomsError as err:
        return unknown(str(err))
    steps = []
    for n in sizes:
        if deadline.expired:
            return _stopped(deadline, proved, steps, f"n={n}", certificates)
        out = op.vector(n)
        p = vector_symbols(op.inputs[0], n)
        E = sp.diff(-sp.Add(*(c * sp.log(c) for c in out)), tau)
        domain = Domain(op, n)
        if not domain.distribution(out):
            return unknown(f"n={n}: S_{tau}(p) is not shown to lie in the simplex, which the certificates assume", *steps)
        found = certify(E, out, p, domain)
        if found is None:
            return unknown(f"n={n}: no non-negative form N with dH/d{tau} = cN passed the exact check", *steps)
        certificates.append(replace(found.record, label=f"n = {n}: dH/d{tau} = c N"))
        steps.append(rf"$n = {n}$: $\frac{{d}}{{d{sp.latex(tau)}}} H(S_{{{sp.latex(tau)}}}(p)) = {found.latex()}$ "
                     rf"exactly on the simplex (with $A = S_{{{sp.latex(tau)}}}(p)$), non-negative by {found.lemma}")
        proved = n
    return Outcome(PROVED, f"n<={max(sizes)}", tuple(steps), evidence=tuple(certificates))


def bounded_derivative(name: str) -> bool:
    """Whether the derivative route of axiom ``name`` proves only the listed support sizes (A3 in
    L2, KL or reverse KL, and S3: a certificate per size), not every ``n`` (A3 in TV)."""
    return name != "weight-monotone-tv" and (monotone_term(name) is not None or name == "entropy-monotone")


def prove_by_derivative(ax: Axiom, sizes=SIZES, deadline: Deadline | None = None) -> Outcome | None:
    """The derivative route of the axiom (A3 in TV, L2 or KL, or S3), or None when it has none;
    ``deadline`` is checked between support sizes and teachers (one exact check is not interrupted)."""
    if ax.spec.name == "weight-monotone-tv":
        return prove_tv_monotone(ax)
    if monotone_term(ax.spec.name) is not None:
        return prove_weight_monotone(ax, sizes, deadline)
    if ax.spec.name == "entropy-monotone":
        return prove_entropy_monotone(ax, sizes, deadline)
    return None
