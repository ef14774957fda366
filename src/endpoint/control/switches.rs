//! Fault switches and one-shot injections, as the control API sets them. Each backend has its
//! own vocabulary of switches (an enum implementing [`Switch`]); the storage, the parsing of
//! names and the injections are the same for all.

use std::marker::PhantomData;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;

/// A backend's standing fault switch: each breaks one rule, so that every check can be shown
/// to fail (or, for the benign ones, varies what any faithful endpoint may vary).
pub trait Switch: Copy + PartialEq + Send + Sync + 'static {
    /// Every switch: itself, its name on the command line and the control API, what it does.
    const CATALOGUE: &'static [(Self, &'static str, &'static str)];

    fn name(self) -> &'static str {
        Self::CATALOGUE
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("?", |(_, n, _)| n)
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::CATALOGUE
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(f, _, _)| *f)
    }

    /// Every switch's name, in catalogue order.
    fn names() -> Vec<&'static str> {
        Self::CATALOGUE.iter().map(|(_, n, _)| *n).collect()
    }
}

/// The vocabulary of a backend without switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSwitch {}

impl Switch for NoSwitch {
    const CATALOGUE: &'static [(Self, &'static str, &'static str)] = &[];
}

fn bit<F: Switch>(fault: F) -> u64 {
    let position = F::CATALOGUE.iter().position(|(f, _, _)| *f == fault);
    1 << position.unwrap_or(63) as u64
}

/// The switches in force, as a copyable snapshot taken once per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchSet<F> {
    bits: u64,
    vocabulary: PhantomData<F>,
}

impl<F> Default for SwitchSet<F> {
    fn default() -> Self {
        Self {
            bits: 0,
            vocabulary: PhantomData,
        }
    }
}

impl<F: Switch> SwitchSet<F> {
    fn from_bits(bits: u64) -> Self {
        Self {
            bits,
            vocabulary: PhantomData,
        }
    }

    pub fn has(self, fault: F) -> bool {
        self.bits & bit(fault) != 0
    }

    pub fn names(self) -> Vec<&'static str> {
        F::CATALOGUE
            .iter()
            .filter(|(f, _, _)| self.has(*f))
            .map(|(_, n, _)| *n)
            .collect()
    }

    pub fn from_faults(faults: &[F]) -> Self {
        Self::from_bits(faults.iter().fold(0, |acc, f| acc | bit(*f)))
    }
}

/// The standing switches of one endpoint, changed by the control API while it serves.
pub struct Switches<F> {
    bits: AtomicU64,
    vocabulary: PhantomData<F>,
}

impl<F: Switch> Switches<F> {
    pub fn new(initial: SwitchSet<F>) -> Self {
        Self {
            bits: AtomicU64::new(initial.bits),
            vocabulary: PhantomData,
        }
    }

    pub fn current(&self) -> SwitchSet<F> {
        SwitchSet::from_bits(self.bits.load(Ordering::SeqCst))
    }

    pub fn set(&self, set: SwitchSet<F>) {
        self.bits.store(set.bits, Ordering::SeqCst);
    }
}

/// A scripted answer for the next calls of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Injection {
    pub operation: String,
    /// How many calls it applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// Let the request take effect first, then answer with the fault.
    #[serde(default)]
    pub after_apply: bool,
    /// `error` (answer with an error) or `drop` (close the connection without an answer).
    #[serde(default)]
    pub action: InjectedAction,
    /// For `error`: the HTTP status (500: an internal error, 429: a throttle, 400: a
    /// validation error).
    #[serde(default = "internal_error")]
    pub status: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InjectedAction {
    #[default]
    Error,
    Drop,
}

fn one() -> u32 {
    1
}

fn internal_error() -> u16 {
    500
}

/// The pending injections of one endpoint.
#[derive(Default)]
pub struct Injections {
    pending: Mutex<Vec<Injection>>,
}

impl Injections {
    pub fn inject(&self, injection: Injection) {
        self.lock().push(injection);
    }

    pub fn pending(&self) -> Vec<Injection> {
        self.lock().clone()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Takes one use of the first injection for `operation`, if any.
    pub fn take(&self, operation: &str) -> Option<Injection> {
        let mut injections = self.lock();
        let index = injections.iter().position(|i| i.operation == operation)?;
        let injection = injections[index].clone();
        injections[index].times -= 1;
        if injections[index].times == 0 {
            injections.remove(index);
        }
        Some(injection)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Injection>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Demo {
        A,
        B,
        C,
    }

    impl Switch for Demo {
        const CATALOGUE: &'static [(Self, &'static str, &'static str)] = &[
            (Demo::A, "a", "first"),
            (Demo::B, "b", "second"),
            (Demo::C, "c", "third"),
        ];
    }

    #[test]
    fn names_round_trip_and_sets_hold_what_was_put_in() {
        for (fault, name, _) in Demo::CATALOGUE {
            assert_eq!(Demo::from_name(name), Some(*fault));
            assert_eq!(fault.name(), *name);
        }
        let set = SwitchSet::from_faults(&[Demo::C, Demo::A]);
        assert!(set.has(Demo::A) && set.has(Demo::C) && !set.has(Demo::B));
        assert_eq!(set.names(), ["a", "c"]);
        let switches = Switches::new(SwitchSet::default());
        switches.set(set);
        assert_eq!(switches.current(), set);
    }

    #[test]
    fn injections_are_used_up() {
        let injections = Injections::default();
        injections.inject(Injection {
            operation: "Create".into(),
            times: 2,
            after_apply: true,
            action: InjectedAction::Error,
            status: 500,
        });
        assert!(injections.take("Get").is_none());
        assert!(injections.take("Create").is_some());
        assert!(injections.take("Create").is_some());
        assert!(injections.take("Create").is_none());
    }
}
