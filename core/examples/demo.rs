//! The main job: SessionKit end to end, told as a short story.
//!
//! `cargo run --example demo` starts the embedded Stytch sandbox on loopback, signs a user in
//! there, and walks an app through hydrating, authenticating, observing, restarting and
//! revoking. Set `SESSIONKIT_PUBLIC_TOKEN`, `SESSIONKIT_SESSION_TOKEN` and
//! `SESSIONKIT_SESSION_JWT` (optionally `SESSIONKIT_BASE_URL`, `SESSIONKIT_PROJECT_ID`) to
//! run the same story against a real Stytch project instead.

use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use sessionkit::jwt::JwtCheck;
use sessionkit::transport::StytchConfig;
use sessionkit::{
    ChangeCause, EncryptedFileStore, FileStoreKey, ListenerHandle, Session, SessionChange,
    SessionClient, SessionEvent,
};
use sessionkit_sandbox::{Endpoint, Sandbox};

/// Where the tokens and the server come from.
struct Backend {
    config: StytchConfig,
    session_token: String,
    session_jwt: String,
    /// Keeps the embedded sandbox running, when there is one.
    _sandbox: Option<Sandbox>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = backend().await?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("session.bin");
    let key = FileStoreKey::generate();

    chapter("1. The app starts for the first time, on an encrypted session file");
    let client = SessionClient::builder()
        .store(EncryptedFileStore::new(&path, key.clone()))
        .stytch(backend.config.clone())
        .build()?;
    let (_subscription, events) = listen(&client);
    println!("   restore_outcome() = {:?}", client.restore_outcome());
    println!("   get_sync() = {}", describe(client.get_sync().as_deref()));

    chapter("2. The app's backend signs the user in and hands the tokens over: update_session()");
    client
        .update_session(&backend.session_token, &backend.session_jwt)
        .await?;
    expect(&events, |cause| *cause == ChangeCause::Hydrated);
    println!("   get_tokens() = {:?}", client.get_tokens());
    println!(
        "   get_sync() = {}  (the session object is unknown until the server confirms it)",
        describe(client.get_sync().as_deref())
    );

    chapter("3. authenticate(): the server confirms the session and rotates the JWT");
    println!("   (the refresh scheduler starts one at once too: both share a single request)");
    let session = client.authenticate(None).await?;
    expect(&events, |cause| *cause == ChangeCause::Authenticated);
    println!("   get_sync() = {}", describe(client.get_sync().as_deref()));
    println!("   factors: {}", factors(&session));
    println!(
        "   get_info().from_cache = {}",
        client.get_info().from_cache
    );
    if let Some(expiry) = client.jwt_expires_at() {
        println!("   the new JWT expires at {expiry} (its exp, read locally: J1)");
    }

    chapter("4. check_jwt(): verify the JWT against the project's keys, without a round trip");
    match client.refresh_jwks().await {
        Ok(()) => match client.check_jwt() {
            JwtCheck::Valid(session) => println!(
                "   check_jwt() = valid: session {} of user {}, roles {:?}, expires {}",
                session.session_id, session.user_id, session.roles, session.expires_at
            ),
            other => println!("   check_jwt() = {other:?}"),
        },
        Err(error) => println!("   the project's keys are not available here: {error}"),
    }

    chapter("5. The app is killed and started again on the same encrypted file");
    drop(client);
    let client = SessionClient::builder()
        .store(EncryptedFileStore::new(&path, key))
        .stytch(backend.config.clone())
        .build()?;
    let (_subscription, events) = listen(&client);
    println!("   restore_outcome() = {:?}", client.restore_outcome());
    let info = client.get_info();
    println!(
        "   get_info() = {}, from_cache = {}  (at once, before any network)",
        describe(info.session.as_deref()),
        info.from_cache
    );
    println!("   the refresh scheduler asks the server at start-up, by itself:");
    if info.from_cache {
        expect(&events, |cause| *cause == ChangeCause::Authenticated);
    }
    println!(
        "   get_info().from_cache = {}  (confirmed by the server)",
        client.get_info().from_cache
    );

    if let Some(sandbox) = &backend._sandbox {
        call_the_apps_backend(&client, sandbox, &events).await?;
    }

    chapter("7. The user signs out: revoke()");
    let outcome = client.revoke(false).await?;
    println!("   revoke() = {outcome}");
    expect(&events, |cause| matches!(cause, ChangeCause::SignedOut(_)));
    println!("   get_sync() = {}", describe(client.get_sync().as_deref()));
    println!("   session file still on disk: {}", path.exists());

    chapter("The end: no token was printed, logged or stored in the clear along the way.");
    Ok(())
}

