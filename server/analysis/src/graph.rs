//! The link graph of a workspace: every item with an ID a node, every resolved link of
//! every link field of the kinds table an edge, from the linking (lower) item to the item
//! it names (upper). The report's traceability is a walk over it, so that a new link field
//! in the table reaches the report with no change here; the pictures draw it.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use ward_syntax::{Item, ItemKind};

use crate::schema::LinkField;
use crate::{Cancellable, ItemRef};

/// One item of the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub item: ItemRef,
    pub id: Arc<str>,
    pub kind: ItemKind,
}

/// A link from `from` (the item whose field it is) to `to` (the item it names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub via: LinkField,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkGraph {
    /// In workspace order; only the first definition of an ID.
    pub nodes: Vec<Node>,
    /// In workspace order of the linking item, then field and value order.
    pub edges: Vec<Edge>,
    /// For each node, the edges out of it (its links up) and into it (links down to it).
    out: Adjacency,
    into: Adjacency,
    /// The node of each ID.
    at: FxHashMap<Arc<str>, usize>,
}

/// Each node's edges, in edge order, all in one list (node `n`'s are
/// `edges[starts[n]..starts[n + 1]]`): a list per node would be an allocation per item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Adjacency {
    starts: Vec<u32>,
    edges: Vec<u32>,
}

impl Adjacency {
    /// The adjacency of `nodes` nodes where edge `i` belongs to node `owners[i]`.
    pub fn new(nodes: usize, owners: impl Iterator<Item = usize> + Clone) -> Adjacency {
        let mut starts = vec![0u32; nodes + 1];
        for owner in owners.clone() {
            starts[owner + 1] += 1;
        }
        for at in 1..starts.len() {
            starts[at] += starts[at - 1];
        }
        let mut next = starts.clone();
        let mut edges = vec![0u32; starts[nodes] as usize];
        for (edge, owner) in owners.enumerate() {
            edges[next[owner] as usize] = edge as u32;
            next[owner] += 1;
        }
        Adjacency { starts, edges }
    }

    /// The edges of `node`, in edge order.
    pub fn of(&self, node: usize) -> impl ExactSizeIterator<Item = usize> + Clone + '_ {
        let (start, end) = (self.starts[node] as usize, self.starts[node + 1] as usize);
        self.edges[start..end].iter().map(|&edge| edge as usize)
    }
}

impl LinkGraph {
    /// The graph of `items` (in workspace order). `resolve` gives the first definition of a
    /// name; a link that names no item, or an item of a kind its field does not accept, is
    /// no edge (the checks report it).
    pub fn build<'a>(
        items: impl Iterator<Item = (ItemRef, &'a Item)>,
        mut resolve: impl FnMut(&str) -> Cancellable<Option<ItemRef>>,
    ) -> Cancellable<LinkGraph> {
        let mut graph = LinkGraph::default();
        let mut linking = Vec::new();
        for (this, item) in items {
            let Some(id) = &item.id else { continue };
            if !item.kind.spec().reported || graph.at.contains_key(id.as_str()) {
                continue;
            }
            if resolve(id)? != Some(this) {
                continue;
            }
            let id: Arc<str> = id.as_str().into();
            graph.at.insert(Arc::clone(&id), graph.nodes.len());
            linking.push(item);
            graph.nodes.push(Node {
                item: this,
                id,
                kind: item.kind,
            });
        }
        for (from, item) in linking.into_iter().enumerate() {
            for via in item.kind.link_fields() {
                let Some(field) = item.field(via.name()) else {
                    continue;
                };
                for name in field.values.iter().filter_map(ward_syntax::Value::as_link) {
                    let Some(&to) = graph.at.get(name) else {
                        continue;
                    };
                    if !via.link().accepts(graph.nodes[to].kind) {
                        continue;
                    }
                    graph.edges.push(Edge { from, to, via });
                }
            }
        }
        let nodes = graph.nodes.len();
        graph.out = Adjacency::new(nodes, graph.edges.iter().map(|edge| edge.from));
        graph.into = Adjacency::new(nodes, graph.edges.iter().map(|edge| edge.to));
        Ok(graph)
    }

    /// The node of an ID.
    pub fn node_of(&self, id: &str) -> Option<usize> {
        self.at.get(id).copied()
    }

