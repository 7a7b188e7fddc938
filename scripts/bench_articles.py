"""The base articles of the benchmarks (bench-ingest.sh, bench-scale.py): the clustering eval
sets' articles (EVAL_DIR, default ../shared/eval/clustering), or with ARTICLE_CHARS=MIN-MAX
articles of MIN..MAX characters built from related ones (see `articles`).

BENCH_LANGS=16: the 16-language stream instead, NTREX's articles in the encoder's 16 languages
(ntrex16-dev under MULTI_DIR, default ../shared/eval/multilingual; each document's language from
its langs.json), so that segmentation, language packs and the encoder run in every language."""
import datetime
import json
import os
import sys

SETS = ("newswcl50", "ntrex-dev", "ecbplus-dev")
MULTI_SETS = ("ntrex16-dev",)


def sets(eval_dir):
    """(folder, set name) of the stream's sets: see the module's comment."""
    if os.environ.get("BENCH_LANGS", "") == "16":
        multi = os.environ.get("MULTI_DIR") or os.path.join(eval_dir, "..", "multilingual")
        return [(multi, name) for name in MULTI_SETS]
    return [(eval_dir, name) for name in SETS]


def cut(text, most):
    """`text` cut to at most `most` characters, at a paragraph end (else a space) if one is in
    the last third."""
    if len(text) <= most:
        return text
    head = text[:most]
    for sep in ("\n", " "):
        k = head.rfind(sep)
        if k >= most * 2 // 3:
            return head[:k]
    return head


def pack(group, least, most, out):
    """Join the articles of `group` in order into articles of `least`..`most` characters
    (an article longer than `most` is cut); returns what is left over (shorter than `least`)."""
    acc = []
    for d in group:
        acc.append(d)
        text = "\n".join(a["text"].strip() for a in acc)
        if len(text) >= least:
            e = dict(acc[0])
            e["id"] = "+".join(a["id"] for a in acc)
            e["text"] = cut(text, most)
            out.append(e)
            acc = []
    return acc


def read_set(eval_dir, name):
    path = os.path.join(eval_dir, name, "docs.jsonl")
    if not os.path.exists(path):
        return [], {}
    with open(path, encoding="utf-8") as f:
        docs = [json.loads(l) for l in f if l.strip()]
    labels = {}
    lpath = os.path.join(eval_dir, name, "labels.json")
    if os.path.exists(lpath):
        with open(lpath, encoding="utf-8") as f:
            labels = json.load(f)
    # Sets whose documents carry no language keep it in langs.json (ntrex16-dev).
    gpath = os.path.join(eval_dir, name, "langs.json")
    if os.path.exists(gpath):
        with open(gpath, encoding="utf-8") as f:
            langs = json.load(f)
        for d in docs:
            if not d.get("lang") and d["id"] in langs:
                d["lang"] = langs[d["id"]]
    return [d for d in docs if (d.get("text") or "").strip()], labels


def articles(eval_dir):
    """The base articles. With ARTICLE_CHARS=MIN-MAX ("typical 3-5k-character articles":
    3000-5000), each is built from articles that belong together: first those of one gold event
    in one language (labels.json), then what is left of one set and language, in file order
    (NTREX's neighbouring articles report one story); pieces still too short are dropped."""
    spec = os.environ.get("ARTICLE_CHARS")
    out = []
    for folder, name in sets(eval_dir):
        docs, labels = read_set(folder, name)
        if not spec:
            out += docs
            continue
        least, most = (int(x) for x in spec.split("-"))
        groups = {}
        for d in docs:
            groups.setdefault((labels.get(d["id"], d["id"]), d.get("lang")), []).append(d)
        rest = {}
        for (_, lang), g in groups.items():
            rest.setdefault(lang, []).extend(pack(g, least, most, out))
        for g in rest.values():
            pack(g, least, most, out)
    if not out:
        sys.exit(f"bench: no articles under {eval_dir} (set EVAL_DIR; ARTICLE_CHARS={spec})")
    sizes = sorted(len(d["text"]) for d in out)
    print(f"bench: {len(out)} base articles of {sizes[0]}..{sizes[-1]} characters "
          f"(median {sizes[len(sizes) // 2]}, mean {sum(sizes) // len(sizes)})",
          file=sys.stderr, flush=True)
    return out


def copies(docs, prefix, count, first_k):
    """`count` copies of `docs` in turn as a stream (scripts/bench-ingest.sh,
    bench-server-ingest.sh): copy k of an article gets the id `PREFIX<id>~k`, a publication date
    120 days after copy k-1's (stories recur, but a copy is news of its own time and starts events
    of its own) and a numbered opening line, so each copy is new content."""
    k, n = first_k, 0
    while n < count:
        for d in docs:
            if n >= count:
                return
            e = dict(d)
            e["id"] = "%s%s~%d" % (prefix, d["id"], k)
            try:
                base = datetime.date.fromisoformat((d.get("published") or "")[:10])
            except ValueError:
                base = datetime.date(2018, 1, 1)
            e["published"] = (base + datetime.timedelta(days=120 * k)).isoformat()
            e["text"] = "Report %d.\n%s" % (k, d["text"])
            yield e
            n += 1
        k += 1
