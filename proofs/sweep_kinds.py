"""What a sweep's task computes, by kind: the runners that a Dask worker imports and calls.

Each runner takes a task as plain data (``params``: the grid values as strings; ``settings``: the
``[sweep]`` table's other keys, the seed included) and returns ``{"verdict": ..., "scope": ...}``
plus its result columns.  Every object (SymPy expressions, covers, solvers) is built here, in the
worker.  :func:`check_task` validates a task's inputs in the main process before anything is
submitted, so a typo is one line (exit 2) rather than a thousand error rows.

* ``tightness``: the certified bracket of ``c*(alpha, anchor)`` (:func:`~kdaxioms.certified.tightness.bracket`);
  verdict ``certified`` (``lower <= c* <= upper``) or ``unknown`` (the cover ran out of cells:
  only ``lower`` is claimed).
* ``derive``: a derivation of the registry (``derivation = "NAME"``) at the grid's inputs;
  verdict ``derived``, the exact value and a decimal.
* ``audit``: an operator file (``operator = "FILE"``, its text shipped with the task) or a family
  (``family = "NAME"``) audited for one axiom (the ``axiom`` axis or setting); an axis named
  after a parameter restricts that parameter to a cell ``"lo:hi"`` (its domain and the box).
* ``iterate``: the summary of ``kdaxioms iterate TARGET`` with the grid's values as ``--set``;
  verdict ``agree`` when every comparison with a derived value agrees, else ``disagree``.
* ``cstar-cell``: one cell of the c* monotonicity cover (:mod:`kdaxioms.certified.cstar`).
"""

from __future__ import annotations

import argparse
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Mapping

from kdaxioms.symbolic.errors import InputError, UnknownNameError, excerpt
from kdaxioms.symbolic.points import distribution, fraction

#: The dotted path a worker imports to run a task.
RUNNER = "kdaxioms.proofs.sweep_kinds:run_task"


def run_task(task: Mapping[str, Any]) -> dict:
    """Dispatch on the task's kind (see the module docstring)."""
    return KINDS[task["kind"]][0](task["params"], task["settings"])


def check_task(kind: str, params: Mapping[str, str], settings: Mapping[str, Any]) -> None:
    """Raise an :class:`InputError` (one line) when the task's inputs are malformed."""
    if kind not in KINDS:
        raise UnknownNameError("sweep kind", kind, sorted(KINDS))
    KINDS[kind][1](params, settings)


def prepare(kind: str, settings: Mapping[str, Any], folder: Path) -> dict:
    """The settings as the tasks carry them (an operator file's path becomes its text)."""
    settings = dict(settings)
    if kind == "audit" and "operator" in settings:
        path = Path(settings.pop("operator"))
        path = path if path.is_absolute() else folder / path
        if not path.is_file():
            raise InputError(f"operator file {path} does not exist; fix operator = \"...\" in [sweep]")
        settings["operator_text"] = path.read_text()
        settings["operator_name"] = path.name
    return settings


# -- tightness ---------------------------------------------------------------------------------

def _alpha_anchor(params: Mapping[str, str]) -> tuple[Fraction, tuple[Fraction, ...]]:
    missing = [k for k in ("alpha", "anchor") if k not in params]
    if missing:
        raise InputError(f"a tightness sweep needs the grid axes alpha and anchor; {missing[0]} is missing")
    alpha = fraction(params["alpha"])
    if not 0 < alpha < 1:
        raise InputError(f"alpha = {alpha} is outside (0, 1)")
    anchor = distribution((fraction(s) for s in params["anchor"].split(",")), "anchor", interior=True)
    if len(anchor) > 4:
        raise InputError(f"anchor {params['anchor']} has {len(anchor)} entries, above the certified cover's limit n <= 4")
    return alpha, anchor


def _check_tightness(params: Mapping[str, str], settings: Mapping[str, Any]) -> None:
    _alpha_anchor(params)
    _no_settings("tightness", settings, ())


