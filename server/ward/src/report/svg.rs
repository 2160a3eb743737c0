//! The HTML report's pictures, as inline SVG: no script, no external reference, every text
//! from a `.ward` file escaped (maud escapes what it interpolates, in SVG as in HTML). Each
//! picture is a `figure` with a caption, and each SVG has a `title` and `role="img"`; the
//! tables next to it hold the same data for screen readers and for print in grey.
//!
//! - the risk matrix as a heat map, before and after mitigation, the acceptable region
//!   framed;
//! - the gates as a timeline of the plan's phases;
//! - the components' end of support on a time axis, with today;
//! - the traceability graph, laid out in layers by hand (see ARCHITECTURE.md, "Why a
//!   layered layout written here"): each item in the layer of its longest path up (assets
//!   on top), items in a layer ordered by the mean position of what they link to, a few
//!   sweeps down and up to cut crossings.

use maud::{Markup, html};
use ward_analysis::dates::days_between;
use ward_analysis::report::{ComponentEntry, GateReport, Grid, Report, TraceGraph};
use ward_analysis::{Date, GateStatus};

/// The largest graph drawn as one picture; above it the workspace graph is left out and
/// each asset's graph is drawn on its own (each up to this size too).
pub const GRAPH_LIMIT: usize = 150;

/// The most per-asset graphs drawn; the traceability matrix lists the rest.
pub const ASSET_GRAPHS_LIMIT: usize = 100;

/// The cell side of the heat map, in SVG units.
const CELL: i64 = 44;

/// The risk matrix as a heat map: colour by number of risks, the cells outside what the plan
/// accepts hatched and framed, each cell's count written (so the picture reads in grey).
pub fn heat_map(grid: &Grid, stage: &str, caption: &str) -> Markup {
    let side = Grid::scale().count() as i64;
    let (left, top) = (40, 10);
    let width = left + side * CELL + 10;
    let height = top + side * CELL + 40;
    let most = grid
        .cells
        .iter()
        .map(|cell| cell.risks.len())
        .max()
        .unwrap_or(0)
        .max(1);
    html! {
        svg.picture.heat-map xmlns="http://www.w3.org/2000/svg" role="img"
            data-stage=(stage) viewBox={ "0 0 " (width) " " (height) }
            width=(width) height=(height) {
            title { (caption) ": risks per exploitability × severity" }
            defs {
                pattern id={ "hatch-" (stage) } width="6" height="6" patternUnits="userSpaceOnUse"
                    patternTransform="rotate(45)" {
                    line x1="0" y1="0" x2="0" y2="6" stroke="#b42318" stroke-width="1.2" stroke-opacity="0.45" {}
                }
            }
            @for (row, cells) in grid.rows().enumerate() {
                @for (column, cell) in cells.iter().enumerate() {
                    @let x = left + column as i64 * CELL;
                    @let y = top + row as i64 * CELL;
                    @let heat = cell.risks.len() as f64 / most as f64;
                    g.cell data-exploitability=(cell.exploitability) data-severity=(cell.severity)
                        data-count=(cell.risks.len()) {
                        title {
                            "exploitability " (cell.exploitability) ", severity " (cell.severity)
                            ": " (cell.risks.len()) " risks"
                            @if cell.above_acceptable { ", above acceptable" }
                            @for risk in &cell.risks { " " (risk.id) }
                        }
                        rect x=(x) y=(y) width=(CELL) height=(CELL)
                            fill={ "rgba(11,87,208," (format!("{:.2}", 0.08 + 0.72 * heat)) ")" }
                            stroke="#d0d7de" {}
                        @if cell.above_acceptable {
                            rect.above x=(x) y=(y) width=(CELL) height=(CELL)
                                fill={ "url(#hatch-" (stage) ")" } {}
                        }
                        text x=(x + CELL / 2) y=(y + CELL / 2 + 5) text-anchor="middle"
                            font-size="15" font-weight="700"
                            fill=(if heat > 0.55 { "#fff" } else { "#1b1f24" }) {
                            (cell.risks.len())
                        }
                    }
                }
            }
            // The acceptable region's border: the edge between an acceptable cell and one
            // above it, drawn once per cell side.
            @for (row, cells) in grid.rows().enumerate() {
                @for (column, cell) in cells.iter().enumerate() {
                    @let x = left + column as i64 * CELL;
                    @let y = top + row as i64 * CELL;
                    @if !cell.above_acceptable {
                        @if column + 1 < cells.len() && cells[column + 1].above_acceptable {
                            line.frontier x1=(x + CELL) y1=(y) x2=(x + CELL) y2=(y + CELL) stroke="#1b1f24" stroke-width="3" {}
                        }
                        @if row > 0 && grid.cell(cell.exploitability + 1, cell.severity).above_acceptable {
                            line.frontier x1=(x) y1=(y) x2=(x + CELL) y2=(y) stroke="#1b1f24" stroke-width="3" {}
                        }
                    }
                }
            }
            @for (at, exploitability) in Grid::scale().rev().enumerate() {
                text x=(left - 8) y=(top + at as i64 * CELL + CELL / 2 + 4) text-anchor="end" font-size="12" { (exploitability) }
            }
            @for (at, severity) in Grid::scale().enumerate() {
                text x=(left + at as i64 * CELL + CELL / 2) y=(top + side * CELL + 16) text-anchor="middle" font-size="12" { (severity) }
            }
            text x=(left + side * CELL / 2) y=(height - 4) text-anchor="middle" font-size="12" { "severity →" }
            text x="12" y=(top + side * CELL / 2) text-anchor="middle" font-size="12"
                transform={ "rotate(-90 12 " (top + side * CELL / 2) ")" } { "exploitability →" }
        }
    }
}

