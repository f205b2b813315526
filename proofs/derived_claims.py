"""Claims checked against derivations: the derived closed form must equal the theory's statement.

Each claim states a formula of THEORY.md section 4 (that is what is being checked); the
symbolic route derives the quantity from the operator model (``kdaxioms derive``) and proves
the claim when ``simplify(derived - stated) == 0``.  A derived form that differs from the
statement is a loud disagreement, never a refutation (a refutation needs an exact witness).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping

import sympy as sp

from kdaxioms.symbolic.derivations import derivation
from kdaxioms.symbolic.derivations.base import Derivation
from kdaxioms.symbolic.derivations.memory import bounds_for_every_k
from kdaxioms.symbolic.errors import KdaxiomsError
from kdaxioms.symbolic.outcome import PROVED, Outcome, unknown

from .claim_model import CROSS_CHECK, HOLDS, PROVER, Claim, Route
from .interval_claims import c6_kl_factor_claim
from .tightness_claims import c4_exact_factor_claim

#: Reads the derived expression out of a derivation (default: the expression itself).
Pick = Callable[[Derivation], sp.Expr]


def _by_name(expr: sp.Basic) -> dict[str, sp.Symbol]:
    return {s.name: s for s in expr.free_symbols}


def _stated(text: str, derived: sp.Basic, aliases: Mapping[str, str]) -> sp.Expr:
    """The theory's formula over the derived expression's own symbols (matched by name)."""
    names = _by_name(derived)
    local = {alias: names[name] for alias, name in aliases.items() if name in names}
    local.update({k: v for k, v in names.items() if k.isidentifier()})
    return sp.parse_expr(text, local_dict=local)


def _equality_route(name: str, inputs: Mapping, formula: str, aliases: Mapping[str, str], pick: Pick | None) -> Route:
    def run(_settings) -> Outcome:
        try:
            result = derivation(name).derive(dict(inputs))
        except KdaxiomsError as err:
            return unknown(f"derivation {name} failed: {err}")
        derived = pick(result) if pick else result.expression
        stated = _stated(formula, derived, aliases)
        difference = sp.simplify(derived - stated)
        steps = result.steps + (rf"derived ${sp.latex(derived)}$; stated ${sp.latex(stated)}$; difference "
                                rf"simplifies to ${sp.latex(difference)}$",)
        if difference == 0:
            return Outcome(PROVED, "all-n", steps, data={"derived": derived})
        return unknown(f"the derived form differs from the statement by {difference}", *steps, disagreement=True)
    return Route("symbolic", PROVER, run)


def derived_claim(claim_id: str, statement: str, latex: str, family: str, name: str, formula: str,
                  inputs: Mapping | None = None, aliases: Mapping[str, str] | None = None,
                  pick: Pick | None = None, extra_routes: tuple[Route, ...] = ()) -> Claim:
    """A claim whose symbolic route is ``derive NAME`` compared with ``formula``."""
    route = _equality_route(name, inputs or {}, formula, aliases or {}, pick)
    return Claim(claim_id, statement, latex, HOLDS, family, (route,) + extra_routes,
                 lambda: (("derivation", rf"\texttt{{{name}}}"),))


#: The memory orders for which C5's bounds are proved (one symbolic proof per order).
MEMORY_ORDERS = (2, 3, 5)


def _memory_bounds_route(orders: tuple[int, ...]) -> Route:
    """C5's bounds proved for each memory order in ``orders`` with symbolic α and β: the scope
    names the orders (a proof for k = 2, 3, 5 is not a proof for every k)."""
    def run(_settings) -> Outcome:
        steps: list[str] = []
        for k in orders:
            try:
                result = derivation("memory-rate-bounds").derive({"k": k})
            except KdaxiomsError as err:
                return unknown(f"memory-rate-bounds failed at k = {k}: {err}", *steps)
            steps += [f"memory order $k = {k}$:", *result.steps]
        return Outcome(PROVED, "all-n", tuple(steps), parameters={"k": tuple(map(str, orders))})
    return Route("symbolic", PROVER, run)


def _every_order_route() -> Route:
    """C5's bounds for every memory order ``k`` at once (``k`` a symbol): the proof of
    :func:`kdaxioms.symbolic.derivations.memory.bounds_for_every_k`, a chain of rules for sums."""
    def run(_settings) -> Outcome:
        try:
            steps = bounds_for_every_k()
        except KdaxiomsError as err:
            return unknown(f"the proof for every k failed: {err}")
        return Outcome(PROVED, "all-n", steps)
    return Route("symbolic-all-k", PROVER, run)


def _numeric(check: Callable[[int], Outcome], name: str = "numeric") -> Route:
    """A cross-check by direct iteration (:mod:`kdaxioms.numeric.crosscheck`), seeded by the settings."""
    return Route(name, CROSS_CHECK, lambda settings: check(settings.seed))


def _iterated() -> dict[str, tuple[Route, ...]]:
    """The direct-iteration cross-checks of the C5, C7, C8, C9 and C12 derivations, by builder key."""
    from fractions import Fraction as F

    from kdaxioms.numeric import crosscheck as cc
    p3, phi, level = (F(1, 2), F(1, 4), F(1, 4)), ((F(1),), (F(2),), (F(3),)), cc.CLAIM_LEVEL
    stationary = {claim: (_numeric(lambda seed, only=only: cc.sampled_stationary_check(
        F(1, 10), 100, p3, chains=2000, seed=seed, level=level, only=(only,))),)
        for claim, only in (("stationary-l2", "l2"), ("stationary-chi2", "chi2"), ("island-model", "island"))}
    return stationary | {
        "k2-closed-form": (_numeric(lambda seed: cc.memory_rate_check(F(1, 10), (F(1, 2), F(1, 2)), seed=seed)),),
        "memory-bounds": (_numeric(lambda seed: cc.memory_slowdown_check(F(1, 5), (F(1, 2), F(1, 4), F(1, 4)), seed=seed)),),
        "softened-limit": (_numeric(lambda seed: cc.softened_limit_check(F(1, 2), (F(9, 10), F(1, 10)))),),
        "capacity-moments": (_numeric(lambda seed: cc.capacity_moments_check(F(1, 10), phi, p3, seed=seed)),),
        "heterozygosity": (_numeric(lambda seed: cc.heterozygosity_check(100, (F(1, 2), F(1, 2)), seed=seed, level=level)),),
        "accumulation": (_numeric(lambda seed: cc.accumulation_check(100, p3, seed=seed, level=level)),),
    }


def _checked(key: str, build: Callable[[str], Claim]) -> Callable[[str], Claim]:
    """``build`` with the direct-iteration cross-checks of ``key`` appended to its routes."""
    def claim(claim_id: str) -> Claim:
        c = build(claim_id)
        return replace(c, routes=c.routes + _iterated().get(key, ()))
    return claim


#: C4, C5, C6, C7, C8, C9 and C12 statements checked against their derivations (C5, C7, C8, C9
#: and C12 also cross-checked by direct iteration), by builder key: claim id -> claim (the ids
#: are in :mod:`.catalogue`).
BUILDERS: dict[str, Callable[[str], Claim]] = {key: _checked(key, build) for key, build in {
        "local-ratio": lambda cid: derived_claim(cid, "lim_{q->p} KL(Tq||p)/KL(q||p) = (1-α)²",
                      r"\lim_{q \to p} \frac{\mathrm{KL}(Tq\|p)}{\mathrm{KL}(q\|p)} = (1-\alpha)^2",
                      "linear-anchor", "local-kl-ratio", "(1 - alpha)**2"),
        "supremum": lambda cid: derived_claim(cid, "sup KL(Tq||p)/KL(q||p) = 1-α, approached at q = δ1, p1 -> 0",
                      r"\sup_{p,q} \frac{\mathrm{KL}(Tq\|p)}{\mathrm{KL}(q\|p)} = 1-\alpha",
                      "linear-anchor", "kl-ratio-supremum", "1 - alpha"),
        "exact-factor": c4_exact_factor_claim,
        "k2-closed-form": lambda cid: derived_claim(cid, "ρ = ((1-α)γ + sqrt((1-α)²γ² + 4(1-α)(1-γ)))/2 for k = 2",
                      r"\rho = \tfrac12\big((1-\alpha)\gamma + \sqrt{(1-\alpha)^2\gamma^2 + 4(1-\alpha)(1-\gamma)}\big)",
                      "memory-anchor", "memory-rate",
                      "((1 - alpha)*gamma + sqrt((1 - alpha)**2*gamma**2 + 4*(1 - alpha)*(1 - gamma)))/2"),
        "memory-bounds": lambda cid: Claim(cid, "1-α <= ρ < 1 for every memory order k; for 0 < α < 1, ρ = 1-α iff β = (1,0,...,0)",
              r"1-\alpha \le \rho(\alpha,\beta) < 1", HOLDS, "memory-anchor",
              (_every_order_route(), _memory_bounds_route(MEMORY_ORDERS))),
        "hilbert": lambda cid: derived_claim(cid, "dH(Tq, p) = (1-α) dH(q, p) for the geometric anchor",
                      r"d_H(Tq, p) = (1-\alpha)\, d_H(q, p)", "geometric-anchor", "geometric-hilbert", "1 - alpha",
                      pick=lambda d: d.extra["factor"]),
        "geometric-kl-factor": c6_kl_factor_claim,
        "softened-limit": lambda cid: derived_claim(cid, "q* -> α p + (1-α) u as τ -> ∞",
                      r"q^* \to \alpha p + (1-\alpha) u \quad (\tau \to \infty)", "softened-anchor", "softened-limit",
                      "alpha*pi + (1 - alpha)/n", aliases={"pi": "p[i]"}, pick=lambda d: d.expression.rhs),
        "capacity-moments": lambda cid: derived_claim(cid, "μ_t = m + (1-α)^t (μ_0 - m), m = Φᵀp (from μ_{t+1} = α Φᵀp + (1-α) μ_t)",
                      r"\mu_t = \Phi^\top p + (1-\alpha)^t (\mu_0 - \Phi^\top p)", "capacity-anchor", "capacity-moments",
                      "m + (1 - alpha)**t*(mu0 - m)", aliases={"m": "m_k", "mu0": r"\mu_{0,k}"}),
        "stationary-l2": lambda cid: derived_claim(cid, "E||q - p||² = (1 - ||p||²)/(N - (1-α)²(N-1)) at stationarity",
                      r"\mathbb{E}\|q-p\|^2 = \frac{1-\|p\|^2}{N - (1-\alpha)^2(N-1)}", "sampled-anchor",
                      "sampled-stationary", "(1 - pp)/(N - (1 - alpha)**2*(N - 1))", aliases={"pp": r"\|p\|^2"}),
        "stationary-chi2": lambda cid: derived_claim(cid, "E χ²(q||p) = (n-1)/(N - (1-α)²(N-1)) at stationarity",
                      r"\mathbb{E}\chi^2(q\|p) = \frac{n-1}{N - (1-\alpha)^2(N-1)}", "sampled-anchor",
                      "sampled-stationary-chi2", "(n - 1)/(N - (1 - alpha)**2*(N - 1))"),
        "island-model": lambda cid: derived_claim(cid, "F* = (1-α)²/(N - (N-1)(1-α)²), the island-model fixed point",
                      r"F^* = \frac{(1-\alpha)^2}{N - (N-1)(1-\alpha)^2}", "sampled-anchor", "island-model",
                      "(1 - alpha)**2/(N - (N - 1)*(1 - alpha)**2)"),
        "heterozygosity": lambda cid: derived_claim(cid, "unanchored: E[1 - ||q_t||²] = (1 - 1/N)^t (1 - ||q_0||²)",
                      r"\mathbb{E}[1-\|q_t\|^2] = (1-\tfrac1N)^t (1-\|q_0\|^2) \quad (\alpha = 0)", "sampled-anchor",
                      "unanchored-heterozygosity", "(1 - 1/N)**t*h0", aliases={"h0": "h_0"}),
        "anchor-floor": lambda cid: derived_claim(cid, "E χ²(p||p0) = (n-1)/N0 for an anchor estimated from N0 samples",
                      r"\mathbb{E}\chi^2(p\|p_0) = \frac{n-1}{N_0}", "sampled-anchor", "anchor-floor",
                      "(n - 1)/N0", aliases={"N0": "N_0"}),
        "accumulation": lambda cid: derived_claim(cid, "E||q_t - p||² <= ((1 - ||p||²)/N) Σ 1/s² < (π²/6)(1 - ||p||²)/N",
                      r"\mathbb{E}\|q_t-p\|^2 \le \frac{1-\|p\|^2}{N}\sum_{s\le t}\frac1{s^2} < \frac{\pi^2}{6}\frac{1-\|p\|^2}{N}",
                      "sampled-anchor", "accumulation-bound", "pi**2/6*(1 - pp)/N", aliases={"pp": r"\|p\|^2"}),
    }.items()}
