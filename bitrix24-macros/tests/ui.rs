//! Compile-time behaviour of `#[bitrix_method]`: what compiles, and the exact errors for
//! what does not (pinned in `ui/fail/*.stderr`; regenerate with `TRYBUILD=overwrite`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
