#!/usr/bin/env python3
"""Scores for scripts/eval-multilingual.sh (standard library only).

  eval_multilingual.py semeval EXPORT.jsonl VECTORS.jsonl PAIRS.json
  eval_multilingual.py ntrex EXPORT.jsonl LABELS.json LANGS.json

semeval: a pair with `overall` <= 1.5 should share an event, one with `overall` >= 2.5 should
not (the rest are not scored). The pairs are split into a tuning half and a checking half:
connected components of the pair graph stay together (no document is in both halves), and a
component's half is the parity of the first byte of the SHA-256 of its smallest document id
(crates/cluster/examples/tune/pairs.rs splits the same way). Precision, recall and F1 are
printed for each half, overall and per language pair, for Storyline's events and for the
cosine baseline (the cosine of the two documents' vectors against one threshold, fitted for
the best F1 on the tuning half only).

ntrex: language id per language (the main language of the export's segments against
langs.json), same-article groups (documents joined by translation_of/duplicate_of, pairwise
F1 against labels.json), and events (BCubed F1 against labels.json).
"""

import hashlib
import json
import sys
from collections import defaultdict


def records(path):
    """An export's records, in order (unreadable lines skipped)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                yield json.loads(line)
            except ValueError:
                continue


def read_records(path):
    """An export's documents by id and its claims in order."""
    docs, claims = {}, []
    for v in records(path):
        if v.get("type") == "document":
            docs[v["id"]] = v
        elif v.get("type") == "claim":
            claims.append(v)
    return docs, claims


def read_export(path):
    return read_records(path)[0]


def prf(tp, fp, fn):
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def halves(pairs):
    """True for the pairs of the tuning half."""
    parent = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent.setdefault(p["a"], p["a"])
        parent.setdefault(p["b"], p["b"])
    for p in pairs:
        ra, rb = find(p["a"]), find(p["b"])
        if ra != rb:
            # The smaller id is the root: a component's root is its smallest id.
            lo, hi = min(ra, rb), max(ra, rb)
            parent[hi] = lo
    return [hashlib.sha256(find(p["a"]).encode()).digest()[0] % 2 == 0 for p in pairs]


def gold(p):
    if p["overall"] <= 1.5:
        return True
    if p["overall"] >= 2.5:
        return False
    return None


def counts(pairs, half, decide):
    """(tp, fp, fn) per (language pair or 'all', half)."""
    c = defaultdict(lambda: [0, 0, 0])
    for p, tune in zip(pairs, half):
        g, x = gold(p), decide(p)
        if g is None or x is None:
            continue
        h = "tune" if tune else "check"
        for key in (("all", h), (p["langs"], h)):
            c[key][0] += g and x
            c[key][1] += (not g) and x
            c[key][2] += g and not x
    return c


def cell(c, key):
    tp, fp, fn = c.get(key, (0, 0, 0))
    if tp + fp + fn == 0:
        return "       -         "
    p, r, f = prf(tp, fp, fn)
    return f"{f:.3f} (P {p:.2f} R {r:.2f})"


def semeval(export, vectors, pairs_path):
    docs = read_export(export)
    pairs = json.load(open(pairs_path, encoding="utf-8"))
    half = halves(pairs)
    vec = {}
    with open(vectors, encoding="utf-8") as f:
        for line in f:
            v = json.loads(line)
            vec[v["id"]] = v["vector"]

    def events(p):
        a, b = docs.get(p["a"]), docs.get(p["b"])
        if a is None or b is None:
            return None
        return a["event"] == b["event"]

    def cos(p):
        a, b = vec.get(p["a"]), vec.get(p["b"])
        if a is None or b is None:
            return None
        return sum(x * y for x, y in zip(a, b))

    cands = sorted({cos(p) for p, t in zip(pairs, half) if t and gold(p) is not None} - {None})
    best = (-1.0, 0.0)
    for t in cands:
        c = counts(pairs, half, lambda p: None if cos(p) is None else cos(p) >= t)
        f = prf(*c[("all", "tune")])[2]
        if f > best[0]:
            best = (f, t)
    threshold = best[1]
    ev = counts(pairs, half, events)
    base = counts(pairs, half, lambda p: None if cos(p) is None else cos(p) >= threshold)
    missing = sum(1 for p in pairs if events(p) is None)
    n = {h: sum(1 for p, t in zip(pairs, half) if gold(p) is not None and t == (h == "tune"))
         for h in ("tune", "check")}
    print(f"semeval22-dev same-story pairs: {n['tune']} scored pairs in the tuning half, "
          f"{n['check']} in the checking half" + (f"; {missing} pairs lack a document" if missing else ""))
    print(f"  cosine baseline threshold {threshold:.3f} (fitted on the tuning half only)")
    print(f"  {'pairs':8} {'events tune':24} {'events check':24} {'cosine tune':24} {'cosine check':24}")
    keys = ["all"] + sorted({p["langs"] for p in pairs})
    for k in keys:
        print(f"  {k:8} {cell(ev, (k, 'tune')):24} {cell(ev, (k, 'check')):24} "
              f"{cell(base, (k, 'tune')):24} {cell(base, (k, 'check')):24}")


