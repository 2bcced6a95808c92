//! The pipeline against the period's targets, drawn as an SVG bar chart
//! from the plan's opportunities (as markup: people only read it).

use leptos::prelude::*;
use model::plan_schema::STAGES;
use model::{Money, Pipeline};
use protocol::DocumentId;

use crate::ui::{Markup, MarkupView, doc_markup};

const WIDTH: f64 = 640.0;
const LABEL_W: f64 = 110.0;
const BAR_H: f64 = 22.0;
const GAP: f64 = 8.0;

#[component]
pub fn PipelineChart(doc: DocumentId) -> impl IntoView {
    let html = doc_markup(doc, |d, m| {
        if let Ok(p) = Pipeline::compute(d) {
            chart(m, &p);
        }
    });
    view! { <MarkupView html class="pipeline-drawn"/> }
}

/// The chart: a bar per stage and one for won and open together, the
/// revenue target as a line, and a caption that says the same in words.
fn chart(m: &mut Markup, p: &Pipeline) {
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
    let rows: Vec<(&str, i64, usize, &str)> = p
        .by_stage
        .iter()
        .map(|(stage, minor, count)| {
            let label = STAGES
                .iter()
                .find(|s| s.value == *stage)
                .map_or(*stage, |s| s.label);
            (label, *minor, *count, *stage)
        })
        .chain([("Won + open", p.won + p.open, 0, "total")])
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
    m.open("figure", &[("class", "pipeline-chart")]).open(
        "svg",
        &[
            ("viewBox", &format!("0 0 {WIDTH} {height}")),
            ("role", "img"),
            ("aria-label", &summary),
            ("preserveAspectRatio", "xMinYMin meet"),
        ],
    );
    for (i, (label, minor, count, stage)) in rows.into_iter().enumerate() {
        let y = i as f64 * (BAR_H + GAP);
        let w = (x(minor) - LABEL_W).max(if minor > 0 { 2.0 } else { 0.0 });
        let value = if count > 0 {
            format!("{} · {count}", money(minor))
        } else {
            money(minor)
        };
        let text_y = (y + BAR_H * 0.7).to_string();
        m.open("g", &[("class", &format!("bar bar-{stage}"))])
            .leaf(
                "text",
                &[("x", "0"), ("y", &text_y), ("class", "bar-label")],
                label,
            )
            .leaf(
                "rect",
                &[
                    ("x", &LABEL_W.to_string()),
                    ("y", &y.to_string()),
                    ("width", &w.to_string()),
                    ("height", &BAR_H.to_string()),
                    ("rx", "3"),
                ],
                "",
            )
            .leaf(
                "text",
                &[
                    ("x", &(LABEL_W + w + 6.0).to_string()),
                    ("y", &text_y),
                    ("class", "bar-value"),
                ],
                &value,
            )
            .close("g");
    }
    if let Some(t) = target {
        let tx = x(t).to_string();
        m.open("g", &[("class", "target")])
            .leaf(
                "line",
                &[
                    ("x1", &tx),
                    ("x2", &tx),
                    ("y1", "0"),
                    ("y2", &(height - 24.0).to_string()),
                ],
                "",
            )
            .leaf(
                "text",
                &[
                    ("x", &tx),
                    ("y", &(height - 8.0).to_string()),
                    ("text-anchor", "end"),
                ],
                &format!("Target {}", money(t)),
            )
            .close("g");
    }
    m.close("svg").open("figcaption", &[]).text(&summary);
    if p.other_currency > 0 {
        m.text(&format!(
            " {} opportunity(ies) in another currency are not counted.",
            p.other_currency
        ));
    }
    m.close("figcaption").close("figure");
}
