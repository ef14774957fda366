//! The embedded reference emulator: an axum router that speaks the Proton API with the
//! contract's semantics, on a virtual clock, plus the `/_conformance/` control API.
//!
//! It implements the contract in its own code and shares nothing with the harness but the
//! model: the harness reaches it only over HTTP.

mod clock;
mod control;
mod error;
mod faults;
mod lifecycle;
mod ops;
mod protocol;
mod request_log;
mod sigv4;
mod state;
mod tokens;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use clock::{Clock, ManualClock, SystemClock};
pub use faults::{CATALOGUE as FAULTS, Fault, FaultSet, InjectedAction, Injection};
pub use ops::implemented;
pub use sigv4::{TEST_ACCESS_KEY, TEST_SECRET_KEY, Verifier};
pub use state::{Config, Emulator};

/// The botocore model the emulator implements.
pub const MODEL: &str = "proton-2020-07-20";

/// The emulator's routes over shared state.
pub fn router(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .route("/", post(protocol::handle))
        .route("/_conformance/capabilities", get(control::capabilities))
        .route("/_conformance/clock", post(control::clock))
        .route("/_conformance/reset", post(control::reset))
        .route(
            "/_conformance/faults",
            get(control::get_faults).post(control::set_faults),
        )
        .route("/_conformance/requests", get(control::requests))
        .with_state(emulator)
}

/// An emulator listening on a local port; stops when dropped.
pub struct RunningServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `addr` (port 0 for an ephemeral one) and serves the emulator in the background.
pub async fn start(emulator: Arc<Emulator>, addr: SocketAddr) -> std::io::Result<RunningServer> {
    serve_router(router(emulator), addr).await
}

/// Serves any router on `addr` in the background, until the returned server is dropped.
pub async fn serve_router(app: Router, addr: SocketAddr) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(RunningServer {
        addr,
        shutdown: Some(tx),
    })
}
