"""One proof, printed once: evidence steps that recur across the report become shared derivations.

The claims' evidence comes in *blocks* (the steps of a route, the steps of a proof for every
``n``).  The steps of at least :data:`MIN_CHARS` characters that occur in two or more blocks, when
together at least :data:`MIN_RUN_CHARS` long in a block, are printed once, in a numbered shared
derivation (a run of steps that the same blocks use), and every block that uses them cites it
instead:
a run of consecutive shared steps becomes "Derivation D, steps a--b".  A derivation collects the
shared steps in the order of the block where they first occur, so a derivation used whole by
several claims is printed whole, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Shorter steps ("$n = 2$: negation unsat") are cheaper to repeat than to cite.
MIN_CHARS = 80
#: A run of recurring steps is printed once and cited only when it is at least this long (a
#: one-line search summary that two claims share is repeated, not cited).
MIN_RUN_CHARS = 300


@dataclass
class Shared:
    """A shared derivation: its key (for ``\\label``), title, steps and the claims that cite it."""

    key: str
    title: str
    steps: list[str]
    users: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Block:
    """The steps of one piece of evidence of ``owner`` (a claim id), named by ``key``."""

    owner: str
    key: str
    steps: tuple[str, ...]
    title: str = ""


def _citation(item: Shared, first: int, last: int) -> str:
    where = f"step {first}" if first == last else f"steps {first}--{last}"
    if first == 1 and last == len(item.steps):
        where = "every step"
    return rf"\sharedref{{{item.key}}} ({item.title}), {where}"


def share(blocks: list[Block]) -> tuple[list[Shared], dict[tuple[str, str], list[str]]]:
    """The shared derivations of ``blocks`` and each block's steps with the shared runs cited
    (keyed by ``(owner, key)``)."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for b in blocks:
        for step in b.steps:
            if len(step) >= MIN_CHARS:
                seen.setdefault(step, set()).add((b.owner, b.key))
    recurring = {s for s, where in seen.items() if len(where) > 1}
    items: list[Shared] = []
    place: dict[str, tuple[Shared, int]] = {}
    for b in blocks:
        runs: list[list[str]] = [[]]
        for step in b.steps:  # maximal runs of consecutive recurring steps, with the same users, not yet printed
            if step in recurring and step not in place:
                if runs[-1] and seen[runs[-1][-1]] != seen[step]:
                    runs.append([])
                if step not in runs[-1]:
                    runs[-1].append(step)
            elif runs[-1]:
                runs.append([])
        for run in runs:
            if sum(map(len, run)) >= MIN_RUN_CHARS:
                item = Shared(f"D{len(items) + 1}", b.title or f"first used by {b.owner}", run)
                items.append(item)
                for k, step in enumerate(run, start=1):
                    place[step] = (item, k)
    rewritten: dict[tuple[str, str], list[str]] = {}
    for b in blocks:
        out: list[str] = []
        run: tuple[Shared, int, int] | None = None
        for step in b.steps + ("",):
            hit = place.get(step)
            if run is not None and (hit is None or hit[0] is not run[0] or hit[1] != run[2] + 1):
                out.append(_citation(*run))
                if b.owner not in run[0].users:
                    run[0].users.append(b.owner)
                run = None
            if hit is not None:
                run = (hit[0], hit[1], hit[1]) if run is None else (run[0], run[1], hit[1])
            elif step:
                out.append(step)
        rewritten[(b.owner, b.key)] = out
    return items, rewritten
