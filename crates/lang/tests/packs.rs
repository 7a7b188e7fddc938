//! Language packs from the outside: a language added by one folder built in the test, a pack
//! file with a mistake, and a document in a script that has no pack.

use lang::dates::{day_of, iso, relative_day, written_dates};
use lang::Lang;
use std::path::PathBuf;

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("storyline-packs-{}", std::process::id()));
    let d = dir.join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_language_takes_one_folder() {
    let sw = Lang::parse("sw");
    assert!(lang::pack(sw).is_none(), "no Swahili pack is shipped");
    let dir = folder("sw");
    std::fs::write(
        dir.join("calendar.txt"),
        "# Swahili, written for this test.\n\
         month.1: januari\nmonth.2: februari\nmonth.3: machi\nmonth.4: aprili\nmonth.5: mei\n\
         month.6: juni\nmonth.7: julai\nmonth.8: agosti\nmonth.9: septemba\nmonth.10: oktoba\n\
         month.11: novemba\nmonth.12: desemba\n\
         weekday.1: jumatatu\nweekday.2: jumanne\nweekday.3: jumatano\nweekday.4: alhamisi\n\
         weekday.5: ijumaa\nweekday.6: jumamosi\nweekday.7: jumapili\n\
         day.-1: jana\nday.0: leo\n\
         date.long: d MMMM y\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("text.txt"),
        "quote.primary: “ | ”\nstemmer: none\n",
    )
    .unwrap();
    assert_eq!(lang::add_pack(&dir).unwrap(), sw);
    let p = lang::pack(sw).expect("the added pack");
    assert_eq!(p.month("Mei"), Some(5));
    assert_eq!(p.quotes(), &[('“', '”')]);

    let fri = day_of(2024, 5, 17).unwrap();
    let thu = day_of(2024, 5, 16).unwrap();
    assert_eq!(
        relative_day("Rais alisema jana kwamba", sw, fri).map(|x| x.0),
        Some(thu)
    );
    assert_eq!(
        relative_day("siku ya Alhamisi", sw, fri).map(|x| x.0),
        Some(thu)
    );
    let found: Vec<String> = written_dates("tarehe 16 Mei 2024", &[sw], None)
        .into_iter()
        .map(iso)
        .collect();
    assert_eq!(found, ["2024-05-16"]);
}

#[test]
fn a_mistake_in_a_pack_file_names_the_file_and_line() {
    let dir = folder("fi");
    let file = dir.join("calendar.txt");
    std::fs::write(&file, "month.1: tammikuu\n\nweekday.9: ei päivä\n").unwrap();
    let e = lang::add_pack(&dir).unwrap_err();
    assert_eq!(e.line, 3);
    assert_eq!(e.file, file.display().to_string());
    assert!(
        e.to_string()
            .starts_with(&format!("{}:3: ", file.display())),
        "{e}"
    );
    // The broken pack was not installed.
    assert!(lang::pack(Lang::parse("fi")).is_none());

    let bad = folder("not a code");
    let e = lang::add_pack(&bad).unwrap_err();
    assert!(e.why.contains("not a language code"), "{e}");
}

#[test]
fn a_script_without_a_pack_takes_the_neutral_path() {
    // Georgian: no pack. Dates come from digits only, no relative day, and no other language's
    // month or weekday names are read into it.
    let text = "თბილისი, 2024-05-16. პრეზიდენტმა ხუთშაბათს განაცხადა, რომ 16 May 2024 Thursday";
    let l = Lang::parse(&lang::detect(text));
    assert!(lang::pack(l).is_none(), "{l}");
    let fri = day_of(2024, 5, 17).unwrap();
    assert_eq!(relative_day(text, l, fri), None);
    let found: Vec<String> = written_dates(text, &[l], Some(fri))
        .into_iter()
        .map(iso)
        .collect();
    assert_eq!(found, ["2024-05-16"]);
    assert!(!lang::sentences(text, l.code()).is_empty());
}

#[test]
fn a_pack_gives_the_analyser_its_rules() {
    // Swedish, written for this test: before its pack, language-neutral words; after, the
    // pack's stemmer for the scripts its search.txt names.
    let sv = Lang::parse("sv");
    let text = "Valen i Stockholmsregionen";
    let before = lang::analyse(text, sv);
    assert_eq!(before, ["valen", "i", "stockholmsregionen"]);
    let dir = folder("sv");
    std::fs::write(dir.join("text.txt"), "stemmer: swedish\n").unwrap();
    std::fs::write(dir.join("search.txt"), "analyser.script: Latn\n").unwrap();
    assert_eq!(lang::add_pack(&dir).unwrap(), sv);
    let terms = lang::analyse(text, sv);
    assert_ne!(terms, before, "stemmed by the pack's stemmer");
    // A query finds the document whatever language it is taken for.
    assert!(lang::query_forms(text).contains(&terms));

    // A mistake in search.txt names its file and line.
    let bad = folder("et");
    let file = bad.join("search.txt");
    std::fs::write(&file, "analyser.script: Latn\nanalyser.bigram: Klingon\n").unwrap();
    let e = lang::add_pack(&bad).unwrap_err();
    assert_eq!(e.file, file.display().to_string());
    assert_eq!(e.line, 2);
    assert!(e.why.contains("ISO 15924"), "{e}");
}
