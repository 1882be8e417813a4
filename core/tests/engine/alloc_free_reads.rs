//! `get_sync` allocates nothing (issue 2: "no allocation beyond a reference-count
//! increment"), proven by counting this thread's allocations with a global allocator of this
//! test binary. Other threads (the engine's runtime starting up) are not counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::{at, envelope_v1, sample_session, store_holding};
use sessionkit::SessionClient;
use sessionkit::testing::ManualClock;

struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn r4_get_sync_and_get_info_allocate_nothing() {
    let session = sample_session(at("2099-01-01T00:00:00Z"));
    let client = SessionClient::builder()
        .shared_store(store_holding(&envelope_v1(
            Some(&session),
            "tok",
            "h.jwt.s",
        )))
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap();
    assert!(client.get_sync().is_some());

    COUNTING.with(|counting| counting.set(true));
    for _ in 0..10_000 {
        std::hint::black_box(client.get_sync());
        std::hint::black_box(client.get_info());
    }
    COUNTING.with(|counting| counting.set(false));
    let allocated = ALLOCATIONS.load(Ordering::SeqCst);
    assert_eq!(allocated, 0, "reads allocated {allocated} times");
}
