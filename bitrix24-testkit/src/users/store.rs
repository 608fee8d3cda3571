//! The portal's users: users 1 to 3 (the ones tasks name, see `task_store`) from the
//! start, more by seeding, and a user as `user.get` and `user.current` show one
//! (user-get.md, user-current.md).
//!
//! A user is kept with every field of `user.fields` (user-fields.md), `null` for unset.
//! A reply leaves out the fields that are `null` (user-get.md: the second user of the
//! example has no `SECOND_NAME`) and keeps empty strings. `ID` is a string, `ACTIVE` a
//! boolean, dates carry the portal's offset, `UF_DEPARTMENT` is a list of numbers.
//! `TIMESTAMP_X` and `LAST_ACTIVITY_DATE` come as empty objects in `user.get`, as the
//! documented reply shows them; `user.current` gives `LAST_ACTIVITY_DATE` as
//! `YYYY-MM-DD hh:mm:ss` and leaves out `TIMESTAMP_X` and `USER_TYPE`, as its own does.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::clock::{PORTAL_OFFSET, format_datetime};
use crate::task_store::USERS;

/// A user's fields by wire name.
pub(super) type User = BTreeMap<String, Value>;

/// The fields of a reply in order: those of the documented reply first (user-get.md),
/// then the other fields of `user.fields`.
pub(super) const FIELDS: &[&str] = &[
    "ID",
    "ACTIVE",
    "NAME",
    "LAST_NAME",
    "SECOND_NAME",
    "EMAIL",
    "LAST_LOGIN",
    "DATE_REGISTER",
    "TIME_ZONE",
    "IS_ONLINE",
    "TIMESTAMP_X",
    "LAST_ACTIVITY_DATE",
    "PERSONAL_GENDER",
    "PERSONAL_WWW",
    "PERSONAL_BIRTHDAY",
    "PERSONAL_MOBILE",
    "PERSONAL_CITY",
    "WORK_PHONE",
    "WORK_POSITION",
    "UF_EMPLOYMENT_DATE",
    "UF_DEPARTMENT",
    "USER_TYPE",
    "XML_ID",
    "TITLE",
    "PERSONAL_PROFESSION",
    "PERSONAL_PHOTO",
    "PERSONAL_ICQ",
    "PERSONAL_PHONE",
    "PERSONAL_FAX",
    "PERSONAL_PAGER",
    "PERSONAL_STREET",
    "PERSONAL_STATE",
    "PERSONAL_ZIP",
    "PERSONAL_COUNTRY",
    "PERSONAL_MAILBOX",
    "PERSONAL_NOTES",
    "WORK_COMPANY",
    "WORK_DEPARTMENT",
    "WORK_WWW",
    "WORK_FAX",
    "WORK_PAGER",
    "WORK_STREET",
    "WORK_MAILBOX",
    "WORK_CITY",
    "WORK_STATE",
    "WORK_ZIP",
    "WORK_COUNTRY",
    "WORK_PROFILE",
    "WORK_LOGO",
    "WORK_NOTES",
    "UF_SKYPE_LINK",
    "UF_ZOOM",
    "UF_TIMEMAN",
    "UF_INTERESTS",
    "UF_SKILLS",
    "UF_WEB_SITES",
    "UF_XING",
    "UF_LINKEDIN",
    "UF_TWITTER",
    "UF_SKYPE",
    "UF_DISTRICT",
    "UF_PHONE_INNER",
];

/// The date and datetime fields (filters compare them as instants).
pub(super) const DATE_FIELDS: &[&str] = &[
    "LAST_LOGIN",
    "DATE_REGISTER",
    "TIMESTAMP_X",
    "LAST_ACTIVITY_DATE",
    "PERSONAL_BIRTHDAY",
    "UF_EMPLOYMENT_DATE",
];

/// Which reply a user is rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shown {
    /// `user.get`.
    Listed,
    /// `user.current`.
    Current,
}

/// Every user of the portal.
#[derive(Debug)]
pub(crate) struct UserStore {
    pub(super) users: BTreeMap<u64, User>,
    last_id: u64,
    /// When the portal started (users 1 to 3 registered some weeks before).
    started: i64,
}

impl UserStore {
    /// Users 1 to 3, registered before `now`.
    pub(crate) fn new(now: i64) -> Self {
        let mut store = Self {
            users: BTreeMap::new(),
            last_id: 0,
            started: now,
        };
        for (index, (_, name, last_name, email)) in USERS.iter().enumerate() {
            let registered = now - (90 - 30 * index as i64) * 86_400;
            let mut user = store.blank(registered);
            let mut put = |field: &str, value: Value| {
                user.insert(field.to_owned(), value);
            };
            put("NAME", json!(name));
            put("LAST_NAME", json!(last_name));
            put("EMAIL", json!(email));
            put("SECOND_NAME", json!(""));
            put(
                "WORK_POSITION",
                json!(["Director", "Sales manager", "Engineer"][index]),
            );
            put("IS_ONLINE", json!(if index == 0 { "Y" } else { "N" }));
            store.add(user);
        }
        store
    }

    pub(crate) fn len(&self) -> usize {
        self.users.len()
    }