def _tightness(params: Mapping[str, str], settings: Mapping[str, Any]) -> dict:
    from kdaxioms.certified.tightness import bracket

    alpha, anchor = _alpha_anchor(params)
    b = bracket(alpha, anchor, seed=int(settings.get("seed", 0)))
    data = b.to_json()
    scope = (f"n={len(anchor)}; alpha={alpha}; p=({', '.join(map(str, anchor))}); q anywhere in the simplex")
    return {"verdict": "certified" if b.certified else "unknown",
            "scope": scope if b.certified else scope + "; only the lower bound is certified (cover incomplete)",
            "n": len(anchor), "min_anchor": str(min(anchor)), "lower": data["lower"], "upper": data["upper"],
            "width": data["width"], "lower_from": data["lower_from"], "cells": data["cells"],
            "argmax": ",".join(data["argmax"])}


# -- derive ------------------------------------------------------------------------------------

def _derivation(settings: Mapping[str, Any]):
    from kdaxioms.symbolic.derivations import derivation

    name = settings.get("derivation")
    if not isinstance(name, str):
        raise InputError("a derive sweep needs derivation = \"NAME\" in [sweep] (see 'kdaxioms derive --list')")
    return derivation(name)


def _check_derive(params: Mapping[str, str], settings: Mapping[str, Any]) -> None:
    spec = _derivation(settings)
    spec.parse([f"{k}={v}" for k, v in params.items()])
    _no_settings("derive", settings, ("derivation",))


def _derive(params: Mapping[str, str], settings: Mapping[str, Any]) -> dict:
    spec = _derivation(settings)
    result = spec.derive(spec.parse([f"{k}={v}" for k, v in params.items()]))
    data = result.to_json()
    inputs = "; ".join(f"{k}={v}" for k, v in params.items())
    return {"verdict": "derived", "scope": f"{spec.name} at {inputs}", "value": data["exact"] or data["expression"],
            "decimal": data["value"] if not isinstance(data["value"], list) else ",".join(data["value"])}


# -- audit -------------------------------------------------------------------------------------

def _operator(params: Mapping[str, str], settings: Mapping[str, Any]):
    from kdaxioms.symbolic.families import family
    from kdaxioms.symbolic.opfile import operator_from_data

    if "operator_text" in settings:
        data = tomllib.loads(settings["operator_text"])
        table = data.setdefault("parameters", {})
        for name, value in params.items():
            if name in table:
                if ":" not in value:
                    raise InputError(f"parameter {name} = {value}: an audit sweep restricts a parameter to a box; "
                                     f"write a cell \"lo:hi\" (e.g. {{ from, to, step, cells = true }})")
                lo, hi = value.split(":")
                table[name] = f"{table[name]} and {lo} <= {name} <= {hi}"  # the box inside the domain
        return operator_from_data(data, settings.get("operator_name", "operator file"))
    if "family" in settings:
        fixed = [k for k in params if k != "axiom"]
        if fixed:
            raise InputError(f"an audit sweep of a family cannot fix the parameter {fixed[0]}; write the family as an "
                             "operator file (examples/operators/) and sweep it")
        return family(settings["family"])
    raise InputError("an audit sweep needs operator = \"FILE\" or family = \"NAME\" in [sweep]")


def _axiom_name(params: Mapping[str, str], settings: Mapping[str, Any]) -> str:
    name = params.get("axiom", settings.get("axiom"))
    if not isinstance(name, str):
        raise InputError("an audit sweep needs an axiom: an 'axiom' axis or axiom = \"NAME\" in [sweep]")
    return name


def _check_audit(params: Mapping[str, str], settings: Mapping[str, Any]) -> None:
    from kdaxioms.smt.audit import axiom_names

    op = _operator(params, settings)
    axiom_names(op, [_axiom_name(params, settings)])
    known = {p.name for p in op.parameters} | {"axiom"}
    extra = sorted(set(params) - known)
    if extra:
        raise InputError(f"grid axis {extra[0]!r} is neither 'axiom' nor a parameter of the operator "
                         f"({', '.join(sorted(known - {'axiom'})) or 'none'})")
    _no_settings("audit", settings, ("operator_text", "operator_name", "family", "axiom", "max_n", "budget"))


