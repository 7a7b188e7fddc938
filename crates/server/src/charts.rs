//! Charts as inline SVG, written on the server (the pages run no scripts): an event's coverage
//! over time as stacked bars by language, a timeline card's sparkline, and the graph of the
//! people and organisations that appear in the same documents. Colours are SVG
//! presentation attributes (the Content Security Policy allows no inline styles); every chart
//! carries a `<title>` and `<desc>` for screen readers, and the pages print the same numbers
//! as a table beside it. Text from documents (language tags) is XML-escaped here.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use wire::api::{DayCount, LanguageDayCount};

/// Series colours (Okabe–Ito, distinguishable with the common colour-vision deficiencies);
/// series past these share [`OTHER`].
const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F",
];
const OTHER: &str = "#999999";
/// Longest stretch of days drawn day by day; a longer one draws only its days with documents.
const MAX_SPAN_DAYS: i64 = 92;

/// `&`, `<`, `>`, `"` and `'` as XML entities.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The days an axis shows: every day from the first to the last when the stretch is short,
/// else only the given days.
fn axis_days(days: &[String]) -> Vec<String> {
    let parsed: Vec<NaiveDate> = days.iter().filter_map(|d| d.parse().ok()).collect();
    match (parsed.first(), parsed.last()) {
        (Some(&a), Some(&b))
            if parsed.len() == days.len() && (b - a).num_days() <= MAX_SPAN_DAYS =>
        {
            a.iter_days()
                .take_while(|d| *d <= b)
                .map(|d| d.to_string())
                .collect()
        }
        _ => days.to_vec(),
    }
}

/// A series' colour: its rank's palette colour, or the shared one past the palette.
pub fn colour(rank: usize) -> &'static str {
    PALETTE.get(rank).copied().unwrap_or(OTHER)
}

/// The languages of `counts`, the most documents first (ties by tag).
pub fn series(counts: &[LanguageDayCount]) -> Vec<(String, usize)> {
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for c in counts {
        *totals.entry(&c.language).or_default() += c.documents;
    }
    let mut v: Vec<(String, usize)> = totals
        .into_iter()
        .map(|(l, n)| (l.to_string(), n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Stacked bars of documents per day, one colour per language (`series` order); empty when
/// no document has a readable date. `id` names the chart's title and description elements.
pub fn coverage_chart(counts: &[LanguageDayCount], id: &str) -> String {
    if counts.is_empty() {
        return String::new();
    }
    let langs = series(counts);
    let mut given: Vec<String> = counts.iter().map(|c| c.day.clone()).collect();
    given.dedup();
    let days = axis_days(&given);
    let mut per_day: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for c in counts {
        let rank = langs.iter().position(|l| l.0 == c.language).unwrap_or(0);
        let row = per_day
            .entry(c.day.as_str())
            .or_insert_with(|| vec![0; langs.len()]);
        row[rank] += c.documents;
    }
    let peak = per_day
        .values()
        .map(|r| r.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let total: usize = langs.iter().map(|l| l.1).sum();
    let (w, h, left, bottom, top) = (600.0_f64, 180.0_f64, 34.0, 26.0, 8.0);
    let plot_w = w - left - 6.0;
    let plot_h = h - bottom - top;
    let slot = plot_w / days.len() as f64;
    // A bar is at most 28 units wide: a chart of one or two days stays a bar chart.
    let bar = (slot * 0.8).clamp(1.0, 28.0);
    let id = xml_escape(id);
    let first = days.first().cloned().unwrap_or_default();
    let last = days.last().cloned().unwrap_or_default();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart coverage-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet">"#
    );
    let by_lang: Vec<String> = langs
        .iter()
        .map(|(l, n)| format!("{} {n}", xml_escape(l)))
        .collect();
    let _ = write!(
        s,
        r#"<title id="{id}-title">Coverage over time: documents per day</title><desc id="{id}-desc">{total} dated document{} from {first} to {last}, at most {peak} a day; by language: {}.</desc>"#,
        if total == 1 { "" } else { "s" },
        by_lang.join(", ")
    );
    // Axes: a baseline, and the peak marked on the left.
    let base = top + plot_h;
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="#888" stroke-width="1"/><line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#ccc" stroke-width="1"/><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#555">{peak}</text><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#555">0</text>"##,
        w - 6.0,
        left - 4.0,
        top + 10.0,
        left - 4.0,
        base,
    );
    for (i, day) in days.iter().enumerate() {
        let Some(row) = per_day.get(day.as_str()) else {
            continue;
        };
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = base;
        for (rank, &n) in row.iter().enumerate().filter(|(_, n)| **n > 0) {
            let bh = plot_h * n as f64 / peak as f64;
            y -= bh;
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{bh:.1}" fill="{}"><title>{day}: {n} in {}</title></rect>"#,
                colour(rank),
                xml_escape(&langs[rank].0)
            );
        }
    }
    let _ = write!(
        s,
        r##"<text x="{left}" y="{}" font-size="11" fill="#555">{first}</text>"##,
        h - 8.0
    );
    if last != first {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#555">{last}</text>"##,
            w - 6.0,
            h - 8.0
        );
    }
    s.push_str("</svg>");
    s
}

