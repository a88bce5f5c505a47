//! The provider's carrier tables (`carriers.tsv`, `operators.tsv`) and
//! looking an SPID up in them.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{tsv_rows, CARRIERS_TSV, OPERATORS_TSV};

/// One row of `carriers.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carrier {
    pub spid: &'static str,
    pub country: &'static str,
    pub carrier: &'static str,
}

/// The provider's carrier table, in file order (an SPID may have several rows).
pub fn carriers() -> &'static [Carrier] {
    static CARRIERS: OnceLock<Vec<Carrier>> = OnceLock::new();
    CARRIERS.get_or_init(|| table(CARRIERS_TSV, Columns::SpidCountryCarrier))
}

/// The provider's later operator-id list (spid, carrier, country), in file
/// order: it names SPIDs the carrier table lacks.
pub fn operators() -> &'static [Carrier] {
    static OPERATORS: OnceLock<Vec<Carrier>> = OnceLock::new();
    OPERATORS.get_or_init(|| table(OPERATORS_TSV, Columns::SpidCarrierCountry))
}

/// The order of the columns in a carrier file: the two files differ.
enum Columns {
    SpidCountryCarrier,
    SpidCarrierCountry,
}

/// The rows of a three-column carrier file; rows of another width are skipped.
fn table(text: &'static str, columns: Columns) -> Vec<Carrier> {
    tsv_rows(text)
        .filter_map(|cols| match (&cols[..], &columns) {
            (&[spid, country, carrier], Columns::SpidCountryCarrier)
            | (&[spid, carrier, country], Columns::SpidCarrierCountry) => Some(Carrier {
                spid,
                country,
                carrier,
            }),
            _ => None,
        })
        .collect()
}

/// Every carrier name the tables give: the carrier table's rows, then the
/// operator list's rows for SPIDs the carrier table lacks.
pub fn all_carriers() -> &'static [&'static Carrier] {
    static ALL: OnceLock<Vec<&'static Carrier>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static Carrier> = carriers().iter().collect();
        let known: std::collections::HashSet<&str> = carriers().iter().map(|c| c.spid).collect();
        all.extend(operators().iter().filter(|o| !known.contains(o.spid)));
        all
    })
}

/// The carrier table's rows for an SPID, or when it has none, the operator
/// list's; empty when neither names it.
pub fn carriers_for_spid(spid: &str) -> Vec<&'static Carrier> {
    // Indexed once: inspect looks up every postback's SPID among ~650 rows.
    static INDEX: OnceLock<HashMap<&'static str, Vec<&'static Carrier>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: HashMap<&'static str, Vec<&'static Carrier>> = HashMap::new();
        for carrier in carriers() {
            index.entry(carrier.spid).or_default().push(carrier);
        }
        for operator in operators() {
            index.entry(operator.spid).or_insert_with(|| vec![operator]);
        }
        index
    });
    index.get(spid).cloned().unwrap_or_default()
}