/// Chapter 6: the app's own backend, played by the sandbox's protected resource (W9, H1).
async fn call_the_apps_backend(
    client: &SessionClient,
    sandbox: &Sandbox,
    events: &Receiver<SessionChange>,
) -> Result<(), Box<dyn std::error::Error>> {
    chapter(
        "6. The app calls its own backend with the session JWT: tokens(), and one retry on a 401",
    );
    let url = sandbox.resource_url();
    let tokens = client.tokens(Duration::from_secs(60), false).await?;
    println!(
        "   tokens(60 s) = {tokens:?}  (the JWT lasts that long: no request)  -> GET /app/v1/profile: HTTP {}",
        get_with_bearer(&url, tokens.session_jwt()).await?
    );
    // The backend's clock runs six minutes ahead of the server this client learnt: for it the
    // JWT has expired, and it answers 401.
    sandbox.advance_clock(Duration::from_secs(6 * 60));
    let before = sandbox.request_count(Endpoint::Authenticate);
    let status = get_with_bearer(&url, tokens.session_jwt()).await?;
    println!("   the backend's clock moves six minutes on: the same JWT -> HTTP {status}");
    let fresh = client.tokens_after_rejection(tokens.session_jwt()).await?;
    expect(events, |cause| *cause == ChangeCause::Authenticated);
    let retried = get_with_bearer(&url, fresh.session_jwt()).await?;
    println!(
        "   tokens_after_rejection() refreshed once ({} authenticate request); the retry -> HTTP {retried}",
        sandbox.request_count(Endpoint::Authenticate) - before
    );
    Ok(())
}

/// `GET url` with `Authorization: Bearer jwt`; the answer's status.
async fn get_with_bearer(url: &str, jwt: &str) -> Result<u16, Box<dyn std::error::Error>> {
    use http_body_util::Empty;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
    let request = http::Request::get(url)
        .header(http::header::AUTHORIZATION, format!("Bearer {jwt}"))
        .body(Empty::new())?;
    Ok(client.request(request).await?.status().as_u16())
}

async fn backend() -> Result<Backend, Box<dyn std::error::Error>> {
    if let Ok(public_token) = std::env::var("SESSIONKIT_PUBLIC_TOKEN") {
        println!("Talking to the Stytch project of SESSIONKIT_PUBLIC_TOKEN.");
        let mut config = StytchConfig::new(public_token);
        if let Ok(base_url) = std::env::var("SESSIONKIT_BASE_URL") {
            config = config.with_base_url(base_url);
        }
        if let Ok(project_id) = std::env::var("SESSIONKIT_PROJECT_ID") {
            config = config.with_project_id(project_id);
        }
        return Ok(Backend {
            config,
            session_token: std::env::var("SESSIONKIT_SESSION_TOKEN")?,
            session_jwt: std::env::var("SESSIONKIT_SESSION_JWT")?,
            _sandbox: None,
        });
    }
    let sandbox = Sandbox::start().await?;
    println!(
        "Started the local Stytch sandbox at {} (project {}).",
        sandbox.base_url(),
        sandbox.project_id()
    );
    let signed_in = sandbox
        .sign_in("ada@example.com", "correct horse battery")
        .await;
    let config = StytchConfig::new(sandbox.public_token())
        .with_base_url(sandbox.base_url())
        .with_project_id(sandbox.project_id());
    Ok(Backend {
        config,
        session_token: signed_in.session_token.clone(),
        session_jwt: signed_in.session_jwt.clone(),
        _sandbox: Some(sandbox),
    })
}

fn chapter(title: &str) {
    println!("\n{title}");
}

/// Forwards the client's session changes to a channel, so the story prints them in order.
fn listen(client: &SessionClient) -> (ListenerHandle, Receiver<SessionChange>) {
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let handle = client.on_change(move |event: &SessionEvent| {
        if let (SessionEvent::Changed(change), Ok(tx)) = (event, tx.lock()) {
            let _ = tx.send(change.clone());
        }
    });
    (handle, rx)
}

/// Prints announced changes as they come, until one for which `until` holds.
fn expect(events: &Receiver<SessionChange>, until: impl Fn(&ChangeCause) -> bool) {
    loop {
        let Ok(change) = events.recv_timeout(Duration::from_secs(10)) else {
            println!("   (no change was announced)");
            return;
        };
        print_change(&change);
        if until(&change.cause) {
            return;
        }
    }
}

fn print_change(change: &SessionChange) {
    let cause = match &change.cause {
        ChangeCause::Restored => "restored from storage".to_owned(),
        ChangeCause::Hydrated => "hydrated with new tokens".to_owned(),
        ChangeCause::Authenticated => "confirmed by the server".to_owned(),
        ChangeCause::SignedOut(reason) => format!("signed out ({reason:?})"),
        other => format!("{other:?}"),
    };
    println!(
        "   on_change heard: {cause}; {} [generation {}]",
        describe(change.session.as_deref()),
        change.generation.get()
    );
}

fn describe(session: Option<&Session>) -> String {
    match session {
        None => "no session".to_owned(),
        Some(s) => format!(
            "session {} of user {}, valid until {}",
            s.session_id,
            s.user_id,
            s.expires_at.format("%H:%M:%S UTC")
        ),
    }
}

fn factors(session: &Session) -> String {
    session
        .authentication_factors
        .iter()
        .map(|f| format!("{} via {}", f.factor_type, f.delivery_method))
        .collect::<Vec<_>>()
        .join(", ")
}
