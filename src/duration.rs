//! Durations as scenarios, packs and flags write them.

use crate::error::Error;

/// `90`, `30s`, `10m`, `8h`, `7h59m`, `8h0m1s`, `1d` into seconds.
pub fn parse_duration(text: &str) -> Result<u64, Error> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut any = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(Error::input(format!("unexpected `{c}`"))),
        };
        let n: u64 = number
            .parse()
            .map_err(|_| Error::input(format!("a number must come before `{c}`")))?;
        let too_large = || Error::input("too large");
        total = total
            .checked_add(n.checked_mul(unit).ok_or_else(too_large)?)
            .ok_or_else(too_large)?;
        number.clear();
        any = true;
    }
    if !number.is_empty() || !any {
        return Err(Error::input("expected a number followed by d, h, m or s"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7h59m").ok(), Some(7 * 3600 + 59 * 60));
        assert_eq!(parse_duration("8h1s").ok(), Some(8 * 3600 + 1));
        assert_eq!(parse_duration("90").ok(), Some(90));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("10").is_ok());
    }
}
