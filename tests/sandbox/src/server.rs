//! The HTTP/1.1 server: our own accept loop over hyper instead of `axum::serve`, so that a
//! fault can close one client connection without an answer or in the middle of a body.
//!
//! Each connection gets a [`ConnectionHandle`] in its requests' extensions; killing it drops
//! the connection future, which closes the socket.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

/// Lets a request handler close the TCP connection it arrived on.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionHandle(Arc<Notify>);

impl ConnectionHandle {
    /// Closes the connection as soon as its task runs again; nothing more is written.
    pub(crate) fn kill(&self) {
        // notify_one keeps a permit, so a kill before the task waits is not lost.
        self.0.notify_one();
    }
}

/// Serves `router` on `listener` until this future is dropped (the sandbox aborts its task),
/// which also drops every open connection.
/// With `tls`, every connection is a TLS one (the HTTPS listener, V7).
pub(crate) async fn run(listener: TcpListener, router: Router, tls: Option<TlsAcceptor>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(accept(stream, peer, router.clone(), tls.clone()));
                }
                Err(error) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

async fn accept(stream: TcpStream, peer: SocketAddr, router: Router, tls: Option<TlsAcceptor>) {
    let _ = stream.set_nodelay(true);
    let Some(acceptor) = tls else {
        return serve_connection(stream, peer, router).await;
    };
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => serve_connection(stream, peer, router).await,
        // A client that refused the certificate (a pin mismatch sends certificate_unknown).
        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
        Err(_) => tracing::debug!("TLS handshake timed out"),
    }
}

async fn serve_connection<S>(stream: S, peer: SocketAddr, router: Router)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let handle = ConnectionHandle(kill.clone());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.extensions_mut().insert(handle.clone());
        // Router's error type is Infallible, which hyper accepts as is.
        router.clone().oneshot(request)
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        () = kill.notified() => tracing::debug!("connection dropped by an injected fault"),
    }
}
