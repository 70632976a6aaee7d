//! The simulation as it was before the fleet kept indexes (a pass over every instance for each
//! task that starts or stops, every member looked at every step), kept to check that the indexed
//! one makes the same choices: same instances, same steps, same bill.

use super::*;
use crate::simulation::testing::us_east_1;
use proptest::prelude::*;

struct OldInstance {
    load: Load,
    /// Tasks of each member running here.
    tasks: Vec<u32>,
    /// Consecutive steps it has been empty.
    empty_for: u32,
    /// Consecutive steps it has been underused with its tasks fitting elsewhere.
    movable_for: u32,
}

/// Where binpack would start `i`'s tasks on the fleet's other instances (largest task first),
/// or `None` when some task fits on none of them. Instances in `skip` take no tasks.
fn old_rehome(fleet: &[OldInstance], i: usize, shapes: &[TaskShape], opt: &InstanceOption, skip: &[bool]) -> Option<Vec<(usize, usize)>> {
    let mut loads: Vec<Load> = fleet.iter().map(|f| f.load).collect();
    let mut tasks: Vec<usize> = Vec::new();
    for (m, &n) in fleet[i].tasks.iter().enumerate() {
        tasks.extend(std::iter::repeat_n(m, n as usize));
    }
    tasks.sort_by_key(|&m| std::cmp::Reverse((shapes[m].memory_mib, shapes[m].cpu_units)));
    let mut moves = Vec::with_capacity(tasks.len());
    for m in tasks {
        let t = &shapes[m];
        let j = (0..fleet.len())
            .filter(|&j| j != i && !skip[j] && fleet[j].load != Load::default() && opt.fits(&loads[j], t))
            .min_by(|&a, &b| {
                let free = |j: usize| (opt.memory_mib - loads[j].mem, opt.cpu_units - loads[j].cpu);
                free(a).cmp(&free(b)).then(a.cmp(&b))
            })?;
        loads[j].add(t, 1);
        moves.push((m, j));
    }
    Some(moves)
}

/// Managed Instances' consolidation at one step: each underused instance whose tasks fit on the
/// others ages; those that have for longer than the delay are drained, least loaded first, onto
/// instances that are not themselves being drained, and leave the fleet empty.
fn old_consolidate(fleet: &mut [OldInstance], shapes: &[TaskShape], opt: &InstanceOption, scale_in_steps: u32) {
    let underused = |l: &Load| {
        f64::from(l.cpu) <= UNDERUSED_SHARE * f64::from(opt.cpu_units) && f64::from(l.mem) <= UNDERUSED_SHARE * f64::from(opt.memory_mib)
    };
    let none = vec![false; fleet.len()];
    for i in 0..fleet.len() {
        let l = fleet[i].load;
        let movable = l != Load::default() && underused(&l) && old_rehome(fleet, i, shapes, opt, &none).is_some();
        fleet[i].movable_for = if movable { fleet[i].movable_for + 1 } else { 0 };
    }
    let mut order: Vec<usize> = (0..fleet.len()).filter(|&i| fleet[i].movable_for > scale_in_steps).collect();
    order.sort_by_key(|&i| (fleet[i].load.mem, fleet[i].load.cpu, i));
    let mut drained = vec![false; fleet.len()];
    for i in order {
        drained[i] = true;
        let Some(moves) = old_rehome(fleet, i, shapes, opt, &drained) else {
            drained[i] = false;
            continue;
        };
        for (m, j) in moves {
            fleet[j].load.add(&shapes[m], 1);
            fleet[j].tasks[m] += 1;
            fleet[j].movable_for = 0;
        }
        fleet[i].tasks.iter_mut().for_each(|n| *n = 0);
        fleet[i].load = Load::default();
        fleet[i].movable_for = 0;
        // Drained now: it terminates with no further delay.
        fleet[i].empty_for = scale_in_steps + 1;
    }
}

