//! The text layer's public behaviour: the sample articles' language segments, script decisions,
//! conversion, normalisation, sentences, words, CEDICT parsing and name romanisation, and bad
//! input (empty, emoji, huge, broken, mixed) that must not panic.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Paragraphs of a plain-text file: blocks separated by blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[test]
fn sample_articles_have_the_gold_languages_in_order() {
    let root = repo_root();
    let gold: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("examples/seeds.gold.json")).unwrap(),
    )
    .unwrap();
    let docs = gold["documents"].as_object().unwrap();
    assert_eq!(docs.len(), 5);
    for (id, doc) in docs {
        let want: Vec<String> = doc["languages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let text = std::fs::read_to_string(root.join(format!("examples/seeds/{id}.txt"))).unwrap();
        let segments = lang::segment(&paragraphs(&text));
        let got: Vec<String> = segments.iter().map(|s| s.lang.clone()).collect();
        assert_eq!(got, want, "{id}");
    }
}

fn langs(paragraphs: &[&str]) -> Vec<String> {
    let owned: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
    lang::segment(&owned).into_iter().map(|s| s.lang).collect()
}

#[test]
fn languages_and_scripts_are_labelled() {
    let cases = [
        ("Chinese President Xi Jinping held talks with Russian President Vladimir Putin.", "en"),
        ("Президент России Владимир Путин провёл переговоры с председателем КНР.", "ru"),
        ("国家主席习近平在喀山同俄罗斯总统普京举行会晤。", "zh-Hans"),
        ("國家主席習近平在喀山同俄羅斯總統普京舉行會晤。", "zh-Hant"),
        ("Der russische Präsident Wladimir Putin hat sich am Dienstag mit dem chinesischen Staatschef getroffen.", "de"),
        ("Президент України Володимир Зеленський заявив, що переговори тривають.", "uk"),
        ("ロシアのプーチン大統領は火曜日、カザンで中国の習近平国家主席と会談した。", "ja"),
        ("블라디미르 푸틴 러시아 대통령은 화요일 카잔에서 시진핑 중국 국가주석과 회담했다.", "ko"),
        ("الرئيس الروسي فلاديمير بوتين التقى الرئيس الصيني شي جين بينغ في قازان يوم الثلاثاء.", "ar"),
        ("", "und"),
        ("   \n\t ", "und"),
        ("🎉🎉🎉 👍", "und"),
        ("2024-10-23 08:59:26 | 12345", "und"),
    ];
    for (text, want) in cases {
        assert_eq!(lang::detect(text), want, "{text:?}");
    }
    assert_eq!(lang::script_of("國家主席習近平"), lang::Script::Hant);
    assert_eq!(lang::script_of("国家主席习近平"), lang::Script::Hans);
    assert_eq!(lang::script_of("中文"), lang::Script::Han);
    assert_eq!(lang::script_of("Путин"), lang::Script::Cyrillic);
    assert_eq!(lang::script_of("🎉"), lang::Script::Unknown);
    assert_eq!(lang::script_of("國家").code(), "Hant");
}

