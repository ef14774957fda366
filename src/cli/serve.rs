//! `proton-conform serve`: the service's embedded endpoint on a port, until Ctrl-C (the Proton
//! emulator for the default pack, the generic endpoint for any other).

use std::net::SocketAddr;
use std::sync::Arc;

use proton_conform::endpoint::Embedded;
use proton_conform::endpoint::control::{Clock, ManualClock, SystemClock};
use proton_conform::endpoint::proton::Verifier;
use proton_conform::error::Error;
use proton_conform::service::Service;

use super::args::ServeArgs;
use super::exit::{self, Exit};

pub fn serve(args: ServeArgs, service: &Arc<Service>) -> Exit {
    if args.faults.iter().any(|f| f == "list") {
        for (name, what) in Embedded::catalogue(service) {
            println!("{name:32} {what}");
        }
        return Exit::Success;
    }
    match start_and_wait(&args, service) {
        Ok(()) => Exit::Success,
        Err(e) => exit::report(&e),
    }
}

fn start_and_wait(args: &ServeArgs, service: &Arc<Service>) -> Result<(), Error> {
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e| Error::input(format!("invalid address {}:{}: {e}", args.host, args.port)))?;
    let mut embedded = Embedded::for_service(service, &args.faults)?;
    if let Embedded::Proton(config) = &mut embedded {
        config.verify_sigv4 = args.verify_sigv4.then(Verifier::default);
        config.register_seconds = args.register_seconds;
        config.deploy_seconds = args.deploy_seconds;
        config.delete_seconds = args.delete_seconds;
    }
    let clock: Arc<dyn Clock> = if args.manual_clock {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Arc::new(ManualClock::new(start))
    } else {
        Arc::new(SystemClock::default())
    };
    let what = match &embedded {
        Embedded::Proton(_) => "proton-conform emulator".to_string(),
        Embedded::Generic(_) => format!("proton-conform reference for {}", service.pack.title),
    };
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
        Ok(())
    })
}
