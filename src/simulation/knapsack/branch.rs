//! Depth-first branch and bound, pruned by fractional relaxations of single and combined
//! dimensions; with a node limit it still returns a valid upper bound.

use super::*;

pub(super) struct Search {
    pub(super) items: Vec<Item>,
    /// Per relaxation: its multipliers, item weights, and the items by value per weight.
    pub(super) relaxations: Vec<([f64; 3], Vec<f64>, Vec<usize>)>,
    pub(super) cap: Capacity,
    pub(super) best: f64,
    pub(super) target: f64,
    pub(super) best_counts: Vec<u32>,
    pub(super) counts: Vec<u32>,
    pub(super) nodes: u64,
    pub(super) node_limit: u64,
    pub(super) aborted: bool,
}

/// The best set of copies of `items` within `cap`, searching at most `node_limit` nodes.
///
/// Only sets worth more than `target` matter: branches that cannot beat it are cut, so when the
/// best is below `target` the search proves only that (the upper bound is then `target`). Column
/// generation asks exactly this question, and it is far quicker to answer.
pub fn solve(items: &[Item], cap: Capacity, target: f64, node_limit: u64) -> Knapsack {
    let n = items.len();
    // Fits alone, and worth something: the rest are left out of the search.
    let max_of = |it: &Item| {
        let by = |need: u32, room: u32| room.checked_div(need).unwrap_or(u32::MAX);
        it.max
            .min(by(it.cpu_units, cap.cpu_units))
            .min(by(it.memory_mib, cap.memory_mib))
            .min(by(it.enis, cap.enis))
    };
    let mut order: Vec<usize> = (0..n).filter(|&i| items[i].value > EPS && max_of(&items[i]) > 0).collect();
    let norm = |need: u32, room: u32| if room == 0 { 0.0 } else { f64::from(need) / f64::from(room) };
    let size = |it: &Item| norm(it.cpu_units, cap.cpu_units) + norm(it.memory_mib, cap.memory_mib) + norm(it.enis, cap.enis);
    order.sort_by(|&a, &b| {
        let da = items[a].value / size(&items[a]).max(EPS);
        let db = items[b].value / size(&items[b]).max(EPS);
        db.total_cmp(&da).then(a.cmp(&b))
    });
    let local: Vec<Item> = order
        .iter()
        .map(|&i| Item {
            max: max_of(&items[i]),
            ..items[i]
        })
        .collect();
    // Surrogate relaxations: CPU and memory mixed in several proportions, ENIs alone and mixed in.
    // The least of their fractional bounds prunes the search.
    let dims: Vec<[f64; 3]> = SURROGATES.to_vec();
    let relaxations = dims
        .iter()
        .map(|w| {
            let ws: Vec<f64> = local
                .iter()
                .map(|it| {
                    w[0] * norm(it.cpu_units, cap.cpu_units) + w[1] * norm(it.memory_mib, cap.memory_mib) + w[2] * norm(it.enis, cap.enis)
                })
                .collect();
            let mut ord: Vec<usize> = (0..local.len()).collect();
            ord.sort_by(|&a, &b| {
                let ra = if ws[a] == 0.0 { f64::INFINITY } else { local[a].value / ws[a] };
                let rb = if ws[b] == 0.0 { f64::INFINITY } else { local[b].value / ws[b] };
                rb.total_cmp(&ra).then(a.cmp(&b))
            });
            (*w, ws, ord)
        })
        .collect();
    let mut s = Search {
        counts: vec![0; local.len()],
        best_counts: vec![0; local.len()],
        items: local,
        relaxations,
        cap,
        best: 0.0,
        target,
        nodes: 0,
        node_limit,
        aborted: false,
    };
    let root_bound = s.bound(0, cap);
    s.dfs(0, cap, 0.0);
    let mut counts = vec![0; n];
    for (k, &i) in order.iter().enumerate() {
        counts[i] = s.best_counts[k];
    }
    Knapsack {
        counts,
        value: s.best,
        upper_bound: if s.aborted {
            root_bound.max(s.best)
        } else {
            s.best.max(target.min(root_bound))
        },
        nodes: s.nodes,
    }
}

impl Search {
    /// An upper bound on what items `k..` can add within `room`: the least of the fractional
    /// relaxations.
    fn bound(&self, k: usize, room: Capacity) -> f64 {
        let mut best = f64::INFINITY;
        let norm = |need: u32, cap: u32| if cap == 0 { 0.0 } else { f64::from(need) / f64::from(cap) };
        let rooms = [
            norm(room.cpu_units, self.cap.cpu_units),
            norm(room.memory_mib, self.cap.memory_mib),
            norm(room.enis, self.cap.enis),
        ];
        for (w, ws, ord) in &self.relaxations {
            let mut left = w[0] * rooms[0] + w[1] * rooms[1] + w[2] * rooms[2];
            let mut v = 0.0;
            for &i in ord {
                if i < k {
                    continue;
                }
                let it = &self.items[i];
                let w = ws[i];
                if w == 0.0 {
                    v += it.value * f64::from(it.max);
                    continue;
                }
                let take = (left / w).min(f64::from(it.max));
                if take <= 0.0 {
                    break;
                }
                v += take * it.value;
                left -= take * w;
            }
            best = best.min(v);
        }
        best
    }

    fn dfs(&mut self, k: usize, room: Capacity, value: f64) {
        self.nodes += 1;
        if value > self.best + EPS {
            if self.best <= self.target && value > self.target {
                // A set worth more than the target is what the caller needs; a little more
                // search may find a better one, an exhaustive one rarely pays.
                self.node_limit = self.node_limit.min(self.nodes + AFTER_TARGET_NODES);
            }
            self.best = value;
            self.best_counts.clone_from(&self.counts);
        }
        if k == self.items.len() {
            return;
        }
        if self.nodes >= self.node_limit {
            self.aborted = true;
            return;
        }
        if value + self.bound(k, room) <= self.best.max(self.target) + EPS {
            return;
        }
        let it = self.items[k];
        let by = |need: u32, r: u32| r.checked_div(need).unwrap_or(u32::MAX);
        let most = it
            .max
            .min(by(it.cpu_units, room.cpu_units))
            .min(by(it.memory_mib, room.memory_mib))
            .min(by(it.enis, room.enis));
        for c in (0..=most).rev() {
            self.counts[k] = c;
            let r = Capacity {
                cpu_units: room.cpu_units - c * it.cpu_units,
                memory_mib: room.memory_mib - c * it.memory_mib,
                enis: room.enis - c * it.enis,
            };
            self.dfs(k + 1, r, value + f64::from(c) * it.value);
            if self.aborted {
                break;
            }
        }
        self.counts[k] = 0;
    }
}
