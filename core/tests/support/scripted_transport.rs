//! A transport double whose answers the test scripts and releases when it chooses, to
//! stage exact interleavings (a refresh in flight while the app signs out, say).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::Mutex;
use sessionkit::transport::{Authenticated, Transport, TransportError, TransportFuture};
use sessionkit::{Session, SessionTokens};
use tokio::sync::Semaphore;

/// What the next call answers.
pub enum Answer {
    Session(Box<Session>, SessionTokens),
    Fail(TransportError),
    Revoked,
}

/// One endpoint's script: answers in order, and a gate whose permits let calls answer.
struct Script {
    answers: Mutex<VecDeque<Answer>>,
    gate: Semaphore,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            answers: Mutex::default(),
            gate: Semaphore::new(0),
        }
    }
}

impl Script {
    async fn next(&self) -> Answer {
        self.gate.acquire().await.expect("gate open").forget();
        self.answers
            .lock()
            .pop_front()
            .expect("the test scripted no answer for this call")
    }
}

pub struct ScriptedTransport {
    authenticate: Script,
    revoke: Script,
    pub authenticate_calls: AtomicUsize,
    pub revoke_calls: AtomicUsize,
    pub seen_tokens: Mutex<Vec<String>>,
    pub seen_durations: Mutex<Vec<Option<u32>>>,
}

impl ScriptedTransport {
    /// A transport whose calls block until [`release`](Self::release).
    pub fn gated() -> Arc<Self> {
        Arc::new(Self {
            authenticate: Script::default(),
            revoke: Script::default(),
            authenticate_calls: AtomicUsize::new(0),
            revoke_calls: AtomicUsize::new(0),
            seen_tokens: Mutex::default(),
            seen_durations: Mutex::default(),
        })
    }

    /// A transport that answers at once.
    pub fn open() -> Arc<Self> {
        let transport = Self::gated();
        transport.release(Semaphore::MAX_PERMITS / 2);
        transport.release_revoke(Semaphore::MAX_PERMITS / 2);
        transport
    }

    /// Scripts the next authenticate answer.
    pub fn push(&self, answer: Answer) {
        self.authenticate.answers.lock().push_back(answer);
    }

    /// Scripts the next revoke answer.
    pub fn push_revoke(&self, answer: Answer) {
        self.revoke.answers.lock().push_back(answer);
    }

    /// Lets `calls` authenticate calls answer.
    pub fn release(&self, calls: usize) {
        self.authenticate.gate.add_permits(calls);
    }

    /// Lets `calls` revoke calls answer.
    pub fn release_revoke(&self, calls: usize) {
        self.revoke.gate.add_permits(calls);
    }

    pub fn calls(&self) -> usize {
        self.authenticate_calls.load(Ordering::SeqCst)
    }
}

impl Transport for ScriptedTransport {
    fn authenticate<'a>(
        &'a self,
        tokens: &'a SessionTokens,
        session_duration_minutes: Option<u32>,
    ) -> TransportFuture<'a, Authenticated> {
        self.authenticate_calls.fetch_add(1, Ordering::SeqCst);
        self.seen_tokens
            .lock()
            .push(tokens.session_token().to_owned());
        self.seen_durations.lock().push(session_duration_minutes);
        Box::pin(async move {
            match self.authenticate.next().await {
                Answer::Session(session, tokens) => Ok(Authenticated {
                    session: *session,
                    tokens,
                    request_id: Some("request-id-test".into()),
                    server_date: None,
                }),
                Answer::Fail(error) => Err(error),
                Answer::Revoked => panic!("a revoke answer was scripted for authenticate"),
            }
        })
    }

    fn revoke<'a>(&'a self, _tokens: &'a SessionTokens) -> TransportFuture<'a, ()> {
        self.revoke_calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            match self.revoke.next().await {
                Answer::Revoked => Ok(()),
                Answer::Fail(error) => Err(error),
                Answer::Session(..) => panic!("a session answer was scripted for revoke"),
            }
        })
    }

    fn fetch_jwks(&self) -> TransportFuture<'_, String> {
        Box::pin(async {
            Err(TransportError::Config(
                "no JWKS in the scripted transport".into(),
            ))
        })
    }
}

pub fn api_error(status: u16, error_type: &str) -> TransportError {
    TransportError::Api {
        status,
        error_type: error_type.into(),
        message: format!("{error_type} (scripted)"),
        request_id: None,
        retry_after: None,
    }
}
