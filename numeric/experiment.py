"""An iteration set up from the operator model: operator, process, fixed inputs, parameters.

:func:`experiment` binds everything the engine needs for one family or operator file with float
values (the anchor ``p`` or the teachers ``p1 .. pm``, the parameters, and the process inputs:
the features ``Phi`` of a projection, the sample size ``N`` of a sampling process) and checks
them.  The effective anchor of the iteration is ``p`` itself, or the model's ``anchor`` role
(e.g. ``A_w(p1 .. pm)`` of F2) evaluated by the numpy translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from kdaxioms.symbolic.errors import InputError
from kdaxioms.symbolic.model import Kind, Operator

from .iterate import check_simplex
from .processes import Accumulated, Exact, MetaTeacher, Projected, Resampled, meta_teacher, student_lag
from .projection import projection
from .translate import NumericOperator, numeric_expression, numeric_operator

#: Processes by the names of :data:`kdaxioms.symbolic.families.FamilySpec.process` (plus C12's).
PROCESSES = ("exact", "projection", "multinomial", "accumulate")


@dataclass(frozen=True)
class Experiment:
    """Everything one iteration needs, validated; ``fixed`` arrays have shape ``(n,)`` or ``(chains, n)``."""

    operator: Operator
    numeric: NumericOperator
    process: str
    fixed: Mapping[str, np.ndarray]
    parameters: Mapping[str, float]
    features: np.ndarray | None = None
    samples: int | None = None

    @property
    def n(self) -> int:
        return next(iter(self.fixed.values())).shape[-1]

    @property
    def random(self) -> bool:
        return self.process in ("multinomial", "accumulate")

    def teacher(self) -> MetaTeacher:
        return meta_teacher(self.numeric, self.fixed, self.parameters)

    def build(self):
        """The engine's process object."""
        teacher = self.teacher()
        if self.process == "exact":
            return Exact(teacher)
        if self.process == "projection":
            return Projected(teacher, projection(self.features))
        if self.process == "multinomial":
            return Resampled(teacher, self.samples)
        return Accumulated(teacher, self.samples)

    def anchor(self) -> np.ndarray:
        """The anchor the iteration is pulled to: input ``p``, else the ``anchor`` role."""
        if "p" in self.fixed:
            return self.fixed["p"]
        role = self.operator.roles.get("anchor")
        if role is None:
            raise InputError(f"operator {self.operator.name} has neither an input p nor an anchor role")
        expr = numeric_expression(self.operator, role)
        dummy = np.full(self.n, 1.0 / self.n)
        arrays = [self.fixed.get(x, dummy) for x in self.operator.inputs]
        out = np.broadcast_to(expr.evaluate(arrays, [self.parameters[p.name] for p in self.operator.parameters]),
                              np.broadcast_shapes(*(a.shape for a in arrays)))
        return np.array(out, dtype=float)


def _check_fixed(op: Operator, fixed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    for name, value in fixed.items():
        arr = check_simplex(value, f"input {name}")
        if (arr <= 0).any():
            raise InputError(f"input {name} of {op.name} must be strictly positive (an interior anchor)")
        out[name] = arr
    sizes = {a.shape[-1] for a in out.values()}
    if len(sizes) != 1:
        raise InputError(f"the fixed inputs of {op.name} have different support sizes {sorted(sizes)}")
    return out


def experiment(op: Operator, process: str, fixed: Mapping[str, np.ndarray], parameters: Mapping[str, float],
               features: np.ndarray | None = None, samples: int | None = None) -> Experiment:
    """Validate and bind an iteration of ``op`` (a meta operator) under ``process``."""
    if op.kind is not Kind.META:
        raise InputError(f"{op.name} is a {op.kind.value} operator; only meta-teachers (F0-F7) are iterated")
    if process not in PROCESSES:
        raise InputError(f"unknown process {process!r}; choose one of {', '.join(PROCESSES)}")
    if not fixed:
        raise InputError(f"operator {op.name} needs its fixed inputs "
                         f"{[x for x in op.inputs if student_lag(x) is None]}")
    fixed = _check_fixed(op, fixed)
    n = next(iter(fixed.values())).shape[-1]
    if (features is None) != (process != "projection"):
        raise InputError("the features Phi are an input of the projection process only")
    if features is not None:
        features = np.asarray(features, dtype=float)
        if features.ndim != 2 or features.shape[0] != n:
            raise InputError(f"Phi needs one row per outcome: {n} rows, got shape {features.shape}")
    if (samples is None) == (process in ("multinomial", "accumulate")):
        raise InputError("the sample size N is an input of the sampling processes only")
    if samples is not None and (not isinstance(samples, (int, np.integer)) or isinstance(samples, bool) or samples < 1):
        raise InputError(f"N={samples!r} must be an integer >= 1 (samples per generation)")
    ex = Experiment(op, numeric_operator(op), process, fixed, dict(parameters), features, samples)
    ex.teacher()
    return ex
