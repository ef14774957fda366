//! Timestamps on the wire: epoch seconds, ISO 8601 (`date-time`) and the HTTP date
//! (`http-date`, RFC 7231), by location unless the model names a format.

/// The wire formats of a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    EpochSeconds,
    Iso8601,
    HttpDate,
}

impl Format {
    /// A model's `timestampFormat` value.
    pub fn named(name: &str) -> Option<Format> {
        match name {
            "unixTimestamp" => Some(Format::EpochSeconds),
            "iso8601" => Some(Format::Iso8601),
            "rfc822" => Some(Format::HttpDate),
            _ => None,
        }
    }

    /// `epoch` (seconds, possibly fractional) in this format.
    pub fn format(self, epoch: f64) -> serde_json::Value {
        match self {
            Format::EpochSeconds => number(epoch),
            Format::Iso8601 => iso8601(epoch).into(),
            Format::HttpDate => http_date(epoch).into(),
        }
    }
}

/// An integral epoch stays an integer in JSON, a fractional one keeps its milliseconds.
fn number(epoch: f64) -> serde_json::Value {
    if epoch.fract() == 0.0 && epoch.abs() < 9.0e15 {
        serde_json::Value::from(epoch as i64)
    } else {
        serde_json::Number::from_f64((epoch * 1000.0).round() / 1000.0)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn split(epoch: f64) -> (i64, u32, u32, i64, i64, i64, u32) {
    let millis = (epoch * 1000.0).round() as i64;
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000) as u32;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    (y, mo, d, rem / 3600, rem % 3600 / 60, rem % 60, ms)
}

/// `2014-04-29T18:30:38Z`, with milliseconds when there are any.
pub fn iso8601(epoch: f64) -> String {
    let (y, mo, d, h, mi, s, ms) = split(epoch);
    let fraction = if ms > 0 {
        format!(".{ms:03}")
    } else {
        String::new()
    };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}Z")
}

/// `Tue, 29 Apr 2014 18:30:38 GMT` (whole seconds, as the format has no fraction).
pub fn http_date(epoch: f64) -> String {
    let (y, mo, d, h, mi, s, _) = split(epoch.floor());
    let days = (epoch.floor() as i64).div_euclid(86_400);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    let month = MONTHS[mo as usize - 1];
    format!("{weekday}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} GMT")
}

/// A timestamp in any of the three formats, as epoch seconds.
pub fn parse(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<f64>() {
        return Some(n);
    }
    parse_iso8601(text).or_else(|| parse_http_date(text))
}

fn digits(text: &str, at: usize, len: usize) -> Option<i64> {
    let part = text.get(at..at + len)?;
    part.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| part.parse().ok())?
}

/// `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`.
fn parse_iso8601(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    let (year, month, day) = (
        digits(text, 0, 4)?,
        digits(text, 5, 2)?,
        digits(text, 8, 2)?,
    );
    let (hour, minute, second) = (
        digits(text, 11, 2)?,
        digits(text, 14, 2)?,
        digits(text, 17, 2)?,
    );
    let mut rest = &text[19..];
    let mut fraction = 0.0;
    if let Some(after) = rest.strip_prefix('.') {
        let len = after.bytes().take_while(u8::is_ascii_digit).count();
        fraction = format!("0.{}", &after[..len]).parse().ok()?;
        rest = &after[len..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = (digits(rest, 1, 2)?, digits(rest, 4, 2)?);
            sign * (h * 3600 + m * 60)
        }
    };
    let days = days_from_civil(year, month as u32, day as u32);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(secs as f64 + fraction)
}

/// `Tue, 29 Apr 2014 18:30:38 GMT`.
fn parse_http_date(text: &str) -> Option<f64> {
    let (_, rest) = text.split_once(", ")?;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let month = MONTHS.iter().position(|m| m == month)? as u32 + 1;
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, format!("0.{f}").parse::<f64>().ok()?),
        None => (*time, 0.0),
    };
    let t: Vec<i64> = hms
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = t.as_slice() else {
        return None;
    };
    let days = days_from_civil(year.parse().ok()?, month, day.parse().ok()?);
    Some((days * 86_400 + h * 3600 + m * 60 + s) as f64 + fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_each_way() {
        assert_eq!(iso8601(1_398_796_238.0), "2014-04-29T18:30:38Z");
        assert_eq!(iso8601(1_398_796_238.123), "2014-04-29T18:30:38.123Z");
        assert_eq!(http_date(1_398_796_238.0), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(parse("2014-04-29T18:30:38Z"), Some(1_398_796_238.0));
        assert_eq!(parse("2019-12-16T22:48:18-01:00"), Some(1_576_540_098.0));
        assert_eq!(
            parse("Tue, 29 Apr 2014 18:30:38 GMT"),
            Some(1_398_796_238.0)
        );
        assert_eq!(parse("1398796238"), Some(1_398_796_238.0));
        assert_eq!(parse("yesterday"), None);
        for day in [-800_000, -1, 0, 59, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }
}
