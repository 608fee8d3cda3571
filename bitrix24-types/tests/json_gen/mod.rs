//! A small deterministic JSON generator biased toward what portals send: numeric
//! strings, "Y"/"N", dates, empty strings and arrays, PHP-style objects. Shared by the
//! property tests.

use serde_json::{Map, Value, json};

/// The generator; the `u64` is its state (the seed).
pub(crate) struct Gen(pub(crate) u64);

impl Gen {
    pub(crate) fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len() as u64) as usize]
    }

    pub(crate) fn string(&mut self) -> String {
        const INTERESTING: &[&str] = &[
            "",
            " ",
            "0",
            "1",
            "-1",
            "+5",
            "5.00",
            "5.5",
            "1e5",
            "1E-3",
            "Y",
            "N",
            "y",
            "n",
            "true",
            "false",
            "null",
            "NaN",
            "inf",
            "-",
            ".",
            "..",
            "1.2.3",
            "١٢٣",
            "é",
            "99999999999999999999999999999999999999999",
            "18446744073709551616",
            "-9223372036854775809",
            "2024-08-30T14:29:00+02:00",
            "2024-08-30T14:29:00Z",
            "2024-08-30T14:29:00+0200",
            "2024-08-30T14:29:00+",
            "2024-08-30T14:29:00+2",
            "2024-08-30 14:29:00",
            "30.08.2024",
            "30.08.2024 14:29",
            "2024-02-30",
            "2024-08-30T24:00:00",
            "+02:00",
            "Z",
            "T",
            ":",
            "0000-00-00 00:00:00",
            "262143-12-31",
            "-262144-01-01T00:00:00",
            "1000000.00",
            "0.1",
            ".5",
            "5.",
        ];
        match self.next(4) {
            0 => {
                let len = self.next(12);
                (0..len)
                    .map(|_| {
                        let c = self.pick(&[
                            "0", "9", ".", "-", "+", "e", ":", "T", "Z", " ", "é", "\u{0}", "x",
                        ]);
                        c.to_owned()
                    })
                    .collect()
            }
            1 => {
                let a = self.pick(INTERESTING).to_owned();
                let b = self.pick(INTERESTING);
                a + b
            }
            _ => self.pick(INTERESTING).to_owned(),
        }
    }

    fn number(&mut self) -> Value {
        match self.next(8) {
            0 => json!(u64::MAX - self.next(3)),
            1 => json!(i64::MIN + self.next(3) as i64),
            2 => json!(self.next(3)),
            3 => json!(-(self.next(1000) as i64)),
            4 => json!(self.next(10_000) as f64 / 100.0),
            // Short texts only: serde_json's default float parsing is not exact for long
            // ones, which would make the two paths differ for reasons outside this crate.
            5 => {
                json!([1e20, 1.8446744073709552e19, 9.5e18, -9.3e18, 1e300][self.next(5) as usize])
            }
            6 => json!(-(self.next(1000) as f64) / 8.0),
            _ => json!(1_725_020_945u64 + self.next(1000)),
        }
    }

    pub(crate) fn value(&mut self, depth: u32) -> Value {
        let kinds = if depth >= 4 { 5 } else { 8 };
        match self.next(kinds) {
            0 => Value::Null,
            1 => Value::Bool(self.next(2) == 0),
            2 => self.number(),
            3 | 4 => Value::String(self.string()),
            5 => {
                let len = self.next(5);
                Value::Array((0..len).map(|_| self.value(depth + 1)).collect())
            }
            _ => {
                let len = self.next(5);
                let mut map = Map::new();
                for i in 0..len {
                    let key = match self.next(4) {
                        0 => i.to_string(),
                        1 => self
                            .pick(&["ID", "VALUE", "TYPE_ID", "VALUE_TYPE"])
                            .to_owned(),
                        2 => self
                            .pick(&[
                                "id",
                                "showUrl",
                                "url",
                                "downloadUrl",
                                "urlMachine",
                                "fileData",
                            ])
                            .to_owned(),
                        _ => self.string(),
                    };
                    map.insert(key, self.value(depth + 1));
                }
                Value::Object(map)
            }
        }
    }
}
