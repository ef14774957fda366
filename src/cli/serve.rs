//! `proton-conform serve`: the reference emulator on a port, until Ctrl-C.

use std::net::SocketAddr;
use std::sync::Arc;

use proton_conform::emulator::{
    self, Config, Emulator, FAULTS, Fault, FaultSet, ManualClock, Verifier,
};

use proton_conform::reference::{self, FAULTS as REFERENCE_FAULTS, Reference, ReferenceFault};
use proton_conform::service::Service;

use super::args::ServeArgs;
use super::exit::Exit;

pub fn serve(args: ServeArgs, service: &Arc<Service>) -> Exit {
    let addr: SocketAddr = match format!("{}:{}", args.host, args.port).parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: invalid address {}:{}: {e}", args.host, args.port);
            return Exit::BadInput;
        }
    };
    if service.pack.model != emulator::MODEL {
        return serve_reference(&args, service, addr);
    }
    if args.faults.iter().any(|f| f == "list") {
        for (_, name, what) in FAULTS {
            println!("{name:32} {what}");
        }
        return Exit::Success;
    }
    let mut faults = Vec::new();
    for name in &args.faults {
        match Fault::from_name(name) {
            Some(f) => faults.push(f),
            None => {
                eprintln!("error: unknown fault switch {name:?}; `--fault list` shows them");
                return Exit::BadInput;
            }
        }
    }
    let config = Config {
        faults: FaultSet::from_faults(&faults),
        verify_sigv4: args.verify_sigv4.then(Verifier::default),
        register_seconds: args.register_seconds,
        deploy_seconds: args.deploy_seconds,
        delete_seconds: args.delete_seconds,
        ..Config::default()
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::CouldNotRun;
        }
    };
    runtime.block_on(async {
        let instance = if args.manual_clock {
            let start = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            Emulator::with_clock(config, Arc::new(ManualClock::new(start)))
        } else {
            Emulator::new(config)
        };
        let server = match emulator::start(Arc::new(instance), addr).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot listen on {addr}: {e}");
                return Exit::CouldNotRun;
            }
        };
        // The URL on stdout, alone, so scripts can read it.
        println!("{}", server.url());
        eprintln!(
            "proton-conform emulator listening on {} (Ctrl-C to stop)",
            server.url()
        );
        let _ = tokio::signal::ctrl_c().await;
        drop(server);
        Exit::Success
    })
}

/// The generic reference of a pack the emulator does not implement.
fn serve_reference(args: &ServeArgs, service: &Arc<Service>, addr: SocketAddr) -> Exit {
    if args.faults.iter().any(|f| f == "list") {
        for (_, name, clause) in REFERENCE_FAULTS {
            println!("{name:32} breaks {clause}");
        }
        return Exit::Success;
    }
    let mut faults = Vec::new();
    for name in &args.faults {
        match ReferenceFault::from_name(name) {
            Some(f) => faults.push(f),
            None => {
                eprintln!("error: unknown fault switch {name:?}; `--fault list` shows them");
                return Exit::BadInput;
            }
        }
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::CouldNotRun;
        }
    };
    runtime.block_on(async {
        let instance = Arc::new(Reference::new(service.clone(), faults));
        let server = match reference::start(instance, addr).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot listen on {addr}: {e}");
                return Exit::CouldNotRun;
            }
        };
        println!("{}", server.url());
        eprintln!(
            "proton-conform reference for {} listening on {} (Ctrl-C to stop)",
            service.pack.title,
            server.url()
        );
        let _ = tokio::signal::ctrl_c().await;
        drop(server);
        Exit::Success
    })
}
