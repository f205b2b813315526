"""Closed forms of recursions ``q_{t+1} = T(q_t)`` obtained by solving them with SymPy.

For an operator whose component is affine in the student coordinate, the per-coordinate
recursion is a first-order linear recurrence; :func:`trajectory` solves it with ``rsolve``
and verifies the result (initial value and recurrence) before returning it.  Everything
downstream (the contraction base, the t-step anchor weight, the fixed point) is read off this
derived expression.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .errors import ModelError
from .model import Operator
from .obligations import Obligation, coordinate_box
from .outcome import PROVED, Outcome, unknown
from .contraction import prove_by_convexity
from .statements import ANCHOR, STUDENT, Contraction

T_STEP = sp.Symbol("t", integer=True, nonnegative=True)
Q0 = sp.Symbol("q_{0,i}", real=True)


@dataclass(frozen=True)
class Trajectory:
    """The derived closed form ``q_t,i`` of a per-coordinate recursion."""

    operator: Operator
    expression: sp.Expr
    steps: tuple[str, ...]

    @property
    def base(self) -> sp.Expr:
        """The ``b`` of the ``b**t`` term that carries the dependence on ``t``."""
        powers = [e for e in self.expression.atoms(sp.Pow) if e.exp == T_STEP]
        if len(powers) != 1:
            raise ModelError(f"closed form {self.expression} has no single geometric term b**t")
        return powers[0].base

    def at(self, t: int | sp.Expr) -> sp.Expr:
        return self.expression.subs(T_STEP, t)

    def anchor_weight(self) -> sp.Expr:
        """``lam_t`` with ``q_t = lam_t p + (1 - lam_t) q_0``, read off the closed form."""
        p = self.operator.coordinate_inputs()[ANCHOR]
        poly = sp.Poly(sp.expand(self.expression), p, Q0)
        return sp.simplify(poly.coeff_monomial(p))


    def induction_obligations(self) -> list[Obligation]:
        """The closed form checked by induction with ``c`` standing for ``b**t``:
        ``E(0) = q_0`` and ``T(E_c) = E_{b c}``, polynomial identities in ``c``."""
        c = sp.Symbol("c", real=True)
        geometric = sp.Pow(self.base, T_STEP)
        now = self.expression.xreplace({geometric: c})
        nxt = self.expression.xreplace({geometric: self.base * c})
        student = self.operator.coordinate_inputs()[STUDENT]
        domains = self.operator.domain()
        return [
            Obligation(r"base case $q_{0,i}$", domains, sp.Eq(self.at(0), Q0), liftable=False),
            Obligation(r"induction step with $c = b^t$", domains,
                       sp.Eq(self.operator.coordinate().xreplace({student: now}), nxt), liftable=False),
        ]

    def attraction_obligations(self) -> list[Obligation]:
        """``p`` is the only fixed point in the box, and ``|b| < 1`` on the domain."""
        x = self.operator.coordinate_inputs()
        domains = self.operator.domain()
        box = coordinate_box(self.operator)
        return [
            Obligation(r"$T_i(q) = q_i \Rightarrow q_i = p_i$", sp.And(box, sp.Eq(self.operator.coordinate(), x[STUDENT])),
                       sp.Eq(x[STUDENT], x[ANCHOR]), liftable=False),
            Obligation(rf"$|{sp.latex(self.base)}| < 1$", domains, sp.Abs(self.base) < 1, liftable=False),
        ]


def trajectory(op: Operator) -> Trajectory:
    """Solve ``q_{t+1,i} = T(q_t)_i``, ``q_{0,i} = Q0`` and verify the solution."""
    x = op.coordinate_inputs()
    f = sp.Function("q")
    step = op.coordinate()
    if not sp.Poly(step, x[STUDENT]).degree() <= 1:
        raise ModelError(f"operator {op.name} is not affine in the student; no linear recurrence")
    recurrence = f(T_STEP + 1) - step.xreplace({x[STUDENT]: f(T_STEP)})
    solution = sp.rsolve(recurrence, f(T_STEP), {f(0): Q0})
    if solution is None:
        raise ModelError(f"SymPy could not solve the recursion of {op.name}")
    solution = sp.factor_terms(solution)
    initial = sp.simplify(solution.subs(T_STEP, 0) - Q0)
    rec = sp.simplify(sp.expand_power_base(solution.subs(T_STEP, T_STEP + 1)) - step.xreplace({x[STUDENT]: solution}))
    rec = sp.simplify(sp.powsimp(sp.expand(rec), force=True))
    if initial != 0 or rec != 0:
        raise ModelError(f"rsolve's solution {solution} fails verification ({initial}, {rec})")
    steps = (
        rf"recurrence $q_{{t+1,i}} = {sp.latex(step.xreplace({x[STUDENT]: sp.Symbol('q_{t,i}')}))}$ solved by SymPy's \texttt{{rsolve}}: "
        rf"$q_{{t,i}} = {sp.latex(solution)}$",
        r"verified: the solution minus $q_{0,i}$ at $t=0$ and the recurrence residual both simplify to $0$",
    )
    return Trajectory(op, solution, steps)


def prove_trajectory(op: Operator) -> Outcome:
    """The closed form is derived and verified per coordinate: valid for every ``n``."""
    traj = trajectory(op)
    return Outcome(PROVED, "all-n", traj.steps, data={"closed_form": traj.expression})


def prove_fixed_point(op: Operator) -> Outcome:
    """``p`` is the unique fixed point and ``q_t -> p`` from every start, boundary included."""
    x = op.coordinate_inputs()
    residual = sp.expand(op.coordinate() - x[STUDENT])
    slope = residual.coeff(x[STUDENT])
    nonzero = sp.ask(sp.Q.nonzero(slope), op.assumptions())
    fixed = sp.solve(sp.Eq(residual, 0), x[STUDENT], dict=False)
    shown = "shown non-zero on the domain" if nonzero is True else "not shown non-zero on the domain"
    roots = ", ".join(f"${sp.latex(r)}$" for r in fixed) or "none"
    steps = [rf"$T_i(q) - q_i = {sp.latex(residual)}$ is affine in $q_i$ with slope ${sp.latex(slope)}$, "
             rf"{shown} (SymPy's assumptions); its roots in $q_i$: {roots}"]
    if nonzero is not True or fixed != [x[ANCHOR]]:
        return unknown("the per-coordinate fixed-point equation does not have the unique solution p_i", *steps)
    traj = trajectory(op)
    base = traj.base
    param = op.parameters[0]
    escapes = sp.solveset(sp.Abs(base) >= 1, param.symbol, param.interval())
    steps.append(rf"closed form ${sp.latex(traj.expression)}$ has geometric base $b = {sp.latex(base)}$; "
                 rf"$\{{{sp.latex(param.symbol)} \in {sp.latex(param.interval())} : |b| \ge 1\}} = {sp.latex(escapes)}$")
    if len(op.parameters) != 1 or escapes != sp.EmptySet:
        return unknown("|b| < 1 is not established on the whole domain", *steps)
    steps.append(r"so $b^t \to 0$ and $q_t \to p$ for every $q_0 \in \Delta_n$, boundary included")
    return Outcome(PROVED, "all-n", tuple(steps))


def prove_envelope(one_step: Contraction) -> Outcome:
    """``D(q_t||p) <= c**t D(q_0||p)`` from the one-step inequality ``D(Tq||p) <= c D(q||p)``.

    The one-step inequality is proved first; the comparison recurrence ``e_{t+1} = c e_t`` is
    solved by SymPy, and ``c >= 0`` on the domain makes the induction step monotone.
    """
    base = prove_by_convexity(one_step)
    if base.verdict != PROVED:
        return unknown(f"the one-step inequality is not proved: {base.reason}", *base.steps)
    e = sp.Function("e")
    factor = one_step.factor
    bound = sp.rsolve(e(T_STEP + 1) - factor * e(T_STEP), e(T_STEP), {e(0): sp.Symbol("D_0")})
    monotone = sp.ask(sp.Q.nonnegative(factor), one_step.operator.assumptions())
    steps = base.steps + (
        rf"comparison recurrence $e_{{t+1}} = \left({sp.latex(factor)}\right) e_t$, $e_0 = D_0$ solved: "
        rf"$e_t = {sp.latex(bound)}$",
        rf"${sp.latex(factor)} \ge 0$ on the domain ({'shown' if monotone is True else 'not shown'} by SymPy's "
        rf"assumptions); by induction $D(q_t\|p) \le e_t$",
    )
    if monotone is not True or bound is None:
        return unknown("the induction step is not monotone on the whole domain", *steps)
    return Outcome(PROVED, "all-n", steps, data={"bound": bound})
