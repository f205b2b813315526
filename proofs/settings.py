"""Run settings, passed explicitly to every route (no global state)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kdaxioms.numeric.checks import Sampling
from kdaxioms.symbolic.budget import Deadline, positive_seconds


@dataclass(frozen=True)
class Settings:
    """``seed`` drives every random step; ``max_n`` bounds whole-vector SMT; ``timeout_s`` is
    the per-query Z3 budget; ``budget_s`` bounds one whole claim, every route included (``None``:
    no budget).  The runner gives each claim a copy carrying its own :attr:`deadline`
    (:meth:`for_claim`), which the routes pass to every engine."""

    seed: int = 0
    max_n: int = 6
    timeout_s: float = 5.0
    chains: int = 1000
    sizes: tuple[int, ...] = (2, 3, 5, 10, 50)
    trajectory_steps: int = 40
    budget_s: float | None = None
    deadline: Deadline = field(default_factory=Deadline.unbounded, compare=False, repr=False)

    def __post_init__(self) -> None:
        positive_seconds(self.timeout_s, "the timeout")
        if self.budget_s is not None:
            positive_seconds(self.budget_s, "the budget")

    def for_claim(self) -> "Settings":
        """These settings with a fresh deadline of ``budget_s`` seconds, starting now."""
        return replace(self, deadline=Deadline.after(self.budget_s))

    @property
    def timeout_ms(self) -> int:
        return int(self.timeout_s * 1000)

    @property
    def sampling(self) -> Sampling:
        return Sampling(sizes=self.sizes, chains=self.chains, seed=self.seed)

    def as_dict(self) -> dict:
        out = {"seed": self.seed, "max_n": self.max_n, "timeout_s": self.timeout_s,
               "chains": self.chains, "sizes": list(self.sizes), "trajectory_steps": self.trajectory_steps}
        if self.budget_s is not None:
            out["budget_s"] = self.budget_s
        return out
