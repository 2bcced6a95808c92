//! Trends across escalations, aggregated on the device in one pass: how many
//! were opened and resolved each month, broken down by product area, root
//! cause, region and severity, and how old the open ones are.

use std::collections::HashMap;

use super::{Summary, schema};
use crate::spec::{choice_label, days_to_date};

const MS_PER_DAY: i64 = 86_400_000;
/// Breakdowns show this many values by name; the rest are summed as "Other".
const TOP: usize = 6;

/// What escalations are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    ProductArea,
    RootCause,
    Region,
    Severity,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::ProductArea,
        Dimension::RootCause,
        Dimension::Region,
        Dimension::Severity,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Dimension::ProductArea => "Product area",
            Dimension::RootCause => "Root cause",
            Dimension::Region => "Region",
            Dimension::Severity => "Severity",
        }
    }

    /// The value an escalation is counted under, as people read it.
    fn of(self, s: &Summary) -> String {
        let named = |v: String| {
            if v.is_empty() {
                "Not set".to_owned()
            } else {
                v
            }
        };
        match self {
            Dimension::ProductArea => named(s.product_area.clone()),
            Dimension::RootCause => named(choice_label(schema::ROOT_CAUSES, &s.root_cause)),
            Dimension::Region => named(choice_label(schema::REGIONS, &s.region)),
            Dimension::Severity => s.severity_label(),
        }
    }
}

/// Escalations opened per month, per value of one dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    pub dimension: Dimension,
    /// (value, count per month), largest total first; "Other" last.
    pub series: Vec<(String, Vec<u32>)>,
}

/// Open escalations by age: (label, most days in the bucket).
pub const AGE_BUCKETS: [(&str, i64); 5] = [
    ("Under a day", 0),
    ("1–7 days", 7),
    ("8–30 days", 30),
    ("31–90 days", 90),
    ("Over 90 days", i64::MAX),
];

/// Everything the trends view draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trends {
    /// Month labels, oldest first: "2026-11".
    pub months: Vec<String>,
    pub opened: Vec<u32>,
    pub resolved: Vec<u32>,
    pub breakdowns: Vec<Breakdown>,
    /// Open escalations per [`AGE_BUCKETS`] entry.
    pub ages: [u32; 5],
    pub total: usize,
    pub open: usize,
    pub overdue: usize,
    /// Median days from opened to resolved, over those resolved in the window.
    pub median_days_to_resolve: Option<i64>,
}

/// A month as a number: year × 12 + month − 1.
fn month_of(ms: i64) -> i64 {
    let (y, m, _) = days_to_date(ms.div_euclid(MS_PER_DAY));
    y * 12 + i64::from(m) - 1
}

impl Trends {
    /// Aggregate `summaries` over the `months` months up to and including
    /// the one `now_ms` falls in.
    pub fn compute<'a>(
        summaries: impl IntoIterator<Item = &'a Summary>,
        now_ms: i64,
        months: usize,
    ) -> Trends {
        let months = months.max(1);
        let last = month_of(now_ms);
        let first = last - months as i64 + 1;
        let slot = |ms: i64| {
            let m = month_of(ms);
            (first..=last).contains(&m).then(|| (m - first) as usize)
        };
        let mut opened = vec![0u32; months];
        let mut resolved = vec![0u32; months];
        let mut counts: Vec<HashMap<String, Vec<u32>>> = vec![HashMap::new(); Dimension::ALL.len()];
        let mut ages = [0u32; 5];
        let (mut total, mut open, mut overdue) = (0, 0, 0);
        let mut durations = Vec::new();
        for s in summaries {
            total += 1;
            if let Some(i) = slot(s.created_at) {
                opened[i] += 1;
                for (d, map) in Dimension::ALL.iter().zip(counts.iter_mut()) {
                    map.entry(d.of(s)).or_insert_with(|| vec![0; months])[i] += 1;
                }
            }
            if s.status.is_open() {
                open += 1;
                let age = s.age_days(now_ms);
                let bucket = AGE_BUCKETS.iter().position(|(_, max)| age <= *max);
                ages[bucket.unwrap_or(AGE_BUCKETS.len() - 1)] += 1;
                if matches!(s.timer(now_ms), Some(super::Timer::Overdue(_))) {
                    overdue += 1;
                }
            } else if let Some(at) = s.resolved_at
                && let Some(i) = slot(at)
            {
                resolved[i] += 1;
                durations.push((at - s.created_at).max(0) / MS_PER_DAY);
            }
        }
        crate::sort::sort(&mut durations);
        let breakdowns = Dimension::ALL
            .iter()
            .zip(counts)
            .map(|(d, map)| Breakdown {
                dimension: *d,
                series: top_series(map, months),
            })
            .collect();
        Trends {
            months: (first..=last)
                .map(|m| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1))
                .collect(),
            opened,
            resolved,
            breakdowns,
            ages,
            total,
            open,
            overdue,
            median_days_to_resolve: durations.get(durations.len() / 2).copied(),
        }
    }
}

/// The largest series by total (ties by name), the rest folded into "Other".
fn top_series(map: HashMap<String, Vec<u32>>, months: usize) -> Vec<(String, Vec<u32>)> {
    let mut all: Vec<(String, Vec<u32>)> = map.into_iter().collect();
    crate::sort::sort_by(&mut all, |a, b| {
        let total = |v: &[u32]| v.iter().sum::<u32>();
        total(&b.1).cmp(&total(&a.1)).then_with(|| a.0.cmp(&b.0))
    });
    if all.len() > TOP + 1 {
        let mut other = vec![0u32; months];
        for (_, counts) in all.drain(TOP..) {
            for (o, c) in other.iter_mut().zip(counts) {
                *o += c;
            }
        }
        all.push(("Other".to_owned(), other));
    }
    all
}
