//! The fields of a record that breaks off (a log line or body cut short),
//! as far as they were read: the text up to the last complete field, closed
//! again, so that a card can show them beside the record's finding.

use memchr::memmem;

/// Cut points tried, from the last one back: each costs one parse, and a
/// real record has a few fields after its first broken one at most.
const ATTEMPTS: usize = 8;

/// The text of `record` up to its last complete field, with its root's end
/// tag added, when the record is cut off (its root never closes), starts
/// with a root start tag and is UTF-8 up to there; the caller parses it.
/// `None` when the record is not cut off or no field before the cut reads.
pub(super) fn before_the_cut(record: &[u8]) -> Option<String> {
    let name_len = record
        .get(1..)?
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':'))
        .count();
    if record.first() != Some(&b'<') || name_len == 0 {
        return None;
    }
    let name = std::str::from_utf8(&record[1..1 + name_len]).ok()?;
    let close = format!("</{name}>");
    if memmem::find(record, close.as_bytes()).is_some() {
        return None; // it closes: broken elsewhere, not cut off
    }
    // Candidate cuts: right after each end tag, the last ones first.
    let ends = memmem::find_iter(record, b"</").collect::<Vec<_>>();
    for &start in ends.iter().rev().take(ATTEMPTS) {
        let Some(gt) = memchr::memchr(b'>', &record[start..]) else {
            continue;
        };
        let cut = start + gt + 1;
        let Ok(text) = std::str::from_utf8(&record[..cut]) else {
            continue;
        };
        let repaired = format!("{text}{close}");
        let parsed = crate::postback::parse(&repaired).ok();
        if parsed.is_some_and(|pb| !pb.fields.is_empty()) {
            return Some(repaired);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_off_record_keeps_its_complete_fields() {
        let cut = b"<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE><TO>165";
        let repaired = before_the_cut(cut).expect("fields before the cut");
        assert_eq!(
            repaired,
            "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE></POSTBACK>"
        );
        let lower = b"<postback><origin>MMS_MT</origin><co";
        assert_eq!(
            before_the_cut(lower).as_deref(),
            Some("<postback><origin>MMS_MT</origin></postback>")
        );
    }

    #[test]
    fn a_closed_or_fieldless_record_is_left_alone() {
        assert_eq!(
            before_the_cut(b"<POSTBACK><A><A></POSTBACK>"),
            None,
            "broken inside, not cut off"
        );
        assert_eq!(before_the_cut(b"<POSTBACK><ORIG"), None);
        assert_eq!(before_the_cut(b"no tag"), None);
        assert_eq!(before_the_cut(b""), None);
    }
}
