//! Entities of one document: people, organisations and places, each under one
//! language-independent id however the document writes it (习近平 / 習近平 / Xi Jinping /
//! President Xi / Си Цзиньпина).
//!
//! Mentions are found per paragraph and language: known names from the gazetteer (longest
//! match in Chinese, capitalised runs in English, stemmed n-grams in Russian), people by the
//! rules news follows (titles such as "President", "教授", "президент"; appositions such as
//! "Li Haidong, a professor at …"; a name before a speech verb), Chinese names romanised from
//! CC-CEDICT pinyin (李海东 → Li Haidong), transliterated foreign names matched to the English
//! names of the same document by their consonant skeleton (马斯洛夫 ~ Maslov), and short forms
//! ("Maslov", "Xi") resolved to the full name mentioned before.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use model::{Entity, EntityKind};

use crate::doc::{tokens, Para, Token};
use crate::gazetteer::KnownId;
use crate::names::{
    han_reading, is_cyrillic, is_han, palladius_to_pinyin, ru_stem, skeleton, slug, sound_keys,
    transliterate, SoundScript,
};
use crate::Resources;

mod statistical;

/// An entity as one document names it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocEntity {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    pub aliases: BTreeMap<String, Vec<String>>,
    pub outlet: bool,
}

impl DocEntity {
    fn add_alias(&mut self, lang: &str, alias: &str) {
        let alias = alias.trim();
        if alias.is_empty() {
            return;
        }
        let list = self.aliases.entry(lang.to_string()).or_default();
        if !list.iter().any(|a| a == alias) {
            list.push(alias.to_string());
        }
    }

    /// The model record, for the store.
    pub fn to_entity(&self, document: &str) -> Entity {
        Entity {
            id: self.id.clone(),
            kind: self.kind,
            name: self.name.clone(),
            aliases: self.aliases.clone(),
            documents: vec![document.to_string()],
        }
    }
}

/// Where a document names an entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub para: usize,
    /// Byte range in the paragraph.
    pub span: Range<usize>,
    /// Index into [`DocEntities::entities`].
    pub entity: usize,
}

/// All entities of a document and where they are mentioned, in text order.
#[derive(Debug, Clone, Default)]
pub struct DocEntities {
    pub entities: Vec<DocEntity>,
    /// In text order: sorted by paragraph, then start (the lookups below bisect them).
    pub mentions: Vec<Mention>,
    /// Descriptions seen before a person's name ("russian president") → entity index.
    pub descriptors: HashMap<String, usize>,
}

impl DocEntities {
    /// Name the outlet a document comes from (its metadata, e.g. `来源:新华网`) as an entity
    /// of the document when the gazetteer knows it; no mention in the text is recorded.
    pub fn add_outlet(&mut self, outlet: &str, res: &Resources) {
        let outlet = outlet.trim();
        let (lang, k) = if outlet.chars().any(is_han) {
            let s = lang::to_simplified(outlet);
            let l = if s == outlet { "zh-Hans" } else { "zh-Hant" };
            (l, res.gazetteer.zh(&s))
        } else if outlet.chars().any(is_cyrillic) {
            ("ru", res.gazetteer.ru(outlet))
        } else {
            ("en", res.gazetteer.en(outlet))
        };
        let Some(known) = k.and_then(|k| res.gazetteer.get(k)) else {
            return;
        };
        let i = match self.entities.iter().position(|e| e.id == known.id) {
            Some(i) => i,
            None => {
                self.entities.push(DocEntity {
                    id: known.id.clone(),
                    kind: known.kind,
                    name: known.name.clone(),
                    aliases: BTreeMap::new(),
                    outlet: known.outlet,
                });
                self.entities.len() - 1
            }
        };
        self.entities[i].add_alias(lang, outlet);
        if lang::Lang::parse(lang).is_chinese() {
            let s = lang::to_simplified(outlet);
            self.entities[i].add_alias("zh-Hans", &s);
            self.entities[i].add_alias("zh-Hant", &lang::to_traditional(&s));
        }
    }

    /// The mentions of paragraph `para`, in text order (found by bisection: the mentions are
    /// in text order, see [`DocEntities::mentions`]).
    pub fn in_para(&self, para: usize) -> &[Mention] {
        let from = self.mentions.partition_point(|m| m.para < para);
        let to = from + self.mentions[from..].partition_point(|m| m.para == para);
        &self.mentions[from..to]
    }

    /// The mentions that lie within `range` of paragraph `para`, in text order.
    pub fn within(&self, para: usize, range: Range<usize>) -> impl Iterator<Item = &Mention> {
        let in_para = self.in_para(para);
        let from = in_para.partition_point(|m| m.span.start < range.start);
        in_para[from..]
            .iter()
            .take_while(move |m| m.span.start <= range.end)
            .filter(move |m| m.span.end <= range.end)
    }

    /// The mentions before (`para`, `at`), in text order.
    pub fn before(&self, para: usize, at: usize) -> &[Mention] {
        let to = self
            .mentions
            .partition_point(|m| (m.para, m.span.start) < (para, at));
        &self.mentions[..to]
    }

    /// The most recent person mentioned before (`para`, `at`).
    pub fn last_person_before(&self, para: usize, at: usize) -> Option<usize> {
        self.before(para, at)
            .iter()
            .rev()
            .find(|m| self.entities[m.entity].kind == EntityKind::Person)
            .map(|m| m.entity)
    }
}

#[derive(Debug, Clone)]
enum What {
    Known(KnownId),
    /// A person with a Latin-letter full name (as written, romanised or transliterated).
    Person(String),
    /// A transliterated foreign name in Chinese: its surname's reading for skeleton matching.
    ForeignZh {
        reading: String,
        full_reading: String,
    },
    /// A Russian person name (as written).
    PersonRu(String),
    Org(String),
    /// A single word that may be a short form of a name given elsewhere.
    Short(String),
    /// A place or organisation a NER model found: its name and id.
    Named {
        kind: EntityKind,
        name: String,
        id: String,
    },
}

#[derive(Debug, Clone)]
struct Cand {
    para: usize,
    span: Range<usize>,
    surface: String,
    lang: String,
    what: What,
    descriptor: Option<String>,
    /// "President Xi": the title with a short name, kept as an alias.
    titled: Option<String>,
}

/// Most entity mentions of a document that are resolved (the first, in text order); each
/// costs a lookup of the names before it, and attribution looks at them around each quote.
pub const MAX_MENTIONS: usize = 20_000;

/// Find and link the entities of a document; a note goes to `capped` when it names more than
/// [`MAX_MENTIONS`].
pub fn entities(paras: &[Para], res: &Resources, capped: &mut Vec<String>) -> DocEntities {
    let mut cands = Vec::new();
    let mut zh_foreign_parts: Vec<String> = Vec::new();
    // Transliterated full names first, so their surnames are known everywhere.
    for p in paras.iter().filter(|p| p.is_zh()) {
        let mut scratch = Vec::new();
        zh_candidates(p, res, &mut scratch, &mut zh_foreign_parts, true);
    }
    let mut ru_spans = statistical::ru_spans(paras, res);
    for p in paras {
        let from = cands.len();
        if p.is_zh() {
            zh_candidates(p, res, &mut cands, &mut zh_foreign_parts, false);
            statistical::add(p, res, &mut cands, from, Vec::new());
        } else if p.is_ru() {
            ru_candidates(p, res, &mut cands);
            let spans = ru_spans.get_mut(p.index).map(std::mem::take);
            statistical::add(p, res, &mut cands, from, spans.unwrap_or_default());
        } else {
            en_candidates(p, res, &mut cands);
        }
        if !p.is_zh() && !p.is_ru() {
            other_candidates(p, res, from, &mut cands);
            sound_candidates(p, res, from, &mut cands);
        }
    }
    cands.sort_by_key(|c| (c.para, c.span.start));
    if cands.len() > MAX_MENTIONS {
        capped.push(format!(
            "only the first {MAX_MENTIONS} of {} entity mentions were resolved (MAX_MENTIONS)",
            cands.len()
        ));
        cands.truncate(MAX_MENTIONS);
    }
    resolve(cands, res)
}

