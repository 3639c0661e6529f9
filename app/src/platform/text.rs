//! Text folding shared by slugs and search.

/// `text` with common accented Latin letters replaced by their ASCII letters.
pub fn fold_accents(text: &str) -> String {
    text.chars().flat_map(fold_accent).collect()
}

/// The ASCII letters of common accented Latin letters, so slugs stay readable.
fn fold_accent(c: char) -> Vec<char> {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'œ' | 'Œ' => "oe",
        other => return vec![other],
    };
    s.chars().collect()
}

/// A day from a filter (`2026-12-31`) as Unix ms at its start, UTC.
#[cfg(feature = "ssr")]
pub fn parse_day(value: &str, field: &str) -> Result<i64, crate::platform::error::AppError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, format)
        .map(|d| d.midnight().assume_utc().unix_timestamp() * 1000)
        .map_err(|_| {
            crate::platform::error::AppError::validation(field, "use a date like 2026-12-31")
        })
}

/// A list's page number from its query string (1 to 100,000).
#[cfg(feature = "ssr")]
pub fn parse_page(value: &str) -> Result<u32, crate::platform::error::AppError> {
    value
        .parse()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .ok_or_else(|| {
            crate::platform::error::AppError::validation(
                "page",
                "page must be a whole number from 1",
            )
        })
}
