"""The projection ``Pi_Q`` onto an exponential family ``Q_Phi``, vectorized over chains.

``Pi_Q(r) = argmin_{q in Q_Phi} KL(r||q)`` is the unique ``q in Q_Phi`` with ``Phi^T q = Phi^T r``
(moment matching; ``Q_Phi = {q ∝ exp(Phi theta)}``).  Members are normalized, so the matched
moments are those of ``[1 | Phi]``.  With ``B`` an orthonormal basis of the centred column span of
``Phi`` (``span[1, Phi] = span[1, B]``, and ``B`` has full column rank), write
``q_theta = softmax(B theta)``; then ``theta`` minimizes the strictly convex dual

    f(theta) = log sum_i exp((B theta)_i) - theta^T B^T r,

whose gradient is ``g = B^T (q_theta - r)`` (the moment residual) and whose Hessian is
``H = B^T (diag q_theta - q_theta q_theta^T) B``, the covariance of the features under
``q_theta``, positive definite for interior ``q_theta``.  Damped Newton: the direction
``d = -H^{-1} g`` with step ``s`` halved, chain by chain, until the Armijo condition
``f(theta + s d) <= f(theta) + s g^T d / 4`` holds (with a rounding allowance of a few ulps of
``f``); it stops when ``max |g| <= tolerance``.  A warm start (the previous generation's
``theta``) makes each call take a few steps.

When ``rank [1 | Phi] = n`` the family is the whole open simplex and ``Pi_Q`` is the identity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdaxioms.symbolic.errors import InputError, KdaxiomsError

#: Singular values below this fraction of the largest count as zero (rank decisions).
_RANK_TOLERANCE = 1e-10
_HALVINGS = 60


class ProjectionError(KdaxiomsError):
    """Newton's method on the moment-matching dual did not converge."""


def feature_basis(phi: np.ndarray) -> np.ndarray:
    """An orthonormal basis ``(n, d)`` of the centred column span of ``phi`` (``d = rank - [1 in span]``)."""
    phi = np.asarray(phi, dtype=float)
    if phi.ndim != 2 or phi.shape[0] < 2 or not np.all(np.isfinite(phi)):
        raise InputError("Phi must be a finite matrix with one row per outcome (at least 2 rows)")
    centred = phi - phi.mean(axis=0, keepdims=True)
    if not centred.any():
        return np.zeros((phi.shape[0], 0))
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    return u[:, s > _RANK_TOLERANCE * s.max()]


def _softmax(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``softmax`` over the last axis and ``log sum exp``, both stable."""
    top = logits.max(axis=-1, keepdims=True)
    w = np.exp(logits - top)
    total = w.sum(axis=-1, keepdims=True)
    return w / total, (top + np.log(total))[..., 0]


@dataclass(frozen=True)
class Projection:
    """``Pi_Q`` for the features whose centred span has orthonormal basis ``basis``."""

    basis: np.ndarray
    tolerance: float = 1e-12
    max_steps: int = 100

    @property
    def identity(self) -> bool:
        """``rank [1 | Phi] = n``: ``Q_Phi`` is the open simplex."""
        return self.basis.shape[1] == self.basis.shape[0] - 1

    def dual(self, theta: np.ndarray, target: np.ndarray) -> np.ndarray:
        """``f(theta)`` per chain, ``target = B^T r``."""
        _, lse = _softmax(theta @ self.basis.T)
        return lse - np.einsum("cd,cd->c", theta, target)

    def __call__(self, r: np.ndarray, theta: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(Pi_Q(r), theta)`` for ``r`` of shape ``(chains, n)``; ``theta`` warm-starts Newton."""
        r = np.asarray(r, dtype=float)
        chains, d = r.shape[0], self.basis.shape[1]
        if self.identity:
            return r.copy(), np.zeros((chains, d))
        target = r @ self.basis
        theta = np.zeros((chains, d)) if theta is None else np.array(theta, dtype=float)
        for _ in range(self.max_steps):
            q, _ = _softmax(theta @ self.basis.T)
            grad = q @ self.basis - target
            if np.abs(grad).max(initial=0.0) <= self.tolerance:
                return q, theta
            theta = self._newton_step(theta, q, grad, target)
        residual = float(np.abs(_softmax(theta @ self.basis.T)[0] @ self.basis - target).max())
        raise ProjectionError(f"moment matching did not converge in {self.max_steps} Newton steps (residual "
                              f"{residual:.2e}); the distribution to project may have zero entries")

    def _newton_step(self, theta: np.ndarray, q: np.ndarray, grad: np.ndarray, target: np.ndarray) -> np.ndarray:
        """One damped Newton step for every chain (step halved per chain until Armijo holds)."""
        mean = q @ self.basis
        hess = np.einsum("cn,nd,ne->cde", q, self.basis, self.basis) - mean[:, :, None] * mean[:, None, :]
        ridge = 1e-14 * np.einsum("cdd->c", hess)[:, None, None] * np.eye(hess.shape[1])
        direction = -np.linalg.solve(hess + ridge, grad[:, :, None])[:, :, 0]
        slope = np.einsum("cd,cd->c", grad, direction)
        now = self.dual(theta, target)
        allowance = 8 * np.finfo(float).eps * (np.abs(now) + 1)
        size = np.ones(theta.shape[0])
        pending = np.ones(theta.shape[0], dtype=bool)
        for _ in range(_HALVINGS):
            trial = theta[pending] + size[pending, None] * direction[pending]
            ok = self.dual(trial, target[pending]) <= now[pending] + size[pending] * slope[pending] / 4 + allowance[pending]
            idx = np.flatnonzero(pending)
            size[idx[~ok]] /= 2
            pending[idx[ok]] = False
            if not pending.any():
                break
        return theta + size[:, None] * direction


def projection(phi: np.ndarray, tolerance: float = 1e-12) -> Projection:
    """``Pi_Q`` onto ``Q_Phi`` for the feature matrix ``phi`` (``n`` rows)."""
    return Projection(feature_basis(phi), tolerance)
