//! Charts drawn on the server as SVG: no chart library reaches the browser, the chart
//! reads without JavaScript, and each comes with an accessible name and its numbers as a
//! table for screen readers. Each bar carries a `<title>`, which browsers show on hover.

use super::model::{format, Kind};
use crate::platform::html::escape;
use std::fmt::Write as _;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 8.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 18.0;

/// One series: a label per point and its value (and the comparison's, if any).
pub struct Series<'a> {
    pub title: &'a str,
    pub labels: &'a [String],
    pub values: &'a [i64],
    pub previous: Option<&'a [i64]>,
    pub kind: Kind,
    pub currency: &'a str,
}

/// Vertical bars over time; the comparison period as a line.
pub fn bars(s: &Series<'_>) -> String {
    let n = s.values.len().max(1);
    let max = s
        .values
        .iter()
        .chain(s.previous.unwrap_or_default())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let plot = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - LEFT * 2.0) / n as f64;
    let bar = (slot * 0.7).max(1.0);
    let y = |v: i64| TOP + plot - (v.max(0) as f64 / max) * plot;
    let id = slug(s.title);
    let mut svg = open_svg(&id, s.title);
    let _ = write!(
        svg,
        r#"<text class="chart__max" x="{LEFT}" y="12">{}</text>"#,
        escape(&format(s.kind, Some(max as i64), s.currency))
    );
    for (i, (label, value)) in s.labels.iter().zip(s.values).enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let top = y(*value);
        let _ = write!(
            svg,
            r#"<rect class="chart__bar" x="{x:.1}" y="{top:.1}" width="{bar:.1}" height="{:.1}"><title>{}: {}</title></rect>"#,
            (TOP + plot - top).max(0.0),
            escape(label),
            escape(&format(s.kind, Some(*value), s.currency))
        );
    }
    if let Some(previous) = s.previous {
        let points: Vec<String> = previous
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", LEFT + slot * (i as f64 + 0.5), y(*v)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="chart__previous" fill="none" points="{}" />"#,
            points.join(" ")
        );
    }
    // The first, middle and last labels under the axis.
    let marks: Vec<usize> = match n {
        1 => vec![0],
        2 => vec![0, 1],
        _ => vec![0, n / 2, n - 1],
    };
    for i in marks {
        if let Some(label) = s.labels.get(i) {
            let x = LEFT + slot * (i as f64 + 0.5);
            let anchor = if i == 0 {
                "start"
            } else if i == n - 1 {
                "end"
            } else {
                "middle"
            };
            let x = if i == 0 {
                LEFT
            } else if i == n - 1 {
                WIDTH - LEFT
            } else {
                x
            };
            let _ = write!(
                svg,
                r#"<text class="chart__label" x="{x:.1}" y="{}" text-anchor="{anchor}">{}</text>"#,
                HEIGHT - 6.0,
                escape(label)
            );
        }
    }
    svg.push_str("</svg>");
    with_table(svg, s)
}

/// Horizontal bars for a ranking (top products, codes, funnel steps).
pub fn ranking(s: &Series<'_>) -> String {
    let rows = s.values.len().min(10);
    let max = s
        .values
        .iter()
        .take(rows)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let row_height = 22.0;
    let height = (rows as f64 * row_height + 8.0).max(40.0);
    let id = slug(s.title);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart chart--ranking" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}"><title id="{id}">{}</title>"#,
        escape(s.title)
    );
    if rows == 0 {
        let _ = write!(
            svg,
            r#"<text class="chart__label" x="{LEFT}" y="24">Nothing in this period</text>"#
        );
    }
    for (i, (label, value)) in s.labels.iter().zip(s.values).take(rows).enumerate() {
        let top = 4.0 + i as f64 * row_height;
        let width = (*value).max(0) as f64 / max * (WIDTH * 0.55);
        let text = format(s.kind, Some(*value), s.currency);
        let _ = write!(
            svg,
            r#"<text class="chart__label" x="{LEFT}" y="{:.1}">{}</text><rect class="chart__bar" x="{:.1}" y="{top:.1}" width="{width:.1}" height="16"><title>{}: {}</title></rect><text class="chart__value" x="{:.1}" y="{:.1}">{}</text>"#,
            top + 13.0,
            escape(&clip(label, 34)),
            WIDTH * 0.36,
            escape(label),
            escape(&text),
            WIDTH * 0.36 + width + 6.0,
            top + 13.0,
            escape(&text)
        );
    }
    svg.push_str("</svg>");
    with_table(svg, s)
}

fn open_svg(id: &str, title: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}"><title id="{id}">{}</title>"#,
        escape(title)
    )
}

/// The chart's numbers as a table only screen readers see.
fn with_table(svg: String, s: &Series<'_>) -> String {
    let mut out = format!(
        r#"<figure class="chart-figure">{svg}<table class="visually-hidden"><caption>{}</caption><tbody>"#,
        escape(s.title)
    );
    for (i, (label, value)) in s.labels.iter().zip(s.values).enumerate() {
        let previous = s
            .previous
            .and_then(|p| p.get(i))
            .map(|p| format!("<td>{}</td>", escape(&format(s.kind, Some(*p), s.currency))))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><th>{}</th><td>{}</td>{previous}</tr>",
            escape(label),
            escape(&format(s.kind, Some(*value), s.currency))
        );
    }
    out.push_str("</tbody></table></figure>");
    out
}

fn slug(title: &str) -> String {
    let s: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("chart-{s}")
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_named_escaped_and_tabled() {
        let labels = vec!["1 Mar".to_owned(), "<b>2 Mar</b>".to_owned()];
        let svg = bars(&Series {
            title: "Net sales",
            labels: &labels,
            values: &[100, 250],
            previous: Some(&[50, 50]),
            kind: Kind::Money,
            currency: "USD",
        });
        assert!(svg.contains(r#"role="img" aria-labelledby="chart-net-sales""#));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("&lt;b&gt;2 Mar"), "labels are escaped");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("<td>$2.50</td><td>$0.50</td>"), "{svg}");
    }
}
