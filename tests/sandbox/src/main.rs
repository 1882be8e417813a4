//! `cargo run -p sessionkit-sandbox`: the sandbox as a standalone server for the demo and
//! manual testing, on 127.0.0.1:8787 unless `--addr` or `SANDBOX_ADDR` says otherwise.

use std::net::SocketAddr;

use sessionkit_sandbox::{Sandbox, SandboxConfig, TlsCert};
use tracing_subscriber::EnvFilter;

const DEFAULT_ADDR: &str = "127.0.0.1:8787";

const USAGE: &str = "\
usage: sessionkit-sandbox [--addr HOST:PORT] [--tls pinned|other]

  --tls  also serve HTTPS on another port with a test-only certificate (keys/README.md)

environment:
  SANDBOX_ADDR          listen address (default 127.0.0.1:8787; --addr wins)
  SANDBOX_PUBLIC_TOKEN  public token to accept (default: public-token-test-<random uuid>)
  SANDBOX_PROJECT_ID    project id (default: project-test-<random uuid>)
  RUST_LOG              log filter (default: info)";

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let (addr, tls) = match arguments() {
        Ok(chosen) => chosen,
        Err(message) => {
            eprintln!("{message}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let mut config = SandboxConfig {
        addr,
        tls,
        ..SandboxConfig::default()
    };
    if let Ok(token) = std::env::var("SANDBOX_PUBLIC_TOKEN") {
        config.public_token = token;
    }
    if let Ok(project) = std::env::var("SANDBOX_PROJECT_ID") {
        config.project_id = project;
    }

    let sandbox = match Sandbox::start_with(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("cannot listen on {addr}: {error}");
            std::process::exit(1);
        }
    };
    println!("SessionKit sandbox (test environment only)");
    println!("base url:     {}", sandbox.base_url());
    println!("public token: {}", sandbox.public_token());
    println!("project id:   {}", sandbox.project_id());
    println!("jwks url:     {}", sandbox.jwks_url());
    if let Some(https) = sandbox.https_url() {
        println!("https url:    {https}");
    }
    println!("Ctrl-C to stop.");

    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {error}");
    }
    sandbox.shutdown();
}

/// `--addr X` / `--addr=X`, then `SANDBOX_ADDR`, then the default; `--tls pinned|other`.
fn arguments() -> Result<(SocketAddr, Option<TlsCert>), String> {
    let mut args = std::env::args().skip(1);
    let mut chosen = None;
    let mut tls = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "--addr" => chosen = Some(args.next().ok_or("--addr needs a value")?),
            "--tls" => {
                tls = match args.next().as_deref() {
                    Some("pinned") => Some(TlsCert::Pinned),
                    Some("other") => Some(TlsCert::Other),
                    _ => return Err("--tls needs `pinned` or `other`".into()),
                }
            }
            other => match other.strip_prefix("--addr=") {
                Some(value) => chosen = Some(value.to_owned()),
                None => return Err(format!("unknown argument: {other}")),
            },
        }
    }
    let text = chosen
        .or_else(|| std::env::var("SANDBOX_ADDR").ok())
        .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    let addr = text
        .parse()
        .map_err(|error| format!("bad address {text:?}: {error}"))?;
    Ok((addr, tls))
}