#[test]
fn bilingual_pages_give_two_segments_and_furniture_joins_its_neighbours() {
    let en = "Chinese President Xi Jinping held talks with Russian President Vladimir Putin in Beijing on Thursday.";
    let zh = "习近平总统和俄罗斯总统普京周四在北京人民大会堂举行了大规模会谈。";
    let zht = "國家主席習近平在喀山克里姆林宮同俄羅斯總統普京舉行會晤，雙方深入交換了意見。";
    assert_eq!(
        langs(&[
            "Home> 贸易新闻",
            en,
            "Photo: Xinhua",
            en,
            zh,
            "更多合作",
            zh,
            "home"
        ]),
        ["en", "zh-Hans"]
    );
    assert_eq!(
        langs(&["首頁 > 頭條", zht, zht, "蔡奇、王毅等參加會晤。", en, en]),
        ["zh-Hant", "en"]
    );
    // A run too light to stand alone (one short line in another language) joins its neighbour.
    assert_eq!(langs(&[zht, en, en]), ["en"]);
    // A paragraph whose characters read alike in both scripts takes its neighbours' script.
    assert_eq!(langs(&[zht, "中国人民", zht]), ["zh-Hant"]);
    // A mixed title line does not start a segment of its own.
    assert_eq!(
        langs(&[
            "Xi, Putin hold talks 习近平与普京举行会谈并签署联合声明",
            en,
            en,
            zh,
            zh
        ]),
        ["en", "zh-Hans"]
    );
    // Nothing strong: the page is judged as a whole.
    assert_eq!(langs(&["More and more", "cooperation"]), ["en"]);
    // No paragraph long enough to switch languages of one script: the page starts in the
    // language with the most weight, not in that of its first short line.
    let es = "El alcalde inauguró el nuevo puente del río este martes por la mañana.";
    let pt = [
        "O presidente da câmara anunciou que a ponte vai abrir ao trânsito na próxima semana.",
        "Os moradores do bairro esperavam pela obra há mais de dez anos, disseram os vizinhos.",
        "A empresa responsável pela construção não quis comentar o atraso das últimas fases.",
    ];
    assert_eq!(lang::detect(es), "es");
    assert_eq!(langs(&[es, pt[0], pt[1], pt[2]]), ["pt"]);
    assert!(langs(&[]).is_empty());
    assert!(langs(&["", "  "]).is_empty());
}

#[test]
fn conversion_is_phrase_level_and_both_ways() {
    assert_eq!(
        lang::to_simplified("習近平同俄羅斯總統普京舉行會晤"),
        "习近平同俄罗斯总统普京举行会晤"
    );
    assert_eq!(
        lang::to_traditional("习近平同俄罗斯总统普京举行会晤"),
        "習近平同俄羅斯總統普京舉行會晤"
    );
    // Phrase level: 头发 → 頭髮, 干燥 → 乾燥 (not 頭發, 幹燥).
    assert_eq!(lang::to_traditional("头发很干燥"), "頭髮很乾燥");
    assert_eq!(lang::to_simplified("Putin 🎉 2024"), "Putin 🎉 2024");
    for c in lang::Conversion::ALL {
        assert!(lang::Converters::shared().check(c).is_ok(), "{}", c.name());
        assert_eq!(lang::Conversion::from_name(c.name()), Some(c));
    }
}

#[test]
fn the_matching_view_folds_width_case_quotes_and_script() {
    assert_eq!(
        lang::normalize("ＡＢＣ　１２３，Ｐｕｔｉｎ"),
        "abc 123,putin"
    );
    assert_eq!(
        lang::normalize("“Hello”  —\u{200B}World\u{FFFD}"),
        "\"hello\" -world"
    );
    assert_eq!(lang::normalize("習近平同俄羅斯總統"), "习近平同俄罗斯总统");
    assert_eq!(lang::normalize("ПУТИН"), "путин");
    assert_eq!(lang::normalize(""), "");
}

#[test]
fn sentences_respect_abbreviations_and_chinese_punctuation() {
    let en = "KAZAN, Russia, Oct. 22 (Xinhua) -- Mr. Xi met Dr. Smith in the U.S. capital. \
              Trade grew 3.6 percent. \"It works,\" he said. J. Smith agreed! Next year is the 80th.";
    assert_eq!(
        lang::sentences(en, "en"),
        [
            "KAZAN, Russia, Oct. 22 (Xinhua) -- Mr. Xi met Dr. Smith in the U.S. capital.",
            "Trade grew 3.6 percent.",
            "\"It works,\" he said.",
            "J. Smith agreed!",
            "Next year is the 80th."
        ]
    );
    assert_eq!(
        lang::sentences("He lives in the U.S. The talks began.", "en"),
        ["He lives in the U.S.", "The talks began."]
    );
    let ru = "В. В. Путин прибыл в Казань в 2024 г. во вторник. Переговоры, т.е. встреча, прошли успешно! Что дальше?";
    assert_eq!(
        lang::sentences(ru, "ru"),
        [
            "В. В. Путин прибыл в Казань в 2024 г. во вторник.",
            "Переговоры, т.е. встреча, прошли успешно!",
            "Что дальше?"
        ]
    );
    let zh = "习近平指出，今年是中俄建交75周年。他说：“我们要合作。”双方同意！真的吗？好";
    assert_eq!(
        lang::sentences(zh, "zh-Hans"),
        [
            "习近平指出，今年是中俄建交75周年。",
            "他说：“我们要合作。”",
            "双方同意！",
            "真的吗？",
            "好"
        ]
    );
    assert_eq!(
        lang::sentences("Line one\nLine two", "en"),
        ["Line one", "Line two"]
    );
    assert!(lang::sentences("", "en").is_empty());
    assert!(lang::sentences(" \n ", "und").is_empty());
}

