#!/usr/bin/env python3
"""Figure parity on a sentence-aligned multilingual set (ntrex16-dev): scores an export.

    eval_figures.py EXPORT.jsonl DOCS.jsonl LABELS.json LANGS.json

For each translation T of an article whose English original is E, the figures are the `value`s of
the export's `fact` records of each document, compared as a multiset (values rounded to 6
significant digits). Parity of a pair = |A ∩ B| / max(|A|, |B|); a language's (and the pooled)
parity is the micro-average: sum |A ∩ B| / sum max(|A|, |B|) over its pairs, so extracting
nothing from both sides does not count as agreement and a pair with more figures weighs more.

Articles are split in two halves by a hash of the article label (md5, even → tuning, odd →
checking); every figure is reported for both halves.

Baseline: a plain digit regex on the document's text (NFKC), every run of ASCII digits joined
across group/decimal separators (`1,200` / `1.200` / `1 200` → 1200, `3,5` → 35), the same
comparison. Coverage: English figures per English article against the article's digit groups
that are not years (1900–2100 without a separator) or day numbers next to a month name.

Entity parity: the entity ids of a translation against those of its English original (the
`documents` of the export's `entity` records), Jaccard |A ∩ B| / |A ∪ B|, micro-averaged the
same way (sum of intersections over sum of unions), per language and pooled, both halves.
"""
import collections
import hashlib
import json
import re
import sys
import unicodedata

GROUP = re.compile(r"\d+(?:[.,\u00a0\u202f\u2009 '’]\d+)*")
MONTHS = re.compile(
    r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)\b",
    re.I,
)


def half(label):
    return "tune" if int(hashlib.md5(label.encode()).hexdigest(), 16) % 2 == 0 else "check"


def key(v):
    v = float(v)
    return 0.0 if v == 0 else float(f"{v:.6g}")


def baseline(text):
    text = unicodedata.normalize("NFKC", text)
    return [float(re.sub(r"\D", "", m.group(0))) for m in GROUP.finditer(text)]


def countable(text):
    """Digit groups of an English text that are not years or day-of-month numbers."""
    n = 0
    for m in GROUP.finditer(text):
        s = m.group(0)
        if re.fullmatch(r"(19|20)\d\d", s):
            continue
        around = text[max(0, m.start() - 12) : m.end() + 12]
        if len(s) <= 2 and MONTHS.search(around):
            continue
        n += 1
    return n


def overlap(a, b):
    ca, cb = collections.Counter(map(key, a)), collections.Counter(map(key, b))
    return sum((ca & cb).values()), max(len(a), len(b))


def main():
    export, docs_path, labels_path, langs_path = sys.argv[1:5]
    labels = json.load(open(labels_path))
    langs = json.load(open(langs_path))
    facts = collections.defaultdict(list)
    ents = collections.defaultdict(set)
    for line in open(export):
        r = json.loads(line)
        if r.get("type") == "fact":
            facts[r["document"]].append(r["value"])
        elif r.get("type") == "entity":
            for d in r.get("documents") or []:
                ents[d].add(r["id"])
    texts = {}
    for line in open(docs_path):
        r = json.loads(line)
        texts[r["id"]] = r.get("text", "")
    english = {labels[d]: d for d in labels if langs.get(d) == "en"}
    # lang -> half -> [hits, total, base_hits, base_total, pairs]
    acc = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0, 0, 0, 0]))
    cov = collections.defaultdict(lambda: [0, 0])
    # lang -> half -> [intersection, union]
    eacc = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0]))
    for d, art in labels.items():
        lang, e = langs.get(d), english.get(art)
        if e is None:
            continue
        h = half(art)
        if lang == "en":
            cov[h][0] += len(facts[d])
            cov[h][1] += countable(texts.get(d, ""))
            continue
        for k in (lang, "pooled"):
            ea = eacc[k][h]
            ea[0] += len(ents[d] & ents[e])
            ea[1] += len(ents[d] | ents[e])
        hit, tot = overlap(facts[d], facts[e])
        bh, bt = overlap(baseline(texts.get(d, "")), baseline(texts.get(e, "")))
        for k in (lang, "pooled"):
            a = acc[k][h]
            a[0] += hit
            a[1] += tot
            a[2] += bh
            a[3] += bt
            a[4] += 1

    def r(x, y):
        return f"{x / y:.3f}" if y else "  -  "

    print("figure parity with the English original (micro |A∩B|/max(|A|,|B|))")
    print(f"{'lang':8} {'tune':>6} {'check':>6}   {'regex tune':>10} {'regex check':>11}   pairs")
    order = sorted(k for k in acc if k != "pooled") + ["pooled"]
    for k in order:
        t, c = acc[k]["tune"], acc[k]["check"]
        print(
            f"{k:8} {r(t[0], t[1]):>6} {r(c[0], c[1]):>6}   {r(t[2], t[3]):>10} "
            f"{r(c[2], c[3]):>11}   {t[4]}+{c[4]}"
        )
    print("entity parity with the English original (micro Jaccard of entity ids)")
    print(f"{'lang':8} {'tune':>6} {'check':>6}")
    for k in sorted(x for x in eacc if x != "pooled") + ["pooled"]:
        t, c = eacc[k]["tune"], eacc[k]["check"]
        print(f"{k:8} {r(t[0], t[1]):>6} {r(c[0], c[1]):>6}")
    for h in ("tune", "check"):
        f, n = cov[h]
        print(f"coverage ({h}): English figures {f} / countable digit groups {n} = {r(f, n)}")


if __name__ == "__main__":
    main()
