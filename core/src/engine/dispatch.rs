//! Delivers events to listeners on threads of their own (SPEC O3, O4).
//!
//! Listeners are app code, possibly foreign (Kotlin, Swift) and possibly slow. So they are
//! never called on the thread that changed the state, nor on an async runtime's workers, nor
//! with any engine lock held. Each subscription owns an ordered queue; a small pool of
//! delivery threads drains queues one subscription at a time, so each listener hears its
//! events in order while a listener that blocks holds up only its own queue. The pool starts
//! empty, grows while every thread is busy and work is waiting (up to [`MAX_THREADS`]), and
//! its threads end with the engine.
//!
//! Queuing and starting threads are separate steps: the engine queues an event while it
//! holds its writer lock (so events are queued in the order the state changed) and calls
//! [`Dispatcher::start_threads`] only after releasing it, so no OS thread is ever started
//! while the writer lock is held.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::concurrency::{AtomicBool, AtomicUsize, Condvar, Mutex, spawn_thread};
use super::event::{SessionEvent, SessionListener};

/// The most delivery threads one engine runs.
pub(crate) const MAX_THREADS: usize = 4;
/// Events one subscription may deliver before yielding its thread to the next queue.
const BATCH: usize = 32;

/// A listener and its ordered queue of undelivered events.
pub(crate) struct Subscription {
    listener: Arc<dyn SessionListener>,
    active: AtomicBool,
    queue: Mutex<SubscriptionQueue>,
}

#[derive(Default)]
struct SubscriptionQueue {
    events: VecDeque<SessionEvent>,
    /// Whether the subscription sits in the run queue or is being drained.
    scheduled: bool,
}

impl Subscription {
    pub(crate) fn new(listener: Arc<dyn SessionListener>) -> Arc<Self> {
        Arc::new(Self {
            listener,
            active: AtomicBool::new(true),
            queue: Mutex::default(),
        })
    }

    pub(crate) fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    pub(crate) fn deactivate(&self) {
        self.active.store(false, Ordering::Release);
        self.queue.lock().events.clear();
    }

    /// Queues `event`; true if the subscription must now be put in the run queue.
    fn push(&self, event: SessionEvent) -> bool {
        if !self.active.load(Ordering::Acquire) {
            return false;
        }
        let mut queue = self.queue.lock();
        queue.events.push_back(event);
        !std::mem::replace(&mut queue.scheduled, true)
    }

    /// Delivers up to a batch of events; true if more remain.
    fn drain(&self) -> bool {
        for _ in 0..BATCH {
            let event = {
                let mut queue = self.queue.lock();
                match queue.events.pop_front() {
                    Some(event) => event,
                    None => {
                        queue.scheduled = false;
                        return false;
                    }
                }
            };
            if self.active.load(Ordering::Acquire) {
                let listener = &self.listener;
                if catch_unwind(AssertUnwindSafe(|| listener.on_event(&event))).is_err() {
                    tracing::warn!("a session listener panicked; it stays subscribed");
                }
            }
        }
        true
    }
}

/// The pool of delivery threads.
pub(crate) struct Dispatcher {
    shared: Arc<Shared>,
}

struct Shared {
    run_queue: Mutex<VecDeque<Arc<Subscription>>>,
    work_ready: Condvar,
    threads: AtomicUsize,
    busy: AtomicUsize,
    stopping: AtomicBool,
}

impl Dispatcher {
    pub(crate) fn new() -> Self {
        Self {
            shared: Arc::new(Shared {
                run_queue: Mutex::default(),
                work_ready: Condvar::default(),
                threads: AtomicUsize::new(0),
                busy: AtomicUsize::new(0),
                stopping: AtomicBool::new(false),
            }),
        }
    }

    /// Queues `event` for every subscription, in the order of the calls, and wakes the
    /// threads already running. Starts no thread: see [`start_threads`](Self::start_threads).
    pub(crate) fn publish<'a>(
        &self,
        subscriptions: impl IntoIterator<Item = &'a Arc<Subscription>>,
        event: &SessionEvent,
    ) {
        let ready: Vec<_> = subscriptions
            .into_iter()
            .filter(|sub| sub.push(event.clone()))
            .cloned()
            .collect();
        if ready.is_empty() {
            return;
        }
        self.shared.run_queue.lock().extend(ready);
        self.shared.work_ready.notify_all();
    }

    /// Starts a delivery thread if work waits and every running thread is busy. Call it
    /// after [`publish`](Self::publish), with no engine lock held.
    pub(crate) fn start_threads(&self) {
        Shared::grow_if_saturated(&self.shared);
    }

    /// How many delivery threads are running.
    pub(crate) fn thread_count(&self) -> usize {
        self.shared.threads.load(Ordering::Acquire)
    }
}

impl Shared {
    /// Starts another thread when every thread is busy and work is waiting.
    fn grow_if_saturated(shared: &Arc<Shared>) {
        let threads = shared.threads.load(Ordering::Acquire);
        let saturated = shared.busy.load(Ordering::Acquire) >= threads;
        if !saturated || threads >= MAX_THREADS || shared.run_queue.lock().is_empty() {
            return;
        }
        if shared
            .threads
            .compare_exchange(threads, threads + 1, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return; // another caller grew the pool meanwhile
        }
        let worker = Arc::clone(shared);
        let spawned = spawn_thread(format!("sessionkit-listeners-{threads}"), move || {
            worker.run()
        });
        if let Err(error) = spawned {
            shared.threads.fetch_sub(1, Ordering::AcqRel);
            tracing::error!(%error, "could not start a listener delivery thread");
        }
    }

    fn run(self: Arc<Self>) {
        loop {
            let subscription = {
                let mut queue = self.run_queue.lock();
                loop {
                    if self.stopping.load(Ordering::Acquire) {
                        self.threads.fetch_sub(1, Ordering::AcqRel);
                        return;
                    }
                    if let Some(subscription) = queue.pop_front() {
                        break subscription;
                    }
                    queue = self.work_ready.wait(queue);
                }
            };
            self.busy.fetch_add(1, Ordering::AcqRel);
            // This thread may be about to block in a slow listener: make sure the rest of
            // the queue has a thread.
            Shared::grow_if_saturated(&self);
            let more = subscription.drain();
            self.busy.fetch_sub(1, Ordering::AcqRel);
            if more {
                self.run_queue.lock().push_back(subscription);
                self.work_ready.notify_one();
            }
        }
    }
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        // Threads finish the listener call they are in and exit; none is joined, because the
        // engine may be dropped from inside a listener.
        self.shared.stopping.store(true, Ordering::Release);
        let _guard = self.shared.run_queue.lock();
        self.shared.work_ready.notify_all();
    }
}
