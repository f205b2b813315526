"""Independent re-checking of a proof bundle (``kdaxioms recheck DIR``).

Nothing in this package imports the code that produced the bundle (``kdaxioms.symbolic``,
``smt``, ``numeric``, ``certified``, ``proofs``): a verdict is re-checked from the plain files of
the bundle by other engines -- cvc5 and Z3 from SMT-LIB text, SymPy from ``srepr`` strings,
mpmath's interval arithmetic, and an evaluator written on Python's ``fractions`` alone.
"""
