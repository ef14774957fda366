//! Which services a conformance run judges: the one named with the global `--service` (and
//! `--pack`, `--model`), those named with `--services`, or by default every service with a
//! token operation (the installed botocore's, else the bundled models').

use std::sync::Arc;

use proton_conform::error::Error;
use proton_conform::model::Model;
use proton_conform::service::{self, BUNDLED, Service};

use crate::cli::args::ConformanceArgs;

/// A service to judge, and where its scenario files are.
pub struct Chosen {
    pub service: Arc<Service>,
    /// Whether its scenarios are the committed ones (`generated/<name>`): a bundled pack's,
    /// unchanged. Any other's are written beside the reports.
    pub committed: bool,
}

/// The services, by name.
pub fn chosen(args: &ConformanceArgs, given: Option<Arc<Service>>) -> Result<Vec<Chosen>, Error> {
    if let Some(service) = given {
        if service.pack.tokens.is_empty() {
            return Err(Error::input(format!(
                "{} has no token operation to judge",
                service.pack.title
            )));
        }
        let committed = is_bundled(&service);
        return Ok(vec![Chosen { service, committed }]);
    }
    let services = match args.services.as_slice() {
        [] => every_token_service()?,
        named => named
            .iter()
            .map(|name| {
                let service = with_tokens(service::resolve(name, None, None)?)?;
                if service.pack.tokens.is_empty() {
                    return Err(Error::input(format!(
                        "--services: {name} has no operation with an idempotency token"
                    )));
                }
                Ok(service)
            })
            .collect::<Result<Vec<_>, Error>>()?,
    };
    // A name left out must be one that would have been judged: a typo must not pass silently.
    for name in &args.except {
        if !services.iter().any(|s| s.name() == name) {
            return Err(Error::input(format!(
                "--except: {name} is not among the services judged"
            )));
        }
    }
    Ok(services
        .into_iter()
        .filter(|service| !args.except.iter().any(|n| n == service.name()))
        .map(|service| Chosen {
            committed: is_bundled(&service),
            service: Arc::new(service),
        })
        .collect())
}

/// Every service with a token operation: every bundled pack, and the installed botocore's
/// others with a bare pack of the model; without botocore, the bundled ones (said on stderr:
/// the run is then narrower than it could be). A token member only inside a nested structure
/// is no token of the operation's: such a service has none.
fn every_token_service() -> Result<Vec<Service>, Error> {
    let models = match service::botocore_token_models() {
        Ok(models) => models,
        Err(e) => {
            eprintln!("{e}: judging the bundled services only");
            return BUNDLED
                .iter()
                .map(|b| with_tokens(Service::bundled(b.name)?))
                .collect();
        }
    };
    let mut services = Vec::new();
    for (name, model) in models {
        if BUNDLED.iter().any(|b| b.name == name) {
            continue; // below, as bundled
        }
        let pack = service::bare_pack(&model, Some(&name))?;
        let service = Service::new(model, pack)?;
        if !service.pack.tokens.is_empty() {
            services.push(service);
        }
    }
    // Every bundled pack, even where botocore's model does not mark the token its
    // documentation names (ACM's RequestCertificate `IdempotencyToken`).
    for bundled in BUNDLED {
        let service = with_tokens(Service::bundled(bundled.name)?)?;
        if !service.pack.tokens.is_empty() {
            services.push(service);
        }
    }
    services.sort_by(|a, b| a.name().cmp(b.name()));
    Ok(services)
}

/// The service with its token operations: a pack without a token contract (the default
/// pack's, whose contract is its corpus) judged as a bare pack of its model.
fn with_tokens(service: Service) -> Result<Service, Error> {
    if !service.pack.tokens.is_empty() || !service.pack.documented {
        return Ok(service);
    }
    let model = Model::bundled(&service.pack.model)?;
    let pack = service::bare_pack(&model, Some(service.name()))?;
    Service::new(model, pack)
}

/// A bundled pack, as bundled: its scenarios are the committed ones.
fn is_bundled(service: &Service) -> bool {
    let bundled_file = format!("src/packs/{}.yaml", service.name());
    !service.pack.tokens.is_empty()
        && service.pack.documented
        && service
            .pack
            .origin
            .as_ref()
            .is_some_and(|o| o.file == bundled_file)
}
