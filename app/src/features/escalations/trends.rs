//! Trends across every escalation on the device: opened and resolved per
//! month, breakdowns by product area, root cause, region and severity, and
//! the age of the open ones. Drawn from local documents, so it works
//! offline; the time the aggregation took is shown with it.

use leptos::prelude::*;
use model::{AGE_BUCKETS, Dimension, Trends};

use super::data::use_escalation_data;
use crate::ui::{Markup, MarkupView, memo};

const PALETTE: [&str; 7] = [
    "#2557d6", "#1d7a46", "#c2410c", "#7c3aed", "#0e7490", "#b42318", "#8a94a3",
];
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const PAD_LEFT: f64 = 36.0;
const PAD_BOTTOM: f64 = 28.0;

/// The browser's high-resolution clock, in milliseconds.
fn perf_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[component]
pub fn TrendsPage() -> impl IntoView {
    let data = use_escalation_data();
    let months = RwSignal::new("12".to_owned());
    let dimension = RwSignal::new(Dimension::ProductArea);
    let computed = memo(move || {
        let escalations = data.escalations.get();
        let start = perf_now();
        let trends = Trends::compute(
            escalations.iter().map(|(_, s)| &**s),
            data.now.get(),
            months.get().parse().unwrap_or(12),
        );
        (trends, perf_now() - start)
    });
    let trends = move || computed.get().0;
    let stats = memo(move || {
        let t = trends();
        let median = t
            .median_days_to_resolve
            .map_or_else(|| "–".to_owned(), |d| format!("{d} d"));
        let mut m = Markup::default();
        m.stat(&t.open.to_string(), "open")
            .stat(&t.overdue.to_string(), "overdue for an update")
            .stat(
                &t.opened.iter().sum::<u32>().to_string(),
                "opened in the window",
            )
            .stat(
                &t.resolved.iter().sum::<u32>().to_string(),
                "resolved in the window",
            )
            .stat(&median, "median time to resolve")
            .finish()
    });
    let monthly = memo(move || {
        let t = trends();
        let series = [
            ("Opened".to_owned(), t.opened),
            ("Resolved".to_owned(), t.resolved),
        ];
        bar_chart(
            &t.months,
            &series,
            false,
            "Escalations opened and resolved per month",
        )
    });
    let breakdown = memo(move || {
        let t = trends();
        let d = dimension.get();
        let series = t
            .breakdowns
            .iter()
            .find(|b| b.dimension == d)
            .map(|b| b.series.as_slice())
            .unwrap_or_default();
        let name = format!(
            "Escalations opened per month by {}",
            d.label().to_lowercase()
        );
        bar_chart(&t.months, series, true, &name)
    });
    view! {
        <section class="page trends" aria-labelledby="trends-heading">
            <div class="page-head">
                <div>
                    <h1 id="trends-heading">"Trends"</h1>
                    <p class="page-sub" data-testid="trends-timing">
                        {move || {
                            let (t, ms) = computed.get();
                            format!("{} escalations on this device · aggregated in {ms:.1} ms", t.total)
                        }}
                    </p>
                </div>
                <label class="inline-field">
                    "Window "
                    <select class="filter" bind:value=months data-testid="trends-window">
                        <option value="6">"6 months"</option>
                        <option value="12">"12 months"</option>
                        <option value="24">"24 months"</option>
                    </select>
                </label>
            </div>
            <MarkupView html=stats class="rollup"/>
            <section class="chart-card" aria-labelledby="opened-heading">
                <h2 id="opened-heading">"Opened and resolved per month"</h2>
                <MarkupView html=monthly class="chart-wrap"/>
            </section>
            <section class="chart-card" aria-labelledby="breakdown-heading">
                <div class="chart-head">
                    <h2 id="breakdown-heading">"Opened per month by"</h2>
                    <div class="segmented" role="tablist" aria-label="Break down by">
                        {Dimension::ALL.iter().map(|d| {
                            let d = *d;
                            view! {
                                <button class="button subtle" role="tab" aria-selected=move || (dimension.get() == d).to_string() on:click=move |_| dimension.set(d)>
                                    {d.label()}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                </div>
                <MarkupView html=breakdown class="chart-wrap"/>
            </section>
            <section class="chart-card" aria-labelledby="ages-heading">
                <h2 id="ages-heading">"Age of open escalations"</h2>
                <MarkupView html=memo(move || age_bars(trends().ages)) class="chart-wrap"/>
            </section>
        </section>
    }
}

/// A round gap between axis ticks: 1, 2 or 5 × 10ⁿ, about a quarter of `max`.
fn nice_step(max: u32) -> u32 {
    let rough = (max / 4).max(1);
    let mut magnitude = 1;
    while magnitude * 10 <= rough {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10 * magnitude)
}

/// A number for an SVG attribute, to a hundredth.
fn num(v: f64) -> String {
    format!("{v:.2}")
}

/// Vertical bars per label, one colour per series, stacked or side by side.
fn bar_chart(
    labels: &[String],
    series: &[(String, Vec<u32>)],
    stacked: bool,
    name: &str,
) -> String {
    let n = labels.len().max(1) as f64;
    let totals: Vec<u32> = (0..labels.len())
        .map(|i| {
            let at = series.iter().map(|(_, v)| v.get(i).copied().unwrap_or(0));
            if stacked {
                at.sum()
            } else {
                at.max().unwrap_or(0)
            }
        })
        .collect();
    let top = totals.iter().copied().max().unwrap_or(0);
    let step = nice_step(top);
    let max = f64::from(step) * f64::from(top.div_ceil(step).max(1));
    let plot_h = HEIGHT - PAD_BOTTOM - 8.0;
    let slot = (WIDTH - PAD_LEFT) / n;
    let groups = if stacked {
        1.0
    } else {
        series.len().max(1) as f64
    };
    let bar_w = (slot * 0.7 / groups).max(2.0);
    let y = move |v: f64| 8.0 + plot_h - v / max * plot_h;
    let mut m = Markup::default();
    m.open("figure", &[("class", "chart")]).open(
        "svg",
        &[
            ("viewBox", &format!("0 0 {WIDTH} {HEIGHT}")),
            ("role", "img"),
            ("aria-label", name),
            ("preserveAspectRatio", "xMidYMid meet"),
        ],
    );
    for t in (0..).map(|i| i * step).take_while(|t| f64::from(*t) <= max) {
        let ty = num(y(f64::from(t)));
        m.open(
            "line",
            &[
                ("x1", &num(PAD_LEFT)),
                ("x2", &num(WIDTH)),
                ("y1", &ty),
                ("y2", &ty),
                ("class", "grid-line"),
            ],
        )
        .close("line")
        .leaf(
            "text",
            &[
                ("x", &num(PAD_LEFT - 6.0)),
                ("y", &num(y(f64::from(t)) + 4.0)),
                ("text-anchor", "end"),
                ("class", "axis"),
            ],
            &t.to_string(),
        );
    }
    for (i, month) in labels.iter().enumerate() {
        let mut base = 0.0;
        for (k, (label, values)) in series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let x = PAD_LEFT
                + slot * i as f64
                + slot * 0.15
                + if stacked { 0.0 } else { bar_w * k as f64 };
            let top = y(base + f64::from(v));
            m.open(
                "rect",
                &[
                    ("x", &num(x)),
                    ("y", &num(top)),
                    ("width", &num(bar_w)),
                    ("height", &num(y(base) - top)),
                    ("fill", PALETTE[k % PALETTE.len()]),
                ],
            )
            .leaf("title", &[], &format!("{month}: {label} {v}"))
            .close("rect");
            if stacked {
                base += f64::from(v);
            }
        }
    }
    let every = (labels.len() / 12).max(1);
    for (i, l) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        m.leaf(
            "text",
            &[
                ("x", &num(PAD_LEFT + slot * (i as f64 + 0.5))),
                ("y", &num(HEIGHT - 8.0)),
                ("text-anchor", "middle"),
                ("class", "axis"),
            ],
            l,
        );
    }
    m.close("svg")
        .open("ul", &[("class", "legend"), ("role", "list")]);
    for (k, (label, values)) in series.iter().enumerate() {
        m.open("li", &[])
            .leaf(
                "span",
                &[
                    ("class", "swatch"),
                    (
                        "style",
                        &format!("background:{}", PALETTE[k % PALETTE.len()]),
                    ),
                ],
                "",
            )
            .text(&format!("{label} ({})", values.iter().sum::<u32>()))
            .close("li");
    }
    m.close("ul").close("figure").finish()
}

/// Horizontal bars: open escalations per age bucket.
fn age_bars(ages: [u32; 5]) -> String {
    let max = f64::from(ages.iter().copied().max().unwrap_or(0).max(1));
    let mut m = Markup::default();
    m.open(
        "ul",
        &[
            ("class", "age-bars"),
            ("role", "list"),
            ("data-testid", "age-bars"),
        ],
    );
    for ((label, _), n) in AGE_BUCKETS.iter().zip(ages) {
        let pct = f64::from(n) / max * 100.0;
        m.open("li", &[])
            .span("age-label", label)
            .open("span", &[("class", "age-track")])
            .leaf(
                "span",
                &[("class", "age-bar"), ("style", &format!("width:{pct:.1}%"))],
                "",
            )
            .close("span")
            .span("age-count", &n.to_string())
            .close("li");
    }
    m.close("ul").finish()
}