/// The gates as a timeline of the plan's phases: one mark per phase, the current one
/// ringed, each gate's verdict under its phase.
pub fn gate_timeline(report: &Report) -> Markup {
    let phases = &report.header.phases;
    let step = 150;
    let width = 40 + step * phases.len().max(1) as i64;
    let height = 110;
    let gate_of = |phase: &str| -> Option<&GateReport> {
        report.gates.iter().find(|gate| gate.phase == phase)
    };
    html! {
        svg.picture.timeline xmlns="http://www.w3.org/2000/svg" role="img"
            viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) {
            title { "Phases and gates: the current phase is " (report.header.phase) }
            line x1="20" y1="40" x2=(width - 20) y2="40" stroke="#57606a" stroke-width="2" {}
            @for (at, phase) in phases.iter().enumerate() {
                @let x = 40 + step * at as i64 + step / 2 - 20;
                @let gate = gate_of(phase);
                @let current = *phase == report.header.phase;
                g.phase data-phase=(phase) data-gate=(gate.map_or("none", |g| if g.met() { "met" } else { "not-met" })) {
                    title {
                        (phase)
                        @if current { " (current)" }
                        @match gate {
                            Some(gate) => {
                                ": gate " (gate.status.map_or("unknown phase", GateStatus::as_str)) ", "
                                (gate.rules_met()) " of " (gate.rules.len()) " rules met"
                            },
                            None => ": no gate",
                        }
                    }
                    @if current {
                        circle cx=(x) cy="40" r="15" fill="none" stroke="#9a6700" stroke-width="3" {}
                    }
                    @match gate {
                        Some(gate) if gate.met() => {
                            circle cx=(x) cy="40" r="10" fill="#1a7f37" {}
                            text x=(x) y="45" text-anchor="middle" font-size="13" fill="#fff" { "✔" }
                        },
                        Some(_) => {
                            circle cx=(x) cy="40" r="10" fill="#b42318" {}
                            text x=(x) y="45" text-anchor="middle" font-size="13" fill="#fff" { "✘" }
                        },
                        None => circle cx=(x) cy="40" r="6" fill="#fff" stroke="#57606a" stroke-width="2" {},
                    }
                    text x=(x) y="15" text-anchor="middle" font-size="13"
                        font-weight=(if current { "700" } else { "400" }) { (phase) }
                    text x=(x) y="75" text-anchor="middle" font-size="11" fill="#57606a" {
                        @match gate {
                            Some(gate) => {
                                (gate.status.map_or("unknown phase", GateStatus::as_str)) ", "
                                (gate.rules_met()) "/" (gate.rules.len())
                            },
                            None => "no gate",
                        }
                    }
                    @if let Some(gate) = gate {
                        text x=(x) y="92" text-anchor="middle" font-size="11" fill="#57606a" {
                            (gate.approvals.len()) " approval" @if gate.approvals.len() != 1 { "s" }
                        }
                    }
                }
            }
        }
    }
}

