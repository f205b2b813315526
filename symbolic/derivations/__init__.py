"""The registry of derivations, keyed by the names users type (``kdaxioms derive NAME``)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from ..errors import UnknownNameError
from . import capacity, geometric, kl_ratio, memory, sampling, softening, trajectories
from .base import Derivation, DerivationSpec, Input

_MODULES = (trajectories, memory, kl_ratio, geometric, softening, capacity, sampling)

#: Derivation name -> spec, in a stable order.
DERIVATIONS: Mapping[str, DerivationSpec] = MappingProxyType(
    {spec.name: spec for module in _MODULES for spec in module.DERIVATIONS})


def derivation(name: str) -> DerivationSpec:
    try:
        return DERIVATIONS[name]
    except KeyError:
        raise UnknownNameError("derivation", name, list(DERIVATIONS)) from None


__all__ = ["DERIVATIONS", "Derivation", "DerivationSpec", "Input", "derivation"]