    /// The items this node links to, with the field of each link.
    pub fn up(&self, node: usize) -> impl Iterator<Item = (usize, LinkField)> + '_ {
        self.out.of(node).map(|edge| {
            let edge = self.edges[edge];
            (edge.to, edge.via)
        })
    }

    /// The items that link to this node, with the field of each link.
    pub fn down(&self, node: usize) -> impl Iterator<Item = (usize, LinkField)> + '_ {
        self.into.of(node).map(|edge| {
            let edge = self.edges[edge];
            (edge.from, edge.via)
        })
    }

    /// The items of `kind` that link to this node, each once, in order.
    pub fn down_of_kind(&self, node: usize, kind: ItemKind) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        for (below, _) in self.down(node) {
            if self.nodes[below].kind == kind && !found.contains(&below) {
                found.push(below);
            }
        }
        found
    }

    /// Every node reachable from `start` by following links down (the items that link to
    /// it, those that link to them, ...), `start` first, then in node order.
    pub fn below(&self, start: usize) -> Vec<usize> {
        // A set, not a flag per node: this runs once per asset, and an asset's chain is a
        // small part of a large workspace.
        let mut seen = std::collections::HashSet::from([start]);
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for (below, _) in self.down(node) {
                if seen.insert(below) {
                    stack.push(below);
                }
            }
        }
        seen.remove(&start);
        let mut rest: Vec<usize> = seen.into_iter().collect();
        rest.sort_unstable();
        let mut found = vec![start];
        found.extend(rest);
        found
    }

    /// Each node's layer: 0 for an item that links to nothing, else one more than the
    /// highest layer among the items it links to (the longest path up). A cycle (a
    /// component `part-of` itself through others) is cut where the walk meets it again.
    pub fn layers(&self) -> Vec<usize> {
        const UNSET: usize = usize::MAX;
        let mut layer = vec![UNSET; self.nodes.len()];
        let mut on_path = vec![false; self.nodes.len()];
        for start in 0..self.nodes.len() {
            if layer[start] != UNSET {
                continue;
            }
            // An explicit stack of (node, next edge to look at), so a deep chain does not
            // overflow the thread's stack.
            let mut stack = vec![(start, 0usize)];
            on_path[start] = true;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(edge) = self.out.of(node).nth(*next) {
                    *next += 1;
                    let to = self.edges[edge].to;
                    if layer[to] == UNSET && !on_path[to] {
                        on_path[to] = true;
                        stack.push((to, 0));
                    }
                    continue;
                }
                let highest = (self.out.of(node))
                    .map(|edge| layer[self.edges[edge].to])
                    .filter(|&l| l != UNSET)
                    .map(|l| l + 1)
                    .max()
                    .unwrap_or(0);
                layer[node] = highest;
                on_path[node] = false;
                stack.pop();
            }
        }
        layer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture;

    fn graph_of(text: &str) -> LinkGraph {
        let fixture = fixture::load(text);
        let analysis = fixture.analysis();
        let asts: Vec<_> = analysis
            .files()
            .into_iter()
            .map(|file| (file, analysis.file_ast(file).unwrap()))
            .collect();
        let items = asts.iter().flat_map(|(file, ast)| {
            ast.items.iter().enumerate().map(|(at, item)| {
                let this = ItemRef {
                    file: *file,
                    item: at as u32,
                    kind: item.kind,
                };
                (this, item)
            })
        });
        LinkGraph::build(items, |name| Ok(analysis.name_info(name)?.def())).unwrap()
    }

    fn ids(graph: &LinkGraph, nodes: &[usize]) -> Vec<String> {
        nodes
            .iter()
            .map(|&at| graph.nodes[at].id.to_string())
            .collect()
    }

    const CHAIN: &str = r#"
        //- /a.ward
        asset A1 { kind: data }
        asset A2 { kind: data }
        threat T1 { targets: A1, A2, NOWHERE }
        //- /b.ward
        risk R1 { threat: T1 exploitability: 2 severity: 2 }
        control C1 { mitigates: R1, T1 }
        control C1 { mitigates: R1 }
        verification V1 { verifies: C1 }
        waiver W1 { items: W2 }
        waiver W2 { items: W1 }
    "#;

    #[test]
    fn adjacency_keeps_each_nodes_edges_in_edge_order_and_empty_nodes_empty() {
        // Edges 0..5 owned by nodes 2, 0, 2, 3, 0; node 1 and node 4 own none.
        let owners = [2, 0, 2, 3, 0];
        let adjacency = Adjacency::new(5, owners.iter().copied());
        let of = |node| adjacency.of(node).collect::<Vec<_>>();
        assert_eq!(of(0), [1, 4]);
        assert_eq!(of(1), []);
        assert_eq!(of(2), [0, 2]);
        assert_eq!(of(3), [3]);
        assert_eq!(of(4), []);
    }

    #[test]
    fn every_resolved_link_of_an_accepted_kind_is_an_edge() {
        let graph = graph_of(CHAIN);
        // The duplicate C1 is no node; its link is not followed.
        assert_eq!(
            ids(&graph, &(0..graph.nodes.len()).collect::<Vec<_>>()),
            ["A1", "A2", "T1", "R1", "C1", "V1", "W1", "W2"]
        );
        let edges: Vec<String> = graph
            .edges
            .iter()
            .map(|e| {
                format!(
                    "{}-{}->{}",
                    graph.nodes[e.from].id,
                    e.via.name(),
                    graph.nodes[e.to].id
                )
            })
            .collect();
        // `NOWHERE` names nothing and a control cannot mitigate a threat: neither is an edge.
        assert_eq!(
            edges,
            [
                "T1-targets->A1",
                "T1-targets->A2",
                "R1-threat->T1",
                "C1-mitigates->R1",
                "V1-verifies->C1",
                "W1-items->W2",
                "W2-items->W1",
            ]
        );
    }

    #[test]
    fn layers_are_the_longest_path_up_and_survive_cycles() {
        let graph = graph_of(CHAIN);
        let layers = graph.layers();
        let of = |id: &str| layers[graph.nodes.iter().position(|n| &*n.id == id).unwrap()];
        assert_eq!(["A1", "T1", "R1", "C1", "V1"].map(of), [0, 1, 2, 3, 4]);
        // A waiver may name a waiver: the cycle is cut where the walk meets it again, so
        // one of the two is above the other.
        assert_eq!(of("W1").abs_diff(of("W2")), 1);
    }

    #[test]
    fn below_an_asset_is_its_chain() {
        let graph = graph_of(CHAIN);
        let a2 = graph.nodes.iter().position(|n| &*n.id == "A2").unwrap();
        assert_eq!(
            ids(&graph, &graph.below(a2)),
            ["A2", "T1", "R1", "C1", "V1"]
        );
        let r1 = graph.nodes.iter().position(|n| &*n.id == "R1").unwrap();
        assert_eq!(
            ids(&graph, &graph.down_of_kind(r1, ItemKind::Control)),
            ["C1"]
        );
    }
}
