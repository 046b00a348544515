//! Crash test for `cfgc apply`: SIGKILL it at random moments while it
//! rewrites multi-megabyte outputs, and check that every output is always
//! absent or a complete rendering, never torn, and that stale temp files
//! never carry a wider mode than their output.
//!
//! Run with `-- --nocapture` to see the counts (kills, interrupted writes,
//! stale temp files). The kill times come from a seeded PRNG; the base seed
//! can be set with `CFGC_CRASH_SEED` (decimal or 0x-hex) to replay a run's
//! schedule (timing still varies from machine to machine).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::Project;
use crate::common::rng::Rng;

/// The value that tells configuration A from B; every output prints it at
/// the top and bottom of its padding, so every apply changes every file.
const MARKS: [&str; 2] = ["alpha", "beta"];
/// Padding per output: 5,000 lines of 750 bytes, about 3.7 MB, so writing
/// and fsyncing the outputs is a quarter of a run and often hit by a kill.
/// (Long lines: rendering and diffing cost per line, writing per byte.)
const PADDING_LINES: usize = 5_000;
const PADDING_REPEAT: usize = 10;
const ITERATIONS: u64 = 60;
/// Under CPU load the write phase is a smaller share of a run (fsync does not
/// slow down, rendering does): go on, within these bounds, until
/// `AIM_WRITE_PHASE_KILLS` kills have landed in it.
const MAX_ITERATIONS: u64 = 300;
/// Two CI runs on a quiet machine stopped at 60 s with 0 and 2 such kills of 46 and 51.
const LOOP_BUDGET: Duration = Duration::from_secs(150);
const AIM_WRITE_PHASE_KILLS: usize = 5;
/// The machine is shared: its speed drifts, so the kill window is timed
/// again every this many iterations.
const RETIME_EVERY: u64 = 10;
const DEFAULT_SEED: u64 = 0x5eed_cf9c_a991_0001;
/// Below these, the run proves nothing: the kills missed the process, or
/// missed the write phase.
const MIN_KILLS: usize = 5;
const MIN_WRITE_PHASE_KILLS: usize = 3;

const LOCK_FILE: &str = ".cfgc.lock";

fn base_seed() -> u64 {
    let Ok(text) = std::env::var("CFGC_CRASH_SEED") else {
        return DEFAULT_SEED;
    };
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.expect("CFGC_CRASH_SEED is a decimal or 0x-hex u64")
}

/// A copy of the example whose every output is several MB and carries
/// `CRASH_MARK`, declared in the copy's schema. Its deploy/ starts empty.
struct BigProject {
    project: Project,
    base_yaml: String,
    /// The copy's schema; `set_mark` writes it with the mark in CRASH_MARK's description.
    schema: serde_json::Value,
}

impl BigProject {
    fn new(mark: &str) -> BigProject {
        let project = Project::example();
        let deploy = project.path("deploy");
        if deploy.exists() {
            std::fs::remove_dir_all(&deploy).expect("empty the copy's deploy/");
        }

        let mut schema: serde_json::Value =
            serde_json::from_str(&project.read("schema/env.schema.json"))
                .expect("the example's schema is JSON");
        schema["properties"]["CRASH_MARK"] = serde_json::json!({
            "type": "string",
            "pattern": "^[a-z]+$"
        });

        let line = "# padding of the crash test: apply is killed mid-write, never a torn file."
            .repeat(PADDING_REPEAT);
        let padding = format!(
            "# begin {{{{ CRASH_MARK }}}}\n\
             {{% for i in range({PADDING_LINES}) %}}{line}\n{{% endfor %}}\
             # end {{{{ CRASH_MARK }}}}\n"
        );
        let templates = project.path("templates");
        for entry in std::fs::read_dir(&templates).expect("read the copy's templates") {
            let path = entry.expect("template entry").path();
            if path.extension().is_some_and(|e| e == "j2") {
                let text = std::fs::read_to_string(&path).expect("read a template");
                let text = format!("{}\n{padding}", text.trim_end_matches('\n'));
                std::fs::write(&path, text).expect("write a template");
            }
        }

        let big = BigProject {
            base_yaml: project.read("environments/base.yaml"),
            project,
            schema,
        };
        big.set_mark(mark);
        big
    }