/// A letter of a script written without spaces between words (Han, kana, Thai).
fn written_unspaced(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3040..=0x30FF | 0x0E00..=0x0E7F)
}

fn is_katakana(c: char) -> bool {
    matches!(c as u32, 0x30A1..=0x30FA | 0x30FC)
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7A3)
}

fn is_arabic(c: char) -> bool {
    matches!(c as u32, 0x0620..=0x064A | 0x066E..=0x06D3 | 0x06FA..=0x06FF)
}

/// Whether a name romanised from `script` sounds like the English `english` once the vowels
/// the script adds are gone ([`crate::names::sound_shape`]); Arabic, which writes few vowels,
/// is matched on its consonants alone.
fn sounds_like(romanised: &str, script: SoundScript, english: &str) -> bool {
    if script == SoundScript::Arabic {
        return true;
    }
    let target = crate::names::sound_shape(english);
    let mut forms = crate::names::drop_added_vowels(romanised, script);
    // Kana's u and o may also be the name's own (プーチン `puchin`); Hangul's eu never is.
    if script == SoundScript::Kana {
        forms.push(romanised.to_string());
    }
    forms.iter().any(|r| {
        let alt = r.replace("chi", "ti").replace("ji", "di");
        crate::names::sound_shape(r) == target || crate::names::sound_shape(&alt) == target
    })
}

fn sound_script(c: char) -> Option<SoundScript> {
    if is_katakana(c) {
        Some(SoundScript::Kana)
    } else if is_hangul(c) {
        Some(SoundScript::Hangul)
    } else if is_arabic(c) {
        Some(SoundScript::Arabic)
    } else {
        None
    }
}

/// One word of a run [`sound_candidates`] reads: where it is, and the forms to try (as
/// written, and without a clitic or particle of the pack's `names.prefix` / `names.suffix`).
struct SoundWord {
    script: SoundScript,
    forms: Vec<Range<usize>>,
    /// A particle was cut off: the name ends here.
    ends: bool,
}

/// Fewest consonant classes ([`crate::names::sound_len`]) a word read by sound needs: alone
/// (`single`) or as one word of a longer name. Katakana is kept for foreign words, so less is
/// enough there; Hangul writes every word by sound, and Arabic without its short vowels, so a
/// short key meets many ordinary words: an Arabic word alone is never read by sound (places
/// come from the other-script names of the gazetteer).
fn min_sound_classes(script: SoundScript, single: bool) -> usize {
    match (script, single) {
        (SoundScript::Kana, true) => 4,
        (SoundScript::Kana, false) => 2,
        (SoundScript::Hangul, true) => 5,
        (SoundScript::Hangul, false) => 3,
        (SoundScript::Arabic, true) => usize::MAX,
        (SoundScript::Arabic, false) => 4,
    }
}

/// Most words of one name read by sound.
const MAX_SOUND_WORDS: usize = 4;

