//! Wire names as lowercase words: `DATE_CREATE`, `dateCreate` and `date_create` are all
//! `date`, `create`; the money and date rules match words, never substrings, so `summary`
//! is not a `sum`.

use heck::ToSnakeCase;

/// The lowercase words of a wire name (`psSum` -> `ps`, `sum`; `RQ_VAT_CERT_DATE` -> `rq`,
/// `vat`, `cert`, `date`).
pub fn words(name: &str) -> Vec<String> {
    name.to_snake_case()
        .split('_')
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(words("psSum"), ["ps", "sum"]);
        assert_eq!(words("RQ_VAT_CERT_DATE"), ["rq", "vat", "cert", "date"]);
        assert_eq!(words("TotalSum"), ["total", "sum"]);
        assert_eq!(words("summary"), ["summary"]);
    }
}
