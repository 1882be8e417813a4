//! Runs one fuzz target: a proptest strategy of hostile inputs and a property that must hold
//! for each, with a case count set from the environment and a printed execution count.
//!
//! `cargo fuzz` needs nightly, which this project does not use; proptest runs on stable
//! under `cargo test` and shrinks a failing input to a small one. The counts:
//! `SESSIONKIT_FUZZ_CASES` (default [`SMOKE_CASES`]) cases per target, and
//! `SESSIONKIT_FUZZ_SEED` to replay a run (each run prints its seed).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

/// Cases per target when nothing is set: the smoke run of `scripts/test.sh`.
pub const SMOKE_CASES: u32 = 300;

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .replace(['_', ','], "")
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}")),
    )
}

/// How many cases each target runs.
pub fn cases() -> u32 {
    env_number("SESSIONKIT_FUZZ_CASES")
        .map_or(SMOKE_CASES, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// Counts executions of one target, including those run before the cases proper (exhaustive
/// sweeps such as every truncation of a fixture).
pub struct Target {
    name: &'static str,
    executions: AtomicU64,
    started: Instant,
}

impl Target {
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            executions: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// Records one execution of the property outside the random run.
    pub fn count(&self) {
        self.executions.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs `property` over [`cases`] inputs drawn from `strategy`, then prints the line
    /// `fuzz <target>: N executions, findings: 0`. A property failure or a panic is a
    /// finding: the input is shrunk and the test fails with it.
    pub fn run<S: Strategy>(
        self,
        strategy: S,
        property: impl Fn(S::Value) -> Result<(), TestCaseError>,
    ) {
        let seed = env_number("SESSIONKIT_FUZZ_SEED").unwrap_or_else(rand::random);
        let config = Config {
            cases: cases(),
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(seed),
            max_shrink_iters: 4_096,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let outcome = runner.run(&strategy, |input| {
            self.count();
            property(input)
        });
        let executions = self.executions.load(Ordering::Relaxed);
        let seconds = self.started.elapsed().as_secs_f64();
        match outcome {
            Ok(()) => println!(
                "fuzz {}: {executions} executions, findings: 0 ({seconds:.1} s, seed {seed})",
                self.name
            ),
            Err(failure) => panic!(
                "fuzz {}: finding after {executions} executions (seed {seed}): {failure}",
                self.name
            ),
        }
    }
}

/// Fails the case when `text` (an error's Display or Debug) contains any of `secrets`, or
/// the first 16 characters of one (a body cut short still holds a token's beginning).
pub fn assert_no_secret(text: &str, secrets: &[&str]) -> Result<(), TestCaseError> {
    for secret in secrets {
        let prefix: String = secret.chars().take(16).collect();
        if text.contains(secret) || (prefix.len() >= 16 && text.contains(&prefix)) {
            return Err(TestCaseError::fail(format!(
                "a token reached an error message: {text}"
            )));
        }
    }
    Ok(())
}