def _audit(params: Mapping[str, str], settings: Mapping[str, Any]) -> dict:
    from .audit import audit_operator

    op = _operator(params, settings)
    (result,) = audit_operator(op, [_axiom_name(params, settings)], max_n=int(settings.get("max_n", 4)),
                               seed=int(settings.get("seed", 0)), budget_s=float(settings.get("budget", 60)))
    data = result.to_json()
    boxes = [f"{k} in [{v.replace(':', ', ')}]" for k, v in params.items() if k != "axiom"]
    return {"verdict": str(result.verdict), "scope": "; ".join([str(result.full_scope)] + boxes), "route": result.route,
            "witness": None if result.witness is None else str(data.get("witness")), "reason": result.reason}


# -- iterate -----------------------------------------------------------------------------------

def _iterate_args(params: Mapping[str, str], settings: Mapping[str, Any]) -> argparse.Namespace:
    from . import iterate_cmd

    target = settings.get("target")
    if not isinstance(target, str):
        raise InputError("an iterate sweep needs target = \"F1\" (a family) in [sweep]")
    parser = argparse.ArgumentParser(prog="kdaxioms iterate", add_help=False)
    sub = parser.add_subparsers(dest="command")
    iterate_cmd.register(sub)
    argv = ["iterate", target, "--json"]
    for key in ("n", "steps", "chains"):
        if key in settings:
            argv += [f"--{key}", str(settings[key])]
    argv += ["--seed", str(settings.get("seed", 0))]
    for name, value in params.items():
        argv += ["--set", f"{name}={value}"]
    return parser.parse_args(argv)


def _check_iterate(params: Mapping[str, str], settings: Mapping[str, Any]) -> None:
    from . import iterate_cmd

    iterate_cmd.resolve(_iterate_args(params, settings))
    _no_settings("iterate", settings, ("target", "n", "steps", "chains"))


def _iterate(params: Mapping[str, str], settings: Mapping[str, Any]) -> dict:
    from . import iterate_cmd

    data = iterate_cmd.execute(_iterate_args(params, settings))
    agree = all(c["verdict"] == iterate_cmd.AGREES for c in data["checks"])
    inputs = "; ".join(f"{k}={v}" for k, v in params.items())
    return {"verdict": "agree" if agree else "disagree",
            "scope": f"{data.get('label', settings['target'])}; {inputs}; numeric cross-check, not a proof",
            "checks": len(data["checks"]),
            "disagreements": sum(c["verdict"] != iterate_cmd.AGREES for c in data["checks"])}


# -- shared ------------------------------------------------------------------------------------

def _no_settings(kind: str, settings: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(settings) - set(allowed) - {"seed"})
    if extra:
        raise InputError(f"[sweep] {extra[0]} = {excerpt(settings[extra[0]])} is not a setting of a {kind} sweep"
                         + (f" (its settings: {', '.join(allowed)})" if allowed else ""))


def _cstar_cell(params: Mapping[str, str], settings: Mapping[str, Any]) -> dict:
    from kdaxioms.certified.cstar import run_cell

    return run_cell(params, settings)


def _check_cstar_cell(params: Mapping[str, str], settings: Mapping[str, Any]) -> None:
    from kdaxioms.certified.cstar import check_cell

    check_cell(params, settings)


KINDS: dict[str, tuple[Callable[..., dict], Callable[..., None]]] = {
    "tightness": (_tightness, _check_tightness),
    "derive": (_derive, _check_derive),
    "audit": (_audit, _check_audit),
    "iterate": (_iterate, _check_iterate),
    "cstar-cell": (_cstar_cell, _check_cstar_cell),
}
