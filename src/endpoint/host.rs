//! The one host of every embedded endpoint: a backend's front door and the shared control API
//! on one router, served on a port (0 for an ephemeral one) until the server is dropped.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::control::{self, Controlled};

/// A backend: a service's front door, and what the control API moves.
pub trait Backend: Controlled {
    /// The routes of the service's API (everything but `/_conformance/`).
    fn front_door(self: Arc<Self>) -> Router;
}

/// A backend's whole router: its front door and the control API.
pub fn router<B: Backend>(backend: Arc<B>) -> Router {
    control::routes(backend.clone()).merge(backend.front_door())
}

/// An endpoint listening on a local port; stops when dropped.
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

/// Binds `addr` and serves the backend in the background.
pub async fn start<B: Backend>(
    backend: Arc<B>,
    addr: SocketAddr,
) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = router(backend);
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
