//! Time on the test portal: the `time` object of every reply and the portal's datetimes.
//!
//! The portal's clock is the machine's clock; its time zone is a fixed UTC+03:00, so
//! datetimes read `2024-08-30T14:29:00+03:00` like on a real portal.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// The portal's time zone offset in seconds (UTC+03:00).
pub(crate) const PORTAL_OFFSET: i64 = 3 * 3600;

/// How long the operating-time window of a method lasts (limits.md: 10 one-minute baskets).
const OPERATING_WINDOW: f64 = 600.0;

/// Unix time now, in fractional seconds.
pub(crate) fn now_unix() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// `YYYY-MM-DDThh:mm:ss+03:00` for a Unix time, in the portal's zone.
pub(crate) fn format_datetime(unix: i64) -> String {
    let local = unix.saturating_add(PORTAL_OFFSET);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        offset_text(PORTAL_OFFSET)
    )
}

fn offset_text(offset: i64) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.abs();
    format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

/// Read a datetime as clients send them: `2024-08-30`, `2024-08-30 14:29:00`,
/// `2024-08-30T14:29:00`, optionally with `Z`, `+03:00` or `+0300`. Without an offset the
/// portal's zone is assumed. Returns the Unix time.
pub(crate) fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i64 = text.get(0..4)?.parse().ok()?;
    let month: i64 = text.get(5..7)?.parse().ok()?;
    let day: i64 = text.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = 0;
    let mut rest = &text[10..];
    if let Some(time) = rest.strip_prefix(['T', ' ']) {
        let hour: i64 = time.get(0..2)?.parse().ok()?;
        let minute: i64 = time.get(3..5)?.parse().ok()?;
        if time.as_bytes().get(2) != Some(&b':') || hour > 23 || minute > 59 {
            return None;
        }
        seconds = hour * 3600 + minute * 60;
        rest = &time[5..];
        if let Some(sec_part) = rest.strip_prefix(':') {
            let second: i64 = sec_part.get(0..2)?.parse().ok()?;
            if second > 60 {
                return None;
            }
            seconds += second;
            rest = &sec_part[2..];
            if let Some(fraction) = rest.strip_prefix('.') {
                let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
                rest = &fraction[digits..];
            }
        }
    }
    let offset = match rest {
        "" => PORTAL_OFFSET,
        "Z" => 0,
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i64 = digits[0..2].parse().ok()?;
            let minutes: i64 = digits[2..4].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    Some(days_from_civil(year, month, day) * 86_400 + seconds - offset)
}

/// Days since 1970-01-01 for a civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The `time` object of a reply (data-types.md#time, limits.md).
///
/// `operating_reset_at` is given explicitly for the `OPERATION_TIME_LIMIT` fault; otherwise
/// it is the end of the operating window that started with this request.
pub(crate) fn time_object(
    start: f64,
    finish: f64,
    processing: f64,
    operating: f64,
    operating_reset_at: Option<f64>,
) -> Value {
    let finish = finish.max(start);
    json!({
        "start": start,
        "finish": finish,
        "duration": finish - start,
        "processing": processing.max(0.0),
        "date_start": format_datetime(start.floor() as i64),
        "date_finish": format_datetime(finish.floor() as i64),
        "operating_reset_at": operating_reset_at.unwrap_or((start + OPERATING_WINDOW).floor()),
        "operating": operating,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_the_portal_zone() {
        // 2024-08-30T11:29:00Z
        assert_eq!(format_datetime(1_725_017_340), "2024-08-30T14:29:00+03:00");
        assert_eq!(format_datetime(0), "1970-01-01T03:00:00+03:00");
    }

    #[test]
    fn parses_the_usual_shapes() {
        let expected = Some(1_725_017_340);
        assert_eq!(parse_datetime("2024-08-30T14:29:00+03:00"), expected);
        assert_eq!(parse_datetime("2024-08-30T13:29:00+02:00"), expected);
        assert_eq!(parse_datetime("2024-08-30T11:29:00Z"), expected);
        assert_eq!(parse_datetime("2024-08-30 14:29:00"), expected);
        assert_eq!(parse_datetime("2024-08-30T14:29"), expected);
        assert_eq!(parse_datetime("2024-08-30T14:29:00.123+0300"), expected);
        assert_eq!(
            parse_datetime("2024-08-30"),
            Some(1_725_017_340 - 14 * 3600 - 29 * 60)
        );
        for bad in [
            "",
            "2024",
            "2024-13-01",
            "2024-08-30X",
            "2024-08-30T25:00",
            "ééééééééééé",
            "2024-08-30T14:29:00+3",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trips() {
        for unix in [0, 86_399, 951_782_400, 1_725_017_340, 4_102_444_800] {
            assert_eq!(parse_datetime(&format_datetime(unix)), Some(unix));
        }
    }
}
