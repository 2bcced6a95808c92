//! The table (figure, Fieldbook, reference, ratio, target) and the SVG chart
//! of the propagation latency distributions, drawn by hand.

use std::fmt::Write;
use std::time::Duration;

use super::Figures;
use super::options::Options;
use super::scenario::TypingOutcome;
use super::stats::Latencies;

/// Which way a figure is better.
#[derive(Clone, Copy, PartialEq)]
enum Better {
    Lower,
    Higher,
}

struct Row {
    figure: String,
    ours: Option<f64>,
    theirs: Option<f64>,
    unit: &'static str,
    better: Better,
    target: String,
    /// The ratio when only Fieldbook has a figure.
    alone: &'static str,
}

fn ms(d: Option<Duration>) -> Option<f64> {
    d.map(|d| d.as_secs_f64() * 1e3)
}

fn latency_rows(rows: &mut Vec<Row>, name: &str, ours: &Latencies, theirs: &Latencies, p99: &str) {
    for (p, target) in [(50.0, ""), (95.0, ""), (99.0, p99)] {
        rows.push(Row {
            figure: format!("{name}: propagation p{p}"),
            ours: ms(ours.percentile(p)),
            theirs: ms(theirs.percentile(p)),
            unit: "ms",
            better: Better::Lower,
            target: target.to_owned(),
            alone: "—",
        });
    }
}

