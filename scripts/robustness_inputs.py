#!/usr/bin/env python3
"""Inputs for scripts/robustness.sh: lays out the fetched test corpora and writes hostile inputs.

    robustness_inputs.py corpus NAME SRC_DIR OUT_DIR   # one fetched corpus → one flat folder
    robustness_inputs.py generate OUT_DIR              # pathological inputs, written here

Corpora are flattened (`a/b/c.xml` → `a__b__c.xml`) so that no two files share a stem: the
harness measures crashes, hangs and memory, not id collisions. html5lib's `.dat` test files
hold many fragments each; every `#data` section becomes its own `.html` file. Nothing here
is ever copied into the repository: SRC_DIR and OUT_DIR live in the cache.
"""

import gzip
import json
import os
import random
import shutil
import sys
import zlib

# Which files of each fetched source distribution are inputs (relative folder, suffixes).
CORPORA = {
    "feedparser": ("tests", (".xml", ".z", ".gz")),
    "chardet": ("tests", (".xml", ".txt", ".html", ".srt")),
    "warcat": ("example", (".warc", ".warc.gz")),
    "html5lib-tree": ("html5lib/tests/testdata/tree-construction", (".dat",)),
    "html5lib-encoding": ("html5lib/tests/testdata/encoding", (".dat",)),
    "html5lib-tokenizer": ("html5lib/tests/testdata/tokenizer", (".test",)),
}


def flat_name(rel):
    return rel.replace(os.sep, "__")


