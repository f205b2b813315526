"""kdaxioms.certified: certified arithmetic -- verdicts from outward-rounded intervals (python-flint's
``arb``), never from floats.

``intervals`` evaluates a SymPy formula on boxes (one walker, one precision context:
:func:`~kdaxioms.certified.intervals.precision`); ``formula_intervals`` decides a formula's truth
three-valued on a box; on top of them: the branch and bound of ``branch`` and ``lemmas``, the
interval proofs (``prove``) and refutations (``refute``) of claims with logarithms
(``logclaims``), Z3 with piecewise-linear log enclosures in a CEGAR loop (``plenclose``), and
C4's certified tightness bracket (``tightness``).  Floats only propose (``kdaxioms.numeric``);
every verdict here rests on the enclosures.
"""
