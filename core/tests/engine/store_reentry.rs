//! V8: a store that calls back into the engine from inside a store call gets an error at
//! once, never a deadlock.

use std::sync::{Arc, Mutex, OnceLock};

use sessionkit::{MemoryStore, SessionClient, SessionError, SessionStore, StoreError};

/// A memory store whose `save` signs the user out through the client, as a careless store
/// might on a write it dislikes, and records what that call returned.
#[derive(Default)]
struct ReenteringStore {
    inner: MemoryStore,
    client: OnceLock<SessionClient>,
    reentry: Mutex<Vec<Result<(), SessionError>>>,
}

/// The store as the engine holds it; the test keeps the other handle.
struct Shared(Arc<ReenteringStore>);

impl SessionStore for Shared {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.inner.load()
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        if let Some(client) = self.0.client.get() {
            let result = client.clear_blocking();
            self.0.reentry.lock().unwrap().push(result);
        }
        self.0.inner.save(blob)
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.0.inner.clear()
    }
}

#[test]
fn v8_a_store_that_calls_back_into_the_engine_gets_an_error_not_a_deadlock() {
    let store = Arc::new(ReenteringStore::default());
    let client = SessionClient::builder()
        .store(Shared(Arc::clone(&store)))
        .build()
        .unwrap();
    store.client.set(client.clone()).ok().unwrap();
    // The save inside would deadlock on the writer lock this call holds, before V8.
    client
        .update_session_blocking("token-reentry", "aGVhZGVy.cGF5bG9hZA.c2ln")
        .unwrap();
    let reentry = store.reentry.lock().unwrap();
    assert_eq!(reentry.len(), 1);
    let refused = reentry[0].as_ref().unwrap_err();
    assert!(
        refused.to_string().contains("called back into the engine"),
        "{refused}"
    );
    // The outer write went through and is still there.
    assert_eq!(
        client.get_tokens().unwrap().session_token(),
        "token-reentry"
    );
}
