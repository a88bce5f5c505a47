//! Parsers of argument values: sizes, durations, FIELD=VALUE.

/// Parses a duration such as `72h`, `30m`, `2d`, `90s` or `1h30m` into milliseconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    humantime::parse_duration(text.trim())
        .ok()
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .ok_or_else(|| format!("`{text}` is not a duration; write e.g. 72h, 30m, 2d or 1h30m"))
}

/// Parses `FIELD=VALUE` (the value may be empty or hold `=`).
pub(super) fn parse_assignment(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!(
            "`{text}` is not FIELD=VALUE; write e.g. --set STATUS=Delivered"
        )),
    }
}

/// The smallest and largest record size limits: below 64 bytes no postback
/// fits; above 1 GiB one record would not fit in memory next to its reading.
pub const MIN_RECORD_SIZE: usize = 64;
pub const MAX_RECORD_SIZE: usize = 1 << 30;

/// Parses a size such as `1048576`, `512K`, `4M` or `1G` (powers of 1024;
/// `KB`, `KiB` and a trailing `B` are accepted too), between 64 bytes and 1 GiB.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let upper = text.to_ascii_uppercase();
    let digits_end = upper
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(upper.len());
    let (number, unit) = upper.split_at(digits_end);
    let scale = match unit.trim_start() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1024,
        "M" | "MB" | "MIB" => 1024 * 1024,
        "G" | "GB" | "GIB" => 1024 * 1024 * 1024,
        _ => {
            return Err(format!(
                "`{text}` is not a size; write e.g. 1048576, 512K or 4M"
            ))
        }
    };
    let n: usize = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. 1048576, 512K or 4M"))?;
    match n.checked_mul(scale) {
        Some(size) if (MIN_RECORD_SIZE..=MAX_RECORD_SIZE).contains(&size) => Ok(size),
        Some(size) if size < MIN_RECORD_SIZE => Err(format!(
            "`{text}` is too small: no postback fits in under {MIN_RECORD_SIZE} bytes"
        )),
        _ => Err(format!(
            "`{text}` is too large: the most is 1G (one record is held in memory whole)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("1M"), Ok(1024 * 1024));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("4MiB"), Ok(4 * 1024 * 1024));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("64"), Ok(64));
        assert_eq!(parse_size("2kb"), Ok(2048));
        for bad in [
            "10",
            "4BIBIB",
            "1KK",
            "K",
            "2G",
            "18446744073709551615",
            "1.5M",
            "-1",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("72h"), Ok(72 * 3_600_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("2d"), Ok(2 * 86_400_000));
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert!(parse_duration("72").is_err());
        assert!(parse_duration("h").is_err());
        assert_eq!(parse_duration("1w"), Ok(7 * 86_400_000));
        assert!(parse_duration("soon").is_err());
    }
}
