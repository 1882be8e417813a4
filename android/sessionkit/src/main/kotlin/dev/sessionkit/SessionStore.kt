// The store interface an app implements (SPEC P1), from the generated bindings, under the
// wrapper's package so that apps import everything from `dev.sessionkit`.
package dev.sessionkit

/**
 * Persistent storage for the session: one opaque blob (the engine's versioned envelope,
 * which holds the tokens), replaced atomically. Implement it to keep the session where your
 * app wants; throw [StoreException.Unavailable] for a transient failure (the session is
 * kept, E4), [StoreException.Corrupted] for data that can never be read (it is wiped, E5) and
 * [StoreException.Failed] for anything else (E7).
 */
typealias SessionStore = ForeignSessionStore