    /// A new user registered at `registered`: active, an employee of department 1.
    fn blank(&self, registered: i64) -> User {
        let mut user: User = FIELDS
            .iter()
            .map(|name| ((*name).to_owned(), Value::Null))
            .collect();
        let mut put = |field: &str, value: Value| {
            user.insert(field.to_owned(), value);
        };
        put("ACTIVE", json!(true));
        put("DATE_REGISTER", json!(midnight(registered)));
        put("LAST_LOGIN", json!(format_datetime(registered + 3_600)));
        put("TIMESTAMP_X", json!(format_datetime(registered)));
        put(
            "LAST_ACTIVITY_DATE",
            json!(format_datetime(registered + 3_600)),
        );
        put("IS_ONLINE", json!("N"));
        put("PERSONAL_GENDER", json!(""));
        put("PERSONAL_BIRTHDAY", json!(""));
        put("WORK_POSITION", json!(""));
        put("UF_EMPLOYMENT_DATE", json!(""));
        put("UF_DEPARTMENT", json!([1]));
        put("USER_TYPE", json!("employee"));
        user
    }

    /// Store `user` with the next ID.
    fn add(&mut self, mut user: User) -> u64 {
        self.last_id += 1;
        let id = self.last_id;
        user.insert("ID".into(), json!(id.to_string()));
        self.users.insert(id, user);
        id
    }

    /// Add `n` varied users (IDs continue the sequence): names, e-mails, positions,
    /// departments 1 to 5, birthdays for some; every tenth is dismissed (`ACTIVE: false`)
    /// and every fifteenth an extranet user without a department.
    pub(crate) fn seed(&mut self, n: usize) {
        const NAMES: &[&str] = &[
            "Alice", "Boris", "Chloe", "Dmitry", "Emma", "Felix", "Greta", "Hugo", "Irina",
        ];
        const LAST_NAMES: &[&str] = &[
            "Adams", "Baker", "Carter", "Davies", "Evans", "Fischer", "Gomez", "Hill",
        ];
        const POSITIONS: &[&str] = &["Sales manager", "Accountant", "Engineer", "Designer"];
        for _ in 0..n {
            let id = self.last_id + 1;
            let k = id as usize;
            let mix = k.wrapping_mul(2_654_435_761) % 1_000_003;
            let registered = self.started - (mix % 700) as i64 * 86_400;
            let mut user = self.blank(registered);
            let name = NAMES[k % NAMES.len()];
            let last_name = LAST_NAMES[mix % LAST_NAMES.len()];
            let mut put = |field: &str, value: Value| {
                user.insert(field.to_owned(), value);
            };
            put("NAME", json!(name));
            put("LAST_NAME", json!(last_name));
            let email = format!("{}.{}{id}@example.com", name, last_name).to_lowercase();
            put("EMAIL", json!(email));
            put("WORK_POSITION", json!(POSITIONS[mix % POSITIONS.len()]));
            put("PERSONAL_GENDER", json!(if k % 2 == 0 { "F" } else { "M" }));
            put("UF_DEPARTMENT", json!([mix % 5 + 1]));
            put("IS_ONLINE", json!(if mix % 3 == 0 { "Y" } else { "N" }));
            if k % 4 == 0 {
                let birthday = format!(
                    "19{:02}-{:02}-{:02}T00:00:00{}",
                    70 + mix % 30,
                    mix % 12 + 1,
                    mix % 28 + 1,
                    &format_datetime(0)[19..]
                );
                put("PERSONAL_BIRTHDAY", json!(birthday));
            }
            if k % 10 == 0 {
                put("ACTIVE", json!(false));
            }
            if k % 15 == 0 {
                put("USER_TYPE", json!("extranet"));
                put("UF_DEPARTMENT", Value::Null);
            }
            self.add(user);
        }
    }

    /// One user as `user.get` (or `user.current`) shows it, restricted to `select` when
    /// given.
    pub(super) fn render(user: &User, shown: Shown, select: Option<&[&str]>) -> Value {
        let mut out = Map::new();
        for name in FIELDS {
            if select.is_some_and(|select| !select.contains(name)) {
                continue;
            }
            let Some(value) = user.get(*name).filter(|value| !value.is_null()) else {
                continue;
            };
            let value = match (*name, shown) {
                ("TIMESTAMP_X" | "USER_TYPE", Shown::Current) => continue,
                ("TIMESTAMP_X" | "LAST_ACTIVITY_DATE", Shown::Listed) => json!({}),
                ("LAST_ACTIVITY_DATE", Shown::Current) => {
                    json!(value.as_str().map_or(String::new(), plain_datetime))
                }
                _ => value.clone(),
            };
            out.insert((*name).to_owned(), value);
        }
        Value::Object(out)
    }

    /// One user as `user.get` shows it.
    pub(crate) fn get(&self, id: u64) -> Option<Value> {
        self.users
            .get(&id)
            .map(|user| Self::render(user, Shown::Listed, None))
    }
}

/// Midnight of a day in the portal's zone, with offset.
fn midnight(unix: i64) -> String {
    let day_start = (unix + PORTAL_OFFSET).div_euclid(86_400) * 86_400 - PORTAL_OFFSET;
    format_datetime(day_start)
}

/// `2024-07-23T08:08:50+03:00` as `2024-07-23 08:08:50` (user-current.md).
fn plain_datetime(text: &str) -> String {
    match (text.get(..10), text.get(11..19)) {
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => text.to_owned(),
    }
}