#[test]
fn words_are_normalised_and_chinese_is_cut() {
    assert_eq!(
        lang::words("Xi's talks: 3.6% growth, U.S. trade"),
        ["xi", "talks", "3.6", "growth", "u", "s", "trade"]
    );
    let zh = lang::words("習近平同俄羅斯總統普京舉行會晤");
    assert!(
        zh.contains(&"习近平".to_string()) && zh.contains(&"普京".to_string()),
        "{zh:?}"
    );
    let layer = lang::TextLayer::shared();
    // The analyser: the pack's stemmer.
    assert_eq!(
        layer.index_terms("Talks were held", lang::Lang::EN),
        ["talk", "were", "held"]
    );
    assert_eq!(
        layer.index_terms("переговоры прошли", lang::Lang::RU),
        ["переговор", "прошл"]
    );
    assert!(lang::words("🎉 — …").is_empty());
}

/// A few CEDICT lines in the format of the real file (written for this test).
const CEDICT_SAMPLE: &str = "module.exports = `# CC-CEDICT sample
習 习 [Xi2] /surname Xi/
習 习 [xi2] /to practice/
近 近 [jin4] /near/
平 平 [ping2] /flat/
平安 平安 [ping2 an1] /safe/
普京 普京 [Pu3 jing1] /Vladimir Putin (1952–), Russian president/
普丁 普丁 [Pu3 ding1] /(Tw) Vladimir Putin (1952–), Russian president/
喀山 喀山 [Ka1 shan1] /Kazan/
金磚國家 金砖国家 [Jin1 zhuan1 Guo2 jia1] /BRICS (economic bloc)/
習大大 习大大 [Xi2 da4 da4] /Papa Xi, nickname for Xi Jinping 習近平|习近平[Xi2 Jin4 ping2]/
歐陽 欧阳 [Ou1 yang2] /two-character surname Ouyang/
修 修 [xiu1] /to repair/
王 王 [Wang2] /surname Wang/
王 王 [wang2] /king/
小 小 [xiao3] /small/
明 明 [ming2] /bright/
安 安 [an1] /peace/
this line is broken
`;
";

#[test]
fn cedict_lookups_names_and_romanisation() {
    let d = lang::Cedict::parse(CEDICT_SAMPLE, "sample").unwrap();
    assert_eq!(d.skipped(), 1);
    assert_eq!(
        d.by_simplified("普京")[0].glosses[0],
        "Vladimir Putin (1952–), Russian president"
    );
    assert_eq!(d.by_traditional("金磚國家")[0].simplified, "金砖国家");
    assert_eq!(d.lookup("金磚國家").len(), 1);
    // 习近平 has no entry of its own; it is taken from a cross-reference.
    let xi = &d.lookup("習近平")[0];
    assert!(xi.from_reference && xi.is_proper_name());
    assert_eq!(d.english_name("习近平").as_deref(), Some("Xi Jinping"));
    assert_eq!(d.english_name("普丁").as_deref(), Some("Vladimir Putin"));
    assert_eq!(d.english_name("喀山").as_deref(), Some("Kazan"));
    assert_eq!(d.english_name("王小明").as_deref(), Some("Wang Xiaoming"));
    assert_eq!(d.english_name("欧阳修").as_deref(), Some("Ouyang Xiu"));
    assert_eq!(d.english_name("王平安").as_deref(), Some("Wang Ping'an"));
    assert_eq!(d.english_name("Putin"), None);
    assert_eq!(d.english_name(""), None);
    let names: Vec<&str> = d.proper_names().map(|e| e.simplified.as_str()).collect();
    assert!(names.contains(&"普京") && names.contains(&"金砖国家") && !names.contains(&"平安"));
    assert!(lang::Cedict::parse("nothing here", "empty.txt")
        .unwrap_err()
        .to_string()
        .contains("empty.txt"));
    assert_eq!(lang::pinyin_to_name("Xi2 Jin4 ping2"), "Xi Jinping");
    assert_eq!(lang::pinyin_to_name("Lu:3 Xun4"), "Lü Xun");

    // The part that reads names answers names and characters as the whole dictionary does.
    let part = d.names_and_characters();
    assert!(part.len() < d.len());
    assert!(part.lookup("平安").is_empty() && !d.lookup("平安").is_empty());
    for name in [
        "习近平",
        "普丁",
        "喀山",
        "王小明",
        "欧阳修",
        "王平安",
        "普京",
    ] {
        assert_eq!(part.english_name(name), d.english_name(name), "{name}");
        assert_eq!(part.romanize_name(name), d.romanize_name(name), "{name}");
    }
    for c in ["習", "习", "王", "安", "修"] {
        assert_eq!(part.lookup(c), d.lookup(c), "{c}");
    }

    // jieba keeps the dictionary's names whole.
    let layer = lang::TextLayer::new(Some(&d)).unwrap();
    assert!(layer.names_added() >= 1);
    let w = layer.words("金砖国家领导人在喀山会晤");
    assert!(
        w.contains(&"金砖国家".to_string()) && w.contains(&"喀山".to_string()),
        "{w:?}"
    );
}

#[test]
fn bad_input_does_not_panic() {
    let huge_a = "a".repeat(1 << 20);
    let huge_han = "中".repeat((1 << 20) / 3);
    let fffd = "\u{FFFD}".repeat(10_000);
    let mixed = "Putin 普京 Путин プーチン 푸틴 بوتين 🎉 \u{FFFD}\u{0000}\u{200B}";
    let inputs: [&str; 7] = ["", " \n\t ", "🎉🎉🎉", &huge_a, &huge_han, &fffd, mixed];
    for text in inputs {
        let head: String = text.chars().take(10).collect();
        let _ = lang::detect(text);
        let _ = lang::script_of(text);
        let _ = lang::normalize(text);
        let _ = lang::sentences(text, "en");
        let _ = lang::sentences(text, "zh-Hans");
        let _ = lang::to_simplified(text);
        let segments = lang::segment(&[text.to_string(), text.to_string()]);
        assert!(segments.len() <= 1, "{head:?}");
        let _ = lang::words(text);
    }
    assert_eq!(lang::detect(&fffd), "und");
    assert_ne!(lang::detect(&huge_a), "und");
    assert_eq!(lang::detect(&huge_han), "zh-Hans");
    assert_eq!(lang::normalize(&fffd), "");
    assert_eq!(lang::words(&huge_a).len(), 1);
}

/// OpenCC's package dictionaries convert, and what is built from them (reversed dictionaries,
/// configurations, compiled forms) is written among the cache's derived files.
#[test]
fn package_converters_build_among_the_derived_files() {
    use lang::{Conversion, Converters, OPENCC_PACKAGE};
    let converters = Converters::from_package().expect("OpenCC's package loads");
    assert_eq!(
        converters.convert(Conversion::T2s, "習近平會晤"),
        "习近平会晤"
    );
    let work = assets::Cache::configured()
        .derived_dir()
        .join(format!("opencc-{}", OPENCC_PACKAGE.version));
    for built in [
        ".complete",
        "TWVariantsRev.txt",
        "storyline-t2s.json",
        "TSPhrases.ocb",
    ] {
        assert!(
            work.join(built).exists(),
            "{built} not in {}",
            work.display()
        );
    }
}
