"""An index over titles: the duplicate check (`similar`) and accent-insensitive word search (`search`).

Features are folded syllables, syllable bigrams and trigrams, weighted by IDF, in an inverted index
(CSR arrays). `similar` gathers candidates from the rarer features, scores them by cosine over all
features, then re-scores the best with rapidfuzz's token-set ratio; `search` keeps titles holding
every query word and ranks them by the same cosine.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from stiplan.analytics.search.normalise import STOPWORDS, Analysed, analyse, has_diacritics

# Candidate generation reads postings of the rarest features until this many are read.
POSTINGS_BUDGET = 60_000
CANDIDATES = 300  # scored by cosine over all features
RESCORED = 60  # re-scored with the token-set ratio (or k, when more are asked for)
# Final score: shares of the syllable cosine (blind to order), the bigram-and-trigram cosine (order
# of words) and rapidfuzz's token-set ratio on the folded, expanded titles.
SHARES = (0.4, 0.2, 0.4)


@dataclass(frozen=True)
class Hit:
    """One indexed title: its key, text as given, score in [0, 1] and the shared phrases."""

    key: Hashable
    title: str
    score: float
    phrases: tuple[str, ...]


def features(tokens: Sequence[str]) -> set[str]:
    """Syllables, syllable bigrams and trigrams (a Vietnamese word is one to three syllables)."""
    out = set(tokens)
    out.update(" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1))
    out.update(" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2))
    return out


def _single_matches(query: Analysed, doc: Analysed, i: int) -> bool:
    """A lone shared syllable counts when it is no function word and the query wrote it exactly as
    the document did (a lone "dung" is too weak to show "dựng" as matching "dụng" or "dung")."""
    token = doc.tokens[i]
    if token in STOPWORDS:
        return False
    written = doc.words[doc.origin[i]].lower()
    return any(
        other == token and query.words[query.origin[j]].lower() == written
        for j, other in enumerate(query.tokens)
    )


def shared_phrases(query: Analysed, doc: Analysed) -> tuple[str, ...]:
    """The longest runs of the document's tokens that also occur in a row in the query, as the
    document wrote them; a lone syllable only as `_single_matches` allows."""
    q = query.tokens
    grams = {tuple(q[i:j]) for i in range(len(q)) for j in range(i + 1, len(q) + 1)}
    spans: list[list[int]] = []  # written words [first, last] of each phrase
    t, i = doc.tokens, 0
    while i < len(t):
        j = i
        while j < len(t) and tuple(t[i : j + 1]) in grams:
            j += 1
        if j == i:
            i += 1
            continue
        if j - i > 1 or _single_matches(query, doc, i):
            first, last = doc.origin[i], doc.origin[j - 1]
            if spans and first <= spans[-1][1]:  # an abbreviation split between two runs
                spans[-1][1] = max(spans[-1][1], last)
            else:
                spans.append([first, last])
        i = j
    phrases = dict.fromkeys(" ".join(doc.words[a : b + 1]) for a, b in spans)
    return tuple(phrases)


class TitleIndex:
    """Titles (with optional keys) indexed once; queries never change the index."""

    def __init__(self, titles: Iterable[str], keys: Iterable[Hashable] | None = None):
        self.titles: list[str] = list(titles)
        self.keys: list[Hashable] = list(range(len(self.titles)) if keys is None else keys)
        if len(self.keys) != len(self.titles):
            raise ValueError("keys and titles differ in length")
        vocab: dict[str, int] = {}
        feats, docs = array("i"), array("i")
        self.folded: list[str] = []
        for d, title in enumerate(self.titles):
            tokens = analyse(title).tokens
            self.folded.append(" ".join(tokens))
            for f in features(tokens):
                feats.append(vocab.setdefault(f, len(vocab)))
                docs.append(d)
        self.vocab = vocab
        f_arr = np.frombuffer(feats, dtype=np.int32) if feats else np.zeros(0, np.int32)
        d_arr = np.frombuffer(docs, dtype=np.int32) if docs else np.zeros(0, np.int32)
        order = np.argsort(f_arr, kind="stable")
        self.postings = d_arr[order]  # per feature, document numbers ascending
        counts = np.bincount(f_arr, minlength=len(vocab))
        self.indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        n = len(self.titles)
        self.weight2 = np.log1p(n / np.maximum(counts, 1)) ** 2  # IDF², per feature
        self.unseen_weight2 = math.log1p(max(n, 1)) ** 2
        self.is_phrase = np.zeros(len(vocab), dtype=bool)  # bigram or trigram
        self.is_phrase[[fid for f, fid in vocab.items() if " " in f]] = True
        self.norms = np.sqrt(np.stack([
            np.bincount(d_arr, weights=self.weight2[f_arr] * (self.is_phrase[f_arr] == kind), minlength=n)
            for kind in (False, True)
        ]))  # [syllables, phrases] × documents

    def __len__(self) -> int:
        return len(self.titles)

    def nbytes(self) -> int:
        """Bytes held by the index arrays (not the titles, their folded forms or the vocabulary)."""
        arrays = (self.postings, self.indptr, self.weight2, self.norms, self.is_phrase)
        return sum(a.nbytes for a in arrays)

    def _query(self, analysed: Analysed) -> tuple[list[int], np.ndarray]:
        """Known feature numbers and the query's norms [syllables, phrases]."""
        known, norm2 = [], np.zeros(2)
        for f in features(analysed.tokens):
            fid = self.vocab.get(f)
            if fid is None:
                norm2[int(" " in f)] += self.unseen_weight2
            else:
                known.append(fid)
                norm2[int(self.is_phrase[fid])] += self.weight2[fid]
        return known, np.sqrt(norm2)

    def _docs(self, fid: int) -> np.ndarray:
        return self.postings[self.indptr[fid] : self.indptr[fid + 1]]

    def _cosine(self, known: list[int], qnorm: np.ndarray, cands: np.ndarray) -> np.ndarray:
        """Cosines [syllables, phrases] × candidates over every query feature, for the sorted
        candidate documents (0 where the query or the document has no such feature)."""
        acc = np.zeros((2, len(cands)))
        for fid in known:
            docs = self._docs(fid)
            pos = np.searchsorted(docs, cands)
            hit = pos < len(docs)
            hit[hit] = docs[pos[hit]] == cands[hit]
            acc[int(self.is_phrase[fid])] += hit * self.weight2[fid]
        denom = qnorm[:, None] * self.norms[:, cands]
        return np.minimum(np.divide(acc, denom, out=np.zeros_like(acc), where=denom > 0), 1.0)

    def similar(self, title: str, k: int = 10, min_score: float = 0.0) -> list[Hit]:
        """The k indexed titles most like `title`, best first, with scores and shared phrases."""
        query = analyse(title)
        known, qnorm = self._query(query)
        if not known:
            return []
        known.sort(key=lambda fid: self.indptr[fid + 1] - self.indptr[fid])
        used, read = [], 0
        for fid in known:
            if used and read + self.indptr[fid + 1] - self.indptr[fid] > POSTINGS_BUDGET:
                break
            used.append(fid)
            read += int(self.indptr[fid + 1] - self.indptr[fid])
        docs = np.concatenate([self._docs(f) for f in used])
        acc = np.bincount(docs, weights=np.repeat(self.weight2[used], [len(self._docs(f)) for f in used]))
        cands = np.flatnonzero(acc)
        if len(cands) > CANDIDATES:
            partial = acc[cands] / self.norms[:, cands].sum(axis=0)
            cands = np.sort(cands[np.argpartition(-partial, CANDIDATES)[:CANDIDATES]])
        syllables, phrases = self._cosine(known, qnorm, cands)
        if len(query.tokens) == 1:  # no phrase to compare: the syllable cosine takes its share
            phrases = syllables
        cosine = SHARES[0] * syllables + SHARES[1] * phrases
        best = np.argsort(-cosine, kind="stable")[: max(RESCORED, k)]
        folded = " ".join(query.tokens)
        cands = cands[best]
        ratios = process.cdist([folded], [self.folded[d] for d in cands], scorer=fuzz.token_set_ratio)[0]
        scores = cosine[best] + SHARES[2] * ratios / 100.0
        return self._hits(query, title, cands, scores, k, min_score)

    def search(self, text: str, k: int = 10) -> list[Hit]:
        """Titles holding every word of `text` (accents optional, abbreviations understood),
        ranked first by how many accented query words they hold as typed, then by cosine. With no
        title holding them all, the titles holding the most of them."""
        query = analyse(text)
        known, qnorm = self._query(query)
        words = {self.vocab.get(t) for t in query.tokens}
        if not known or words == {None}:
            return []
        words.discard(None)
        count = np.zeros(len(self.titles), dtype=np.int32)
        for fid in words:
            count[self._docs(fid)] += 1
        cands = np.flatnonzero(count == count.max())
        syllables, phrases = self._cosine(known, qnorm, cands)
        scores = (syllables + phrases) / 2 if len(query.tokens) > 1 else syllables
        top = np.argsort(-scores, kind="stable")[: max(k * 4, 40)]
        return self._hits(query, text, cands[top], scores[top], k, 0.0, accents_first=True)

    def _hits(
        self, query: Analysed, text: str, docs, scores, k: int, min_score: float, accents_first=False
    ) -> list[Hit]:
        accented = {w.lower() for w in query.words if has_diacritics(w)}
        rows = []
        for d, score in zip(docs.tolist(), scores.tolist(), strict=True):
            score = round(min(max(score, 0.0), 1.0), 4)
            if score < min_score:
                continue
            title = self.titles[d]
            same_accents = len(accented & {w.lower() for w in analyse(title).words}) if accented else 0
            if accents_first:
                order = (-same_accents, -score, title != text)
            else:  # ties: the title exactly as queried, then the one sharing the typed accents
                order = (-score, title != text, -same_accents)
            rows.append((order, len(title), d, score))
        rows.sort()
        out = []
        for _, _, d, score in rows[:k]:
            phrases = shared_phrases(query, analyse(self.titles[d]))
            out.append(Hit(self.keys[d], self.titles[d], score, phrases))
        return out
