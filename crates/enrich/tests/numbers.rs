//! Figures read per language from `data/numbers.txt`: grouping and decimal marks, digits of
//! other scripts, CJK multipliers, scale words, closed unit categories, and what is not a
//! figure (years, dates, times, ordinals, approximate quantity words). Inputs are written here.

use enrich::numbers::figures;

/// (value, unit) of each figure of `text` read as `lang`.
fn read(text: &str, lang: &str) -> Vec<(f64, Option<String>)> {
    figures(text, lang)
        .into_iter()
        .map(|f| (f.value, f.unit))
        .collect()
}

fn one(text: &str, lang: &str) -> (f64, Option<String>) {
    let f = read(text, lang);
    assert_eq!(f.len(), 1, "{lang} {text:?}: {f:?}");
    f[0].clone()
}

fn people(v: f64) -> (f64, Option<String>) {
    (v, Some("people".into()))
}

#[test]
fn chinese_grouped_digits_and_multipliers() {
    assert_eq!(
        one("事故造成超过16,000人受影响。", "zh-Hans"),
        people(16000.0)
    );
    assert_eq!(one("全市共有299,200人撤离。", "zh-Hans"), people(299200.0));
    assert_eq!(one("约226,000人失去电力。", "zh-Hans"), people(226000.0));
    assert_eq!(one("还有 6 百萬人受災。", "zh-Hant"), people(6e6));
    assert_eq!(one("另有600万人受灾。", "zh-Hans"), people(6e6));
    assert_eq!(
        one("損失達1.5億美元。", "zh-Hant"),
        (1.5e8, Some("USD".into()))
    );
    assert_eq!(one("全年接待五十万人次。", "zh-Hans"), people(5e5));
    assert_eq!(one("共有一万二千名志愿者。", "zh-Hans"), people(12000.0));
    // Full-width digits.
    assert_eq!(one("已有１６，０００人撤离。", "zh-Hans"), people(16000.0));
}

#[test]
fn approximate_quantities_dates_and_ordinals_are_not_figures() {
    assert!(read("地震摧毁了数千栋建筑。", "zh-Hans").is_empty());
    assert!(read("几十万人走上街头。", "zh-Hans").is_empty());
    assert!(read("2018年9月23日，第75届大会开幕。", "zh-Hans").is_empty());
    assert!(read("Am 23. September 2018 um 10 Uhr begann die Sitzung.", "de").is_empty());
    assert!(read(
        "On September 23, 2018 at 10:30 GMT, the 5th session began.",
        "en"
    )
    .is_empty());
    assert!(read("Le 23 septembre, à 10 h 30, la séance a commencé.", "fr").is_empty());
    assert!(read("El 23 de septiembre empezó la sesión.", "es").is_empty());
}

#[test]
fn japanese_multipliers_and_counters() {
    assert_eq!(one("1万6000人が避難した。", "ja"), people(16000.0));
    assert_eq!(one("約3億ドルの損失。", "ja"), (3e8, Some("USD".into())));
    assert!(read("数千人が集まった。", "ja").is_empty());
    assert!(read("19世紀の2度目の会議。", "ja").is_empty());
}

#[test]
fn korean_multipliers_with_spaces() {
    assert_eq!(
        one("1억 2500만 파운드에 매도했다.", "ko"),
        (1.25e8, Some("GBP".into()))
    );
    assert_eq!(one("조회 수가 7만 7천을 넘었다.", "ko"), (77000.0, None));
    assert_eq!(one("3백만 명이 산다.", "ko"), people(3e6));
}

#[test]
fn russian_spaces_decimal_comma_and_scales() {
    assert_eq!(
        one("Ущерб составил 3,5 млрд рублей.", "ru"),
        (3.5e9, Some("RUB".into()))
    );
    assert_eq!(one("Погибли 1\u{a0}200 человек.", "ru"), people(1200.0));
    assert_eq!(one("Эвакуированы 16 000 жителей.", "ru"), people(16000.0));
    assert_eq!(one("Рост на 5,2%.", "ru"), (5.2, Some("percent".into())));
    assert!(read("Это было в 2017 году и в 19-м веке.", "ru").is_empty());
}

#[test]
fn german_french_spanish_grouping() {
    assert_eq!(
        one("Es kamen 1.000,5 Tonnen an.", "de"),
        (1000.5, Some("tonnes".into()))
    );
    assert_eq!(
        one("Mehr als 1.200 Menschen starben.", "de"),
        people(1200.0)
    );
    assert_eq!(
        one("Der Schaden: 3,5 Mio. Euro.", "de"),
        (3.5e6, Some("EUR".into()))
    );
    assert_eq!(one("Ein Anteil von 1'200 Franken.", "de").0, 1200.0);
    assert_eq!(
        one("Plus de 1\u{202f}200 personnes sont mortes.", "fr"),
        people(1200.0)
    );
    assert_eq!(one("Un coût de 2,5 milliards d'euros.", "fr").0, 2.5e9);
    assert_eq!(one("Murieron 1.200 personas.", "es"), people(1200.0));
    assert_eq!(one("Unos 3,5 millones de dólares.", "es").0, 3.5e6);
}

#[test]
fn arabic_with_arabic_indic_digits() {
    assert_eq!(one("قتل ١٢٠٠ شخص في الزلزال.", "ar"), people(1200.0));
    assert_eq!(
        one("بلغت الخسائر ٣٫٥ مليون دولار.", "ar"),
        (3.5e6, Some("USD".into()))
    );
    assert_eq!(one("أصيب 16,000 شخص.", "ar"), people(16000.0));
    assert_eq!(one("توفي أكثر من 360.000 شخص.", "ar"), people(360000.0));
    assert_eq!(one("نمو 3.5 بالمائة.", "ar"), (3.5, Some("percent".into())));
}