/// The components' end of support on a time axis from the earliest date (or today) to
/// the latest, with today marked; components without a date are listed under it.
pub fn support_timeline(components: &[ComponentEntry], today: Date) -> Markup {
    let dated: Vec<(&ComponentEntry, Date)> = components
        .iter()
        .filter_map(|entry| Some((entry, entry.support_ends?)))
        .collect();
    let first = dated
        .iter()
        .map(|(_, day)| *day)
        .min()
        .unwrap_or(today)
        .min(today);
    let last = dated
        .iter()
        .map(|(_, day)| *day)
        .max()
        .unwrap_or(today)
        .max(today);
    let span = days_between(first, last).max(1);
    let (left, right, row) = (200, 40, 22);
    let axis = 600;
    let width = left + axis + right;
    let height = 50 + row * dated.len().max(1) as i64;
    let at = |day: Date| left + days_between(first, day) * axis / span;
    html! {
        svg.picture.support xmlns="http://www.w3.org/2000/svg" role="img"
            viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) {
            title { "End of support of each component, and today (" (today.to_string()) ")" }
            line x1=(left) y1="30" x2=(left + axis) y2="30" stroke="#57606a" {}
            text x=(left) y="20" font-size="11" text-anchor="start" { (first.to_string()) }
            text x=(left + axis) y="20" font-size="11" text-anchor="end" { (last.to_string()) }
            line.today x1=(at(today)) y1="24" x2=(at(today)) y2=(height - 4) stroke="#9a6700"
                stroke-width="2" stroke-dasharray="4 3" {}
            text x=(at(today)) y="12" font-size="11" text-anchor="middle" fill="#9a6700" { "today" }
            @for (index, (entry, day)) in dated.iter().enumerate() {
                @let y = 50 + row * index as i64;
                g.component data-ended=(entry.support_ended) {
                    title {
                        (entry.component.id)
                        @if let Some(title) = &entry.component.title { " " (title) }
                        ": support ends " (entry.describe_support_ends().unwrap_or_default())
                    }
                    a href={ "#" (entry.component.anchor.as_deref().unwrap_or_default()) } {
                        text x=(left - 8) y=(y + 4) font-size="12" text-anchor="end" { (shorten(&entry.component.id, 28)) }
                    }
                    line x1=(left) y1=(y) x2=(at(*day).max(left + 2)) y2=(y)
                        stroke=(if entry.support_ended { "#b42318" } else { "#1a7f37" }) stroke-width="6" {}
                    @if entry.support_ended {
                        text x=(at(*day) + 6) y=(y + 4) font-size="11" fill="#b42318" { "ended" }
                    }
                }
            }
        }
    }
}

/// A node's box.
const NODE_W: i64 = 132;
const NODE_H: i64 = 34;
const GAP_X: i64 = 16;
const GAP_Y: i64 = 56;
/// The most boxes on one line of the graph.
const ROW_MOST: usize = 9;

/// The positions of the nodes of `nodes` (indexes into `graph`): layer by layer, each
/// layer ordered by the mean position of its nodes' neighbours in the layer above, then
/// below, a few times over (the barycentre heuristic of layered drawing).
fn layout(graph: &TraceGraph, nodes: &[usize]) -> Vec<(usize, i64, i64)> {
    let mut layers: Vec<usize> = nodes.iter().map(|&n| graph.nodes[n].layer).collect();
    layers.sort_unstable();
    layers.dedup();
    let mut rows: Vec<Vec<usize>> = layers
        .iter()
        .map(|&layer| {
            nodes
                .iter()
                .copied()
                .filter(|&n| graph.nodes[n].layer == layer)
                .collect()
        })
        .collect();
    let mut position = std::collections::HashMap::new();
    let place = |rows: &Vec<Vec<usize>>, position: &mut std::collections::HashMap<usize, f64>| {
        for row in rows {
            for (at, &node) in row.iter().enumerate() {
                position.insert(node, at as f64);
            }
        }
    };
    place(&rows, &mut position);
    // The links within the picture, once: a large workspace has many more elsewhere.
    let mut near_of: std::collections::HashMap<usize, Vec<usize>> =
        std::collections::HashMap::new();
    for edge in graph.edges_among(nodes) {
        near_of.entry(edge.from).or_default().push(edge.to);
        near_of.entry(edge.to).or_default().push(edge.from);
    }
    let neighbours = |node: usize| near_of.get(&node).into_iter().flatten().copied();
    for sweep in 0..4 {
        let order: Vec<usize> = if sweep % 2 == 0 {
            (1..rows.len()).collect()
        } else {
            (0..rows.len().saturating_sub(1)).rev().collect()
        };
        for at in order {
            let key = |node: usize| {
                let near: Vec<f64> = neighbours(node)
                    .filter_map(|n| position.get(&n).copied())
                    .collect();
                if near.is_empty() {
                    position[&node]
                } else {
                    near.iter().sum::<f64>() / near.len() as f64
                }
            };
            let mut keyed: Vec<(f64, usize)> = rows[at].iter().map(|&n| (key(n), n)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            rows[at] = keyed.into_iter().map(|(_, n)| n).collect();
            for (slot, &node) in rows[at].iter().enumerate() {
                position.insert(node, slot as f64);
            }
        }
    }
    // A wide layer wraps onto several lines of at most ROW_MOST boxes, so that a graph of a
    // hundred items stays about as wide as a page and its labels stay readable.
    let lines: Vec<&[usize]> = rows.iter().flat_map(|row| row.chunks(ROW_MOST)).collect();
    let widest = lines.iter().map(|line| line.len()).max().unwrap_or(1) as i64;
    let mut placed = Vec::with_capacity(nodes.len());
    for (line_at, line) in lines.iter().enumerate() {
        // Each line centred under the widest.
        let offset = (widest - line.len() as i64) * (NODE_W + GAP_X) / 2;
        for (slot, &node) in line.iter().enumerate() {
            let x = 10 + offset + slot as i64 * (NODE_W + GAP_X);
            let y = 10 + line_at as i64 * (NODE_H + GAP_Y);
            placed.push((node, x, y));
        }
    }
    placed
}

/// The fill of a node by kind, in the order of the chain; light enough for black text.
fn kind_fill(kind: ward_analysis::ItemKind) -> &'static str {
    const FILLS: [&str; 6] = [
        "#e8f0fe", "#fdecea", "#fff4d6", "#e6f4ea", "#f3e8fd", "#eef1f4",
    ];
    FILLS[(kind as usize) % FILLS.len()]
}

