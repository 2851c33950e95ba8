//! Synthetic partner activities for the demo, as an IATI 2.03 activity file: real
//! organisations that publish IATI data for Rwanda (named with their IATI organisation
//! identifiers), invented activities in real districts and sectors of disaster risk
//! reduction, emergency response, shelter, water and food assistance, each with a
//! commitment and quarterly disbursements from July 2022 to June 2025. Every activity is
//! invented: its title begins "SYNTHETIC" and its description says so.

use std::fmt::Write as _;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Organisations publishing IATI data, with their organisation identifiers and the
/// currency they report in.
const PARTNERS: [(&str, &str, &str); 5] = [
    ("XM-DAC-41140", "World Food Programme", "USD"),
    ("XM-DAC-41122", "UNICEF", "USD"),
    (
        "XM-DAC-41114",
        "United Nations Development Programme",
        "USD",
    ),
    (
        "GB-GOV-1",
        "UK - Foreign, Commonwealth and Development Office",
        "GBP",
    ),
    (
        "US-GOV-1",
        "U.S. Agency for International Development",
        "USD",
    ),
];

/// OECD DAC purpose codes and their names.
const SECTORS: [(&str, &str); 6] = [
    ("74020", "Multi-hazard response preparedness"),
    ("72010", "Material relief assistance and services"),
    ("72040", "Emergency food assistance"),
    (
        "73010",
        "Immediate post-emergency reconstruction and rehabilitation",
    ),
    ("14030", "Basic drinking water supply and basic sanitation"),
    ("16040", "Low-cost housing"),
];

/// District codes: the western and northern districts most hit by floods and landslides
/// get most activities.
const DISTRICTS: [&str; 12] = [
    "33", "34", "32", "35", "31", "37", "36", "43", "42", "44", "41", "11",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes the synthetic activity file to `out`; returns how many activities.
///
/// # Errors
/// When the file cannot be written.
pub fn write_xml(seed: u64, out: &Path) -> anyhow::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\" generated-datetime=\"2025-07-01T00:00:00Z\">\n",
    );
    let mut n = 0;
    for (p, (reference, name, currency)) in PARTNERS.iter().enumerate() {
        for a in 1..=rng.random_range(3..=5) {
            n += 1;
            let districts: Vec<&str> = (0..rng.random_range(1..=3))
                .map(|_| {
                    DISTRICTS[rng
                        .random_range(0..DISTRICTS.len())
                        .min(rng.random_range(0..DISTRICTS.len()))]
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let first = rng.random_range(0..SECTORS.len());
            let second = (first + rng.random_range(1..SECTORS.len())) % SECTORS.len();
            let share = rng.random_range(5..=9) * 10;
            let id = format!("{reference}-SYNTH-RW-{:02}", p * 10 + a);
            let _ = write!(
                x,
                " <iati-activity default-currency=\"{currency}\" humanitarian=\"1\">\n  <iati-identifier>{id}</iati-identifier>\n  <reporting-org ref=\"{reference}\"><narrative>{}</narrative></reporting-org>\n  <title><narrative>SYNTHETIC: {} in {} district(s)</narrative></title>\n  <description><narrative>SYNTHETIC activity for the sitroom demo (sitroom-synth seed {seed}): not a real activity, its figures are invented.</narrative></description>\n  <recipient-country code=\"RW\" percentage=\"100\"/>\n",
                escape(name),
                SECTORS[first].1,
                districts.len()
            );
            for d in &districts {
                let _ = writeln!(
                    x,
                    "  <location><administrative vocabulary=\"A9\" level=\"2\" code=\"{d}\"/></location>"
                );
            }
            let _ = write!(
                x,
                "  <sector vocabulary=\"1\" code=\"{}\" percentage=\"{share}\"><narrative>{}</narrative></sector>\n  <sector vocabulary=\"1\" code=\"{}\" percentage=\"{}\"><narrative>{}</narrative></sector>\n",
                SECTORS[first].0,
                SECTORS[first].1,
                SECTORS[second].0,
                100 - share,
                SECTORS[second].1
            );
            let total = f64::from(rng.random_range(2..=40)) * 50_000.0;
            let _ = writeln!(
                x,
                "  <transaction><transaction-type code=\"2\"/><transaction-date iso-date=\"2022-07-01\"/><value currency=\"{currency}\" value-date=\"2022-07-01\">{total}</value></transaction>"
            );
            // Quarterly disbursements over three fiscal years, of uneven size.
            for q in 0..12 {
                if !rng.random_bool(0.7) {
                    continue;
                }
                let (year, month) = (2022 + (q + 2) / 4, [9, 12, 3, 6][q % 4]);
                let day = if month == 9 || month == 6 { 30 } else { 31 };
                let amount = (total / 12.0 * rng.random_range(0.5..1.5)).round();
                let _ = writeln!(
                    x,
                    "  <transaction><transaction-type code=\"3\"/><transaction-date iso-date=\"{year}-{month:02}-{day}\"/><value currency=\"{currency}\" value-date=\"{year}-{month:02}-{day}\">{amount}</value><receiver-org><narrative>Implementing partner (synthetic)</narrative></receiver-org></transaction>"
                );
            }
            x.push_str(" </iati-activity>\n");
        }
    }
    x.push_str("</iati-activities>\n");
    std::fs::write(out, x)?;
    Ok(n)
}
