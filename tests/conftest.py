import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

#: The test files that take longest on the 2-core machine (``--durations=0``), longest first.
#: ``make test`` starts them first (``--no-loadscope-reorder`` keeps this order): longest first
#: leaves the short files to fill the end, so no worker runs a long file alone at the end.
LONGEST_FIRST = ("test_one_engine.py", "test_registry.py", "test_hostile.py", "test_names.py",
                 "test_derivations_memory.py", "test_report_appendix.py", "test_normalized.py", "test_cli.py",
                 "test_tightness.py", "test_sweep.py", "test_report_figures_honest.py", "test_fuzz.py")


def pytest_collection_modifyitems(items):
    """The files of :data:`LONGEST_FIRST` first, in its order; the others after, as collected."""
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