/// The traceability graph of `nodes` (indexes into `graph`), or `None` when it has more
/// than [`GRAPH_LIMIT`] nodes. Each node links to its item's entry, an asset in the
/// workspace graph to its own graph (`asset_links`).
pub fn trace_graph(
    graph: &TraceGraph,
    nodes: &[usize],
    label: &str,
    asset_links: bool,
) -> Option<Markup> {
    if nodes.len() > GRAPH_LIMIT || nodes.is_empty() {
        return None;
    }
    let placed = layout(graph, nodes);
    let at: std::collections::HashMap<usize, (i64, i64)> =
        placed.iter().map(|&(n, x, y)| (n, (x, y))).collect();
    let width = placed.iter().map(|(_, x, _)| x + NODE_W).max().unwrap_or(0) + 10;
    let height = placed.iter().map(|(_, _, y)| y + NODE_H).max().unwrap_or(0) + 10;
    let placed_nodes: Vec<usize> = placed.iter().map(|&(node, _, _)| node).collect();
    let edges = graph.edges_among(&placed_nodes);
    Some(html! {
        svg.picture.graph xmlns="http://www.w3.org/2000/svg" role="img"
            data-nodes=(nodes.len()) data-edges=(edges.len())
            viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) {
            title { (label) ": " (nodes.len()) " items, " (edges.len()) " links" }
            @for edge in &edges {
                @let (fx, fy) = at[&edge.from];
                @let (tx, ty) = at[&edge.to];
                // From the top of the lower item to the bottom of the upper one (or side to
                // side within a layer).
                @let (x1, y1, x2, y2) = if fy > ty {
                    (fx + NODE_W / 2, fy, tx + NODE_W / 2, ty + NODE_H)
                } else if fy < ty {
                    (fx + NODE_W / 2, fy + NODE_H, tx + NODE_W / 2, ty)
                } else {
                    (fx + NODE_W / 2, fy + NODE_H, tx + NODE_W / 2, ty + NODE_H)
                };
                path.edge d={
                    "M" (x1) " " (y1) " C" (x1) " " ((y1 + y2) / 2) " " (x2) " " ((y1 + y2) / 2)
                    " " (x2) " " (y2)
                } fill="none" stroke="#8c959f" stroke-width="1.2" {
                    title { (graph.nodes[edge.from].item.id) " " (edge.via.name()) " " (graph.nodes[edge.to].item.id) }
                }
            }
            @for (node, x, y) in &placed {
                @let item = &graph.nodes[*node];
                @let target = if asset_links && item.kind == ward_analysis::ItemKind::Asset {
                    graph_anchor(&item.item.id)
                } else {
                    item.item.anchor.as_deref().unwrap_or_default().to_owned()
                };
                a.node href={ "#" (target) } data-kind=(item.kind.as_str()) {
                    title {
                        (item.kind.as_str()) " " (item.item.id)
                        @if let Some(title) = &item.item.title { ": " (title) }
                    }
                    rect x=(x) y=(y) width=(NODE_W) height=(NODE_H) rx="5"
                        fill=(kind_fill(item.kind)) stroke="#57606a" {}
                    text x=(x + 6) y=(y + 13) font-size="9" fill="#57606a" { (item.kind.as_str()) }
                    text x=(x + 6) y=(y + 27) font-size="11" font-weight="600" fill="#1b1f24" {
                        (shorten(&item.item.id, 17))
                    }
                }
            }
        }
    })
}

/// The anchor of an asset's graph.
pub fn graph_anchor(id: &str) -> String {
    format!("graph-{id}")
}

/// A label cut to fit a node's box, with an ellipsis (the full ID is in the node's title).
fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(most - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_are_cut_with_an_ellipsis() {
        assert_eq!(shorten("R-SHORT", 20), "R-SHORT");
        assert_eq!(shorten("R-A-VERY-LONG-IDENTIFIER", 8), "R-A-VER…");
    }
}
