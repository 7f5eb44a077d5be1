//! Times on the wire: stored as Unix seconds, written as
//! `YYYY-MM-DDTHH:MM:SS+00:00`.

use serde::Serialize;
use serde_json::Value;

/// ISO-8601 in UTC with an explicit offset and seconds precision, or `null`.
pub fn ts(t: Option<i64>) -> Value {
    t.and_then(Ts::text).map_or(Value::Null, Value::String)
}

/// A time on the wire, from Unix seconds: `2026-11-25T08:00:00+00:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ts(pub i64);

impl Ts {
    /// The wire text; `None` outside the years chrono can represent.
    pub fn text(t: i64) -> Option<String> {
        let mut buf = [0u8; 25];
        match Ts(t).write_fast(&mut buf) {
            Some(text) => Some(text.to_owned()),
            None => chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()),
        }
    }

    /// Formats years 0000–9999 by hand (the common case, and hot: every
    /// resource carries several times).
    fn write_fast(self, buf: &mut [u8; 25]) -> Option<&str> {
        const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59
        const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00
        if !(MIN..=MAX).contains(&self.0) {
            return None;
        }
        let (days, secs) = (self.0.div_euclid(86_400), self.0.rem_euclid(86_400));
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let mut put = |at: usize, value: i64, width: usize| {
            let mut v = value;
            for i in (0..width).rev() {
                buf[at + i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, year, 4);
        put(5, month, 2);
        put(8, day, 2);
        put(11, secs / 3_600, 2);
        put(14, secs / 60 % 60, 2);
        put(17, secs % 60, 2);
        for (at, ch) in [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')] {
            buf[at] = ch;
        }
        buf[19..].copy_from_slice(b"+00:00");
        std::str::from_utf8(&buf[..]).ok()
    }
}

impl Serialize for Ts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 25];
        match self.write_fast(&mut buf) {
            Some(text) => s.serialize_str(text),
            None => match Ts::text(self.0) {
                Some(text) => s.serialize_str(&text),
                None => s.serialize_none(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_text(t: i64) -> Option<String> {
        chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
    }

    #[test]
    fn times_read_exactly_as_chrono_writes_them() {
        let edges = [
            -62_167_219_200,
            -62_167_219_201,
            -1,
            0,
            1,
            86_399,
            86_400,
            951_782_400,
            951_868_799,
            1_700_000_000,
            4_102_444_800,
            253_402_300_799,
            253_402_300_800,
        ];
        let stride = (-62_167_219_200i64..253_402_300_799).step_by(7_919_993_017);
        for t in edges.into_iter().chain(stride) {
            assert_eq!(Ts::text(t), chrono_text(t), "{t}");
            assert_eq!(serde_json::to_value(Ts(t)).expect("json"), ts(Some(t)), "{t}");
        }
        assert_eq!(ts(None), Value::Null);
    }
}
