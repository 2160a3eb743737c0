//! The pictures of the HTML report and what every section lists missing: the pictures are
//! there for the example, the graph degrades to per-asset graphs above the size it states,
//! each gate concludes on the residual risk from its own rule, and the four formats list the
//! same things missing.

use scraper::{Html, Selector};
use serde_json::Value;

use crate::{example, report};

fn select<'a>(page: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    page.select(&Selector::parse(selector).unwrap()).collect()
}

fn example_json() -> Value {
    let (text, _) = report(&example(), "json");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_example_has_every_picture() {
    let (text, _) = report(&example(), "html");
    let page = Html::parse_document(&text);
    for (selector, at_least) in [
        ("#gate-status figure.picture > svg.timeline", 1),
        ("#traceability figure.picture > svg.graph", 2),
        ("#risk-matrix figure.picture > svg.heat-map", 2),
        ("#components figure.picture > svg.support", 1),
    ] {
        let found = select(&page, selector).len();
        assert!(found >= at_least, "{selector}: {found}");
    }
    // Each heat map has a cell per score, counting the same risks as the grid beside it.
    let json = example_json();
    for stage in ["before", "after"] {
        let cells = select(&page, &format!("svg.heat-map[data-stage={stage}] g.cell"));
        assert_eq!(cells.len(), 25);
        let counted: u64 = cells
            .iter()
            .map(|cell| {
                cell.value()
                    .attr("data-count")
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
            })
            .sum();
        assert_eq!(
            counted,
            json["risk_matrix"][stage]["total"].as_u64().unwrap()
        );
    }
    // The workspace graph draws every linked item of the graph, and every link.
    let graph = select(
        &page,
        "#traceability > figure.picture:not(.asset-graph) > svg.graph",
    );
    let drawn = graph[0].value();
    let edges = json["graph"]["edges"].as_array().unwrap();
    assert_eq!(drawn.attr("data-edges").unwrap(), edges.len().to_string());
    // Every asset has its graph under its anchor, and the index links to each.
    let assets: Vec<&str> = json["graph"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|node| node["kind"] == "asset")
        .map(|node| node["id"].as_str().unwrap())
        .collect();
    assert!(!assets.is_empty());
    for asset in assets {
        let anchor = format!("graph-{asset}");
        assert_eq!(
            select(&page, &format!("figure#{anchor}")).len(),
            1,
            "{anchor}"
        );
        assert_eq!(
            select(&page, &format!("nav.assets a[href='#{anchor}']")).len(),
            1
        );
    }
}

#[test]
fn a_large_graph_gives_way_to_the_graphs_of_its_assets() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("workspace");
    ward_test_support::write_workspace(&ward_test_support::Options::new(2_000), &dir).unwrap();
    let (text, _) = report(&dir, "html");
    let page = Html::parse_document(&text);
    assert!(
        select(
            &page,
            "#traceability > figure.picture:not(.asset-graph) > svg.graph"
        )
        .is_empty(),
        "no workspace graph above the limit"
    );
    let note: String = select(&page, "#traceability > p.muted")
        .iter()
        .flat_map(|p| p.text())
        .collect();
    assert!(note.contains("more than the 150"), "{note}");
    let drawn = select(&page, "figure.asset-graph svg.graph").len();
    let figures = select(&page, "figure.asset-graph").len();
    assert!(drawn > 0 && drawn <= 100, "{drawn} asset graphs drawn");
    assert!(figures >= drawn, "every asset keeps its anchor: {figures}");
    for svg in select(&page, "svg.graph") {
        let nodes: usize = svg.value().attr("data-nodes").unwrap().parse().unwrap();
        assert!(nodes <= 150, "a picture of {nodes} items");
    }
}

#[test]
fn each_gate_concludes_on_the_residual_risk_by_its_own_rule() {
    let json = example_json();
    let mut concluded = 0;
    for gate in json["gates"].as_array().unwrap() {
        let rule = gate["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|rule| rule["rule"] == "residual-acceptable");
        let conclusion = gate["residual"]["conclusion"].as_str().unwrap();
        match rule {
            None => assert_eq!(conclusion, "no-conclusion"),
            Some(rule) => {
                concluded += 1;
                let failing: Vec<&Value> = rule["failures"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|failure| &failure["item"])
                    .collect();
                let risks: Vec<&Value> = gate["residual"]["risks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .collect();
                assert_eq!(failing, risks);
                let expected = if rule["met"] == true {
                    "concluded-acceptable"
                } else {
                    "concluded-not-acceptable"
                };
                assert_eq!(conclusion, expected);
            }
        }
    }
    assert!(
        concluded > 0,
        "the example's release gate requires residual-acceptable"
    );
    // The workspace's conclusion counts every risk once.
    let residual = &json["residual"];
    let count = |key: &str| residual[key].as_array().unwrap().len() as u64;
    assert_eq!(
        residual["acceptable"].as_u64().unwrap()
            + count("accepted")
            + count("unacceptable")
            + count("unscored"),
        residual["risks"].as_u64().unwrap()
    );
    assert_eq!(
        residual["risks"].as_u64().unwrap(),
        json["traceability"].as_array().unwrap().len() as u64
    );
}

#[test]
fn every_gap_of_the_matrix_is_listed_missing() {
    let json = example_json();
    let missing = json["missing"].as_array().unwrap();
    for risk in json["traceability"].as_array().unwrap() {
        for gap in risk["gaps"].as_array().unwrap() {
            let at = [&gap["verification"], &gap["control"], &risk["risk"]]
                .into_iter()
                .find(|id| !id.is_null())
                .unwrap();
            assert!(
                missing
                    .iter()
                    .any(|m| m["section"] == "traceability" && &m["item"] == at),
                "the gap {gap} of {} is not listed missing",
                risk["risk"]
            );
        }
    }
}

#[test]
fn the_four_formats_list_the_same_things_missing() {
    let json = example_json();
    let expected = json["missing"].as_array().unwrap().len();
    assert!(expected > 0, "the example has gaps on purpose");

    let (html, _) = report(&example(), "html");
    let page = Html::parse_document(&html);
    assert_eq!(select(&page, "div.missing li").len(), expected, "html");

    let (markdown, _) = report(&example(), "markdown");
    let listed: usize = markdown
        .split("Missing:\n\n")
        .skip(1)
        .map(|rest| {
            rest.lines()
                .take_while(|line| line.starts_with("- "))
                .count()
        })
        .sum();
    assert_eq!(listed, expected, "markdown");

    let (csv, _) = report(&example(), "csv");
    let table = csv
        .split("# table: ")
        .find(|table| table.starts_with("missing\n"))
        .expect("the missing table");
    let rows = csv::Reader::from_reader(table.split_once('\n').unwrap().1.as_bytes())
        .records()
        .count();
    assert_eq!(rows, expected, "csv");
}
