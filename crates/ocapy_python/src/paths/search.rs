//! Breadth-first search over the object graph, keeping a few parents per object, then the
//! routes to the target enumerated shortest first.
//!
//! Every visited object is held by a strong reference until the search ends, the GIL is held
//! throughout and the collector is paused, so the graph cannot change under the search: no
//! Python code runs (no finalizer either) and no visited object can be freed and its address
//! reused.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use pyo3::ffi;
use pyo3::prelude::*;

use super::edges::{Namer, Ptr, dict_entries, is_gc, referents};

/// Which reference of its parent led to an object.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Slot {
    /// The i-th referent of the parent's traversal (`gc.get_referents(parent)[i]`).
    Traversed(u32),
    /// The i-th of the parent's named edges (frames, and every edge in public mode).
    Named(u32),
    /// The i-th of the parent's object members (objects the collector does not track).
    Member(u32),
    /// The value of a dict's i-th entry.
    DictValue(u32),
    /// The key of a dict's i-th entry (a dict of str keys does not traverse its keys).
    DictKey(u32),
}

/// A position as a slot stores it (4 bytes keep the graph small); a position beyond
/// `u32::MAX` becomes one whose label is not found, so its route is left out, never mislabelled.
fn slot_index(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

#[derive(Copy, Clone, Debug)]
pub(super) struct Parent {
    pub node: u32,
    pub slot: Slot,
}

struct Node {
    /// A strong reference, released when the graph is dropped.
    object: Ptr,
    depth: u32,
    first_parent: Option<Parent>,
}

/// Keys are object addresses (distinct, aligned) and node numbers: a folded multiply
/// spreads both over the table's low bits (which pick the bucket) and high bits.
#[derive(Default)]
pub(super) struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, _bytes: &[u8]) {
        unreachable!("only addresses are hashed")
    }

    fn write_usize(&mut self, address: usize) {
        let product = u128::from(address as u64) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }
}

pub(super) type AddressMap<V> = HashMap<usize, V, BuildHasherDefault<AddressHasher>>;

/// At most this many parents are kept per object (as many as `limit` asks, up to this):
/// memory stays proportional to the objects visited.
const MAX_PARENTS: usize = 32;

/// At most this many partial routes are extended while enumerating routes.
const MAX_ROUTE_WORK: usize = 2_000_000;

/// Which edges the search follows.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Edges {
    All,
    Public,
}

pub(super) struct Limits {
    pub edges: Edges,
    pub max_depth: u32,
    pub limit: usize,
    pub max_objects: Option<usize>,
}

/// The explored part of the graph.
pub(super) struct Graph {
    nodes: Vec<Node>,
    index: AddressMap<u32>,
    more_parents: AddressMap<Vec<Parent>>,
    /// The search stopped at `max_objects` before it was done.
    pub truncated: bool,
    target: Option<u32>,
}

impl Drop for Graph {
    fn drop(&mut self) {
        for node in &self.nodes {
            // SAFETY: each node owns one strong reference; the graph lives only while the
            // GIL is held (it holds raw pointers, so it is neither Send nor Sync).
            unsafe { ffi::Py_DECREF(node.object) };
        }
    }
}

/// Pauses automatic garbage collection (whose finalizers are Python code) while alive.
pub(super) struct CollectorPaused {
    was_enabled: bool,
}

impl CollectorPaused {
    pub(super) fn new() -> Self {
        // SAFETY: the GIL is held by the caller.
        Self {
            was_enabled: unsafe { ffi::PyGC_Disable() } != 0,
        }
    }
}

impl Drop for CollectorPaused {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: the GIL is still held (the guard lives inside the search).
            unsafe { ffi::PyGC_Enable() };
        }
    }
}

impl Graph {
    fn new() -> Self {
        Self {
            nodes: Vec::new(),
            index: AddressMap::default(),
            more_parents: AddressMap::default(),
            truncated: false,
            target: None,
        }
    }

    pub(super) fn visited(&self) -> usize {
        self.nodes.len()
    }

