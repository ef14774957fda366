//! `proton-conform serve`: the reference emulator on a port, until Ctrl-C (the default pack's
//! emulator, or the generic reference of any other pack).

use std::net::SocketAddr;
use std::sync::Arc;

use proton_conform::emulator::{
    self, Config, Emulator, FAULTS, Fault, FaultSet, ManualClock, RunningServer, Verifier,
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
    let listed = FAULTS
        .iter()
        .map(|(_, name, what)| (*name, what.to_string()));
    let faults = match fault_switches(&args.faults, listed, Fault::from_name) {
        Ok(Some(faults)) => faults,
        Ok(None) => return Exit::Success,
        Err(exit) => return exit,
    };
    let config = Config {
        faults: FaultSet::from_faults(&faults),
        verify_sigv4: args.verify_sigv4.then(Verifier::default),
        register_seconds: args.register_seconds,
        deploy_seconds: args.deploy_seconds,
        delete_seconds: args.delete_seconds,
        ..Config::default()
    };
    let instance = if args.manual_clock {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Emulator::with_clock(config, Arc::new(ManualClock::new(start)))
    } else {
        Emulator::new(config)
    };
    serve_until_interrupted("proton-conform emulator".into(), addr, |addr| {
        emulator::start(Arc::new(instance), addr)
    })
}

/// The generic reference of a pack the emulator does not implement.
fn serve_reference(args: &ServeArgs, service: &Arc<Service>, addr: SocketAddr) -> Exit {
    let listed = REFERENCE_FAULTS
        .iter()
        .map(|(_, name, clause)| (*name, format!("breaks {clause}")));
    let faults = match fault_switches(&args.faults, listed, ReferenceFault::from_name) {
        Ok(Some(faults)) => faults,
        Ok(None) => return Exit::Success,
        Err(exit) => return exit,
    };
    let instance = Arc::new(Reference::new(service.clone(), faults));
    let what = format!("proton-conform reference for {}", service.pack.title);
    serve_until_interrupted(what, addr, |addr| reference::start(instance, addr))
}

/// The switches named by `--fault`; `None` when `--fault list` printed them instead.
fn fault_switches<F>(
    names: &[String],
    listed: impl Iterator<Item = (&'static str, String)>,
    from_name: impl Fn(&str) -> Option<F>,
) -> Result<Option<Vec<F>>, Exit> {
    if names.iter().any(|f| f == "list") {
        for (name, what) in listed {
            println!("{name:32} {what}");
        }
        return Ok(None);
    }
    names
        .iter()
        .map(|name| {
            from_name(name).ok_or_else(|| {
                eprintln!("error: unknown fault switch {name:?}; `--fault list` shows them");
                Exit::BadInput
            })
        })
        .collect::<Result<Vec<F>, Exit>>()
        .map(Some)
}

/// Starts a server, prints its URL alone on stdout (for scripts to read), and serves until
/// Ctrl-C.
fn serve_until_interrupted<S>(
    what: String,
    addr: SocketAddr,
    start: impl FnOnce(SocketAddr) -> S,
) -> Exit
where
    S: Future<Output = std::io::Result<RunningServer>>,
{
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::CouldNotRun;
        }
    };
    runtime.block_on(async {
        let server = match start(addr).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot listen on {addr}: {e}");
                return Exit::CouldNotRun;
            }
        };
        println!("{}", server.url());
        eprintln!("{what} listening on {} (Ctrl-C to stop)", server.url());
        let _ = tokio::signal::ctrl_c().await;
        drop(server);
        Exit::Success
    })
}
