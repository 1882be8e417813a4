//! Measures what an idle engine costs: heap held by SessionKit, threads, and scheduler
//! wake-ups while a signed-in session sits between heartbeats. Mobile extensions (an iOS
//! notification service extension has a few tens of MB) need this to stay small.
//!
//! ```text
//! cargo run --release -p sessionkit --example idle_footprint -- 5           # with the engine
//! cargo run --release -p sessionkit --example idle_footprint -- 5 baseline  # sandbox only
//! /usr/bin/time -v target/release/examples/idle_footprint 5   # compare "Maximum resident"
//! ```
//!
//! The local sandbox runs in the same process (on a thread of its own) so that the engine
//! has a real server; the baseline run starts only the sandbox, so the difference between
//! the two is the engine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use sessionkit::transport::StytchConfig;
use sessionkit::{RefreshPolicy, SessionClient};
use sessionkit_sandbox::Sandbox;

/// Counts live heap bytes, to attribute allocations to the engine.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn threads() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Threads:"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "Threads: ?".into())
}

fn kib(bytes: isize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let idle_secs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let baseline = args.next().as_deref() == Some("baseline");

    // The sandbox on a thread and runtime of its own, as a remote server would be.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let sandbox = Sandbox::start().await.unwrap();
            let signed_in = sandbox.sign_in("ada@example.com", "correct horse").await;
            tx.send((sandbox.clone(), signed_in)).unwrap();
            std::future::pending::<()>().await;
        });
    });
    let (sandbox, signed_in) = rx.recv().unwrap();
    println!(
        "before the engine: heap {}, {}",
        kib(LIVE.load(Ordering::Relaxed)),
        threads()
    );
    if baseline {
        std::thread::sleep(Duration::from_secs(idle_secs));
        return;
    }

    let heap_before = LIVE.load(Ordering::Relaxed);
    let client = SessionClient::builder()
        .stytch(StytchConfig::new(sandbox.public_token()).with_base_url(sandbox.base_url()))
        .refresh_policy(RefreshPolicy::default())
        .build()
        .unwrap();
    client
        .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
        .unwrap();
    // The start-up refresh (S4) happens at once; wait for it without a listener thread.
    while client.scheduler_stats().refreshes == 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let heap_signed_in = LIVE.load(Ordering::Relaxed);
    println!(
        "engine built, session refreshed: engine heap {}, {}",
        kib(heap_signed_in - heap_before),
        threads()
    );

    std::thread::sleep(Duration::from_secs(idle_secs));
    let stats = client.scheduler_stats();
    println!(
        "after {idle_secs} s idle: engine heap {}, {}, scheduler wake-ups {}, refreshes {}",
        kib(LIVE.load(Ordering::Relaxed) - heap_before),
        threads(),
        stats.wakeups,
        stats.refreshes
    );
    drop(client);
    std::thread::sleep(Duration::from_millis(50));
    println!(
        "engine dropped: heap left {}, {}",
        kib(LIVE.load(Ordering::Relaxed) - heap_before),
        threads()
    );
}