    pub(super) fn object<'py>(&self, py: Python<'py>, node: u32) -> Bound<'py, PyAny> {
        // SAFETY: the node holds a strong reference for the graph's lifetime.
        unsafe { Bound::from_borrowed_ptr(py, self.nodes[node as usize].object) }
    }

    fn add_start(&mut self, object: Ptr) -> u32 {
        let node = u32::try_from(self.nodes.len()).expect("fewer than 2^32 objects");
        // SAFETY: `object` is a live start the caller holds; the node takes a reference.
        unsafe { ffi::Py_INCREF(object) };
        self.nodes.push(Node {
            object,
            depth: 0,
            first_parent: None,
        });
        self.index.insert(object as usize, node);
        node
    }

    /// Records the reference `parent` → `object`: a new node one level down, or one more
    /// parent of a known one. None when `max_objects` stops the search.
    fn reach(
        &mut self,
        object: Ptr,
        parent: Parent,
        cap: usize,
        max_objects: Option<usize>,
    ) -> Option<u32> {
        let next = self.nodes.len();
        match self.index.entry(object as usize) {
            Entry::Occupied(seen) => {
                let node = *seen.get();
                self.add_parent(node, parent, cap);
                Some(node)
            }
            Entry::Vacant(slot) => {
                if max_objects.is_some_and(|max| next >= max) {
                    return None;
                }
                let node = u32::try_from(next).expect("fewer than 2^32 objects");
                slot.insert(node);
                // SAFETY: `object` is live (borrowed from its parent, or a new reference
                // the caller keeps until this returns); the node takes a reference of its own.
                unsafe { ffi::Py_INCREF(object) };
                let depth = self.nodes[parent.node as usize].depth + 1;
                self.nodes.push(Node {
                    object,
                    depth,
                    first_parent: Some(parent),
                });
                Some(node)
            }
        }
    }

    fn add_parent(&mut self, node: u32, parent: Parent, cap: usize) {
        // Every node but a start has its first parent from the moment it is added, and a
        // route never passes through a start twice.
        if cap < 2 || self.nodes[node as usize].depth == 0 {
            return;
        }
        let more = self.more_parents.entry(node as usize).or_default();
        if more.len() + 1 < cap {
            more.push(parent);
        }
    }

    fn parents(&self, node: u32) -> impl Iterator<Item = Parent> + '_ {
        self.nodes[node as usize].first_parent.into_iter().chain(
            self.more_parents
                .get(&(node as usize))
                .into_iter()
                .flatten()
                .copied(),
        )
    }

    fn depth(&self, node: u32) -> u32 {
        self.nodes[node as usize].depth
    }
}

/// Walks from `starts` (depth 0), a level at a time, until the explored graph holds `limit`
/// routes to the target, the depth limit is reached, or `max_objects` objects are visited.
pub(super) fn explore<'py>(
    py: Python<'py>,
    starts: &[Bound<'py, PyAny>],
    target: &Bound<'py, PyAny>,
    limits: &Limits,
    namer: &mut Namer<'py>,
) -> Graph {
    let mut graph = Graph::new();
    let target = target.as_ptr();
    for start in starts {
        if !graph.index.contains_key(&(start.as_ptr() as usize)) {
            let node = graph.add_start(start.as_ptr());
            if start.as_ptr() == target {
                graph.target = Some(node);
            }
        }
    }
    let cap = limits.limit.clamp(1, MAX_PARENTS);
    let mut traversed = Vec::new();
    let mut named = Vec::new();
    let mut entries = Vec::new();
    let mut covered: AddressMap<()> = AddressMap::default();
    let mut cursor = 0;
    let mut level = 0;
    'walk: while cursor < graph.nodes.len() {
        let node = u32::try_from(cursor).expect("fewer than 2^32 objects");
        let depth = graph.depth(node);
        if depth >= limits.max_depth {
            break;
        }
        // Each level explored adds the routes one step longer: stop once there are enough.
        if depth > level {
            level = depth;
            if graph.target.is_some() && routes(&graph, limits).len() >= limits.limit {
                break;
            }
        }
        cursor += 1;
        if Some(node) == graph.target {
            continue; // a route ends at the target, it never passes through it
        }
        let object = graph.object(py, node);
        named.clear();
        traversed.clear();
        // SAFETY: type checks.
        let (is_frame, is_gc, is_dict, is_exact_dict) = unsafe {
            let pointer = object.as_ptr();
            (
                ffi::PyFrame_Check(pointer) != 0,
                is_gc(pointer),
                ffi::PyDict_Check(pointer) != 0,
                ffi::PyDict_CheckExact(pointer) != 0,
            )
        };
        entries.clear();
        match limits.edges {
            Edges::Public => named = namer.public_edges(&object),
            // A running frame's traversal shows almost nothing from 3.11 on: its caller,
            // globals and locals are named edges.
            Edges::All if is_frame => {
                named = namer.named_edges(&object);
                referents(object.as_ptr(), &mut traversed);
            }
            // Objects the collector does not track (code objects) have no referents: what
            // they hold is in their members.
            Edges::All if !is_gc => named = namer.members(&object),
            // A dict of str keys does not traverse its keys: its entries are read instead
            // (all that an exact dict refers to).
            Edges::All if is_dict => {
                dict_entries(object.as_ptr(), &mut entries);
                if !is_exact_dict {
                    referents(object.as_ptr(), &mut traversed);
                }
            }
            Edges::All => referents(object.as_ptr(), &mut traversed),
        }
        // The walk is bound by memory latency: ask for every child's header at once, so the
        // misses overlap instead of queueing one by one below.
        for &child in traversed
            .iter()
            .chain(entries.iter().flat_map(|(k, v)| [k, v]))
        {
            prefetch(child);
        }
        let entry_children = entries
            .iter()
            .enumerate()
            .flat_map(|(index, &(key, value))| {
                [
                    (value, Slot::DictValue(slot_index(index))),
                    (key, Slot::DictKey(slot_index(index))),
                ]
            });
        // What named edges and entries already cover, the traversal repeats.
        covered.clear();
        if !traversed.is_empty() {
            covered.extend(named.iter().map(|edge| (edge.child.as_ptr() as usize, ())));
            covered.extend(
                entry_children
                    .clone()
                    .map(|(child, _)| (child as usize, ())),
            );
        }
        let children = named
            .iter()
            .enumerate()
            .map(|(index, edge)| {
                let slot = if limits.edges == Edges::All && !is_frame {
                    Slot::Member(slot_index(index))
                } else {
                    Slot::Named(slot_index(index))
                };
                (edge.child.as_ptr(), slot)
            })
            .chain(entry_children)
            .chain(
                traversed
                    .iter()
                    .enumerate()
                    .filter(|(_, child)| !covered.contains_key(&(**child as usize)))
                    .map(|(index, &child)| (child, Slot::Traversed(slot_index(index)))),
            );
        for (child, slot) in children {
            if child == object.as_ptr() {
                continue;
            }
            // Leaves (strs, ints ...) refer to nothing: only the target among them matters.
            if child != target && !namer.expands(child, limits.edges == Edges::Public) {
                continue;
            }
            let parent = Parent { node, slot };
            let Some(reached) = graph.reach(child, parent, cap, limits.max_objects) else {
                graph.truncated = true;
                break 'walk;
            };
            if child == target {
                graph.target = Some(reached);
                // Each reference to the target from an explored object ends a route of its
                // own (that object's first-parent chain): with `limit` of them, stop.
                if graph.parents(reached).count() >= limits.limit {
                    break 'walk;
                }
            }
        }
    }
    graph
}

