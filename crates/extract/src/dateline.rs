//! Datelines at the head of news reports: `KAZAN, Russia, Oct. 22 (Xinhua) --`,
//! `MOSCOW, March 22 (Xinhua) --`, `新华社俄罗斯喀山10月22日电`, `МОСКВА, 22 октября. /ТАСС/.`.
//! A dateline without a year takes it from the publication date (the year before when that
//! would put the dateline after publication).

use crate::dates::{month_from_name, Date};
use model::Dateline;
use regex::Regex;
use std::sync::LazyLock;

/// Wire datelines name the month in English: the names and abbreviations of the en pack.
static EN: LazyLock<Regex> = LazyLock::new(|| {
    let mut months: Vec<String> = lang::pack(lang::Lang::EN)
        .map(|p| {
            p.month_forms()
                .map(|(f, _)| regex::escape(f.trim_end_matches('.')))
                .collect()
        })
        .unwrap_or_default();
    months.sort_by_key(|m| std::cmp::Reverse(m.len()));
    months.dedup();
    Regex::new(&format!(
        r"^(?P<place>[A-Z][A-Z.'’\- ]{{1,40}}?)(?:,\s*(?P<region>[A-Z][A-Za-z.'’\- ]{{1,30}}?))?,?\s+(?:(?P<mon>(?i:{}))\.?\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>(?:19|20)\d\d))?)?\s*(?:\((?P<agency>[A-Za-z][\w ./&-]{{1,30}})\))?\s*(?P<dash>--|—|–|-)\s+",
        months.join("|")
    ))
    .expect("static regex")
});

static ZH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<agency>新华社|新華社|中新社|中新网|中新網|人民网|人民網|央视网|央視網|中国日报|中國日報|本报|本報|光明网|光明網|国际在线|國際在線|中央社|环球网|環球網|澎湃新闻|澎湃新聞|新华网|新華網)?(?P<place>[\p{Han}]{2,12}?)(?:(?P<year>(?:19|20)\d\d)年)?(?P<mon>\d{1,2})月(?P<day>\d{1,2})日(?:电|電|讯|訊|消息)",
    )
    .expect("static regex")
});

static RU: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<place>[А-ЯЁ][А-ЯЁ\- ]{1,40}),\s+(?P<day>\d{1,2})\s+(?P<mon>[а-яё]+)(?:\s+(?P<year>(?:19|20)\d\d))?\.?\s*(?:/(?P<agency>[^/]{2,30})/|-\s*(?P<agency2>[^.]{2,30})\.)?",
    )
    .expect("static regex")
});

