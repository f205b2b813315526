"""The works the report cites, once for the LaTeX report and its HTML twin (text-mode LaTeX)."""

from __future__ import annotations

#: ``(key, entry)`` in the order of first citation.
REFERENCES: tuple[tuple[str, str], ...] = (
    ("recursive", r"A.~R.~Flouro and S.~P.~Chadwick, Recursive Meta-Distillation: An Axiomatic Framework for "
                  r"Iterative Knowledge Refinement, arXiv:2601.13100 (2026)."),
    ("sparsekd", r"A.~R.~Flouro et al., Sparse Knowledge Distillation: A Mathematical Framework for "
                 r"Probability-Domain Temperature Scaling and Multi-Stage Compression, arXiv:2601.03195 (2026)."),
    ("multiteacher", r"A.~R.~Flouro and S.~P.~Chadwick, Multi-Teacher Ensemble Distillation: A Mathematical "
                     r"Framework for Probability-Domain Knowledge Aggregation, arXiv:2601.09165 (2026)."),
    ("wright", r"S.~Wright, Evolution in Mendelian populations, \emph{Genetics} 16 (1931) 97--159."),
    ("gerstgrasser", r"M.~Gerstgrasser, R.~Schaeffer, A.~Dey, R.~Rafailov, H.~Sleight, J.~Hughes, T.~Korbak, "
                     r"R.~Agrawal, D.~Pai, A.~Gromov, D.~A.~Roberts, D.~Yang, D.~L.~Donoho and S.~Koyejo, Is model "
                     r"collapse inevitable? Breaking the curse of recursion by accumulating real and synthetic data, "
                     r"arXiv:2404.01413 (2024)."),
)
