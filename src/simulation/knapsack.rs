//! The pricing step of column generation: the most valuable set of tasks one instance can hold,
//! a bounded knapsack in three dimensions (CPU units, memory, ENIs). Solved exactly by depth-first
//! branch and bound, pruned by fractional relaxations of single and combined dimensions. With a
//! node limit it may stop early; it then still returns a valid upper bound, which is what keeps the
//! optimizer's lower bound honest.

/// Below this a value gain counts as none.
const EPS: f64 = 1e-9;

/// Nodes searched once a set above the target is found.
const AFTER_TARGET_NODES: u64 = 2_000;

/// Multipliers of (CPU, memory, ENIs), each dimension relative to the instance's capacity.
const SURROGATES: [[f64; 3]; 9] = [
    [1.0, 0.0, 0.0],
    [0.0, 1.0, 0.0],
    [0.0, 0.0, 1.0],
    [0.5, 0.5, 0.0],
    [0.25, 0.75, 0.0],
    [0.75, 0.25, 0.0],
    [0.5, 0.0, 0.5],
    [0.0, 0.5, 0.5],
    [0.34, 0.33, 0.33],
];

#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub value: f64,
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// 1 for an awsvpc task, which takes an ENI.
    pub enis: u32,
    /// At most this many copies.
    pub max: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct Capacity {
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub enis: u32,
}

#[derive(Clone, Debug)]
pub struct Knapsack {
    /// Copies of each item, in the order given.
    pub counts: Vec<u32>,
    pub value: f64,
    /// No feasible set is worth more than this; equals `value` when solved to optimality.
    pub upper_bound: f64,
    pub nodes: u64,
}

