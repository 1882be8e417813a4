//! Staging concurrent calls: many callers joined into one flight, or one refresh left in
//! flight while the test does something else.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use sessionkit::{Session, SessionClient, SessionError};
use tokio::task::JoinHandle;

pub type Outcome = Result<Arc<Session>, SessionError>;

/// Spawns `n` tasks calling `authenticate`, and returns once every one of them has polled
/// its call once, that is, joined (or started) the flight.
pub async fn joined_callers(client: &SessionClient, n: usize) -> Vec<JoinHandle<Outcome>> {
    let joined = Arc::new(AtomicUsize::new(0));
    let callers = (0..n)
        .map(|_| {
            let client = client.clone();
            let joined = joined.clone();
            tokio::spawn(async move {
                let mut call = Box::pin(client.authenticate(None));
                let first = std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
                joined.fetch_add(1, Ordering::SeqCst);
                match first {
                    Poll::Ready(result) => result,
                    Poll::Pending => call.await,
                }
            })
        })
        .collect();
    while joined.load(Ordering::SeqCst) < n {
        tokio::task::yield_now().await;
    }
    callers
}

/// Awaits every caller and returns their outcomes.
pub async fn outcomes(callers: Vec<JoinHandle<Outcome>>) -> Vec<Outcome> {
    let mut all = Vec::with_capacity(callers.len());
    for caller in callers {
        all.push(caller.await.expect("caller task"));
    }
    all
}

/// Starts one `authenticate` in its own task.
pub fn refresh_in_background(client: &SessionClient) -> JoinHandle<Outcome> {
    let client = client.clone();
    tokio::spawn(async move { client.authenticate(None).await })
}
