#include "SessionKitAtomics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

struct sk_revision {
    _Atomic uint64_t value;
};

sk_revision *sk_revision_create(uint64_t value) {
    sk_revision *revision = malloc(sizeof *revision);
    if (revision != NULL) {
        atomic_init(&revision->value, value);
    }
    return revision;
}

void sk_revision_destroy(sk_revision *revision) {
    free(revision);
}

uint64_t sk_revision_load(const sk_revision *revision) {
    return atomic_load_explicit(&((sk_revision *)revision)->value, memory_order_acquire);
}

void sk_revision_store(sk_revision *revision, uint64_t value) {
    atomic_store_explicit(&revision->value, value, memory_order_release);
}

static _Atomic uint64_t sk_next_revision = 1;

uint64_t sk_revision_next(void) {
    return atomic_fetch_add_explicit(&sk_next_revision, 1, memory_order_relaxed);
}

// The slot lives in C thread-local storage (a plain load on the read path); a pthread key,
// registered on a thread's first refill, only runs the release hook when the thread ends.
static _Thread_local sk_thread_slot sk_slot = {0, 0};
static _Thread_local bool sk_slot_registered = false;
static _Atomic(sk_release_hook) sk_hook = NULL;
static pthread_key_t sk_key;
static pthread_once_t sk_key_once = PTHREAD_ONCE_INIT;

static void sk_thread_ended(void *value) {
    sk_thread_slot *slot = value;
    sk_release_hook hook = atomic_load(&sk_hook);
    if (slot->state != NULL && hook != NULL) {
        hook(slot->state);
    }
    slot->state = NULL;
    slot->revision = 0;
}

static void sk_make_key(void) {
    pthread_key_create(&sk_key, sk_thread_ended);
}

sk_thread_slot *sk_thread_slot_get(void) {
    if (!sk_slot_registered) {
        pthread_once(&sk_key_once, sk_make_key);
        pthread_setspecific(sk_key, &sk_slot);
        sk_slot_registered = true;
    }
    return &sk_slot;
}

void sk_set_release_hook(sk_release_hook hook) {
    atomic_store(&sk_hook, hook);
}