/// A small bar sparkline of documents per day; empty when there are no dated documents.
pub fn sparkline(coverage: &[DayCount]) -> String {
    if coverage.is_empty() {
        return String::new();
    }
    let given: Vec<String> = coverage.iter().map(|c| c.day.clone()).collect();
    let days = axis_days(&given);
    let counts: BTreeMap<&str, usize> = coverage
        .iter()
        .map(|c| (c.day.as_str(), c.documents))
        .collect();
    let peak = counts.values().copied().max().unwrap_or(1).max(1);
    let total: usize = counts.values().sum();
    let (w, h) = (120.0_f64, 24.0_f64);
    let slot = w / days.len() as f64;
    // At most 8 units wide: a day or two stays a thin bar on a baseline, not a block.
    let bar = (slot * 0.8).clamp(1.0, 8.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="spark" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img"><title>{total} dated document{} from {} to {}, at most {peak} a day</title>"#,
        if total == 1 { "" } else { "s" },
        days.first().map(String::as_str).unwrap_or(""),
        days.last().map(String::as_str).unwrap_or(""),
    );
    let _ = write!(
        s,
        r##"<line x1="0" y1="{}" x2="{w}" y2="{}" stroke="#c8cdd3" stroke-width="1"/>"##,
        h - 0.5,
        h - 0.5
    );
    for (i, day) in days.iter().enumerate() {
        let Some(&n) = counts.get(day.as_str()) else {
            continue;
        };
        let bh = ((h - 2.0) * n as f64 / peak as f64).max(1.5);
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{bh:.1}" fill="#0072B2"/>"##,
            slot * i as f64 + (slot - bar) / 2.0,
            h - bh
        );
    }
    s.push_str("</svg>");
    s
}

/// Bars of counts over consecutive stretches of time (`(label, count, link)`, oldest first),
/// each bar a link (to the same list narrowed to its stretch: zooming without scripts); empty
/// without bars. `title` says what is counted.
pub fn volume_bars(bars: &[(String, usize, String)], id: &str, title: &str) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let peak = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let total: usize = bars.iter().map(|b| b.1).sum();
    let (w, h, left, bottom, top) = (600.0_f64, 120.0_f64, 34.0, 22.0, 8.0);
    let plot_w = w - left - 6.0;
    let plot_h = h - bottom - top;
    let slot = plot_w / bars.len() as f64;
    let bar = (slot * 0.8).clamp(1.0, 28.0);
    let id = xml_escape(id);
    let title = xml_escape(title);
    let first = xml_escape(&bars[0].0);
    let last = xml_escape(&bars[bars.len() - 1].0);
    let base = top + plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart volume-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{title}</title><desc id="{id}-desc">{total} in all from {first} to {last}, at most {peak} in one bar; each bar links to its stretch of time.</desc><line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="#888" stroke-width="1"/><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#555">{peak}</text><text x="{}" y="{base}" font-size="11" text-anchor="end" fill="#555">0</text>"##,
        w - 6.0,
        left - 4.0,
        top + 10.0,
        left - 4.0,
    );
    for (i, (label, n, href)) in bars.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let bh = (plot_h * *n as f64 / peak as f64).max(1.0);
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let _ = write!(
            s,
            r##"<a href="{}"><rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{bh:.1}" fill="#0072B2"><title>{}: {n}</title></rect></a>"##,
            xml_escape(href),
            base - bh,
            xml_escape(label)
        );
    }
    let _ = write!(
        s,
        r##"<text x="{left}" y="{}" font-size="11" fill="#555">{first}</text>"##,
        h - 6.0
    );
    if bars.len() > 1 {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#555">{last}</text>"##,
            w - 6.0,
            h - 6.0
        );
    }
    s.push_str("</svg>");
    s
}