#[test]
fn english_units_are_a_closed_set() {
    assert_eq!(
        one("Trade reached $240.1 billion.", "en"),
        (240.1e9, Some("USD".into()))
    );
    assert_eq!(
        one("More than 360,000 people have died.", "en"),
        people(360000.0)
    );
    assert_eq!(
        one("Some 5,000 Syrian refugees returned.", "en"),
        people(5000.0)
    );
    assert_eq!(
        one("It marks the 75th anniversary of relations.", "en"),
        (75.0, Some("anniversary".into()))
    );
    // Counted in something outside the set: no unit, never the next word.
    assert_eq!(
        one("The storm hit 16 southeastern provinces.", "en"),
        (16.0, None)
    );
    assert_eq!(
        read("From 187,000 to 600,000 tourists came.", "en"),
        vec![people(187000.0), people(600000.0)]
    );
    assert!(read("COVID-19 hit the G20 and 5G networks.", "en").is_empty());
    assert_eq!(
        one("A 25,000-strong crowd gathered.", "en"),
        (25000.0, None)
    );
    // A digit alone is a word elsewhere ("two stores"): not a figure without a unit.
    assert!(read("It opened 2 stores.", "en").is_empty());
    assert_eq!(
        one("It grew 2 percent.", "en"),
        (2.0, Some("percent".into()))
    );
}

#[test]
fn a_language_without_data_reads_plain_digits_only() {
    // Swahili has no table: digits and the shared signs, no other language's words.
    assert_eq!(one("Watu 1,200 walikufa.", "sw"), (1200.0, None));
    assert_eq!(
        one("Bei ilipanda kwa 5.5%.", "sw"),
        (5.5, Some("percent".into()))
    );
    // "millones" is a Spanish scale word: it means nothing without the Spanish table.
    assert_eq!(one("Gharama 30 millones.", "sw"), (30.0, None));
    assert_eq!(one("1.200 personas", "xx").0, 1200.0);
}

#[test]
fn absurd_numbers_get_bounded_work() {
    let long = "9".repeat(400);
    assert!(read(&format!("{long} people"), "en").is_empty());
    let many = "亿".repeat(1000);
    let _ = read(&format!("5{many}人"), "zh-Hans");
    let _ = read(&format!("五{many}人"), "zh-Hans");
}

#[test]
fn number_words_with_a_unit_are_figures() {
    assert_eq!(
        one("Five people were killed in the blast.", "en"),
        people(5.0)
    );
    assert_eq!(
        one("It left twenty-five people injured.", "en"),
        people(25.0)
    );
    assert_eq!(one("A town of three million people.", "en"), people(3e6));
    assert_eq!(one("Two hundred soldiers arrived.", "en"), people(200.0));
    assert_eq!(one("Dabei starben fünf Menschen.", "de"), people(5.0));
    assert_eq!(one("Cinq personnes ont été blessées.", "fr"), people(5.0));
    assert_eq!(one("Погибли пять человек.", "ru"), people(5.0));
    assert_eq!(one("Погибли двадцать пять человек.", "ru"), people(25.0));
    assert_eq!(one("세 명의 소년이 체포되었다.", "ko"), people(3.0));
    assert_eq!(
        one("It lasted three months.", "en"),
        (3.0, Some("months".into()))
    );
    assert_eq!(one("Three teenage boys were arrested.", "en"), people(3.0));
    // A span of years where a year is written the same way (139年, 15년).
    assert_eq!(
        one("结束139年的分歧。", "zh-Hans"),
        (139.0, Some("years".into()))
    );
    assert_eq!(
        one("15년 동안 함께했다.", "ko"),
        (15.0, Some("years".into()))
    );
    assert!(read("2018年9月23日", "zh-Hans").is_empty());
}

#[test]
fn number_words_alone_ordinals_and_parts_of_words_are_not_figures() {
    assert!(read("Five of them came; the fourth did not.", "en").is_empty());
    assert!(read("Someone, anyone: nine.", "en").is_empty());
    assert!(read("세계 여러 나라", "ko").is_empty());
    assert!(read("Seventeenth-century houses.", "en").is_empty());
    // A number word without a unit or scale ("sağ elli": right-handed; eighteen of what?).
    assert!(read("Washington'ın sağ elli oyuncusu", "tr").is_empty());
    assert!(read("Eighteen states backed it.", "en").is_empty());
    // Ordinals written with a full stop: "im 19. Jahrhundert", "19. yüzyılda".
    assert!(read("im 19. Jahrhundert", "de").is_empty());
    assert!(read("19. yüzyılda", "tr").is_empty());
}

#[test]
fn units_of_another_system_are_converted() {
    let (v, u) = one("The wave was 20 feet high.", "en");
    assert!(
        (v - 6.096).abs() < 1e-9 && u.as_deref() == Some("m"),
        "{v} {u:?}"
    );
    let (v, u) = one("The road is 10 miles long.", "en");
    assert!(
        (v - 16.09344).abs() < 1e-9 && u.as_deref() == Some("km"),
        "{v} {u:?}"
    );
    assert_eq!(one("Le mur fait 6 mètres.", "fr"), (6.0, Some("m".into())));
}

#[test]
fn absurd_numbers_get_bounded_work_and_no_panic() {
    let long = "9".repeat(400);
    assert!(read(&format!("{long} people"), "en").is_empty());
    let words = "twenty-".repeat(5000);
    let _ = read(&words, "en");
    let _ = read(&"亿".repeat(3000), "zh-Hans");
    let _ = read("亿亿亿万人", "zh-Hans");
    let _ = read(&"세 ".repeat(5000), "ko");
}
