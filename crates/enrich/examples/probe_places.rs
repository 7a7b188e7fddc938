//! Temporary probe (not committed): the place entities found in an ingest JSONL file.
use std::collections::BTreeMap;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let res = enrich::Resources::load();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut seen: BTreeMap<String, (usize, Vec<String>, bool)> = BTreeMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let raw = model::RawDocument {
            id: v["id"].as_str().unwrap_or("doc").to_string(),
            source: path.clone(),
            content: model::Content::Text(v["text"].as_str().unwrap_or("").to_string()),
            meta: model::RawMeta::default(),
            encoding: "UTF-8".into(),
        };
        let mut a = extract::extract(&raw);
        a.segments = lang::segment(&a.paragraphs);
        let e = enrich::analyse(&a, &res);
        for x in e
            .doc_entities
            .entities
            .iter()
            .filter(|x| x.kind == model::EntityKind::Place)
        {
            let city = res
                .gazetteer
                .en(&x.name)
                .and_then(|k| res.gazetteer.get(k))
                .is_some_and(|k| k.city);
            let s = seen.entry(x.id.clone()).or_insert((0, vec![], city));
            s.0 += 1;
            for a in x.aliases.values().flatten() {
                if !s.1.contains(a) {
                    s.1.push(a.clone());
                }
            }
        }
    }
    for (id, (n, al, city)) in seen {
        if city {
            println!("{id}\t{n}\t{al:?}");
        }
    }
}