    fn set_mark(&self, mark: &str) {
        // The mark in the schema too: the generated loader (deploy/app/src/config.ts) is made
        // from the schema alone, and must differ between A and B like every output.
        let mut schema = self.schema.clone();
        schema["properties"]["CRASH_MARK"]["description"] = serde_json::json!(format!(
            "Which configuration ({mark}) the crash test renders."
        ));
        std::fs::write(
            self.project.path("schema/env.schema.json"),
            serde_json::to_string_pretty(&schema).expect("a JSON value serialises"),
        )
        .expect("write the copy's schema");
        std::fs::write(
            self.project.path("environments/base.yaml"),
            format!("{}CRASH_MARK: {mark}\n", self.base_yaml),
        )
        .expect("write base.yaml");
    }

    fn spawn_apply(&self) -> std::process::Child {
        self.project
            .command(&["apply", "--yes"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn cfgc apply")
    }

    /// A complete apply, spawned as in the crash loop; returns how long it took.
    fn apply(&self) -> Duration {
        let start = Instant::now();
        let out = self
            .spawn_apply()
            .wait_with_output()
            .expect("wait for cfgc apply");
        let took = start.elapsed();
        assert!(
            out.status.success(),
            "a full apply fails ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        took
    }
}

/// What deploy/ holds: outputs (relative path under the project → bytes
/// and mode), stale temp files, and anything else.
#[derive(Default)]
struct Scan {
    outputs: BTreeMap<String, (Vec<u8>, u32)>,
    temps: Vec<(String, Vec<u8>, u32)>,
    strays: Vec<String>,
}

fn scan(project: &Project) -> Scan {
    let mut found = Scan::default();
    let deploy = project.path("deploy");
    if deploy.exists() {
        walk(project.dir.path(), &deploy, &mut found);
    }
    found
}

fn walk(root: &Path, dir: &Path, found: &mut Scan) {
    for entry in std::fs::read_dir(dir).expect("read a deploy folder") {
        let entry = entry.expect("deploy entry");
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .expect("under the project")
            .to_string_lossy()
            .into_owned();
        let meta = std::fs::symlink_metadata(&path).expect("stat a deploy entry");
        if meta.is_dir() {
            walk(root, &path, found);
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !meta.is_file() {
            found.strays.push(rel);
        } else if name == LOCK_FILE {
            // Allowed (today the lock lives at the project root, not here).
        } else {
            let bytes = std::fs::read(&path).expect("read a deploy file");
            let mode = meta.permissions().mode() & 0o7777;
            if name.starts_with(".cfgc-") && name.ends_with(".tmp") {
                found.temps.push((rel, bytes, mode));
            } else {
                found.outputs.insert(rel, (bytes, mode));
            }
        }
    }
}

/// The complete rendering of one configuration.
fn reference(mark: &str) -> BTreeMap<String, (Vec<u8>, u32)> {
    let big = BigProject::new(mark);
    big.apply();
    let found = scan(&big.project);
    assert!(
        found.temps.is_empty() && found.strays.is_empty(),
        "a completed apply leaves {:?} {:?}",
        found.temps.iter().map(|t| &t.0).collect::<Vec<_>>(),
        found.strays
    );
    assert!(!found.outputs.is_empty(), "apply of {mark} wrote nothing");
    found.outputs
}

fn folder(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[test]
fn killing_apply_never_leaves_a_torn_file() {
    let started = Instant::now();
    let renderings = [reference(MARKS[0]), reference(MARKS[1])];
    for (path, (a, _)) in &renderings[0] {
        let b = renderings[1].get(path).map(|r| &r.0);
        assert_ne!(
            Some(a),
            b,
            "{path} is the same in A and B: the test needs both to differ"
        );
    }
    let expected: BTreeSet<&String> = renderings.iter().flat_map(|r| r.keys()).collect();
    let sizes: Vec<String> = renderings[0]
        .iter()
        .map(|(p, (b, m))| format!("{p} {} bytes {m:o}", b.len()))
        .collect();
    println!("outputs of A: {}", sizes.join(", "));

    let big = BigProject::new(MARKS[0]);
    let check = big.project.args(["check"]).run();
    assert_eq!(
        check.code,
        0,
        "the padded example must pass check:\n{}",
        check.transcript()
    );

    // How long a change-apply takes now: the kill window. Timed on another
    // copy, flipped between A and B, so the crash copy starts empty.
    let timing = BigProject::new(MARKS[0]);
    timing.apply();
    let mut timed_mark = 0;
    let mut time_apply = || {
        timed_mark = 1 - timed_mark;
        timing.set_mark(MARKS[timed_mark]);
        timing.apply()
    };
    let mut window = (time_apply() + time_apply()) / 2;
    let mut windows = vec![window];

    let seed = base_seed();
    let mut killed = 0;
    let mut completed = 0;
    let mut write_phase = 0;
    let mut partial_applies = 0;
    let mut temps_created = 0;
    let mut ever_written: BTreeSet<String> = BTreeSet::new();
    let mut prev_temps: BTreeSet<String> = BTreeSet::new();
    // Per output: which configuration it holds (None: absent).
    let mut holds: BTreeMap<String, Option<usize>> =
        expected.iter().map(|p| ((*p).clone(), None)).collect();

    let loop_start = Instant::now();
    let mut i = 0;
    // Where late kills land, in µs since the spawn: from half the timed window to five
    // times it at first, narrowed by what each late kill finds.
    let span = window.as_micros().max(3) as u64;
    let mut late = span / 2..span * 5;
    while i < ITERATIONS
        || (write_phase < AIM_WRITE_PHASE_KILLS
            && i < MAX_ITERATIONS
            && loop_start.elapsed() < LOOP_BUDGET)
    {
        if i > 0 && i % RETIME_EVERY == 0 {
            window = time_apply();
            windows.push(window);
        }
        // Alternate, but go to the configuration fewer outputs hold: after a
        // kill before any write, the next apply still rewrites every file.
        let held = |c: usize| holds.values().filter(|h| **h == Some(c)).count();
        let target = match held(0).cmp(&held(1)) {
            std::cmp::Ordering::Greater => 1,
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Equal => (i % 2) as usize,
        };
        let iteration_seed = seed.wrapping_add(i);
        let mut rng = Rng(iteration_seed);
        // Every other kill lands late, in `late`, where apply writes: rendering, masking
        // and diffing megabyte files take most of a run and the write phase is a short
        // late part of it, whose place a busy machine moves. So `late` follows what the
        // kills find: one that landed before any write raises its start, an apply that
        // finished first lowers its end (see the end of the loop).
        let span = window.as_micros().max(3) as u64;
        let late_span = late.end.saturating_sub(late.start).max(1_000);
        let delay = Duration::from_micros(if i % 2 == 0 {
            rng.next() % span
        } else {
            late.start + rng.next() % late_span
        });
        let ctx = format!(
            "iteration {i}, seed {iteration_seed:#018x} (base {seed:#018x}), \
             kill after {delay:?}, target {}",
            MARKS[target]
        );

        big.set_mark(MARKS[target]);
        let mut child = big.spawn_apply();
        std::thread::sleep(delay);
        child.kill().expect("SIGKILL cfgc apply");
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let status = child.wait().expect("reap cfgc apply");
        match status.code() {
            None => killed += 1,
            Some(0) => completed += 1,
            Some(code) => panic!("{ctx}: apply exited {code} on its own:\n{stderr}"),
        }

        let found = scan(&big.project);
        assert!(
            found.strays.is_empty(),
            "{ctx}: unexpected entries in deploy/: {:?}",
            found.strays
        );

        let before = holds.clone();
        for (rel, (bytes, mode)) in &found.outputs {
            assert!(expected.contains(rel), "{ctx}: unexpected file {rel}");
            let matched = (0..2).find(|&c| renderings[c].get(rel).is_some_and(|r| &r.0 == bytes));
            let Some(config) = matched else {
                let lens: Vec<String> = renderings
                    .iter()
                    .zip(MARKS)
                    .filter_map(|(r, m)| r.get(rel).map(|r| (m, &r.0)))
                    .map(|(m, r)| {
                        format!(
                            "{m}: {} bytes, common prefix {}",
                            r.len(),
                            common_prefix(r, bytes)
                        )
                    })
                    .collect();
                panic!(
                    "{ctx}: {rel} is torn: {} bytes, neither A nor B ({})",
                    bytes.len(),
                    lens.join("; ")
                );
            };
            let want = renderings[config][rel].1;
            assert_eq!(
                *mode, want,
                "{ctx}: {rel} has mode {mode:o}, declared {want:o}"
            );
            holds.insert(rel.clone(), Some(config));
            ever_written.insert(rel.clone());
        }
        for rel in &expected {
            if !found.outputs.contains_key(*rel) {
                assert!(
                    !ever_written.contains(*rel),
                    "{ctx}: {rel} was written once and is gone"
                );
                holds.insert((*rel).clone(), None);
            }
        }

        for (rel, bytes, mode) in &found.temps {
            // A temp file is a prefix of the rendering it was for; it may be
            // 0600 (as created) or its output's declared mode, never wider.
            let dir = folder(rel);
            let owners: Vec<(&String, u32)> = renderings
                .iter()
                .flat_map(|r| r.iter())
                .filter(|(out, (full, _))| folder(out) == dir && full.starts_with(bytes))
                .map(|(out, (_, m))| (out, *m))
                .collect();
            assert!(
                !owners.is_empty(),
                "{ctx}: stale temp {rel} ({} bytes) is no prefix of any rendering in {dir}",
                bytes.len()
            );
            assert!(
                *mode == 0o600 || owners.iter().all(|(_, m)| m == mode),
                "{ctx}: stale temp {rel} has mode {mode:o}; it may only be 0600 or the mode \
                 of its output ({owners:?})"
            );
        }
        let now_temps: BTreeSet<String> = found.temps.iter().map(|t| t.0.clone()).collect();
        let new_temps = now_temps.difference(&prev_temps).count();
        temps_created += new_temps;
        prev_temps = now_temps;

        // A kill in the write phase: a temp file was left, or some files
        // reached the target and others (that the target has) did not.
        let progressed = holds
            .iter()
            .filter(|(rel, now)| **now == Some(target) && before[*rel] != Some(target))
            .count();
        let behind = holds
            .iter()
            .filter(|(rel, now)| renderings[target].contains_key(*rel) && **now != Some(target))
            .count();
        let wrote = new_temps > 0 || (progressed > 0 && behind > 0);
        if status.code().is_none() && wrote {
            write_phase += 1;
        }
        let at = delay.as_micros() as u64;
        match (status.code(), wrote) {
            // Killed before it wrote anything: the writes come later.
            (None, false) if progressed == 0 => late.start = late.start.max(at * 9 / 10),
            // Killed after the writes, or finished first: the writes came earlier.
            (None, false) | (Some(_), _) => late.end = late.end.min(at * 11 / 10),
            (None, true) => {}
        }
        if late.end <= late.start + 1_000 {
            // The machine's pace changed under the estimate: open it again below its end.
            late.start = late.end * 6 / 10;
        }
        if progressed > 0 && behind > 0 {
            partial_applies += 1;
        }
        i += 1;
    }

    // Temp files left by kills are the only litter allowed; a full apply
    // then brings every output to one configuration.
    let last = usize::from(holds.values().any(|h| *h == Some(0)));
    big.set_mark(MARKS[last]);
    big.apply();
    let found = scan(&big.project);
    for (rel, (bytes, mode)) in &renderings[last] {
        let got = found.outputs.get(rel);
        assert!(
            got.is_some_and(|(b, m)| b == bytes && m == mode),
            "after a full apply, {rel} is not the complete rendering of {} (mode {:?})",
            MARKS[last],
            got.map(|g| format!("{:o}", g.1))
        );
    }
    let plan = big.project.args(["plan", "--exit-code"]).run();
    assert_eq!(
        plan.code,
        0,
        "plan after a full apply:\n{}",
        plan.transcript()
    );

    let temp_modes: BTreeMap<String, usize> =
        found
            .temps
            .iter()
            .fold(BTreeMap::new(), |mut acc, (_, _, m)| {
                *acc.entry(format!("{m:o}")).or_default() += 1;
                acc
            });
    let full_temps = found
        .temps
        .iter()
        .filter(|(_, b, _)| renderings.iter().any(|r| r.values().any(|(f, _)| f == b)))
        .count();
    let ms: Vec<u128> = windows.iter().map(Duration::as_millis).collect();
    println!(
        "kill windows (a full change-apply, timed every {RETIME_EVERY} iterations), ms: {ms:?}"
    );
    println!(
        "{i} iterations (base seed {seed:#018x}): {killed} killed by SIGKILL, {completed} \
         finished first; {write_phase} kills in the write phase; {partial_applies} iterations left \
         outputs half-applied (some A, some B); {temps_created} stale temp files created, {} left \
         after the final apply ({full_temps} complete, modes {temp_modes:?}); total {:?}",
        found.temps.len(),
        started.elapsed()
    );
    assert!(
        killed >= MIN_KILLS,
        "only {killed} of {i} kills hit a running apply (need {MIN_KILLS}): the test \
         proved nothing; windows {ms:?} ms, base seed {seed:#018x}"
    );
    assert!(
        write_phase >= MIN_WRITE_PHASE_KILLS,
        "only {write_phase} kills landed while apply was writing (need {MIN_WRITE_PHASE_KILLS}); \
         windows {ms:?} ms, base seed {seed:#018x}"
    );
}
