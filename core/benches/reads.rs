//! Reads and fan-out: `get_sync` on a realistic session against its floor, and `on_change`
//! delivery to 1,000 listeners.
//!
//! `get_sync` returns an owned `Option<Arc<Session>>` and never an expired session (R1, on
//! server time, R5). Its floor, for that signature, is an `ArcSwap::load_full` of the same
//! value: one atomic load and one reference-count increment. Measured in the same run: the
//! floor, a guard-only `load`, and what a naive SDK does (a `Mutex<Option<Session>>` clone).
//! Target: `get_sync` within 1.3x of the floor. The last line prints the ratio from one timed
//! loop of each, interleaved, so both see the same machine.
//!
//! Run: `cargo bench -p sessionkit --bench reads`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use std::time::Instant;

use arc_swap::ArcSwap;
use criterion::{Criterion, criterion_group, criterion_main};
use parking_lot::Mutex;
use serde_json::json;
use sessionkit::{MemoryStore, Session, SessionClient, SessionEvent, SessionStore};

/// A session with five factors of different kinds and a nested custom-claims object.
fn realistic_session() -> Session {
    let factor = |kind: &str, delivery: &str, key: &str, detail: serde_json::Value| {
        let mut f = json!({
            "type": kind, "delivery_method": delivery,
            "last_authenticated_at": "2026-01-01T00:00:00Z",
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        });
        f[key] = detail;
        f
    };
    serde_json::from_value(json!({
        "session_id": "session-test-fe6c042b-6286-479f-8a4f-b046a6c46509",
        "user_id": "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6",
        "started_at": "2026-01-01T00:00:00Z",
        "last_accessed_at": "2026-01-01T00:05:00Z",
        "expires_at": "2099-01-01T00:00:00Z",
        "attributes": {"ip_address": "203.0.113.1", "user_agent": "SessionKit/bench"},
        "authentication_factors": [
            factor("magic_link", "email", "email_factor", json!({"email_id": "e-1", "email_address": "a@example.com"})),
            factor("otp", "sms", "phone_number_factor", json!({"phone_id": "p-1", "phone_number": "+15555550100"})),
            factor("oauth", "oauth_google", "google_oauth_factor", json!({"id": "o-1", "email_id": "e-1", "provider_subject": "123"})),
            factor("webauthn", "webauthn_registration", "webauthn_factor", json!({"webauthn_registration_id": "w-1", "domain": "example.com", "user_agent": "ua"})),
            factor("totp", "authenticator_app", "authenticator_app_factor", json!({"totp_id": "t-1"})),
        ],
        "custom_claims": {"plan": "pro", "org": {"id": "org-1", "roles": ["admin", "billing"]}, "flags": [1, 2, 3]},
        "roles": ["stytch_user", "admin"],
    }))
    .expect("bench session parses")
}

fn client_with_session() -> SessionClient {
    let envelope = json!({
        "format": 1, "session_token": "bench-token", "session_jwt": "bench.jwt.value",
        "session": realistic_session(), "last_validated_at": null,
    });
    let store = MemoryStore::new();
    store.save(&serde_json::to_vec(&envelope).unwrap()).unwrap();
    let client = SessionClient::builder().store(store).build().unwrap();
    assert!(client.get_sync().is_some());
    client
}

fn get_sync(c: &mut Criterion) {
    let client = client_with_session();
    let session = client.get_sync().unwrap();
    let floor = ArcSwap::from_pointee(Some(session.clone()));
    let naive = Mutex::new(Some(Session::clone(&session)));

    c.bench_function("get_sync (5 factors, custom claims)", |b| {
        b.iter(|| std::hint::black_box(client.get_sync()))
    });
    c.bench_function("floor: ArcSwap load_full of the same value", |b| {
        b.iter(|| std::hint::black_box(floor.load_full()))
    });
    c.bench_function("ArcSwap load (guard only, no count)", |b| {
        b.iter(|| std::hint::black_box(floor.load().is_some()))
    });
    c.bench_function("naive: Mutex<Option<Session>> clone", |b| {
        b.iter(|| std::hint::black_box(naive.lock().clone()))
    });
    c.bench_function("get_info", |b| {
        b.iter(|| std::hint::black_box(client.get_info()))
    });

    // One line with both figures from the same loop shape, interleaved in rounds.
    const CALLS: u32 = 2_000_000;
    let mut best_get_sync = f64::MAX;
    let mut best_floor = f64::MAX;
    for _ in 0..15 {
        let started = Instant::now();
        for _ in 0..CALLS {
            std::hint::black_box(client.get_sync());
        }
        best_get_sync = best_get_sync.min(started.elapsed().as_nanos() as f64 / f64::from(CALLS));
        let started = Instant::now();
        for _ in 0..CALLS {
            std::hint::black_box(floor.load_full());
        }
        best_floor = best_floor.min(started.elapsed().as_nanos() as f64 / f64::from(CALLS));
    }
    println!(
        "get_sync: {best_get_sync:.1} ns, floor (ArcSwap load_full): {best_floor:.1} ns, ratio: {:.2}",
        best_get_sync / best_floor
    );
}

fn fan_out(c: &mut Criterion) {
    let client = SessionClient::builder().build().unwrap();
    let heard = Arc::new(AtomicUsize::new(0));
    let (tx, all_heard) = mpsc::sync_channel::<()>(1);
    let _handles: Vec<_> = (0..1_000)
        .map(|_| {
            let heard = heard.clone();
            let tx = tx.clone();
            client.on_change(move |_: &SessionEvent| {
                if heard.fetch_add(1, Ordering::AcqRel) + 1 == 1_000 {
                    let _ = tx.send(());
                }
            })
        })
        .collect();
    let mut n = 0u64;
    c.bench_function(
        "on_change fan-out to 1,000 listeners (change to last delivery)",
        |b| {
            b.iter(|| {
                heard.store(0, Ordering::Release);
                n += 1;
                client
                    .update_session_blocking(format!("token-{n}"), "jwt")
                    .unwrap();
                all_heard.recv().unwrap();
            })
        },
    );
}

criterion_group!(benches, get_sync, fan_out);
criterion_main!(benches);