/// A facet's counts as small linked bars (see [`volume_bars`]).
pub fn facet_bars(bars: &[(String, usize, String)], id: &str) -> String {
    volume_bars(bars, id, "Hits by publication date")
}

/// Most outlets the outlet bars show; the rest share one bar.
pub const OUTLET_BARS: usize = 15;

/// Documents per outlet as horizontal bars, each cut by language (`rows`: outlet, language,
/// documents, the outlet with most documents first; `order`: the languages in colour order,
/// as the coverage chart ranks them, so a language has one colour on the page). Past
/// [`OUTLET_BARS`] outlets, the rest share one bar. Empty without rows.
pub fn outlet_bars(rows: &[(String, String, usize)], order: &[String], id: &str) -> String {
    if rows.is_empty() {
        return String::new();
    }
    // Outlets in the given order, each with its counts per language rank.
    let mut outlets: Vec<(String, Vec<usize>)> = Vec::new();
    let mut rest: Vec<usize> = vec![0; order.len() + 1];
    let mut others: Vec<&str> = Vec::new();
    for (outlet, lang, n) in rows {
        let rank = order.iter().position(|l| l == lang).unwrap_or(order.len());
        let i = match outlets.iter().position(|o| &o.0 == outlet) {
            Some(i) => Some(i),
            None if outlets.len() < OUTLET_BARS => {
                outlets.push((outlet.clone(), vec![0; order.len() + 1]));
                Some(outlets.len() - 1)
            }
            None => None,
        };
        match i {
            Some(i) => outlets[i].1[rank] += n,
            None => {
                rest[rank] += n;
                if !others.contains(&outlet.as_str()) {
                    others.push(outlet);
                }
            }
        }
    }
    let rest_total: usize = rest.iter().sum();
    if rest_total > 0 {
        outlets.push((format!("{} more outlets", others.len()), rest));
    }
    let peak = outlets
        .iter()
        .map(|o| o.1.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (row_h, label_w, w) = (22.0_f64, 170.0_f64, 600.0_f64);
    let h = row_h * outlets.len() as f64 + 8.0;
    let plot_w = w - label_w - 40.0;
    let id = xml_escape(id);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart outlet-bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">Outlets by language: documents per outlet</title><desc id="{id}-desc">{} outlets, at most {peak} documents from one; each bar is cut by the documents' languages.</desc>"#,
        outlets.len()
    );
    for (k, (name, counts)) in outlets.iter().enumerate() {
        let y = 4.0 + row_h * k as f64;
        let short: String = name.chars().take(26).collect();
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#222">{}</text>"##,
            label_w - 6.0,
            y + 14.0,
            xml_escape(&short)
        );
        let mut x = label_w;
        for (rank, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            let bw = plot_w * n as f64 / peak as f64;
            let lang = order.get(rank).map_or("other", String::as_str);
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="{}"><title>{}: {n} in {}</title></rect>"#,
                y + 2.0,
                row_h - 6.0,
                colour(rank),
                xml_escape(name),
                xml_escape(lang)
            );
            x += bw;
        }
        let total: usize = counts.iter().sum();
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#555">{total}</text>"##,
            x + 4.0,
            y + 14.0
        );
    }
    s.push_str("</svg>");
    s
}

/// Most people and organisations a co-occurrence graph shows.
pub const GRAPH_NODES: usize = 12;

