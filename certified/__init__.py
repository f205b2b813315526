"""kdaxioms.certified: certified arithmetic -- verdicts from outward-rounded intervals (python-flint's
``arb``), never from floats.

The arithmetic core, which the model's exact signs use too: ``intervals`` is the one walker from
SymPy to ``arb`` (an expression compiled once, evaluated on a box, on balls, or at an exact number),
``precision`` the one precision context, ``kleene`` the one three-valued walker of formulas (at an
exact point or on a box: ``formula_intervals``).  On top of them: the branch and bound of ``branch`` and ``lemmas``, the
interval proofs (``prove``) and refutations (``refute``) of claims with logarithms
(``logclaims``), Z3 with piecewise-linear log enclosures in a CEGAR loop (``plenclose``), and
C4's certified tightness bracket (``tightness``).  Floats only propose (``kdaxioms.numeric``);
every verdict here rests on the enclosures.
"""

# The model first: the arithmetic's errors are the model's, and the model's exact signs use the
# interval program, so importing a certified module before the model must not start a cycle.
import kdaxioms.symbolic  # noqa: E402,F401