fn rows(ours: &Figures, theirs: &Figures, o: &Options) -> Vec<Row> {
    let mut rows = Vec::new();
    let none = Latencies::default();
    for (name, a, b, p99) in [
        (
            format!(
                "meeting ({} typists, 1 doc, {} cps)",
                o.meeting_clients, o.cps
            ),
            ours.meeting.as_ref(),
            theirs.meeting.as_ref(),
            "",
        ),
        (
            format!(
                "team ({} typists, {} docs, {} cps)",
                o.team_clients, o.team_docs, o.cps
            ),
            ours.team.as_ref(),
            theirs.team.as_ref(),
            "< 100 ms",
        ),
    ] {
        let (la, lb) = (
            a.map_or(&none, |t| &t.latencies),
            b.map_or(&none, |t| &t.latencies),
        );
        latency_rows(&mut rows, &name, la, lb, p99);
        type Read = fn(&TypingOutcome) -> Option<f64>;
        let figures: [(&str, Read, &'static str, Better, &str); 7] = [
            (
                "changes/s",
                |t| Some(t.changes_per_sec),
                "/s",
                Better::Higher,
                "",
            ),
            (
                "lost changes",
                |t| Some(t.lost as f64),
                "",
                Better::Lower,
                "0",
            ),
            (
                "diverged docs",
                |t| Some(t.diverged as f64),
                "",
                Better::Lower,
                "0",
            ),
            (
                "last arrival after typing stopped",
                |t| ms(t.settled),
                "ms",
                Better::Lower,
                "",
            ),
            (
                "server CPU",
                |t| Some(t.cpu_share * 100.0),
                "% core",
                Better::Lower,
                "",
            ),
            (
                "load generator CPU",
                |t| Some(t.generator_cpu_share * 100.0),
                "% core",
                Better::Lower,
                "",
            ),
            (
                "server peak RSS",
                |t| Some(t.server.peak_kib as f64 / 1024.0),
                "MiB",
                Better::Lower,
                "",
            ),
        ];
        for (figure, read, unit, better, target) in figures {
            rows.push(Row {
                figure: format!("{name}: {figure}"),
                ours: a.and_then(read),
                theirs: b.and_then(read),
                unit,
                better,
                target: target.to_owned(),
                alone: "—",
            });
        }
    }
    rows.push(Row {
        figure: format!(
            "sustainable edit rate (p99 < 100 ms, docs of 4, {} cps)",
            o.cps
        ),
        ours: ours.sustainable.map(|(_, r)| r),
        theirs: theirs.sustainable.map(|(_, r)| r),
        unit: "changes/s",
        better: Better::Higher,
        target: "≥ 20× reference".into(),
        alone: "∞ (reference held no step)",
    });
    rows.push(Row {
        figure: format!("idle ({} connections): RSS per connection", o.idle),
        ours: ours.idle.as_ref().map(|i| i.kib_per_connection),
        theirs: theirs.idle.as_ref().map(|i| i.kib_per_connection),
        unit: "KiB",
        better: Better::Lower,
        target: String::new(),
        alone: "—",
    });
    let peak = |f: &Figures| f.idle.as_ref().map(|i| i.server.peak_kib as f64 / 1024.0);
    rows.push(Row {
        figure: format!("idle ({} connections): server peak RSS", o.idle),
        ours: peak(ours),
        theirs: peak(theirs),
        unit: "MiB",
        better: Better::Lower,
        target: "< 1024 MiB at 10,000".into(),
        alone: "—",
    });
    rows.push(Row {
        figure: format!("catch-up after {} changes", o.catch_up),
        ours: ours.catch_up.map(|d| d.as_secs_f64() * 1e3),
        theirs: theirs.catch_up.map(|d| d.as_secs_f64() * 1e3),
        unit: "ms",
        better: Better::Lower,
        target: "< 1000 ms".into(),
        alone: "—",
    });
    rows
}

fn number(x: Option<f64>, unit: &str) -> String {
    match x {
        None => "—".into(),
        Some(x) if x >= 100.0 || x == x.trunc() => format!("{x:.0} {unit}"),
        Some(x) if x >= 10.0 => format!("{x:.1} {unit}"),
        Some(x) => format!("{x:.2} {unit}"),
    }
    .trim_end()
    .to_owned()
}

/// How many times better Fieldbook is (above 1: better).
fn ratio(r: &Row) -> String {
    let (Some(a), Some(b)) = (r.ours, r.theirs) else {
        return match r.ours {
            Some(_) => r.alone.into(),
            None => "—".into(),
        };
    };
    let x = match r.better {
        Better::Lower if a > 0.0 => b / a,
        Better::Higher if b > 0.0 => a / b,
        _ if a == b => 1.0,
        _ => return "—".into(),
    };
    format!("{x:.1}×")
}

/// The Markdown table of every figure.
pub fn table(ours: &Figures, theirs: &Figures, o: &Options) -> String {
    let mut out = String::from(
        "| figure | Fieldbook | reference | ratio (× better) | target |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in rows(ours, theirs, o) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            r.figure,
            number(r.ours, r.unit),
            number(r.theirs, r.unit),
            ratio(&r),
            r.target
        );
    }
    let steps = |f: &Figures| {
        f.ramp
            .iter()
            .map(|(n, p)| format!("{n}: {}", number(*p, "ms")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "\nramp, typists: p99 — Fieldbook: {}; reference: {}",
        steps(ours),
        steps(theirs)
    );
    for why in ours.failed.iter().chain(&theirs.failed) {
        let _ = writeln!(out, "\n{why}");
    }
    out
}

/// Latencies as a cumulative distribution, log-scaled from 0.1 ms to 10 s.
pub fn chart(ours: &Figures, theirs: &Figures, o: &Options) -> String {
    let (w, h, left, top, plot_w, plot_h) = (760.0, 420.0, 60.0, 40.0, 660.0, 320.0);
    let x_of = |ms: f64| left + plot_w * ((ms.max(0.1).log10() + 1.0) / 5.0).clamp(0.0, 1.0);
    let y_of = |share: f64| top + plot_h * (1.0 - share);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"22\" font-size=\"15\">Propagation latency, cumulative (meeting: {} typists; team: {} typists in {} docs; {} cps)</text>\n",
        o.meeting_clients, o.team_clients, o.team_docs, o.cps
    );
    for (i, label) in ["0.1 ms", "1 ms", "10 ms", "100 ms", "1 s", "10 s"]
        .iter()
        .enumerate()
    {
        let x = left + plot_w * i as f64 / 5.0;
        let _ = writeln!(
            svg,
            "<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{}\" stroke=\"#ddd\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            top + plot_h,
            top + plot_h + 18.0
        );
    }
    for share in [0.0, 0.5, 0.95, 0.99, 1.0] {
        let y = y_of(share);
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">p{}</text>",
            left + plot_w,
            left - 6.0,
            y + 4.0,
            share * 100.0
        );
    }
    let series = [
        ("Fieldbook meeting", &ours.meeting, "#1f6feb", ""),
        ("Fieldbook team", &ours.team, "#1f6feb", "6 3"),
        ("reference meeting", &theirs.meeting, "#d1242f", ""),
        ("reference team", &theirs.team, "#d1242f", "6 3"),
    ];
    let none = Latencies::default();
    for (i, (name, outcome, colour, dash)) in series.iter().enumerate() {
        let l = outcome.as_ref().map_or(&none, |t| &t.latencies);
        let n = l.len().max(1) as f64;
        // At most ~400 points per curve.
        let step = (l.len() / 400).max(1);
        let points: Vec<String> =
            l.0.iter()
                .enumerate()
                .step_by(step)
                .chain(l.0.iter().enumerate().next_back())
                .map(|(k, us)| {
                    format!(
                        "{:.1},{:.1}",
                        x_of(f64::from(*us) / 1e3),
                        y_of((k + 1) as f64 / n)
                    )
                })
                .collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"{}\"/>",
            points.join(" ")
        );
        let y = top + 16.0 + 16.0 * i as f64;
        let _ = writeln!(
            svg,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/><text x=\"{}\" y=\"{}\">{name} ({} samples)</text>",
            left + 10.0,
            left + 40.0,
            left + 46.0,
            y + 4.0,
            l.len()
        );
    }
    svg.push_str("</svg>\n");
    svg
}
