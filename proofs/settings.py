"""Run settings, passed explicitly to every route (no global state)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kdaxioms.numeric.checks import Sampling


@dataclass(frozen=True)
class Settings:
    """``seed`` drives every random step; ``max_n`` bounds whole-vector SMT; ``timeout_s`` is
    the per-query Z3 budget."""

    seed: int = 0
    max_n: int = 6
    timeout_s: float = 5.0
    chains: int = 1000
    sizes: tuple[int, ...] = (2, 3, 5, 10, 50)
    trajectory_steps: int = 40

    @property
    def timeout_ms(self) -> int:
        return int(self.timeout_s * 1000)

    @property
    def sampling(self) -> Sampling:
        return Sampling(sizes=self.sizes, chains=self.chains, seed=self.seed)

    def as_dict(self) -> dict:
        return {"seed": self.seed, "max_n": self.max_n, "timeout_s": self.timeout_s,
                "chains": self.chains, "sizes": list(self.sizes), "trajectory_steps": self.trajectory_steps}