struct Search {
    items: Vec<Item>,
    /// Per relaxation: its multipliers, item weights, and the items by value per weight.
    relaxations: Vec<([f64; 3], Vec<f64>, Vec<usize>)>,
    cap: Capacity,
    best: f64,
    target: f64,
    best_counts: Vec<u32>,
    counts: Vec<u32>,
    nodes: u64,
    node_limit: u64,
    aborted: bool,
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

/// Above this many states the dynamic program is not attempted.
const MAX_DP_STATES: usize = 400_000;

/// The exact best value within each of `caps`, by dynamic programming over (ENIs, CPU, memory)
/// in units of the items' greatest common divisors (Fargate sizes are multiples of 256 CPU units
/// and 512 MiB, so an instance is a small grid). One table serves every capacity inside the
/// largest. Also returns the cell updates made. `None` when the grid would be too large.
pub fn exact_values(items: &[Item], caps: &[Capacity]) -> Option<(Vec<f64>, u64)> {
    let used: Vec<&Item> = items.iter().filter(|it| it.value > EPS && it.max > 0).collect();
    if used.is_empty() {
        return Some((vec![0.0; caps.len()], 0));
    }
    let gcd = |a: u32, b: u32| {
        let (mut a, mut b) = (a, b);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let gc = used.iter().fold(0, |g, it| gcd(g, it.cpu_units)).max(1);
    let gm = used.iter().fold(0, |g, it| gcd(g, it.memory_mib)).max(1);
    let eni_items: u64 = used.iter().filter(|it| it.enis > 0).map(|it| u64::from(it.max)).sum();
    let total = |f: fn(&Item) -> u32| used.iter().map(|it| u64::from(f(it)) * u64::from(it.max)).sum::<u64>();
    // Axis lengths: never beyond what all the items together could use.
    let max_c = caps.iter().map(|c| c.cpu_units).max()?;
    let max_m = caps.iter().map(|c| c.memory_mib).max()?;
    let max_e = caps.iter().map(|c| c.enis).max()?;
    let nc = (u64::from(max_c / gc)).min(total(|i| i.cpu_units) / u64::from(gc)) as usize + 1;
    let nm = (u64::from(max_m / gm)).min(total(|i| i.memory_mib) / u64::from(gm)) as usize + 1;
    let ne = u64::from(max_e).min(eni_items) as usize + 1;
    let states = nc.checked_mul(nm)?.checked_mul(ne)?;
    if states > MAX_DP_STATES {
        return None;
    }
    let mut f = vec![0.0f64; states];
    let mut cells = 0u64;
    let idx = |e: usize, c: usize, m: usize| (e * nc + c) * nm + m;
    for it in used {
        let wc = (it.cpu_units / gc) as usize;
        let wm = (it.memory_mib / gm) as usize;
        let we = it.enis as usize;
        // Bounded copies as 0/1 items of 1, 2, 4, ... copies.
        let mut left = it.max;
        let mut k = 1u32;
        while left > 0 {
            let take = k.min(left);
            left -= take;
            k *= 2;
            let (dc, dm, de) = (wc * take as usize, wm * take as usize, we * take as usize);
            if dc >= nc || dm >= nm || de >= ne {
                continue;
            }
            let v = it.value * f64::from(take);
            cells += ((ne - de) * (nc - dc) * (nm - dm)) as u64;
            for e in (de..ne).rev() {
                for c in (dc..nc).rev() {
                    let row = idx(e, c, 0);
                    let from = idx(e - de, c - dc, 0);
                    for m in (dm..nm).rev() {
                        let cand = f[from + m - dm] + v;
                        if cand > f[row + m] {
                            f[row + m] = cand;
                        }
                    }
                }
            }
        }
    }
    let values = caps
        .iter()
        .map(|cap| {
            let c = ((cap.cpu_units / gc) as usize).min(nc - 1);
            let m = ((cap.memory_mib / gm) as usize).min(nm - 1);
            let e = (cap.enis as usize).min(ne - 1);
            f[idx(e, c, m)]
        })
        .collect();
    Some((values, cells))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(value: f64, cpu: u32, mem: u32, enis: u32, max: u32) -> Item {
        Item {
            value,
            cpu_units: cpu,
            memory_mib: mem,
            enis,
            max,
        }
    }

    #[test]
    fn finds_the_optimum_greedy_misses() {
        // Greedy by density takes the 3-unit item; the best is two 2-unit ones.
        let items = [item(3.1, 3, 0, 0, 1), item(2.0, 2, 0, 0, 2)];
        let k = solve(
            &items,
            Capacity {
                cpu_units: 4,
                memory_mib: 10,
                enis: 5,
            },
            0.0,
            1_000,
        );
        assert_eq!(k.counts, vec![0, 2]);
        assert!((k.value - 4.0).abs() < 1e-12 && k.upper_bound == k.value);
    }

    #[test]
    fn respects_the_eni_limit() {
        let items = [item(1.0, 1, 1, 1, 10)];
        let k = solve(
            &items,
            Capacity {
                cpu_units: 100,
                memory_mib: 100,
                enis: 2,
            },
            0.0,
            1_000,
        );
        assert_eq!(k.counts, vec![2]);
    }

    fn brute(items: &[Item], cap: Capacity) -> f64 {
        fn go(items: &[Item], cap: Capacity, k: usize) -> f64 {
            if k == items.len() {
                return 0.0;
            }
            let it = items[k];
            let mut best: f64 = 0.0;
            for c in 0..=it.max {
                if c * it.cpu_units > cap.cpu_units || c * it.memory_mib > cap.memory_mib || c * it.enis > cap.enis {
                    break;
                }
                let r = Capacity {
                    cpu_units: cap.cpu_units - c * it.cpu_units,
                    memory_mib: cap.memory_mib - c * it.memory_mib,
                    enis: cap.enis - c * it.enis,
                };
                best = best.max(f64::from(c) * it.value + go(items, r, k + 1));
            }
            best
        }
        go(items, cap, 0)
    }

    proptest! {
        #[test]
        fn matches_brute_force(
            raw in prop::collection::vec((0.0f64..5.0, 1u32..9, 1u32..9, 0u32..2, 1u32..4), 1..6),
            cpu in 4u32..20, mem in 4u32..20, enis in 0u32..4, target in 0.0f64..10.0,
        ) {
            let items: Vec<Item> = raw.iter().map(|&(v, c, m, e, n)| item(v, c, m, e, n)).collect();
            let cap = Capacity { cpu_units: cpu, memory_mib: mem, enis };
            let k = solve(&items, cap, 0.0, u64::MAX);
            let best = brute(&items, cap);
            prop_assert!((k.value - best).abs() < 1e-9);
            // With a target, the answer is exact above it and the bound covers the rest.
            let t = solve(&items, cap, target, u64::MAX);
            prop_assert!(t.upper_bound + 1e-9 >= best);
            if best > target + 1e-9 {
                prop_assert!((t.value - best).abs() < 1e-9);
            }
            // What it returns fits and is worth what it says.
            let used = |f: fn(&Item) -> u32| items.iter().zip(&k.counts).map(|(it, &c)| f(it) * c).sum::<u32>();
            prop_assert!(used(|i| i.cpu_units) <= cpu && used(|i| i.memory_mib) <= mem && used(|i| i.enis) <= enis);
            let limited = solve(&items, cap, 0.0, 3);
            let dp = exact_values(&items, &[cap, Capacity { cpu_units: cpu / 2, memory_mib: mem, enis }]).unwrap().0;
            prop_assert!((dp[0] - best).abs() < 1e-9);
            let half = Capacity { cpu_units: cpu / 2, memory_mib: mem, enis };
            prop_assert!((dp[1] - brute(&items, half)).abs() < 1e-9);
            prop_assert!(limited.upper_bound + 1e-9 >= k.value);
        }
    }
}
