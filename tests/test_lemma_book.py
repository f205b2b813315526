"""The book of lemmas that proofs for every n cite (:mod:`kdaxioms.symbolic.lemma_book`): every
cited lemma exists, every mechanised lemma is established, a proof cites a book lemma instead of
repeating it, and a report cannot be written on a lemma that does not hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kdaxioms.proofs import report_lemmas
from kdaxioms.proofs.audit import audit_operator
from kdaxioms.proofs.claims import registry
from kdaxioms.proofs.report import render
from kdaxioms.proofs.runner import run_claims
from kdaxioms.proofs.settings import Settings
from kdaxioms.symbolic import lemma_book
from kdaxioms.symbolic.families import family

ROOT = Path(__file__).resolve().parents[1]


def test_every_cited_key_is_in_the_book_and_every_mechanised_lemma_holds():
    keys = {item.key for item in lemma_book.BOOK}
    used = set()
    for folder in ("symbolic", "smt", "proofs", "certified"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            used |= set(re.findall(r"cite\(['\"]([a-z-]+)['\"]\)", text))
            used |= set(re.findall(r"\\\\lemmaref\{([a-z-]+)\}", text))
    used.discard("key")  # the docstrings' placeholder
    assert used and used <= keys, used - keys
    for item in lemma_book.BOOK:
        assert item.prove is not None or item.checked, item.key  # a proof or a stated check
        if item.prove is not None:
            holds, steps = item.prove()
            assert holds is True and steps, item.key
    with pytest.raises(KeyError):
        lemma_book.cite("no-such-lemma")


def test_a_proof_cites_a_book_lemma_instead_of_repeating_its_steps():
    (r,) = audit_operator(family("geometric-aggregation"), ["weight-monotone-kl-reverse"], max_n=2)
    assert r.scope == "all-n"
    text = "\n".join(r.steps)
    assert lemma_book.cite("reverse-kl-log-linear") in text and lemma_book.cite("coordinate-reduction") in text
    own = lemma_book.lemma("reverse-kl-log-linear").prove()[1]
    assert not any(step in text for step in own)  # stated once, in the lemmas section
    assert {"normalized", "power-rules"} <= set(lemma_book.cited(r.steps)) and "gibbs" not in lemma_book.cited(r.steps)


def test_the_report_prints_each_lemma_once_and_each_all_n_proof_cites_it():
    results = run_claims([registry()[c] for c in ("C11.geometric.A3-kl-reverse", "C4.exact-factor")],
                         Settings(seed=0, max_n=2))
    text = render(results, Settings(seed=0), "kdaxioms report", "today", [])
    for item in lemma_book.BOOK:
        assert text.count(rf"\label{{lemma:{item.key}}}") == 1
    proof = text.split(r"\label{claim:C11.geometric.A3-kl-reverse}")[1].split(r"\textbf{Routes.}")[0]
    assert "Proof for every $n$" in proof and r"\lemmaref{reverse-kl-log-linear} (reverse KL" in proof
    assert proof.index("Lemmas used") < proof.index(r"\begin{enumerate}")  # statement, lemmas, then checks
    bounded = text.split(r"\label{claim:C4.exact-factor}")[1].split(r"\textbf{Routes.}")[0]
    assert "Proof for every $n$" not in bounded


def test_no_report_rests_on_a_lemma_that_is_not_established(monkeypatch):
    broken = lemma_book.Lemma("weighted-am-gm", "weighted AM--GM", "broken", prove=lambda: (None, ("broken",)))
    monkeypatch.setattr(report_lemmas, "BOOK", (broken,))
    with pytest.raises(report_lemmas.LemmaError, match="not established"):
        report_lemmas.lemmas([])