/// Country names that prefix a city in Chinese datelines (`俄罗斯喀山`).
const ZH_COUNTRIES: &[&str] = &[
    "俄罗斯",
    "俄羅斯",
    "美国",
    "美國",
    "英国",
    "英國",
    "法国",
    "法國",
    "德国",
    "德國",
    "日本",
    "韩国",
    "韓國",
    "印度",
    "巴西",
    "南非",
    "意大利",
    "西班牙",
    "加拿大",
    "澳大利亚",
    "澳大利亞",
    "埃及",
    "土耳其",
    "伊朗",
    "以色列",
    "乌克兰",
    "烏克蘭",
    "哈萨克斯坦",
    "哈薩克斯坦",
    "巴基斯坦",
    "印度尼西亚",
    "印度尼西亞",
    "越南",
    "泰国",
    "泰國",
    "新加坡",
    "马来西亚",
    "馬來西亞",
    "墨西哥",
    "阿根廷",
    "比利时",
    "比利時",
    "瑞士",
    "荷兰",
    "荷蘭",
    "波兰",
    "波蘭",
    "沙特",
    "阿联酋",
    "阿聯酋",
    "朝鲜",
    "朝鮮",
    "蒙古",
    "老挝",
    "老撾",
    "柬埔寨",
    "缅甸",
    "緬甸",
    "菲律宾",
    "菲律賓",
    "新西兰",
    "紐西蘭",
    "秘鲁",
    "秘魯",
    "智利",
    "古巴",
    "委内瑞拉",
    "尼日利亚",
    "肯尼亚",
    "埃塞俄比亚",
    "白俄罗斯",
    "白俄羅斯",
    "乌兹别克斯坦",
    "塞尔维亚",
    "匈牙利",
    "希腊",
    "希臘",
    "葡萄牙",
    "奥地利",
    "奧地利",
    "瑞典",
    "挪威",
    "芬兰",
    "芬蘭",
    "丹麦",
    "丹麥",
    "爱尔兰",
    "愛爾蘭",
];

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut out = String::new();
            let mut first = true;
            for ch in w.chars() {
                if first {
                    out.extend(ch.to_uppercase());
                } else {
                    out.extend(ch.to_lowercase());
                }
                first = matches!(ch, '-' | '\'' | '’' | '.');
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn resolve(year: Option<i32>, mon: u32, day: u32, published: Option<&Date>) -> Option<String> {
    let y = year.or(published.map(|p| p.y))?;
    let mut d = Date::new(y, mon, day)?;
    if year.is_none() {
        if let Some(p) = published {
            if d.day_number() > p.day_number() + 1 {
                d = Date::new(y - 1, mon, day)?;
            }
        }
    }
    Some(d.date_iso())
}

/// Find a dateline at the start of one of the first paragraphs.
pub fn find(paragraphs: &[String], published: Option<&Date>) -> Option<Dateline> {
    for p in paragraphs.iter().take(6) {
        if let Some(c) = EN.captures(p) {
            let has_agency = c.name("agency").is_some();
            let has_date = c.name("mon").is_some();
            let dash_long = c.name("dash").is_some_and(|d| d.as_str() != "-");
            if has_agency || (has_date && dash_long) {
                let place = c.name("place").map(|m| title_case(m.as_str().trim()));
                let date = match (c.name("mon"), c.name("day")) {
                    (Some(m), Some(d)) => month_from_name(m.as_str()).and_then(|mon| {
                        let day = d.as_str().parse().ok()?;
                        let year = c.name("year").and_then(|y| y.as_str().parse().ok());
                        resolve(year, mon, day, published)
                    }),
                    _ => None,
                };
                let text = c.get(0).map_or("", |m| m.as_str()).trim().to_string();
                return Some(Dateline { place, date, text });
            }
        }
        if let Some(c) = ZH.captures(p) {
            let mut place = c.name("place").map_or("", |m| m.as_str());
            for country in ZH_COUNTRIES {
                if let Some(rest) = place.strip_prefix(country) {
                    if rest.chars().count() >= 2 {
                        place = rest;
                        break;
                    }
                }
            }
            let mon = c.name("mon").and_then(|m| m.as_str().parse().ok());
            let day = c.name("day").and_then(|m| m.as_str().parse().ok());
            let year = c.name("year").and_then(|y| y.as_str().parse().ok());
            let date = match (mon, day) {
                (Some(m), Some(d)) => resolve(year, m, d, published),
                _ => None,
            };
            let text = c.get(0).map_or("", |m| m.as_str()).to_string();
            return Some(Dateline {
                place: Some(place.to_string()),
                date,
                text,
            });
        }
        if let Some(c) = RU.captures(p) {
            let mon = c.name("mon").and_then(|m| month_from_name(m.as_str()));
            if let Some(mon) = mon {
                let day = c.name("day").and_then(|m| m.as_str().parse().ok());
                let year = c.name("year").and_then(|y| y.as_str().parse().ok());
                let date = day.and_then(|d| resolve(year, mon, d, published));
                let text = c.get(0).map_or("", |m| m.as_str()).trim().to_string();
                return Some(Dateline {
                    place: c.name("place").map(|m| title_case(m.as_str().trim())),
                    date,
                    text,
                });
            }
        }
    }
    None
}

/// A full date in a dateline that opens one of the first paragraphs: `Karlsruhe, (12.11.2021).`,
/// `Berlin, 3. März 2022 –`, `KAZAN, Oct. 22, 2024 (Xinhua) --`: the day the report was filed.
pub fn lead_date(paragraphs: &[String]) -> Option<Date> {
    static PLACE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\p{Lu}[\p{L}.'’ -]{1,40}?(?:\s*/\s*\p{Lu}[\p{L} -]{1,20})?\s*(?:\([\p{L} ./&-]{1,20}\))?\s*[,(]\s*\(?\s*$")
            .expect("static regex")
    });
    for p in paragraphs.iter().take(3) {
        let Some(f) = crate::dates::find_all(p).into_iter().next() else {
            continue;
        };
        if f.start <= 60 && PLACE.is_match(&p[..f.start]) {
            return Some(f.date);
        }
    }
    None
}