/// Hints the processor to load an object's header (no effect on other architectures).
#[inline]
fn prefetch(object: Ptr) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(object.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = object;
}

/// A route: the start node, then each step's parent edge and the node it reaches.
pub(super) struct FoundRoute {
    pub start: u32,
    pub steps: Vec<(Parent, u32)>,
}

/// Up to `limit` distinct routes from a start to the target, shortest first: a best-first
/// walk back from the target over the recorded parents, each partial route ranked by its
/// length plus its head's depth (which no route to the head can beat), so routes complete
/// in order of length.
pub(super) fn routes(graph: &Graph, limits: &Limits) -> Vec<FoundRoute> {
    let Some(target) = graph.target else {
        return Vec::new();
    };
    // Partial routes share tails: `links[i]` is a step and the index of the step after it.
    let mut links: Vec<(Parent, u32, Option<usize>)> = Vec::new();
    let mut queue = BinaryHeap::new();
    queue.push(Reverse((graph.depth(target), 0u32, target, None::<usize>)));
    let mut found = Vec::new();
    // Enough for `limit` routes through the kept parents, and bounded whatever `limit` is.
    let mut budget = limits
        .limit
        .saturating_mul(10_000)
        .clamp(10_000, MAX_ROUTE_WORK);
    while let Some(Reverse((_, length, head, tail))) = queue.pop() {
        if graph.depth(head) == 0 {
            let mut steps = Vec::new();
            let mut link = tail;
            while let Some(index) = link {
                let (parent, reached, next) = links[index];
                steps.push((parent, reached));
                link = next;
            }
            found.push(FoundRoute { start: head, steps });
            if found.len() == limits.limit {
                break;
            }
            continue;
        }
        for parent in graph.parents(head) {
            if budget == 0 {
                return found;
            }
            budget -= 1;
            let length = length + 1;
            if length + graph.depth(parent.node) > limits.max_depth
                || on_route(&links, head, tail, parent.node)
            {
                continue;
            }
            links.push((parent, head, tail));
            let rank = length + graph.depth(parent.node);
            queue.push(Reverse((rank, length, parent.node, Some(links.len() - 1))));
        }
    }
    found
}

/// Whether `node` is already on the partial route starting at `head`.
fn on_route(
    links: &[(Parent, u32, Option<usize>)],
    head: u32,
    tail: Option<usize>,
    node: u32,
) -> bool {
    let mut link = tail;
    let mut current = head;
    loop {
        if current == node {
            return true;
        }
        let Some(index) = link else {
            return false;
        };
        let (_, reached, next) = links[index];
        current = reached;
        link = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_stay_small() {
        assert!(
            std::mem::size_of::<Node>() <= 24,
            "{}",
            std::mem::size_of::<Node>()
        );
    }
}