def group_sizes(pred, gold_of):
    """The scored ids and how many of them fall in each predicted group, each gold group and
    each (predicted, gold) pair of groups."""
    ids = [i for i in pred if i in gold_of]
    by_pred, by_gold, both = defaultdict(int), defaultdict(int), defaultdict(int)
    for i in ids:
        by_pred[pred[i]] += 1
        by_gold[gold_of[i]] += 1
        both[(pred[i], gold_of[i])] += 1
    return ids, by_pred, by_gold, both


def pairwise(pred, gold_of):
    _, by_pred, by_gold, both = group_sizes(pred, gold_of)
    pairs = lambda m: sum(n * (n - 1) // 2 for n in m.values())
    tp = pairs(both)
    return prf(tp, pairs(by_pred) - tp, pairs(by_gold) - tp)


def bcubed(pred, gold_of):
    ids, by_pred, by_gold, both = group_sizes(pred, gold_of)
    p = sum(both[(pred[i], gold_of[i])] / by_pred[pred[i]] for i in ids) / max(1, len(ids))
    r = sum(both[(pred[i], gold_of[i])] / by_gold[gold_of[i]] for i in ids) / max(1, len(ids))
    return p, r, (2 * p * r / (p + r) if p + r > 0 else 0.0)


def main_lang(doc):
    size = defaultdict(int)
    for s in doc.get("segments") or []:
        size[s["lang"]] += len(s["text"])
    return max(sorted(size), key=lambda l: size[l]) if size else "und"


def ntrex(export, labels_path, langs_path):
    docs = read_export(export)
    labels = json.load(open(labels_path, encoding="utf-8"))
    langs = json.load(open(langs_path, encoding="utf-8"))
    print(f"ntrex16-dev: {len(docs)} of {len(labels)} documents stored")
    right, total = defaultdict(int), defaultdict(int)
    for i, lang in langs.items():
        total[lang] += 1
        right[lang] += i in docs and main_lang(docs[i]) == lang
    worst = min(right[l] / total[l] for l in total)
    print("  language id: " + " ".join(f"{l} {right[l] / total[l]:.2f}" for l in sorted(total))
          + f"  (lowest {worst:.2f})")
    original = {i: d.get("duplicate_of") or d.get("translation_of") for i, d in docs.items()}

    def root(i):
        for _ in range(len(original) + 1):
            nxt = original.get(i)
            if not nxt or nxt == i:
                break
            i = nxt
        return i

    groups = {i: root(i) for i in docs}
    p, r, f = pairwise(groups, labels)
    print(f"  same-article groups (translation_of/duplicate_of): pairwise F1 {f:.3f} (P {p:.2f} R {r:.2f})")
    events = {i: d["event"] for i, d in docs.items()}
    p, r, f = bcubed(events, labels)
    print(f"  events: BCubed F1 {f:.3f} (P {p:.2f} R {r:.2f})")


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("semeval", "ntrex"):
        sys.exit(__doc__)
    {"semeval": semeval, "ntrex": ntrex}[sys.argv[1]](*sys.argv[2:])
