//! Binpack's index of a group's instances by free memory and CPU.

use std::collections::BTreeSet;

/// Binpack's index: the instances' (free memory, free CPU, id) in order, split by free CPU at the
/// tasks' own CPU sizes, so that a task looks only among instances with the CPU for it. In one
/// ordered set, a task on a fleet short of CPU would walk up past every instance with memory to
/// spare but not the CPU; here it reads the first entry at or above its memory in each part
/// with enough CPU (at most `PARTS`), and walks only the part its size falls in when the sizes
/// are more than that. An instance with less CPU than every task is not kept.
pub(super) struct FreeIndex {
    /// Ascending: part `k` holds free CPU from `floors[k]` up to (not including) `floors[k + 1]`.
    floors: Vec<u32>,
    parts: Vec<BTreeSet<(u32, u32, u64)>>,
}

/// The most parts of a `FreeIndex`: a task reads one entry in each part above its own. Fewer
/// under test, so that the property test's groups have more sizes than parts.
#[cfg(not(test))]
const PARTS: usize = 8;
#[cfg(test)]
const PARTS: usize = 2;

impl FreeIndex {
    /// An index for tasks of these CPU sizes.
    pub(super) fn new(cpus: impl Iterator<Item = u32>) -> FreeIndex {
        let mut sizes: Vec<u32> = cpus.collect();
        sizes.sort_unstable();
        sizes.dedup();
        let floors: Vec<u32> = if sizes.len() <= PARTS {
            sizes
        } else {
            // Evenly by rank, the smallest first: every size is at or above some floor.
            (0..PARTS).map(|k| sizes[k * sizes.len() / PARTS]).collect()
        };
        FreeIndex {
            parts: vec![BTreeSet::new(); floors.len()],
            floors,
        }
    }

    /// The part that holds free CPU `cpu`; `None` below every task's CPU.
    fn part(&self, cpu: u32) -> Option<usize> {
        self.floors.partition_point(|&f| f <= cpu).checked_sub(1)
    }

    pub(super) fn insert(&mut self, key: (u32, u32, u64)) {
        if let Some(k) = self.part(key.1) {
            self.parts[k].insert(key);
        }
    }

    pub(super) fn remove(&mut self, key: &(u32, u32, u64)) {
        if let Some(k) = self.part(key.1) {
            self.parts[k].remove(key);
        }
    }

    /// The id of the least (free memory, free CPU, id) with at least `mem` and `cpu` free.
    pub(super) fn least(&self, mem: u32, cpu: u32) -> Option<u64> {
        self.least_where(mem, cpu, |_| true)
    }

    /// `least` among the ids `usable` admits.
    pub(super) fn least_where(&self, mem: u32, cpu: u32, usable: impl Fn(u64) -> bool) -> Option<u64> {
        let k = self.part(cpu)?;
        // In `cpu`'s own part, the entries below it are passed over; above it, every entry has
        // the CPU, and the first at or above `mem` is that part's least.
        let own = self.parts[k].range((mem, 0, 0)..).find(|&&(_, c, id)| c >= cpu && usable(id));
        own.into_iter()
            .chain(
                self.parts[k + 1..]
                    .iter()
                    .filter_map(|p| p.range((mem, 0, 0)..).find(|&&(_, _, id)| usable(id))),
            )
            .min()
            .map(|&(_, _, id)| id)
    }
}
