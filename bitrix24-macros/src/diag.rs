//! Error collection and "did you mean" suggestions.
//!
//! Like serde_derive, the macro reports every problem it finds in one go rather than
//! stopping at the first: fixing an attribute one compile at a time is slow.

use syn::Error;

/// Collects errors; [`Errors::finish`] combines them into the one `syn::Error` the
/// macro turns into `compile_error!` invocations (one per original error, each keeping
/// its own span).
#[derive(Default)]
pub(crate) struct Errors(Option<Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn append(&mut self, other: Errors) {
        if let Some(error) = other.0 {
            self.push(error);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn finish(self) -> Option<Error> {
        self.0
    }
}

/// The candidate closest to `word`, when it is close enough to be a likely typo.
///
/// "Close enough" allows one edit for short words and about one edit per three
/// characters for longer ones: `responce` finds `response`, `idempotnet` finds
/// `idempotent`, but `page` does not find `api` (three edits on a three-letter word).
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|&candidate| (edit_distance(word, candidate), candidate))
        .filter(|&(distance, candidate)| distance <= (candidate.len() / 3).max(1))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// "`a`, `b` or `c`": the words of a closed set, for error messages.
pub(crate) fn one_of(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("`{word}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
    }
}

/// Edit distance counting insertions, deletions, substitutions and swaps of two
/// adjacent characters (optimal string alignment), by characters. Swaps count as one
/// edit because they are the commonest typo (`raed`, `idempotnet`).
///
/// Written here rather than taken from `strsim`: the inputs are a handful of short
/// keys, and a proc-macro crate's dependencies are paid for by every downstream build.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // `d[i][j]` is the distance between `a[..i]` and `b[..j]`.
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("responce", "response"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("scop", "scope"), 1);
        assert_eq!(edit_distance("raed", "read"), 1);
        assert_eq!(edit_distance("fastpath", "fast_path"), 1);
    }

    #[test]
    fn suggestions() {
        let keys = ["scope", "kind", "api", "response", "list", "crate"];
        assert_eq!(closest("responce", &keys), Some("response"));
        assert_eq!(closest("krate", &keys), Some("crate"));
        assert_eq!(closest("kinds", &keys), Some("kind"));
        assert_eq!(closest("page", &keys), None);
        assert_eq!(closest("method", &keys), None);
        let kinds = ["read", "idempotent", "write"];
        assert_eq!(closest("idempotnet", &kinds), Some("idempotent"));
        assert_eq!(closest("raed", &kinds), Some("read"));
        assert_eq!(closest("sometimes", &kinds), None);
    }

    #[test]
    fn word_lists() {
        assert_eq!(one_of(&[]), "");
        assert_eq!(one_of(&["v3"]), "`v3`");
        assert_eq!(one_of(&["classic", "v3"]), "`classic` or `v3`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
