"""Sweeps: thousands of independent tasks over a grid, run on Dask distributed.

* :mod:`.spec` reads a sweep file (TOML) and expands its grid into tasks of plain data;
* :mod:`.sandbox` runs a batch of tasks inside a worker, each under a hard timeout (a forked
  child process that is killed past it);
* :mod:`.store` appends result rows as they arrive and writes the columnar file (Parquet or CSV);
* :mod:`.engine` submits the batches to a Dask cluster (an embedded ``LocalCluster`` or an
  existing scheduler), retries a killed worker's batches and resumes an interrupted sweep.

The package knows nothing of what a task computes: a task names its runner as a dotted path
(``module:function``) that the worker imports, so the kinds live with the command line
(:mod:`kdaxioms.proofs.sweep_kinds`) and data flows one way.
"""