/// The people and organisations of an event as a ring of nodes (`(name, kind)`, the most
/// mentioned first), with a line between two that appear in the same documents, thicker the
/// more documents (`(a, b, documents)`, indices into `nodes`); empty without any pair.
pub fn cooccurrence_graph(
    nodes: &[(String, String)],
    pairs: &[(usize, usize, usize)],
    id: &str,
) -> String {
    if pairs.is_empty() || nodes.len() < 2 {
        return String::new();
    }
    let (w, h) = (600.0_f64, 380.0_f64);
    let (cx, cy, r) = (w / 2.0, h / 2.0, 140.0);
    let at = |i: usize| {
        let a = std::f64::consts::TAU * i as f64 / nodes.len() as f64 - std::f64::consts::FRAC_PI_2;
        (cx + r * a.cos(), cy + r * a.sin(), a)
    };
    let id = xml_escape(id);
    let strongest = pairs.iter().map(|p| p.2).max().unwrap_or(1).max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet">"#
    );
    let _ = write!(
        s,
        r#"<title id="{id}-title">Who appears with whom</title><desc id="{id}-desc">{} people and organisations; {} pairs named in the same documents, at most {strongest} documents a pair.</desc>"#,
        nodes.len(),
        pairs.len()
    );
    for &(a, b, n) in pairs {
        let ((x1, y1, _), (x2, y2, _)) = (at(a), at(b));
        let width = 1.0 + 4.0 * n as f64 / strongest as f64;
        let _ = write!(
            s,
            r##"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#7a8fa6" stroke-opacity="0.7" stroke-width="{width:.1}"><title>{} and {}: {n} document{}</title></line>"##,
            xml_escape(&nodes[a].0),
            xml_escape(&nodes[b].0),
            if n == 1 { "" } else { "s" }
        );
    }
    for (i, (name, kind)) in nodes.iter().enumerate() {
        let (x, y, angle) = at(i);
        let fill = if kind == "person" {
            PALETTE[0]
        } else {
            PALETTE[1]
        };
        // Labels outside the ring: to the right on its right half, to the left on its left.
        let (lx, anchor) = if angle.cos() >= -1e-9 {
            (x + 10.0, "start")
        } else {
            (x - 10.0, "end")
        };
        let short: String = name.chars().take(24).collect();
        let _ = write!(
            s,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="7" fill="{fill}"/><text x="{lx:.1}" y="{:.1}" font-size="12" text-anchor="{anchor}" fill="#222">{}</text>"##,
            y + 4.0,
            xml_escape(&short)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(day: &str, language: &str, documents: usize) -> LanguageDayCount {
        LanguageDayCount {
            day: day.into(),
            language: language.into(),
            documents,
        }
    }

    #[test]
    fn coverage_fills_the_days_between_and_escapes_tags() {
        let svg = coverage_chart(
            &[
                c("2024-05-16", "en", 2),
                c("2024-05-18", "<zh>", 1),
                c("2024-05-18", "en", 1),
            ],
            "cov",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // Three bars' worth of rects (the empty day 17 has none), stacked on the 18th.
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert!(svg.contains("&lt;zh&gt;") && !svg.contains("<zh>"));
        assert!(svg.contains("2024-05-16") && svg.contains("2024-05-18"));
        assert_eq!(series(&[c("d", "a", 1), c("d", "b", 3)])[0].0, "b");
    }

    #[test]
    fn no_dates_no_chart() {
        assert!(coverage_chart(&[], "x").is_empty());
        assert!(sparkline(&[]).is_empty());
        let s = sparkline(&[DayCount {
            day: "2024-01-01".into(),
            documents: 3,
        }]);
        assert_eq!(s.matches("<rect").count(), 1);
    }

    #[test]
    fn a_long_stretch_draws_only_its_days() {
        let days = axis_days(&["2020-01-01".into(), "2024-01-01".into()]);
        assert_eq!(days.len(), 2);
        let days = axis_days(&["2024-01-01".into(), "2024-01-03".into()]);
        assert_eq!(days.len(), 3);
    }

    #[test]
    fn the_graph_draws_each_pair_and_escapes_names() {
        let nodes = vec![
            ("<b>Xi</b>".to_string(), "person".to_string()),
            ("Putin".to_string(), "person".to_string()),
            ("BRICS".to_string(), "organization".to_string()),
        ];
        let svg = cooccurrence_graph(&nodes, &[(0, 1, 3), (1, 2, 1)], "g");
        assert_eq!(svg.matches("<line").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("&lt;b&gt;Xi") && !svg.contains("<b>"));
        assert!(cooccurrence_graph(&nodes, &[], "g").is_empty());
    }
}
