//! `proton-conform serve`: the service's embedded endpoint on a port, until Ctrl-C (the deep
//! emulator of the default pack, the generic endpoint of any other).

use std::net::SocketAddr;
use std::sync::Arc;

use proton_conform::endpoint::control::{Clock, ManualClock, SystemClock};
use proton_conform::endpoint::{Embedded, ServeOptions};
use proton_conform::error::Error;
use proton_conform::service::Service;

use super::args::ServeArgs;
use super::exit::Exit;

pub fn serve(args: ServeArgs, service: &Arc<Service>) -> Result<Exit, Error> {
    if args.faults.iter().any(|f| f == "list") {
        for (name, what) in Embedded::catalogue(service) {
            println!("{name:32} {what}");
        }
        return Ok(Exit::Success);
    }
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e| Error::input(format!("invalid address {}:{}: {e}", args.host, args.port)))?;
    let embedded =
        Embedded::for_service(service, &args.faults)?.with_serve_options(&ServeOptions {
            verify_sigv4: args.verify_sigv4,
            register_seconds: args.register_seconds,
            deploy_seconds: args.deploy_seconds,
            delete_seconds: args.delete_seconds,
        });
    let clock: Arc<dyn Clock> = if args.manual_clock {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Arc::new(ManualClock::new(start))
    } else {
        Arc::new(SystemClock::default())
    };
    let what = embedded.title(service);
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let server = embedded
            .start(service, clock, addr)
            .await
            .map_err(|e| Error::io(format!("cannot listen on {addr}: {e}")))?;
        // The URL alone on stdout, for scripts to read.
        println!("{}", server.url());
        eprintln!("{what} listening on {} (Ctrl-C to stop)", server.url());
        let _ = tokio::signal::ctrl_c().await;
        drop(server);
        Ok(Exit::Success)
    })
}