def split_dat(path, out_dir, prefix):
    """Write each `#data` section of an html5lib test file as its own .html file."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    n, data, inside = 0, [], False
    for line in lines + [b"#end"]:
        if line == b"#data":
            inside, data = True, []
        elif inside and line.startswith(b"#"):
            inside = False
            n += 1
            with open(os.path.join(out_dir, f"{prefix}-{n:04d}.html"), "wb") as out:
                out.write(b"\n".join(data))
        elif inside:
            data.append(line)
    return n


def split_tokenizer(path, out_dir, prefix):
    """Write the `input` of each html5lib tokenizer test as its own .html file."""
    with open(path, encoding="utf-8") as f:
        tests = json.load(f)
    n = 0
    for group in ("tests", "xmlViolationTests"):
        for test in tests.get(group, []):
            n += 1
            with open(os.path.join(out_dir, f"{prefix}-{n:04d}.html"), "wb") as out:
                out.write(test["input"].encode("utf-8", "surrogatepass"))
    return n


def corpus(name, src, out):
    sub, suffixes = CORPORA[name]
    root = os.path.join(src, sub)
    os.makedirs(out, exist_ok=True)
    count = 0
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith(suffixes):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            if f.endswith(".dat"):
                count += split_dat(path, out, flat_name(rel)[: -len(".dat")])
            elif f.endswith(".test"):
                count += split_tokenizer(path, out, flat_name(rel)[: -len(".test")])
            else:
                shutil.copyfile(path, os.path.join(out, flat_name(rel)))
                count += 1
    print(f"{name}: {count} files", file=sys.stderr)


# ---- generated inputs -------------------------------------------------------------------------

ARTICLE = (
    "<html><head><title>Council approves budget</title></head><body><article>"
    "<h1>Council approves budget</h1><p>The city council approved the 2024 budget on Tuesday "
    "after a long debate, the mayor said.</p><p>\u201cThis is a good day for the city,\u201d "
    "said Mayor Anna Berg. Spending rises by 4.5% to 1.2 billion euros.</p></article>"
    "</body></html>"
)
TEXT = (
    "Council approves budget\n\nThe city council approved the 2024 budget on Tuesday after a "
    "long debate. \u201cThis is a good day for the city,\u201d said Mayor Anna Berg.\n"
)
FIGURES = (
    "Revenue rose 12.5% to $3.4 billion in 2023, up from 2.9 billion in 2022, while costs fell "
    "by 1,250 million euros (8%) and 45,000 jobs were added in 17 states, 3 of them in Q4. "
)
ZH = "\u4ed6\u8bf4\uff1a\u201c\u6211\u4eec\u5c06\u7ee7\u7eed\u63a8\u8fdb\u6539\u9769\u3002\u201d"
ZH += "\u5e02\u653f\u5e9c\u4eca\u5929\u516c\u5e03\u4e86\u65b0\u7684\u9884\u7b97\u3002"


def rss(items_xml, doctype=""):
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel>'
        f"<title>t</title><link>https://example.org/</link>{items_xml}</channel></rss>"
    )


def item(title, body, n=0):
    return (
        f"<item><title>{title}</title><link>https://example.org/{n}</link>"
        f"<description><![CDATA[{body}]]></description></item>"
    )


def gzip_of_repeated(head, unit, total, tail=b""):
    """A gzip stream of `head + unit * (total / len(unit)) + tail`, made in chunks."""
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    parts = [comp.compress(head)]
    chunk = unit * max(1, (1 << 20) // len(unit))
    for _ in range(max(1, total // len(chunk))):
        parts.append(comp.compress(chunk))
    parts.append(comp.compress(tail))
    parts.append(comp.flush())
    return b"".join(parts)


def warc_record(uri, http_head, body, date="2024-01-02T03:04:05Z", n=0):
    payload = http_head + b"\r\n" + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
        f"WARC-Date: {date}\r\nWARC-Target-URI: {uri}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    return head + payload + b"\r\n\r\n"


def http_head(extra=""):
    return f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{extra}".encode()


def generate(out):
    """Each input is named for what it tries; sizes are chosen to stay under the default caps
    (8 MiB for a page, 4 MiB for text) unless the point is the cap itself."""
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(17)

    def put(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

    put("unclosed-divs.html", "<html><body>" + "<div>" * 1_000_000 + "text</body></html>")
    put("nested-tables.html", "<table><tr><td>" * 100_000 + "cell")
    put("long-attribute.html", '<p title="' + "a" * 6_000_000 + '">x</p>' + ARTICLE)
    put("script-only.html", "<script>" + "var a=1;" * 500_000 + "</script>")
    laughs = '<!DOCTYPE r [<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10)
    )
    put("billion-laughs.rss", rss(item("&l9;", "<p>&l9;</p>"), laughs + "]>"))
    put(
        "xxe.rss",
        rss(
            item("secret &xxe;", "<p>&xxe; is the text of a long enough article body.</p>"),
            '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        ),
    )
    put("many-items.rss", rss("".join(item(f"t{i}", f"<p>item {i}</p>", i) for i in range(100_000))))
    put("plain-description.rss", rss(item("Plain", TEXT.replace("\n", " "))))
    put("no-version.rss", rss(item("x", "<p>" + TEXT + "</p>")).replace(' version="2.0"', ""))
    put("deep-array.jsonl", '{"id":"deep","text":' + "[" * 10_000 + "]" * 10_000 + "}\n")
    put("deep-object.jsonl", '{"a":' * 10_000 + "1" + "}" * 10_000 + "\n")
    put("huge-line.jsonl", json.dumps({"id": "huge", "text": "word " * 1_000_000}) + "\n")
    put("utf8-bom.jsonl", "\ufeff" + json.dumps({"id": "bom", "text": TEXT}) + "\n")
    put(
        "bad-ids.jsonl",
        "".join(
            json.dumps({"id": i, "text": TEXT}) + "\n"
            for i in ["tab\there", "new\nline", "nul\u0000id", "", " ", "x" * 100_000]
        ),
    )
    put(
        "bad-dates.jsonl",
        "".join(
            json.dumps({"id": f"d{n}", "text": TEXT, "published": p}) + "\n"
            for n, p in enumerate(["yesterday", "2024-13-45", "0000-00-00", "-9999-01-01", "9" * 40])
        ),
    )
    put("not-json.jsonl", "{\n" + "\x00" * 100 + "\n" + "[1,2,3]\n" + '"string"\n')
    put("figures.txt", FIGURES * (4_000_000 // len(FIGURES)))
    zh = ZH * (4_000_000 // len(ZH.encode()))
    put("zh-repeated.txt", zh)
    put("one-sentence.txt", " ".join(rnd.choice(["alpha", "beta", "gamma", "delta"]) for _ in range(100_000)))
    put("one-line-10mb.txt", "x" * 10_000_000)
    put("nul-byte.html", ARTICLE.replace("<p>The", "<p>\x00The", 1))
    put("utf16le-bom.html", "\ufeff".encode("utf-16-le") + ARTICLE.encode("utf-16-le"))
    put("utf16be-nobom.txt", TEXT.encode("utf-16-be"))
    put("utf32-bom.html", ARTICLE.encode("utf-32"))
    put("random-bytes.html", rnd.randbytes(1 << 20))
    put("empty.html", b"")
    put("truncated.html.gz", gzip.compress(ARTICLE.encode() * 100)[:300])
    put(
        "bomb.html.gz",
        gzip_of_repeated(b"<html><body><p>", b" ", 1 << 30, b"</p></body></html>"),
    )
    put(
        "bomb-in-http.warc",
        warc_record(
            "https://example.org/bomb",
            http_head("Content-Encoding: gzip\r\n"),
            gzip_of_repeated(b"<html><body><p>", b" ", 1 << 30),
        ),
    )
    put(
        "gzip-header-plain-body.warc",
        b"".join(
            warc_record(f"https://example.org/{n}", http_head("Content-Encoding: gzip\r\n"), ARTICLE.encode(), n=n)
            for n in range(3)
        ),
    )
    put(
        "recapture.warc",
        warc_record("https://example.org/a", http_head(), ARTICLE.encode(), n=1)
        + warc_record(
            "https://example.org/a",
            http_head(),
            ARTICLE.replace("Tuesday", "Wednesday").encode(),
            date="2024-02-02T03:04:05Z",
            n=2,
        ),
    )
    # Beyond issue 17's list: sizes where one stage might be superlinear.
    words = "the council budget mayor said city approved debate long new plan road school".split()

    def sentence(n):
        return " ".join(rnd.choice(words) for _ in range(n))

    first = ["Anna", "John", "Maria", "Wei", "Olga", "Ahmed", "Lena", "Carlos", "Yuki", "Peter"]
    last = ["Berg", "Smith", "Lopez", "Zhang", "Ivanova", "Khan", "Novak", "Silva", "Tanaka", "Keller"]

    def name():
        return f"{rnd.choice(first)} {rnd.choice(last)}"

    put("huge-title.html", "<html><head><title>" + "Budget " * 500_000 + "</title></head><body><p>" + TEXT + "</p></body></html>")
    put("many-paragraphs.html", "<html><body><article>" + "".join(f"<p>{sentence(10)} {i}.</p>" for i in range(100_000)) + "</article></body></html>")
    put("many-paragraphs.rss", rss(item("many", "".join(f"<p>{sentence(12)}.</p>" for i in range(20_000)))))
    put("many-quotes.txt", "".join(f"\u201c{sentence(8)},\u201d said {name()}. " for _ in range(20_000)))
    put("unclosed-quotes.txt", "".join(f"\u201c{sentence(12)}. " for _ in range(20_000)))
    put("many-names.txt", "".join(f"{name()}{rnd.randint(1, 99999)} met {name()} in Paris. " for _ in range(20_000)))
    put("numbers.txt", " ".join(str(rnd.randint(0, 10**9)) for _ in range(300_000)))
    put("combining-marks.txt", TEXT * 5 + "a" + "\u0301" * 1_000_000)
    put("japanese.txt", "".join(rnd.choice(["東京都は", "新しい予算を", "発表した。", "市長は", "記者会見で", "「改革を続ける」と", "述べた。"]) for _ in range(150_000)))
    put("thai.txt", "".join(rnd.choice(["กรุงเทพ", "มหานคร", "ประกาศ", "งบประมาณ", "ใหม่", "นายกเทศมนตรี", "กล่าวว่า"]) for _ in range(150_000)))
    put("deep-json-ld.html", '<html><head><script type="application/ld+json">' + '{"a":' * 10_000 + "1" + "}" * 10_000 + "</script></head>" + ARTICLE[6:])
    put("many-json-ld.html", "<html><head>" + '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-01-02"}</script>' * 20_000 + "</head>" + ARTICLE[6:])
    put("many-meta.html", "<html><head>" + '<meta property="article:published_time" content="2024-01-02T00:00:00Z">' * 100_000 + "</head>" + ARTICLE[6:])
    put(
        "deep-xhtml.atom",
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title>'
        '<id>1</id><updated>2024-01-01T00:00:00Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        + "<div>" * 50_000 + TEXT + "</div>" * 50_000 + "</div></content></entry></feed>",
    )
    body = TEXT.replace("\n", " ") * 3
    put("huge-fields.jsonl", "".join(json.dumps(d) + "\n" for d in [
        {"id": "url", "text": body, "url": "https://example.org/" + "a" * 1_000_000},
        {"id": "lang", "text": body, "lang": "x" * 100_000},
        {"id": "source", "text": body, "source": "s" * 1_000_000},
        {"id": "html", "html": "<p>" * 200_000 + body},
    ]))
    put("rtl-huge-title.jsonl", json.dumps({"id": "rtl", "text": body, "title": "\u202e" + "t" * 1_000_000}) + "\n")
    huge_len = warc_record("https://example.org/h", http_head(), ARTICLE.encode())
    put("huge-content-length.warc", huge_len.replace(b"Content-Length: ", b"Content-Length: 99999999999", 1))
    put("truncated.warc", warc_record("https://example.org/t", http_head(), ARTICLE.encode() * 50)[:2000])
    print(f"generated: {len(os.listdir(out))} files", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:2] == ["corpus"] and len(sys.argv) == 5:
        corpus(*sys.argv[2:])
    elif sys.argv[1:2] == ["generate"] and len(sys.argv) == 3:
        generate(sys.argv[2])
    else:
        sys.exit(__doc__)
