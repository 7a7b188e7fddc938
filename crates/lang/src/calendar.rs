//! English calendar words (months, their abbreviations, weekdays), shared by the stages that
//! read dates, skip date words when looking for names, or keep them out of figures.

/// Full month names, January first.
pub const MONTHS_EN: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Three-letter month abbreviations, January first ("sept" is also accepted by [`month_en`]).
pub const MONTH_ABBREVS_EN: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Weekday names, Monday first.
pub const WEEKDAYS_EN: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The month (1–12) an English month word names: a full name, a three-letter abbreviation or
/// "sept", in any case, with or without a final full stop.
pub fn month_en(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    if w == "sept" {
        return Some(9);
    }
    (0..12)
        .find(|&i| w == MONTHS_EN[i] || w == MONTH_ABBREVS_EN[i])
        .map(|i| i as u32 + 1)
}

/// Whether a lowercase word is a month name or abbreviation (exact, no full stop).
pub fn is_month_en(lower: &str) -> bool {
    lower == "sept" || MONTHS_EN.contains(&lower) || MONTH_ABBREVS_EN.contains(&lower)
}

/// Whether a lowercase word is a weekday name.
pub fn is_weekday_en(lower: &str) -> bool {
    WEEKDAYS_EN.contains(&lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_words() {
        assert_eq!(month_en("October"), Some(10));
        assert_eq!(month_en("Oct."), Some(10));
        assert_eq!(month_en("sept"), Some(9));
        assert_eq!(month_en("May"), Some(5));
        assert_eq!(month_en("ma"), None);
        assert_eq!(month_en("octopus"), None);
        assert!(is_month_en("dec") && is_month_en("december") && !is_month_en("Dec"));
        assert!(is_weekday_en("thursday") && !is_weekday_en("thurs"));
    }
}
