// What Swift cannot say on iOS 16 without a package the app would have to fetch: an atomic
// 64-bit revision and a thread-local slot. SessionKit's read cache (Internal/ReadCache.swift)
// serves getSync() from them without a lock: a reader compares its thread's cached revision
// with the published one, writing to no cache line another thread reads.
#ifndef SESSIONKIT_ATOMICS_H
#define SESSIONKIT_ATOMICS_H

#include <stdint.h>

/// A revision published by one writer at a time and read by every reader (opaque: Swift
/// imports no C11 atomics).
typedef struct sk_revision sk_revision;

/// A new revision cell holding `value`; free it with `sk_revision_destroy`.
sk_revision *sk_revision_create(uint64_t value);
void sk_revision_destroy(sk_revision *revision);

/// The published revision (acquire: what was written before it was stored is visible).
uint64_t sk_revision_load(const sk_revision *revision);

/// Publishes `value` (release).
void sk_revision_store(sk_revision *revision, uint64_t value);

/// A process-wide unique revision number: no two publications, of any cache, share one, so a
/// thread's slot can never be mistaken for another cache's state.
uint64_t sk_revision_next(void);

/// This thread's slot: the revision it last read, and the state it read then (retained by
/// the Swift side, released when replaced, and by the release hook when the thread ends).
/// Only its own thread touches it.
typedef struct {
    uint64_t revision;
    void *state;
} sk_thread_slot;

sk_thread_slot *sk_thread_slot_get(void);

/// Releases a slot's state when its thread ends; set once, before any slot is filled.
typedef void (*sk_release_hook)(void *state);
void sk_set_release_hook(sk_release_hook hook);

#endif
