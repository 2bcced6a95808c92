//! Trends across every escalation on the device: opened and resolved per
//! month, breakdowns by product area, root cause, region and severity, and
//! the age of the open ones. Drawn from local documents, so it works
//! offline; the time the aggregation took is shown with it.

use leptos::prelude::*;
use model::{AGE_BUCKETS, Dimension, Trends};

use super::data::use_escalation_data;

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
    let computed = Memo::new(move |_| {
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
            <div class="rollup">
                {move || {
                    let t = trends();
                    let stat = |n: String, label: &'static str| view! {
                        <div class="stat"><span class="stat-value">{n}</span><span class="stat-label">{label}</span></div>
                    };
                    view! {
                        {stat(t.open.to_string(), "open")}
                        {stat(t.overdue.to_string(), "overdue for an update")}
                        {stat(t.opened.iter().sum::<u32>().to_string(), "opened in the window")}
                        {stat(t.resolved.iter().sum::<u32>().to_string(), "resolved in the window")}
                        {stat(t.median_days_to_resolve.map_or_else(|| "–".to_owned(), |d| format!("{d} d")), "median time to resolve")}
                    }
                }}
            </div>
            <section class="chart-card" aria-labelledby="opened-heading">
                <h2 id="opened-heading">"Opened and resolved per month"</h2>
                {move || {
                    let t = trends();
                    view! {
                        <BarChart
                            labels=t.months.clone()
                            series=vec![("Opened".to_owned(), t.opened.clone()), ("Resolved".to_owned(), t.resolved.clone())]
                            stacked=false
                            name="Escalations opened and resolved per month"
                        />
                    }
                }}
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
                {move || {
                    let t = trends();
                    let d = dimension.get();
                    let series = t.breakdowns.iter().find(|b| b.dimension == d).map(|b| b.series.clone()).unwrap_or_default();
                    view! { <BarChart labels=t.months.clone() series stacked=true name=format!("Escalations opened per month by {}", d.label().to_lowercase())/> }
                }}
            </section>
            <section class="chart-card" aria-labelledby="ages-heading">
                <h2 id="ages-heading">"Age of open escalations"</h2>
                {move || view! { <AgeBars ages=trends().ages/> }}
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

/// Vertical bars per label, one colour per series, stacked or side by side.
#[component]
fn BarChart(
    labels: Vec<String>,
    series: Vec<(String, Vec<u32>)>,
    stacked: bool,
    #[prop(into)] name: String,
) -> impl IntoView {
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
    let step = nice_step(totals.iter().copied().max().unwrap_or(0));
    let max = f64::from(step)
        * f64::from(
            totals
                .iter()
                .copied()
                .max()
                .unwrap_or(0)
                .div_ceil(step)
                .max(1),
        );
    let plot_h = HEIGHT - PAD_BOTTOM - 8.0;
    let slot = (WIDTH - PAD_LEFT) / n;
    let groups = if stacked {
        1.0
    } else {
        series.len().max(1) as f64
    };
    let bar_w = (slot * 0.7 / groups).max(2.0);
    let y = move |v: f64| 8.0 + plot_h - v / max * plot_h;
    let mut bars = Vec::new();
    for (i, month) in labels.iter().enumerate() {
        let mut base = 0.0;
        for (k, (label, values)) in series.iter().enumerate() {
            let v = f64::from(values.get(i).copied().unwrap_or(0));
            if v == 0.0 {
                continue;
            }
            let x = PAD_LEFT
                + slot * i as f64
                + slot * 0.15
                + if stacked { 0.0 } else { bar_w * k as f64 };
            let top = y(base + v);
            let h = y(base) - top;
            bars.push(view! {
                <rect x=x y=top width=bar_w height=h fill=PALETTE[k % PALETTE.len()]>
                    <title>{format!("{month}: {label} {v}")}</title>
                </rect>
            });
            if stacked {
                base += v;
            }
        }
    }
    let ticks = (0..)
        .map(|i| f64::from(i * step))
        .take_while(|t| *t <= max)
        .map(|t| {
        let ty = y(t);
        view! {
            <line x1=PAD_LEFT x2=WIDTH y1=ty y2=ty class="grid-line"/>
            <text x=PAD_LEFT - 6.0 y=ty + 4.0 text-anchor="end" class="axis">{format!("{t}")}</text>
        }
    })
        .collect_view();
    let every = (labels.len() / 12).max(1);
    let month_labels = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| {
            let x = PAD_LEFT + slot * (i as f64 + 0.5);
            view! { <text x=x y=HEIGHT - 8.0 text-anchor="middle" class="axis">{l.clone()}</text> }
        })
        .collect_view();
    let legend = series
        .iter()
        .enumerate()
        .map(|(k, (label, values))| {
            view! {
                <li><span class="swatch" style=format!("background:{}", PALETTE[k % PALETTE.len()])></span>{format!("{label} ({})", values.iter().sum::<u32>())}</li>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=name preserveAspectRatio="xMidYMid meet">
                {ticks}
                {bars}
                {month_labels}
            </svg>
            <ul class="legend" role="list">{legend}</ul>
        </figure>
    }
}

/// Horizontal bars: open escalations per age bucket.
#[component]
fn AgeBars(ages: [u32; 5]) -> impl IntoView {
    let max = f64::from(ages.iter().copied().max().unwrap_or(0).max(1));
    view! {
        <ul class="age-bars" role="list" data-testid="age-bars">
            {AGE_BUCKETS.iter().zip(ages).map(|((label, _), n)| {
                let pct = f64::from(n) / max * 100.0;
                view! {
                    <li>
                        <span class="age-label">{*label}</span>
                        <span class="age-track"><span class="age-bar" style=format!("width:{pct:.1}%")></span></span>
                        <span class="age-count">{n}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
