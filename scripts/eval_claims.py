#!/usr/bin/env python3
"""Claim scores for scripts/eval-multilingual.sh (standard library only).

  eval_claims.py corroboration EXPORT.jsonl LABELS.json
      False corroborations: claims whose sources are all versions of one article (one label
      in LABELS.json) yet count as more than one independent source. An export without
      `independent_sources` counts its `outlets` (a document without an outlet is its own).
      Also claims per document and how many claims two or more independent sources back.

  eval_claims.py disagree EXPORT.jsonl GOLD.json
      Planted disagreements found: a claim's `disagreement` lists the changed figure of the
      pair, value_a with document a among its sources and value_b with document b (values
      equal within 1%). Faithful pairs flagged: a `disagreement` that lists a figure of a and
      a different figure of b. Split into a tuning and a checking half by the parity of the
      first byte of the SHA-256 of the pair's `a` id; both halves are printed.

  eval_claims.py perdoc EXPORT.jsonl NAME
      Claims per document and the share backed by two or more independent sources.

  corroboration and perdoc also count quote speakers that are a pronoun or punctuation (no
  letter, or one of the personal pronouns below, any case).
"""

import hashlib
import json
import sys
from collections import defaultdict

from eval_multilingual import read_records as read, records




# Third-person (and a few other) personal pronouns of the pack languages, and the Russian
# preposition of "по словам" that was once taken for a speaker: what a speaker must never be.
PRONOUNS = {
    "he", "she", "it", "they", "we", "i", "you", "il", "elle", "ils", "elles", "er", "sie", "es",
    "él", "ella", "ellos", "lui", "lei", "loro", "ele", "ela", "eles", "hij", "zij", "ze", "on",
    "ona", "oni", "ono", "o", "onlar", "он", "она", "они", "оно", "по", "他", "她", "它", "他们",
    "她们", "他們", "彼", "彼女", "그", "그녀", "هو", "هي", "هم", "เขา", "เธอ",
}


def bad_speakers(path):
    """Quote speakers of an export that are a pronoun or have no letter."""
    n = 0
    for v in records(path):
        s = v.get("speaker") if v.get("type") == "quote" else None
        if s is not None and (not any(c.isalpha() for c in s) or s.strip().lower() in PRONOUNS):
            n += 1
    return n


def independent(c):
    if "independent_sources" in c:
        return c["independent_sources"]
    return len(c.get("outlets") or c.get("sources") or [])


def perdoc_line(name, docs, claims):
    n = max(1, len(docs))
    multi = sum(1 for c in claims if independent(c) >= 2)
    first = [independent(c) for c in claims[:5]]
    print(f"  {name}: {len(claims)} claims over {len(docs)} documents = {len(claims) / n:.2f} per "
          f"document; {multi} backed by 2+ independent sources; "
          f"{sum(1 for c in claims if c.get('single_source'))} single-source")


def corroboration(export, labels_path):
    docs, claims = read(export)
    labels = json.load(open(labels_path, encoding="utf-8"))
    false = 0
    multi_version = 0
    for c in claims:
        arts = {labels.get(s) for s in c.get("sources", [])}
        if len(c.get("sources", [])) > 1 and len(arts) == 1 and None not in arts:
            multi_version += 1
            if independent(c) > 1:
                false += 1
    print(f"ntrex16-dev claims: {false} false corroborations (claims whose sources are all "
          f"versions of one article counted as 2+ independent sources; of {multi_version} such claims)")
    perdoc_line("ntrex16-dev", docs, claims)
    print(f"  ntrex16-dev: {bad_speakers(export)} quote speakers that are a pronoun or punctuation")


def close(x, y):
    return abs(x - y) <= 0.01 * max(abs(x), abs(y), 1e-9)


def disagree(export, gold_path):
    docs, claims = read(export)
    gold = json.load(open(gold_path, encoding="utf-8"))
    # Every disagreement list that names both documents of a pair, per pair.
    lists = []
    for c in claims:
        d = c.get("disagreement") or []
        if d:
            lists.append(d)
    res = {"tune": defaultdict(int), "check": defaultdict(int)}
    for g in gold:
        half = "tune" if hashlib.sha256(g["a"].encode()).digest()[0] % 2 == 0 else "check"
        r = res[half]
        a, b = g["a"], g["b"]
        flagged = found = False
        for d in lists:
            va = [f["value"] for f in d if a in f.get("sources", [])]
            vb = [f["value"] for f in d if b in f.get("sources", [])]
            if any(not close(x, y) for x in va for y in vb):
                flagged = True
            if g.get("perturbed") and any(close(x, g["value_a"]) for x in va) and any(
                close(y, g["value_b"]) for y in vb
            ):
                found = True
        if g.get("perturbed"):
            r["perturbed"] += 1
            r["found"] += found
        else:
            r["faithful"] += 1
            r["flagged"] += flagged
    for half in ("tune", "check"):
        r = res[half]
        print(f"disagree-dev {half} half: planted disagreements found {r['found']} of "
              f"{r['perturbed']} ({r['found'] / max(1, r['perturbed']):.0%}); faithful pairs "
              f"flagged {r['flagged']} of {r['faithful']}")
    perdoc_line("disagree-dev", docs, claims)


def perdoc(export, name):
    docs, claims = read(export)
    perdoc_line(name, docs, claims)
    print(f"  {name}: {bad_speakers(export)} quote speakers that are a pronoun or punctuation")


if __name__ == "__main__":
    cmds = {"corroboration": corroboration, "disagree": disagree, "perdoc": perdoc}
    if len(sys.argv) != 4 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