/// Names in scripts without capitals that spell foreign names by sound — katakana (ドナルド・
/// トランプ), Hangul (도널드 트럼프는) and Arabic (وترامب) — matched to the gazetteer's English
/// names by how they sound ([`crate::names::sound_key`]): a whole known name becomes that
/// entity; words that each sound like a word of a known person's name become a person spelled
/// as English spells them (so the id is the one an English text gives); a lone surname is left
/// to the short-form rule. Words that match nothing are not entities. Spans other rules found
/// (candidates from `from` on) are left to them.
fn sound_candidates(p: &Para, res: &Resources, from: usize, out: &mut Vec<Cand>) {
    let text = &p.text;
    if !text.chars().any(|c| sound_script(c).is_some()) {
        return;
    }
    let pack = p.language().pack();
    let prefixes: &[String] = pack.map(|p| p.items("names.prefix")).unwrap_or_default();
    let suffixes: &[String] = pack.map(|p| p.items("names.suffix")).unwrap_or_default();
    let taken: Vec<Range<usize>> = out[from..].iter().map(|c| c.span.clone()).collect();
    // Runs of words of one script, joined by one space or a name separator.
    let mut runs: Vec<Vec<SoundWord>> = Vec::new();
    let mut cur: Vec<SoundWord> = Vec::new();
    let mut cur_script = None;
    let mut chars = text.char_indices().peekable();
    let mut last_end = 0;
    while let Some((i, c)) = chars.next() {
        let Some(script) = sound_script(c) else {
            continue;
        };
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if sound_script(d) != Some(script) {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        let gap = &text[last_end..i];
        let joined = cur_script == Some(script)
            && cur.last().is_some_and(|w| !w.ends)
            && cur.len() < MAX_SOUND_WORDS
            && matches!(gap, " " | "・" | "＝" | "=" | "·");
        if !joined && !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
        cur_script = Some(script);
        last_end = end;
        let word = &text[i..end];
        let mut forms: Vec<Range<usize>> = Vec::with_capacity(2);
        forms.push(i..end);
        let mut ends = false;
        for s in suffixes {
            if word.len() > s.len() && word.ends_with(s.as_str()) {
                forms.push(i..end - s.len());
                ends = true;
            }
        }
        for pre in prefixes {
            if word.len() > pre.len() + 2 && word.starts_with(pre.as_str()) {
                forms.push(i + pre.len()..end);
            }
        }
        cur.push(SoundWord {
            script,
            forms,
            ends,
        });
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    let rom = |r: &Range<usize>| crate::names::romanise(&text[r.clone()]);
    for run in runs {
        let mut i = 0;
        while i < run.len() {
            let mut found = None;
            for j in (i + 1..=run.len()).rev() {
                let words = &run[i..j];
                // The first word without a clitic before it, the last without a particle
                // after it (or as written); the words between as written.
                let (w0, wn) = (&words[0], &words[words.len() - 1]);
                let whole = |w: &SoundWord| w.forms[0].clone();
                let firsts: Vec<&Range<usize>> =
                    w0.forms.iter().filter(|f| f.end == whole(w0).end).collect();
                let lasts: Vec<&Range<usize>> = wn
                    .forms
                    .iter()
                    .filter(|f| f.start == whole(wn).start)
                    .collect();
                let mut tries: Vec<Vec<Range<usize>>> = Vec::new();
                if words.len() == 1 {
                    tries.extend(w0.forms.iter().map(|f| vec![f.clone()]));
                } else {
                    for f in &firsts {
                        for l in &lasts {
                            let mut parts: Vec<Range<usize>> = words.iter().map(whole).collect();
                            let n = parts.len();
                            parts[0] = (*f).clone();
                            parts[n - 1] = (*l).clone();
                            tries.push(parts);
                        }
                    }
                }
                for parts in tries {
                    let span = parts[0].start..parts[parts.len() - 1].end;
                    if span.is_empty()
                        || taken
                            .iter()
                            .any(|t| t.start < span.end && span.start < t.end)
                    {
                        continue;
                    }
                    let romanised: Vec<String> = parts.iter().map(rom).collect();
                    let keys = crate::names::sound_keys(&romanised.join(" "));
                    let need = min_sound_classes(w0.script, parts.len() == 1);
                    // Each word of a name pins enough down.
                    let enough = |r: &String| {
                        crate::names::sound_keys(r)
                            .iter()
                            .any(|k| crate::names::sound_len(k) >= need)
                    };
                    if !romanised.iter().all(enough) {
                        continue;
                    }
                    let whole = romanised.join(" ");
                    if let Some(k) = res.gazetteer.by_sound(&keys).filter(|&k| {
                        res.gazetteer
                            .get(k)
                            .is_some_and(|e| sounds_like(&whole, w0.script, &e.name))
                    }) {
                        found = Some((j, span, What::Known(k)));
                    } else if parts.len() > 1 {
                        let latin: Option<Vec<String>> = romanised
                            .iter()
                            .map(|r| {
                                res.gazetteer
                                    .name_word_by_sound(&crate::names::sound_keys(r))
                                    .filter(|w| sounds_like(r, w0.script, w))
                                    .map(str::to_string)
                            })
                            .collect();
                        if let Some(latin) = latin {
                            found = Some((j, span, What::Person(latin.join(" "))));
                        }
                    } else if let Some(w) = res
                        .gazetteer
                        .name_word_by_sound(&keys)
                        .filter(|w| sounds_like(&whole, w0.script, w))
                        .filter(|w| res.gazetteer.person_by_surname(w).is_some())
                    {
                        found = Some((j, span, What::Short(w.to_string())));
                    }
                    if found.is_some() {
                        break;
                    }
                }
                if found.is_some() {
                    break;
                }
            }
            match found {
                Some((j, span, what)) => {
                    out.push(Cand {
                        para: p.index,
                        surface: text[span.clone()].to_string(),
                        span,
                        lang: p.lang.clone(),
                        what,
                        descriptor: None,
                        titled: None,
                    });
                    i = j;
                }
                None => i += 1,
            }
        }
    }
}

/// Places named in the other pack languages (Deutschland, 미국, アメリカ, الصين), from the
/// gazetteer's table of them: the longest name at each word start, or at each character of a
/// script written without spaces. In a script with capitals the name is capitalised and ends
/// the word; in one without, words may follow it unspaced (미국은: a particle). Spans the
/// paragraph's other rules found (candidates from `from` on) are left to them.
fn other_candidates(p: &Para, res: &Resources, from: usize, out: &mut Vec<Cand>) {
    let text = &p.text;
    let prefixes: &[String] = p
        .language()
        .pack()
        .map(|p| p.items("names.prefix"))
        .unwrap_or_default();
    // A bare capitalised word the other rules could not place (EE in EE.UU.) gives way.
    let taken: Vec<Range<usize>> = out[from..]
        .iter()
        .filter(|c| !matches!(c.what, What::Short(_)))
        .map(|c| c.span.clone())
        .collect();
    let mut found: Vec<Range<usize>> = Vec::new();
    let mut prev: Option<char> = None;
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        let before = prev;
        prev = Some(c);
        if i < skip_to || !c.is_alphabetic() || c.is_lowercase() {
            continue;
        }
        let word_start = before.is_none_or(|b| !b.is_alphanumeric())
            || prefixes.iter().any(|pre| {
                text[..i].ends_with(pre.as_str())
                    && text[..i - pre.len()]
                        .chars()
                        .next_back()
                        .is_none_or(|b| !b.is_alphanumeric())
            });
        // Katakana within a katakana word (タイ in タイム) is not a name.
        if !word_start
            && (!written_unspaced(c) || before.is_some_and(is_katakana) && is_katakana(c))
        {
            continue;
        }
        let Some((k, n)) = res.gazetteer.other_at(&text[i..]) else {
            continue;
        };
        let end = i + n;
        let next = text[end..].chars().next();
        let last = text[..end].chars().next_back();
        let caseless = |x: char| x.is_alphabetic() && !x.is_uppercase() && !x.is_lowercase();
        // In a caseless script words may follow a name unspaced (미국은, 美国人), but not in
        // Arabic (spaced, its clitics go before) nor a katakana word after a katakana name.
        let runs_on = |x: char| {
            caseless(x)
                && caseless(c)
                && !is_arabic(x)
                && !(is_katakana(x) && last.is_some_and(is_katakana))
        };
        if !next.is_none_or(|x| !x.is_alphanumeric() || runs_on(x)) {
            continue;
        }
        if taken.iter().any(|t| t.start < end && i < t.end) {
            continue;
        }
        out.push(Cand {
            para: p.index,
            surface: text[i..end].to_string(),
            span: i..end,
            lang: p.lang.clone(),
            what: What::Known(k),
            descriptor: None,
            titled: None,
        });
        found.push(i..end);
        skip_to = end;
    }
    if !found.is_empty() {
        out.retain(|c| {
            !(c.para == p.index
                && matches!(c.what, What::Short(_))
                && found
                    .iter()
                    .any(|f| f.start < c.span.end && c.span.start < f.end))
        });
    }
}

fn reading(res: &Resources, text: &str) -> String {
    res.cedict
        .as_deref()
        .and_then(|d| han_reading(d, text))
        .unwrap_or_default()
}

fn resolve(cands: Vec<Cand>, res: &Resources) -> DocEntities {
    let mut doc = DocEntities::default();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut assigned: Vec<Option<usize>> = vec![None; cands.len()];

    let mut entity_for = |doc: &mut DocEntities, id: String, kind, name: String, outlet| {
        *by_id.entry(id.clone()).or_insert_with(|| {
            doc.entities.push(DocEntity {
                id,
                kind,
                name,
                aliases: BTreeMap::new(),
                outlet,
            });
            doc.entities.len() - 1
        })
    };

    // A one-word English name that is also a word of a person's name in this document
    // ("Li" after "Li Haidong") is that person, not the place CEDICT knows by it.
    let person_words: Vec<String> = cands
        .iter()
        .filter_map(|c| match &c.what {
            What::Person(n) => Some(n.clone()),
            What::Known(k) => res
                .gazetteer
                .get(*k)
                .filter(|k| k.kind == EntityKind::Person)
                .map(|k| k.name.clone()),
            _ => None,
        })
        .flat_map(|n| {
            n.split_whitespace()
                .map(|w| w.to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut cands = cands;
    for c in cands.iter_mut() {
        if let What::Known(k) = c.what {
            let single = !c.surface.contains(' ') && !lang::Lang::parse(&c.lang).is_chinese();
            let not_person = res
                .gazetteer
                .get(k)
                .is_some_and(|k| k.kind != EntityKind::Person);
            if single && not_person && person_words.contains(&c.surface.to_lowercase()) {
                c.what = What::Short(c.surface.clone());
            }
        }
    }
    // Full names first.
    for (i, c) in cands.iter().enumerate() {
        let e = match &c.what {
            What::Known(k) => res
                .gazetteer
                .get(*k)
                .map(|k| entity_for(&mut doc, k.id.clone(), k.kind, k.name.clone(), k.outlet)),
            What::Person(name) => {
                // A romanised or English name may be a known person (CEDICT's foreign names).
                match res.gazetteer.en(name).and_then(|k| res.gazetteer.get(k)) {
                    Some(k) if k.kind == EntityKind::Person => Some(entity_for(
                        &mut doc,
                        k.id.clone(),
                        k.kind,
                        k.name.clone(),
                        false,
                    )),
                    _ => Some(entity_for(
                        &mut doc,
                        slug(name),
                        EntityKind::Person,
                        name.clone(),
                        false,
                    )),
                }
            }
            What::Org(name) => Some(entity_for(
                &mut doc,
                slug(name),
                EntityKind::Organization,
                name.clone(),
                false,
            )),
            What::Named { kind, name, id } => {
                // A Cyrillic name the gazetteer has only in English (Массачусетс, Аляски):
                // matched by how its stems sound.
                let by_sound = name
                    .chars()
                    .any(is_cyrillic)
                    .then(|| res.gazetteer.by_sound(&sound_keys(&ru_latin(name))))
                    .flatten()
                    .and_then(|k| res.gazetteer.get(k))
                    .filter(|k| k.kind == *kind);
                Some(match by_sound {
                    Some(k) => entity_for(&mut doc, k.id.clone(), k.kind, k.name.clone(), k.outlet),
                    None => entity_for(&mut doc, id.clone(), *kind, name.clone(), false),
                })
            }
            _ => None,
        };
        assigned[i] = e;
    }
    let persons_latin = |doc: &DocEntities| -> Vec<(usize, Vec<String>)> {
        doc.entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EntityKind::Person)
            .map(|(i, e)| {
                (
                    i,
                    e.name
                        .split_whitespace()
                        .map(|w| w.to_lowercase())
                        .collect(),
                )
            })
            .collect()
    };
    // Transliterated names: match English names of the document by skeleton, else known
    // persons by transliterated surname, else a new person.
    for (i, c) in cands.iter().enumerate() {
        if assigned[i].is_some() {
            continue;
        }
        let e = match &c.what {
            What::ForeignZh {
                reading,
                full_reading,
            } => {
                let sk = skeleton(reading);
                let found = (sk.len() >= 2)
                    .then(|| {
                        persons_latin(&doc).into_iter().find(|(_, words)| {
                            words.len() > 1 && words.last().is_some_and(|w| skeleton(w) == sk)
                        })
                    })
                    .flatten()
                    .map(|(i, _)| i);
                match found {
                    Some(i) => Some(i),
                    None if !full_reading.is_empty() => Some(entity_for(
                        &mut doc,
                        slug(full_reading),
                        EntityKind::Person,
                        capitalise_words(full_reading),
                        false,
                    )),
                    None => None,
                }
            }
            What::PersonRu(name) => {
                let words: Vec<&str> = name.split_whitespace().collect();
                let pinyin = palladius_to_pinyin(name);
                let surname = words.last().map(|w| transliterate(&ru_stem(w)));
                let by_pinyin = res
                    .gazetteer
                    .person_by_surname(&pinyin)
                    .and_then(|k| res.gazetteer.get(k));
                let in_doc = surname.as_ref().and_then(|s| {
                    let sk = skeleton(s);
                    persons_latin(&doc)
                        .into_iter()
                        .find(|(_, w)| {
                            w.iter().any(|x| x == &s.to_lowercase())
                                || w.last().is_some_and(|l| skeleton(l) == sk && sk.len() >= 3)
                        })
                        .map(|(i, _)| i)
                });
                let by_surname = surname
                    .as_ref()
                    .and_then(|s| res.gazetteer.person_by_surname(s))
                    .and_then(|k| res.gazetteer.get(k));
                if let Some(k) = by_pinyin {
                    Some(entity_for(
                        &mut doc,
                        k.id.clone(),
                        k.kind,
                        k.name.clone(),
                        false,
                    ))
                } else if let Some(i) = in_doc {
                    Some(i)
                } else if let Some(k) = by_surname {
                    Some(entity_for(
                        &mut doc,
                        k.id.clone(),
                        k.kind,
                        k.name.clone(),
                        false,
                    ))
                } else if let Some(k) = res
                    .gazetteer
                    .by_sound(&sound_keys(&ru_latin(name)))
                    .and_then(|k| res.gazetteer.get(k))
                    .filter(|k| k.kind == EntityKind::Person)
                {
                    Some(entity_for(
                        &mut doc,
                        k.id.clone(),
                        k.kind,
                        k.name.clone(),
                        false,
                    ))
                } else {
                    // Spelled as English spells the words where a known name has them
                    // (Дональд Трамп → Donald Trump), else transliterated.
                    let latin = words
                        .iter()
                        .map(|w| {
                            let t = transliterate(&ru_stem(w));
                            res.gazetteer
                                .name_word_by_sound(&sound_keys(&t))
                                .map(str::to_string)
                                .unwrap_or_else(|| capitalise_words(&t))
                        })
                        .collect::<Vec<_>>()
                        .join(" ");
                    Some(entity_for(
                        &mut doc,
                        slug(&latin),
                        EntityKind::Person,
                        latin,
                        false,
                    ))
                }
            }
            _ => None,
        };
        assigned[i] = e;
    }
    // Short forms: the most recent person (or any entity) whose name holds the word.
    // Per word, the mentions before are looked at once: `recent` keeps how far they were
    // looked at and the latest person found (an entity's name and aliases do not change in
    // this loop, and `assigned` before `i` is final), so repeated words cost no rescans.
    let mut recent: HashMap<String, (usize, Option<usize>)> = HashMap::new();
    for i in 0..cands.len() {
        let c = &cands[i];
        let What::Short(word) = &c.what else { continue };
        let w = word.to_lowercase();
        let matches = |e: &DocEntity| {
            e.name.split_whitespace().any(|x| x.to_lowercase() == w)
                || e.aliases
                    .values()
                    .flatten()
                    .any(|a| a.to_lowercase() == w || ru_stem(a) == ru_stem(word))
        };
        let (seen, latest) = recent.entry(word.clone()).or_insert((0, None));
        if let Some(e) = (*seen..i)
            .rev()
            .filter_map(|j| assigned[j])
            .find(|&e| doc.entities[e].kind == EntityKind::Person && matches(&doc.entities[e]))
        {
            *latest = Some(e);
        }
        *seen = i;
        let before = *latest;
        let any = before.or_else(|| {
            doc.entities
                .iter()
                .position(|e| e.kind == EntityKind::Person && matches(e))
        });
        let titled_name = c.titled.is_some();
        let known = any.or_else(|| {
            let latin = if word.chars().any(is_cyrillic) {
                transliterate(&ru_stem(word))
            } else {
                word.clone()
            };
            res.gazetteer
                .person_by_surname(&latin)
                .and_then(|k| res.gazetteer.get(k))
                .map(|k| entity_for(&mut doc, k.id.clone(), k.kind, k.name.clone(), false))
        });
        // "Mr. Alexander", "Senator Warren": a titled name is a person even when it is all
        // the document gives.
        let known = known.or_else(|| {
            titled_name.then(|| {
                entity_for(
                    &mut doc,
                    slug(word),
                    EntityKind::Person,
                    word.clone(),
                    false,
                )
            })
        });
        assigned[i] = known;
    }
    for (c, e) in cands.iter().zip(assigned) {
        let Some(e) = e else { continue };
        doc.entities[e].add_alias(&c.lang, &c.surface);
        let cl = lang::Lang::parse(&c.lang);
        if cl.is_chinese() {
            // The same name in the other script (習近平 ↔ 习近平).
            let (other, form) = if cl == lang::Lang::ZH_HANT {
                ("zh-Hans", lang::to_simplified(&c.surface))
            } else {
                ("zh-Hant", lang::to_traditional(&c.surface))
            };
            doc.entities[e].add_alias(other, &form);
        }
        if let Some(t) = &c.titled {
            doc.entities[e].add_alias(&c.lang, t);
        }
        if let Some(d) = &c.descriptor {
            doc.descriptors.insert(d.clone(), e);
        }
        doc.mentions.push(Mention {
            para: c.para,
            span: c.span.clone(),
            entity: e,
        });
    }
    doc
}

/// A Russian name in Latin letters word by word from its stems (Массачусетса → massachusets),
/// for [`sound_keys`].
fn ru_latin(name: &str) -> String {
    name.split_whitespace()
        .map(|w| transliterate(&ru_stem(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalise_words(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- English (and Latin script)

/// Capitalised words that do not start a name.
const EN_STOP: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "In",
    "On",
    "At",
    "For",
    "From",
    "With",
    "By",
    "During",
    "After",
    "Before",
    "Since",
    "While",
    "When",
    "Where",
    "What",
    "Who",
    "Which",
    "Why",
    "How",
    "As",
    "And",
    "But",
    "Or",
    "If",
    "Both",
    "Each",
    "All",
    "Some",
    "Many",
    "Most",
    "More",
    "Over",
    "Under",
    "Between",
    "Among",
    "According",
    "Noting",
    "Speaking",
    "Despite",
    "Thanks",
    "Next",
    "Last",
    "Recently",
    "Right",
    "Also",
    "However",
    "Meanwhile",
    "Besides",
    "Although",
    "Though",
    "Such",
    "No",
    "Not",
    "Other",
    "Another",
    "To",
    "Of",
    "Photo",
    "Home",
    "First",
    "Then",
    "There",
    "Here",
    "Now",
    "Today",
    "Yesterday",
    "Tomorrow",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Is",
    "Are",
    "Was",
    "Were",
    "Be",
    "Has",
    "Have",
    "Had",
    "Do",
    "Does",
    "Did",
    "Will",
    "Would",
    "Can",
    "Could",
    "Should",
    "May",
    "Must",
    "Yes",
    "So",
    "Just",
    "Even",
    "Still",
    "Only",
    "Under",
    "Without",
    "Within",
    "Through",
    "Against",
    "About",
    "Above",
    "Below",
    "Because",
    "Unless",
    "Until",
    "Whether",
    "Once",
    "Every",
    "Any",
    "Few",
    "Several",
    "Two",
    "Three",
    "One",
    "Former",
    "New",
    "Read",
    "See",
    "Click",
    "Copyright",
    "Share",
    "Updated",
    "Source",
    "Editor",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Sir",
    "Let",
    "Let's",
    "Like",
    "Among",
    "Per",
    "Via",
];

/// Words that make a preceding or following name a person's title.
const EN_TITLES: &[&str] = &[
    "President",
    "Premier",
    "Minister",
    "Chairman",
    "Chairwoman",
    "Chairperson",
    "Secretary",
    "Chancellor",
    "Ambassador",
    "Professor",
    "Prof",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "General",
    "Gen",
    "Senator",
    "Sen",
    "Governor",
    "Gov",
    "Mayor",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Pope",
    "Director",
    "CEO",
    "Envoy",
    "Judge",
    "Justice",
    "Commissioner",
    "Leader",
    "Speaker",
    "Rep",
    "Representative",
    "Sheikh",
    "Emir",
    "Patriarch",
    "Lt",
    "Col",
    "Colonel",
    "Captain",
    "Admiral",
    "Marshal",
    "Sir",
];

/// Words that may stand in a title before the core word ("Vice", "Foreign", "Prime").
const EN_TITLE_PARTS: &[&str] = &[
    "Vice",
    "Deputy",
    "Foreign",
    "Prime",
    "State",
    "Defense",
    "Defence",
    "Finance",
    "Trade",
    "Commerce",
    "Executive",
    "Chief",
    "Assistant",
    "Associate",
    "Senior",
    "Former",
    "Acting",
    "Crown",
    "Grand",
    "Supreme",
    "First",
    "Lieutenant",
    "Economy",
    "Interior",
    "Energy",
];

/// Last words of organisation names.
const EN_ORG_HEADS: &[&str] = &[
    "Organization",
    "Organisation",
    "University",
    "Institute",
    "Center",
    "Centre",
    "Agency",
    "Council",
    "Committee",
    "Ministry",
    "Bank",
    "Union",
    "Party",
    "Company",
    "Corp",
    "Corporation",
    "Group",
    "Association",
    "Society",
    "Forum",
    "Times",
    "News",
    "Post",
    "Network",
    "Daily",
    "Fund",
    "Court",
    "Parliament",
    "Assembly",
    "Academy",
    "School",
    "College",
    "Office",
    "Commission",
    "Department",
    "Bureau",
    "Service",
    "Administration",
    "Authority",
    "Foundation",
    "Army",
    "Navy",
    "Club",
    "Inc",
    "Ltd",
    "Press",
    "Television",
    "Radio",
    "Journal",
    "Herald",
    "Telegraph",
    "Tribune",
    "Gazette",
    "Institution",
    "Secretariat",
    "Cabinet",
    "Senate",
    "Congress",
    "Duma",
    "Alliance",
    "League",
    "Exchange",
    "Studies",
    "Federation",
    "Ministry",
    "Police",
    "Guard",
];

/// Words that start an apposition describing a person ("Li Haidong, a professor at …").
const EN_APPOSITION: &[&str] = &[
    "professor",
    "director",
    "head",
    "scholar",
    "expert",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "minister",
    "president",
    "chairman",
    "chairwoman",
    "analyst",
    "researcher",
    "research",
    "ambassador",
    "ceo",
    "founder",
    "co-founder",
    "member",
    "deputy",
    "chief",
    "secretary",
    "senior",
    "vice",
    "associate",
    "assistant",
    "editor",
    "official",
    "leader",
    "economist",
    "lawyer",
    "author",
    "executive",
    "manager",
    "former",
    "fellow",
    "dean",
    "lecturer",
    "adviser",
    "advisor",
    "governor",
    "mayor",
    "senator",
    "general",
    "correspondent",
    "reporter",
    "journalist",
    "columnist",
    "partner",
    "owner",
    "candidate",
    "chair",
    "representative",
    "commissioner",
    "russian",
    "chinese",
    "american",
    "british",
    "political",
    "military",
    "independent",
    "veteran",
    "well-known",
    "renowned",
    "top",
];

const SPEECH_AFTER_NAME: &[&str] = &[
    "said",
    "says",
    "told",
    "noted",
    "added",
    "stressed",
    "emphasized",
    "emphasised",
    "remarked",
    "explained",
    "argued",
    "warned",
    "believes",
    "stated",
    "announced",
    "declared",
    "wrote",
    "pointed",
    "insisted",
    "claimed",
    "urged",
    "asked",
    "replied",
    "commented",
];

const CONNECTORS: &[&str] = &["of", "the", "and", "for", "de"];

fn is_title_word(w: &str) -> bool {
    EN_TITLES.contains(&w)
}

fn is_title_part(w: &str) -> bool {
    is_title_word(w) || EN_TITLE_PARTS.contains(&w) || is_demonym(w)
}

/// Nationality adjectives: Chinese, Russian, American, Israeli, …
fn is_demonym(w: &str) -> bool {
    w.len() > 4
        && w.starts_with(|c: char| c.is_uppercase())
        && (w.ends_with("ian")
            || w.ends_with("ese")
            || w.ends_with("ish")
            || w.ends_with("can")
            || w.ends_with("ean")
            || w.ends_with("i") && w.len() > 6)
}

fn en_candidates(p: &Para, res: &Resources, out: &mut Vec<Cand>) {
    let text = &p.text;
    let toks = tokens(text);
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].is_capitalised() {
            i += 1;
            continue;
        }
        // The run: capitalised words, with connectors between them, nothing but spaces between.
        let mut j = i + 1;
        let mut end = i;
        while j < toks.len() {
            let gap = &text[toks[j - 1].end..toks[j].start];
            if !gap.chars().all(|c| c == ' ') || gap.is_empty() {
                break;
            }
            if toks[j].is_capitalised() {
                end = j;
                j += 1;
            } else if CONNECTORS.contains(&toks[j].text) {
                j += 1;
            } else {
                break;
            }
        }
        let run = &toks[i..=end];
        // "Xi Jinping and Russian President Vladimir Putin": two names, unless an organisation
        // head follows the "and" ("Institute of Asian and African Studies").
        let mut from = 0;
        for (k, w) in run.iter().enumerate() {
            if w.text == "and" && !run[k..].iter().any(|x| EN_ORG_HEADS.contains(&x.text)) {
                if k > from {
                    en_run(p, &run[from..k], res, out);
                }
                from = k + 1;
            }
        }
        if from < run.len() {
            en_run(p, &run[from..], res, out);
        }
        i = end + 1;
    }
}

fn en_run(p: &Para, run: &[Token<'_>], res: &Resources, out: &mut Vec<Cand>) {
    let text = &p.text;
    let mut k = 0;
    // Drop leading function words ("During", "The").
    while k < run.len() && (EN_STOP.contains(&run[k].text) && !is_title_word(run[k].text)) {
        k += 1;
    }
    while k < run.len() && CONNECTORS.contains(&run[k].text) {
        k += 1;
    }
    if k >= run.len() {
        return;
    }
    let run = &run[k..];
    // Whole run known?
    let span_of = |r: &[Token<'_>]| r[0].start..r[r.len() - 1].end;
    let push = |out: &mut Vec<Cand>, r: &[Token<'_>], what: What, desc: Option<String>, titled| {
        let span = span_of(r);
        out.push(Cand {
            para: p.index,
            surface: text[span.clone()].to_string(),
            span,
            lang: p.lang.clone(),
            what,
            descriptor: desc,
            titled,
        });
    };
    if let Some(k) = lookup_en(res, text, run) {
        push(out, run, What::Known(k), None, None);
        return;
    }
    // Title prefix.
    let mut t = 0;
    while t < run.len() && is_title_part(run[t].text) {
        t += 1;
    }
    let has_core = run[..t].iter().any(|w| is_title_word(w.text));
    if has_core && t < run.len() {
        let title: Vec<&str> = run[..t].iter().map(|w| w.text).collect();
        let mut rest = &run[t..];
        // "Vice President of the Russian Export Center Alexey Solodov": the organisation, then
        // the person.
        if CONNECTORS.contains(&rest[0].text) {
            if let Some(h) = rest.iter().rposition(|w| EN_ORG_HEADS.contains(&w.text)) {
                let mut org = &rest[..=h];
                while !org.is_empty() && CONNECTORS.contains(&org[0].text) {
                    org = &org[1..];
                }
                if !org.is_empty() {
                    en_named(p, org, res, out);
                }
                rest = &rest[h + 1..];
            } else {
                return;
            }
        }
        if rest.is_empty() || rest.len() > 4 || rest.iter().any(|w| !w.is_capitalised()) {
            return;
        }
        if rest.iter().any(|w| EN_ORG_HEADS.contains(&w.text)) {
            en_named(p, rest, res, out);
            return;
        }
        let name = rest.iter().map(|w| w.text).collect::<Vec<_>>().join(" ");
        let descriptor = Some(title.join(" ").to_lowercase());
        if rest.len() == 1 {
            let core: Vec<&str> = title.iter().copied().filter(|w| !is_demonym(w)).collect();
            let titled = Some(format!("{} {}", core.join(" "), name));
            // "Senator Warren" is a person even where a city has the name.
            let what = match lookup_en(res, text, rest).filter(|&k| !is_city(res, k)) {
                Some(k) => What::Known(k),
                None => What::Short(name),
            };
            push(out, rest, what, descriptor, titled);
        } else {
            push(out, rest, What::Person(name), descriptor, None);
        }
        return;
    }
    // An organisation head inside the run followed by a short name: split.
    if let Some(h) = run.iter().position(|w| EN_ORG_HEADS.contains(&w.text)) {
        let after = &run[h + 1..];
        if !after.is_empty() && after.len() <= 3 && !CONNECTORS.contains(&after[0].text) {
            en_named(p, &run[..=h], res, out);
            en_run(p, after, res, out);
            return;
        }
    }
    en_named(p, run, res, out);
}

/// A run without a title: known name, organisation, person by apposition or speech verb, or a
/// short form.
fn en_named(p: &Para, run: &[Token<'_>], res: &Resources, out: &mut Vec<Cand>) {
    let text = &p.text;
    let span = run[0].start..run[run.len() - 1].end;
    let mut push = |what: What| {
        out.push(Cand {
            para: p.index,
            surface: text[span.clone()].to_string(),
            span: span.clone(),
            lang: p.lang.clone(),
            what,
            descriptor: None,
            titled: None,
        })
    };
    let after = &text[span.end..];
    // A function word of the paragraph's language capitalised at a sentence start (Le, Er,
    // Il) is not a name, whatever name it also spells.
    if run.len() == 1
        && p.language()
            .pack()
            .is_some_and(|pk| pk.is_stopword(&run[0].text.to_lowercase()))
    {
        return;
    }
    if let Some(k) = lookup_en(res, text, run) {
        // "Jackson said": a city's name before a speech verb or an apposition is a person's.
        let person_cue = speech_follows(after) || apposition_follows(after);
        if !(is_city(res, k) && run.len() == 1 && person_cue) {
            push(What::Known(k));
            return;
        }
    }
    let words: Vec<&str> = run.iter().map(|w| w.text).collect();
    let name = words.join(" ");
    if words.iter().any(|w| EN_ORG_HEADS.contains(w)) {
        if words.len() >= 2 {
            push(What::Org(name));
        }
        return;
    }
    let person_like = words.len() <= 4
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) && !CONNECTORS.contains(w))
        && !words.iter().any(|w| EN_STOP.contains(w) || is_demonym(w));
    if !person_like {
        return;
    }
    if words.len() == 1 {
        push(What::Short(name));
        return;
    }
    if apposition_follows(after) || speech_follows(after) {
        push(What::Person(name));
    }
}

/// Whether a gazetteer entry is a GeoNames city (whose names are often people's too).
fn is_city(res: &Resources, k: KnownId) -> bool {
    res.gazetteer.get(k).is_some_and(|e| e.city)
}

fn lookup_en(res: &Resources, text: &str, run: &[Token<'_>]) -> Option<KnownId> {
    let span = run[0].start..run[run.len() - 1].end;
    let surface = &text[span.clone()];
    let k = res
        .gazetteer
        .en(surface)
        .or_else(|| {
            surface
                .strip_prefix("the ")
                .and_then(|s| res.gazetteer.en(s))
        })
        .or_else(|| {
            // A short form of the packs' tables (EE.UU., ABD), the run or it and a final stop.
            res.gazetteer
                .other_at(&text[span.start..])
                .filter(|&(_, n)| n == surface.len() || n == surface.len() + 1)
                .map(|(k, _)| k)
        })?;
    // An adjective of nationality is not the place (American, Hawaiian), unless the place is
    // a Chinese name that only looks like one (Fujian, Dalian).
    let adjective = run.len() == 1
        && is_demonym(surface)
        && !res.gazetteer.is_pinyin(k)
        && res
            .gazetteer
            .get(k)
            .is_some_and(|e| e.kind == EntityKind::Place && e.name.eq_ignore_ascii_case(surface));
    (!adjective).then_some(k)
}

fn apposition_follows(after: &str) -> bool {
    let Some(rest) = after.strip_prefix(", ") else {
        return false;
    };
    let mut words = rest.split_whitespace();
    let mut w = words.next().unwrap_or("").to_lowercase();
    if matches!(w.as_str(), "a" | "an" | "the") {
        w = words.next().unwrap_or("").to_lowercase();
    }
    let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
    EN_APPOSITION.contains(&w)
}

fn speech_follows(after: &str) -> bool {
    let w = after
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric());
    SPEECH_AFTER_NAME.contains(&w)
}

// ---------------------------------------------------------------- Chinese

/// Titles written before a person's name.
const ZH_TITLES: &[&str] = &[
    "教授",
    "学者",
    "院长",
    "主席",
    "总统",
    "总理",
    "部长",
    "发言人",
    "专家",
    "主任",
    "大使",
    "研究员",
    "总裁",
    "董事长",
    "外长",
    "局长",
    "市长",
    "省长",
    "书记",
    "记者",
    "经理",
    "会长",
    "所长",
    "司长",
    "首相",
    "国务卿",
    "委员",
    "代表",
    "负责人",
    "副主席",
    "副总统",
    "副总理",
    "分析师",
    "经济学家",
    "助理",
    "秘书长",
    "总书记",
    "主编",
    "校长",
    "议员",
    "领导人",
];

/// What commonly follows a name: time words, speech verbs, particles.
const ZH_FOLLOW: &[&str] = &[
    "周一", "周二", "周三", "周四", "周五", "周六", "周日", "星期", "表示", "说", "指出", "告诉",
    "认为", "称", "对", "和", "与", "等", "曾", "也", "还", "则", "就", "向", "接受", "最近",
    "近日", "今天", "昨天", "日前", "在", "同", "强调", "介绍", "透露", "的", "是", "出席", "会见",
    "举行", "访问", "发表", "说道", "，", "、", "。", ":", "：", "（", "(",
];

/// Characters common in transliterated foreign names.
const TRANSLIT: &str = "历阿埃艾安奥巴拜班邦贝本比彼宾波伯布查达戴丹道德迪蒂杜多厄恩尔法范菲费芬丰弗福夫盖甘戈格根古哈海汉豪赫亨胡华霍基吉加贾杰金卡凯坎科克肯库拉莱赖兰劳勒雷黎里利连列林琳留龙卢鲁伦罗洛吕马迈曼梅门蒙米明莫默姆穆纳娜奈内尼宁纽努诺欧帕潘佩皮珀普奇齐恰乔切丘萨塞桑瑟森沙莎舍什施史斯松苏索塔泰坦汤特提图托瓦万旺威韦维温沃乌西希谢辛休雅亚扬耶伊因尤约泽扎詹兹佐茨契娃廖";

/// Candidates of a Chinese paragraph, read in its Simplified form ([`Para::simplified`],
/// converted once per paragraph and shared with the model).
fn zh_candidates(
    p: &Para,
    res: &Resources,
    out: &mut Vec<Cand>,
    foreign_parts: &mut Vec<String>,
    only_foreign: bool,
) {
    let simplified = p.simplified();
    let same_length = simplified.chars().count() == p.text.chars().count();
    let s_chars: Vec<(usize, char)> = simplified.char_indices().collect();
    let o_chars: Vec<(usize, char)> = p.text.char_indices().collect();
    let byte = |n: usize, chars: &[(usize, char)], text: &str| {
        chars.get(n).map(|c| c.0).unwrap_or(text.len())
    };
    let original = |from: usize, to: usize| -> (Range<usize>, String) {
        if same_length {
            let r = byte(from, &o_chars, &p.text)..byte(to, &o_chars, &p.text);
            (r.clone(), p.text[r].to_string())
        } else {
            let r = byte(from, &s_chars, simplified)..byte(to, &s_chars, simplified);
            let s = simplified[r.clone()].to_string();
            (
                0..0,
                if p.language() == lang::Lang::ZH_HANT {
                    lang::to_traditional(&s)
                } else {
                    s
                },
            )
        }
    };
    let text_of = |from: usize, to: usize| -> String {
        s_chars[from.min(s_chars.len())..to.min(s_chars.len())]
            .iter()
            .map(|c| c.1)
            .collect()
    };
    let max = res.gazetteer.max_zh_chars().clamp(2, 12);
    let n = s_chars.len();
    let mut taken = vec![false; n];
    // Transliterated full names (阿列克谢·马斯洛夫) first.
    for (dot, &(_, ch)) in s_chars.iter().enumerate() {
        if ch != '·' && ch != '•' && ch != '‧' {
            continue;
        }
        let mut a = dot;
        while a > 0 && TRANSLIT.contains(s_chars[a - 1].1) && dot - a < 6 {
            a -= 1;
        }
        let mut b = dot + 1;
        while b < n && (TRANSLIT.contains(s_chars[b].1) || s_chars[b].1 == '·') && b - dot < 8 {
            b += 1;
        }
        if a == dot || b == dot + 1 || taken[a..b].iter().any(|&t| t) {
            continue;
        }
        let full = text_of(a, b);
        let last = full.rsplit('·').next().unwrap_or("").to_string();
        let (span, surface) = original(a, b);
        out.push(Cand {
            para: p.index,
            span,
            surface,
            lang: p.lang.clone(),
            what: What::ForeignZh {
                reading: reading(res, &last),
                full_reading: full
                    .split('·')
                    .map(|part| reading(res, part))
                    .collect::<Vec<_>>()
                    .join(" "),
            },
            descriptor: None,
            titled: None,
        });
        if last.chars().count() >= 2 && !foreign_parts.contains(&last) {
            foreign_parts.push(last);
        }
        taken[a..b].iter_mut().for_each(|t| *t = true);
    }
    if only_foreign {
        return;
    }
    // Surnames of transliterated names recur alone (马斯洛夫表示).
    for part in foreign_parts.iter() {
        for (at, _) in simplified.match_indices(part.as_str()) {
            let from = simplified[..at].chars().count();
            let to = from + part.chars().count();
            if to > n || taken[from..to].iter().any(|&t| t) {
                continue;
            }
            let (span, surface) = original(from, to);
            out.push(Cand {
                para: p.index,
                span,
                surface,
                lang: p.lang.clone(),
                what: What::ForeignZh {
                    reading: reading(res, part),
                    full_reading: String::new(),
                },
                descriptor: None,
                titled: None,
            });
            taken[from..to].iter_mut().for_each(|t| *t = true);
        }
    }
    zh_titled(p, res, out, &mut taken, &s_chars, &original);
    // Known names, longest first at each position.
    let mut i = 0;
    while i < n {
        if taken[i] || !is_han(s_chars[i].1) {
            i += 1;
            continue;
        }
        // Grow one string from position i and keep the longest known name.
        let mut found = None;
        let mut w = String::new();
        for len in 1..=max.min(n - i) {
            if taken[i + len - 1] || !is_han(s_chars[i + len - 1].1) {
                break;
            }
            w.push(s_chars[i + len - 1].1);
            if len >= 2 {
                if let Some(k) = res.gazetteer.zh(&w) {
                    found = Some((len, k));
                }
            }
        }
        match found {
            Some((len, k)) => {
                let (span, surface) = original(i, i + len);
                out.push(Cand {
                    para: p.index,
                    span,
                    surface,
                    lang: p.lang.clone(),
                    what: What::Known(k),
                    descriptor: None,
                    titled: None,
                });
                taken[i..i + len].iter_mut().for_each(|t| *t = true);
                i += len;
            }
            None => i += 1,
        }
    }
}

/// Titled Chinese names: 教授李海东, 学者崔恒 (romanised from CC-CEDICT readings).
fn zh_titled(
    p: &Para,
    res: &Resources,
    out: &mut Vec<Cand>,
    taken: &mut [bool],
    s_chars: &[(usize, char)],
    original: &dyn Fn(usize, usize) -> (Range<usize>, String),
) {
    let n = s_chars.len();
    let simplified: String = s_chars.iter().map(|c| c.1).collect();
    let text_of = |from: usize, to: usize| -> String {
        s_chars[from.min(n)..to.min(n)]
            .iter()
            .map(|c| c.1)
            .collect()
    };
    // Titled Chinese names: 教授李海东, 学者崔恒.
    let Some(dict) = res.cedict.as_deref() else {
        return;
    };
    for title in ZH_TITLES {
        for (at, _) in simplified.match_indices(title) {
            let start = simplified[..at + title.len()].chars().count();
            if start >= n || taken.get(start).copied().unwrap_or(true) {
                continue;
            }
            let mut best = None;
            for len in [3usize, 2] {
                if start + len > n || taken[start..start + len].iter().any(|&t| t) {
                    continue;
                }
                let name = text_of(start, start + len);
                if !name.chars().all(is_han) {
                    continue;
                }
                let surname = name.chars().next().map(String::from).unwrap_or_default();
                let is_surname = dict
                    .lookup(&surname)
                    .iter()
                    .any(|e| e.is_surname() && e.is_proper_name());
                if !is_surname {
                    continue;
                }
                let rest = text_of(start + len, (start + len + 2).min(n));
                let follows = rest.is_empty() || ZH_FOLLOW.iter().any(|f| rest.starts_with(f));
                if follows {
                    best = Some(len);
                    break;
                }
            }
            let Some(len) = best else { continue };
            let name = text_of(start, start + len);
            let Some(latin) = dict.romanize_name(&name) else {
                continue;
            };
            let (span, surface) = original(start, start + len);
            out.push(Cand {
                para: p.index,
                span,
                surface,
                lang: p.lang.clone(),
                what: What::Person(latin),
                descriptor: None,
                titled: None,
            });
            taken[start..start + len].iter_mut().for_each(|t| *t = true);
        }
    }
}

// ---------------------------------------------------------------- Russian

const RU_TITLES: &[&str] = &[
    "президент",
    "председатель",
    "премьер",
    "премьер-министр",
    "министр",
    "глава",
    "лидер",
    "профессор",
    "директор",
    "эксперт",
    "посол",
    "представитель",
    "генсек",
    "канцлер",
    "спикер",
    "замминистра",
    "заместитель",
    "руководитель",
    "политолог",
    "аналитик",
    "губернатор",
    "мэр",
    "пресс-секретарь",
    "госсекретарь",
    "генеральный",
    "вице-премьер",
    "вице-президент",
    "востоковед",
    "экономист",
    "сенатор",
    "депутат",
    "советник",
    "секретарь",
    "китаист",
];

const RU_SPEECH: &[&str] = &[
    "заявил",
    "заявила",
    "сказал",
    "сказала",
    "отметил",
    "отметила",
    "подчеркнул",
    "подчеркнула",
    "сообщил",
    "сообщила",
    "добавил",
    "добавила",
    "считает",
    "пояснил",
    "пояснила",
    "рассказал",
    "рассказала",
    "признал",
    "признала",
    "заметил",
    "заметила",
    "констатировал",
    "уверен",
    "уверена",
    "указал",
    "указала",
    "говорит",
    "заявляет",
];

const RU_STOP: &[&str] = &[
    "В",
    "На",
    "По",
    "С",
    "Со",
    "К",
    "О",
    "Об",
    "Он",
    "Она",
    "Они",
    "Это",
    "Этот",
    "Эта",
    "Как",
    "Так",
    "Но",
    "А",
    "И",
    "Что",
    "Кроме",
    "После",
    "До",
    "При",
    "Для",
    "Во",
    "Мы",
    "Я",
    "Вы",
    "Его",
    "Ее",
    "Её",
    "Их",
    "Также",
    "Однако",
    "Между",
    "Среди",
    "Из",
    "За",
    "Под",
    "Над",
    "Если",
    "Когда",
    "Где",
    "Все",
    "Всё",
    "Не",
    "Ни",
    "Уже",
    "Еще",
    "Ещё",
    "Там",
    "Здесь",
    "Сегодня",
    "Вчера",
    "Завтра",
    "Понедельник",
    "Вторник",
    "Среда",
    "Четверг",
    "Пятница",
    "Суббота",
    "Воскресенье",
    "Фото",
    "Читайте",
    "Источник",
];

fn ru_candidates(p: &Para, res: &Resources, out: &mut Vec<Cand>) {
    let text = &p.text;
    let toks = tokens(text);
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        // Known names: up to four words, stemmed.
        let mut found = None;
        for len in (1..=4usize.min(toks.len() - i)).rev() {
            let r = &toks[i..i + len];
            if !r[0].is_capitalised() && !r[0].text.chars().all(|c| c.is_uppercase()) {
                continue;
            }
            let gap_ok = r.windows(2).all(|w| {
                text[w[0].end..w[1].start]
                    .chars()
                    .all(|c| c == ' ' || c == '-')
            });
            if !gap_ok {
                continue;
            }
            let surface = &text[r[0].start..r[len - 1].end];
            if let Some(k) = res.gazetteer.ru(surface) {
                // "Владимир Путин": a city's nominative name before another capitalised word
                // is a first name.
                let first_name = len == 1
                    && is_city(res, k)
                    && res.gazetteer.is_ru_city_nominative(surface)
                    && toks.get(i + 1).is_some_and(|n| {
                        n.is_capitalised()
                            && n.text.chars().any(is_cyrillic)
                            && text[t.end..n.start] == *" "
                    });
                // "Думаю, …" at a sentence's start is no case form of Думай (Dumai).
                let sentence_start = len == 1
                    && is_city(res, k)
                    && !res.gazetteer.is_ru_city_nominative(surface)
                    && p.sentence_at(t.start).start == t.start;
                if first_name || sentence_start {
                    break;
                }
                found = Some((len, k));
                break;
            }
        }
        if let Some((len, k)) = found {
            let span = toks[i].start..toks[i + len - 1].end;
            out.push(Cand {
                para: p.index,
                surface: text[span.clone()].to_string(),
                span,
                lang: p.lang.clone(),
                what: What::Known(k),
                descriptor: None,
                titled: None,
            });
            i += len;
            continue;
        }
        let lower = t.text.to_lowercase();
        let titled = RU_TITLES.contains(&lower.as_str());
        if titled || (t.is_capitalised() && !RU_STOP.contains(&t.text)) {
            // The name: capitalised words (after a title, the title's genitive words may come
            // between: "президент России Владимир Путин").
            let mut j = if titled { i + 1 } else { i };
            if titled {
                while j < toks.len() && !toks[j].is_capitalised() && j - i < 4 {
                    j += 1;
                }
                // skip a known place/org right after the title ("России")
                while j < toks.len()
                    && res
                        .gazetteer
                        .ru(toks[j].text)
                        .is_some_and(|k| !is_city(res, k))
                    && j - i < 5
                {
                    j += 1;
                }
            }
            let start = j;
            while j < toks.len()
                && toks[j].is_capitalised()
                && toks[j].text.chars().any(is_cyrillic)
                && !toks[j].text.chars().all(|c| c.is_uppercase())
                && j - start < 3
                && (j == start || text[toks[j - 1].end..toks[j].start] == *" ")
                && res
                    .gazetteer
                    .ru(toks[j].text)
                    .is_none_or(|k| is_city(res, k))
            {
                j += 1;
            }
            if j > start {
                let after = toks
                    .get(j)
                    .map(|t| t.text.to_lowercase())
                    .unwrap_or_default();
                let before_verb = RU_SPEECH.contains(&after.as_str());
                let name_span = toks[start].start..toks[j - 1].end;
                let name = text[name_span.clone()].to_string();
                let sentence_start = p.sentence_at(toks[start].start).start == toks[start].start;
                if titled || before_verb || (j - start >= 2 && !sentence_start) {
                    let descriptor =
                        titled.then(|| text[t.start..toks[start].start].trim().to_lowercase());
                    let what = if j - start == 1 && !titled {
                        What::Short(name.clone())
                    } else {
                        What::PersonRu(name.clone())
                    };
                    out.push(Cand {
                        para: p.index,
                        surface: name,
                        span: name_span,
                        lang: p.lang.clone(),
                        what,
                        descriptor,
                        titled: None,
                    });
                    i = j;
                    continue;
                } else if j - start == 1 && !sentence_start {
                    out.push(Cand {
                        para: p.index,
                        surface: name.clone(),
                        span: name_span,
                        lang: p.lang.clone(),
                        what: What::Short(name),
                        descriptor: None,
                        titled: None,
                    });
                }
            }
        }
        i += 1;
    }
}