/// Runs ECS's placement and managed scaling over the steps on instances of option `o`. `None`
/// when the group's instance-steps pass `limit` (a cheaper type is already known).
fn reference_run_group(
    workloads: &[Workload],
    members: &[usize],
    options: &[InstanceOption],
    o: usize,
    steps: usize,
    scaling: Scaling,
    limit: u64,
) -> Option<GroupRun> {
    let opt = &options[o];
    let empty = Load::default();
    let shapes: Vec<TaskShape> = members.iter().map(|&w| workloads[w].shape).collect();
    let fits_at_all: Vec<bool> = shapes.iter().map(|t| opt.fits(&empty, t)).collect();
    let mut fleet: Vec<OldInstance> = Vec::new();
    let mut running = vec![0u32; members.len()];
    let mut per_step = Vec::with_capacity(steps);
    let mut unplaced_at = vec![false; steps];
    let mut instance_steps = 0u64;
    for (step, unplaced) in unplaced_at.iter_mut().enumerate() {
        // Scale-in first: each stopped task is the service's task on the emptiest instance.
        for (m, &w) in members.iter().enumerate() {
            let want = workloads[w].counts[step];
            while running[m] > want {
                let i = (0..fleet.len())
                    .filter(|&i| fleet[i].tasks[m] > 0)
                    .max_by(|&a, &b| {
                        let free = |i: usize| (opt.memory_mib - fleet[i].load.mem, opt.cpu_units - fleet[i].load.cpu);
                        free(a).cmp(&free(b)).then(b.cmp(&a))
                    })
                    .expect("a running task is on some instance");
                fleet[i].tasks[m] -= 1;
                fleet[i].load.sub(&shapes[m], 1);
                running[m] -= 1;
            }
        }
        // Scale-out: binpack on memory, then a new instance when none holds the task.
        for (m, &w) in members.iter().enumerate() {
            let want = workloads[w].counts[step];
            if !fits_at_all[m] {
                if want > 0 {
                    *unplaced = true;
                }
                continue;
            }
            while running[m] < want {
                let t = &shapes[m];
                let best = (0..fleet.len()).filter(|&i| opt.fits(&fleet[i].load, t)).min_by(|&a, &b| {
                    let free = |i: usize| (opt.memory_mib - fleet[i].load.mem, opt.cpu_units - fleet[i].load.cpu);
                    free(a).cmp(&free(b)).then(a.cmp(&b))
                });
                let i = match best {
                    Some(i) => i,
                    None => {
                        fleet.push(OldInstance {
                            load: Load::default(),
                            tasks: vec![0; members.len()],
                            empty_for: 0,
                            movable_for: 0,
                        });
                        fleet.len() - 1
                    }
                };
                fleet[i].load.add(t, 1);
                fleet[i].tasks[m] += 1;
                fleet[i].empty_for = 0;
                running[m] += 1;
            }
        }
        if scaling.consolidate {
            old_consolidate(&mut fleet, &shapes, opt, scaling.scale_in_steps);
        }
        // Managed scaling: keep the spare instances the target capacity asks for.
        let busy = fleet.iter().filter(|i| i.load != empty).count() as u64;
        let wanted = (busy * 100).div_ceil(u64::from(scaling.target_capacity_pct)) as usize;
        while fleet.len() < wanted {
            fleet.push(OldInstance {
                load: Load::default(),
                tasks: vec![0; members.len()],
                empty_for: 0,
                movable_for: 0,
            });
        }
        // Empty instances age; those empty longer than the delay go, oldest-empty first, as long
        // as `wanted` remain. An instance is billed for every step it runs, empty or not.
        for i in fleet.iter_mut().filter(|i| i.load == empty) {
            i.empty_for = i.empty_for.saturating_add(1);
        }
        let mut spare = fleet.len().saturating_sub(wanted);
        if spare > 0 {
            let mut order: Vec<usize> = (0..fleet.len())
                .filter(|&i| fleet[i].load == empty && fleet[i].empty_for > scaling.scale_in_steps)
                .collect();
            order.sort_by(|&a, &b| fleet[b].empty_for.cmp(&fleet[a].empty_for).then(b.cmp(&a)));
            let mut gone = vec![false; fleet.len()];
            for i in order {
                if spare == 0 {
                    break;
                }
                gone[i] = true;
                spare -= 1;
            }
            let mut k = 0;
            fleet.retain(|_| {
                k += 1;
                !gone[k - 1]
            });
        }
        per_step.push(fleet.len() as u32);
        instance_steps += fleet.len() as u64;
        if instance_steps > limit {
            return None;
        }
    }
    let unplaceable = members
        .iter()
        .zip(&fits_at_all)
        .filter(|(&w, &fits)| !fits && workloads[w].counts.iter().take(steps).any(|&n| n > 0))
        .map(|(&w, _)| w)
        .collect();
    Some(GroupRun {
        option: o,
        members: members.to_vec(),
        per_step,
        instance_steps,
        unplaced_at,
        unplaceable,
    })
}

proptest! {
    #![proptest_config(crate::simulation::testing::cases(256))]
    /// The indexed fleet and the pass-over-every-instance one launch, place, stop and terminate
    /// alike: every step's instance count, the unplaced steps and the bill are equal, with and
    /// without consolidation, awsvpc tasks bound by ENIs, spare capacity and a cost limit.
    #[test]
    fn the_indexed_fleet_decides_as_the_full_scan_did(
        counts in prop::collection::vec(prop::collection::vec(0u32..9, 40), 1..9),
        sizes in prop::collection::vec((prop::sample::select(vec![(256u32, 512u32), (512, 1024), (1024, 2048), (2048, 4096), (1024, 7168), (4096, 30720), (16384, 8192)]), any::<bool>(), any::<bool>()), 8),
        option in 0usize..5,
        delay in 0u32..4,
        target in prop::sample::select(vec![100u32, 90, 60]),
        consolidate in any::<bool>(),
        limit in prop::option::of(0u64..400),
    ) {
        let opts = us_east_1(&["m6i.large", "m6i.xlarge", "c6i.xlarge", "r6i.large", "m7g.large"], &[]);
        let w: Vec<Workload> = counts.iter().enumerate().map(|(i, c)| {
            let ((cpu, mem), awsvpc, arm_ok) = sizes[i];
            Workload { service: i, shape: TaskShape { cpu_units: cpu, memory_mib: mem, awsvpc, arm_ok }, counts: c.clone() }
        }).collect();
        let members: Vec<usize> = (0..w.len()).collect();
        let scaling = Scaling { scale_in_steps: delay, target_capacity_pct: target, consolidate };
        let limit = limit.unwrap_or(u64::MAX);
        let steps = 40;
        let changes = Changes::new(&w, &members, steps);
        // The bound on the steps to come, as `best_group` passes it: only where every task fits.
        let empty = Load::default();
        let rest = if w.iter().all(|w| opts[option].fits(&empty, &w.shape)) {
            rest_of(&demand_of(&w, &members, steps), &opts[option])
        } else {
            Vec::new()
        };
        let new = run_group(&w, &members, &changes, &opts, option, steps, scaling, Limit { steps: limit, rest: &rest });
        let old = reference_run_group(&w, &members, &opts, option, steps, scaling, limit);
        prop_assert_eq!(new.is_some(), old.is_some());
        if let (Some(new), Some(old)) = (new, old) {
            prop_assert_eq!(new.per_step, old.per_step);
            prop_assert_eq!(new.instance_steps, old.instance_steps);
            prop_assert_eq!(new.unplaced_at, old.unplaced_at);
            prop_assert_eq!(new.unplaceable, old.unplaceable);
        }
    }
}
