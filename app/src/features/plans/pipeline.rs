//! The pipeline against the period's targets, drawn as an SVG bar chart
//! from the plan's opportunities.

use leptos::prelude::*;
use model::plan_schema::STAGES;
use model::{Money, Pipeline};
use protocol::DocumentId;

use crate::ui::use_repo;

const WIDTH: f64 = 640.0;
const LABEL_W: f64 = 110.0;
const BAR_H: f64 = 22.0;
const GAP: f64 = 8.0;

#[component]
pub fn PipelineChart(doc: DocumentId) -> impl IntoView {
    let repo = use_repo();
    let pipeline = Memo::new(move |_| {
        repo.get()
            .read(doc, |d| Pipeline::compute(d).ok())
            .flatten()
    });
    move || {
        let p = pipeline.get()?;
        let money = |minor: i64| Money::new(minor, &p.currency).to_string();
        let target = p
            .revenue_target
            .as_ref()
            .filter(|t| t.currency == p.currency)
            .map(|t| t.minor);
        let scale_max = p
            .by_stage
            .iter()
            .map(|(_, m, _)| *m)
            .chain([p.won + p.open, target.unwrap_or(0)])
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let x = |minor: i64| LABEL_W + (WIDTH - LABEL_W - 10.0) * (minor as f64 / scale_max);
        let rows: Vec<(String, i64, usize, &'static str)> = p
            .by_stage
            .iter()
            .map(|(stage, minor, count)| {
                let label = STAGES
                    .iter()
                    .find(|s| s.value == *stage)
                    .map_or(*stage, |s| s.label);
                (label.to_owned(), *minor, *count, *stage)
            })
            .chain([("Won + open".to_owned(), p.won + p.open, 0, "total")])
            .collect();
        let height = (rows.len() as f64) * (BAR_H + GAP) + 30.0;
        let summary = match target {
            Some(t) => format!(
                "Won {} and open {} against a revenue target of {} ({}% covered).",
                money(p.won),
                money(p.open),
                money(t),
                ((p.won + p.open) as f64 / t.max(1) as f64 * 100.0).round()
            ),
            None => format!(
                "Won {} and open {}. Set a revenue target to see coverage.",
                money(p.won),
                money(p.open)
            ),
        };
        Some(view! {
            <figure class="pipeline-chart">
                <svg
                    viewBox=format!("0 0 {WIDTH} {height}")
                    role="img"
                    aria-label=summary.clone()
                    preserveAspectRatio="xMinYMin meet"
                >
                    {rows
                        .into_iter()
                        .enumerate()
                        .map(|(i, (label, minor, count, stage))| {
                            let y = i as f64 * (BAR_H + GAP);
                            let w = (x(minor) - LABEL_W).max(if minor > 0 { 2.0 } else { 0.0 });
                            let value = if count > 0 { format!("{} · {count}", money(minor)) } else { money(minor) };
                            view! {
                                <g class=format!("bar bar-{stage}")>
                                    <text x="0" y=y + BAR_H * 0.7 class="bar-label">{label}</text>
                                    <rect x=LABEL_W y=y width=w height=BAR_H rx="3"></rect>
                                    <text x=LABEL_W + w + 6.0 y=y + BAR_H * 0.7 class="bar-value">{value}</text>
                                </g>
                            }
                        })
                        .collect_view()}
                    {target.map(|t| {
                        let tx = x(t);
                        view! {
                            <g class="target">
                                <line x1=tx x2=tx y1="0" y2=height - 24.0></line>
                                <text x=tx y=height - 8.0 text-anchor="end">{format!("Target {}", money(t))}</text>
                            </g>
                        }
                    })}
                </svg>
                <figcaption>{summary}
                    {(p.other_currency > 0).then(|| format!(" {} opportunity(ies) in another currency are not counted.", p.other_currency))}
                </figcaption>
            </figure>
        })
    }
}
