//! The fuzzer's oracle of the contract: a pure state machine over client tokens, resources and
//! the clock that says, for each call of a history, which outcome a faithful endpoint must give.
//!
//! It knows nothing of HTTP, of scenarios or of the emulator (which shares no code with it), so
//! the fuzzer checks one implementation of the contract against another. Where CONTRACT.md
//! leaves a point open, the model asks the profile; where even the profile cannot decide (a
//! call within a minute of a boundary), the call is not allowed ([`Oracle::allows`]) rather
//! than given a guessed verdict.

use std::collections::BTreeMap;

use super::Profile;

pub const MINUTE: u64 = 60;
pub const HOUR: u64 = 3600;
/// CT4: 7h59m after the request a token still holds...
pub const TOKEN_STILL_VALID: u64 = 8 * HOUR - MINUTE;
/// ...and 8h plus a second after it, it has expired. Between the two the text is silent.
pub const TOKEN_SURELY_EXPIRED: u64 = 8 * HOUR + 1;
/// Strict profile, ID: a deleted resource's metadata for an hour after the delete, then `{}`;
/// within a minute of the hour either.
pub const METADATA_KEPT: u64 = HOUR;

/// A client token of the case: one of a few base tokens, possibly upper-cased (CT1: a
/// different token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Token {
    pub index: u8,
    pub upper: bool,
}

/// A token the model pattern rejects (CT1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadToken {
    /// 65 characters.
    TooLong,
    /// A space inside.
    Space,
}

/// One call of a history. Resources are referred to by index: versions by the slot their
/// create filled, templates and environments by a name index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// A create that takes a client token, in the case's own parent resource (CT1..CT6).
    TokenCreate {
        token: Option<Token>,
        description: u8,
    },
    /// The same create, `copies` identical requests in flight at once, with a fresh token.
    TokenCreateBurst {
        token: Token,
        copies: u8,
    },
    /// A create whose answer is lost in transit, retried once with the same token.
    TokenCreateLost {
        token: Token,
        description: u8,
    },
    /// A create with a token the model's pattern rejects.
    TokenCreateBadToken {
        kind: BadToken,
    },
    TokenDelete {
        slot: usize,
    },
    /// A create idempotent by name, named by `name` (IC).
    NamedCreate {
        name: u8,
        description: u8,
    },
    NamedUpdate {
        name: u8,
        description: u8,
    },
    NamedDelete {
        name: u8,
    },
    /// An environment's asynchronous delete, retried at once (AD1) and after it completed (AD2):
    /// creates the environment first if it never existed.
    AsyncDelete {
        name: u8,
    },
    Advance {
        seconds: u64,
    },
}

/// What a faithful endpoint must answer to one call. `usize` values are positions of calls in
/// the history whose answers the outcome refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// A new resource; when `unlike` is given, not that call's resource. `clause` says why it
    /// must be new (CT6 no token, CT1 another token, CT4 expired, CT5 deleted, IC a new name).
    Created {
        unlike: Option<usize>,
        clause: &'static str,
    },
    /// `copies` answers, all one new resource.
    CreatedOnce,
    /// The original resource's detail, as call `of` answered it (CT2, IC1).
    Original {
        of: usize,
    },
    /// Success, the original resource, whose first answer was lost.
    Succeeds,
    /// The profile's IdempotentParameterMismatch (CT3, IC3); `modified`: the resource was
    /// also updated, where a profile may accept a ConflictException instead.
    Mismatch {
        modified: bool,
    },
    /// IC2.
    Conflict,
    /// CT1: a ValidationException.
    InvalidToken,
    /// A successful update.
    Updated,
    /// The first delete of a live resource: its detail.
    Deleted,
    /// ID1: a repeated delete soon after call `of` deleted it: the metadata (or what the
    /// profile also accepts).
    DeletedMetadata {
        of: usize,
    },
    /// ID2 (and the strict profile an hour after a delete).
    Empty,
    /// ID3 only: near the hour the profile decides nothing but success.
    DeleteSucceeds,
    /// CT4 after a retry, under a profile that accepts retries extending the hours: a new
    /// resource or call `of`'s.
    ExpiredRetry {
        of: usize,
    },
    /// AD1 then AD2: the environment's delete, a retry during it, a retry after it.
    AsyncDelete {
        first_time: bool,
    },
    Advanced,
}

#[derive(Debug, Clone)]
struct Binding {
    description: u8,
    issued_at: u64,
    slot: usize,
    /// The call whose answer shows the resource, if one was seen.
    reference: Option<usize>,
    retried: bool,
    /// The model no longer knows what the token is bound to: it may not be used again.
    unknown: bool,
}

#[derive(Debug, Clone)]
struct Slot {
    /// The call whose answer names the version (its capture).
    named_by: usize,
    deleted: Option<(u64, usize)>,
}

#[derive(Debug, Clone)]
enum Named {
    Live {
        created_by: usize,
        description: u8,
        modified: bool,
    },
    Deleted {
        at: u64,
        by: usize,
    },
}

/// The state after a history of calls. Ordered maps: the fuzzer draws from what the state
/// lists (`boundaries`), so the same seed must see the same order in every process.
#[derive(Debug, Clone)]
pub struct Oracle {
    profile: Profile,
    now: u64,
    calls: usize,
    tokens: BTreeMap<Token, Binding>,
    slots: Vec<Slot>,
    templates: BTreeMap<u8, Named>,
    environments: BTreeMap<u8, ()>,
    /// False once an outcome left the number of versions open.
    count_known: bool,
}

impl Oracle {
    pub fn new(profile: Profile) -> Self {
        Oracle {
            profile,
            now: 0,
            calls: 0,
            tokens: BTreeMap::new(),
            slots: Vec::new(),
            templates: BTreeMap::new(),
            environments: BTreeMap::new(),
            count_known: true,
        }
    }

    /// Versions created so far (the slots calls may name).
    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    /// The call whose answer names slot `slot`'s version.
    pub fn slot_named_by(&self, slot: usize) -> Option<usize> {
        self.slots.get(slot).map(|s| s.named_by)
    }

    /// Live versions, when the model knows the number.
    pub fn live_versions(&self) -> Option<usize> {
        self.count_known
            .then(|| self.slots.iter().filter(|s| s.deleted.is_none()).count())
    }

    /// Clock moves that bring a token or a deleted resource to one side of a boundary:
    /// tokens to 7h59m and to 8h plus a second, deletes to just inside and past the hour.
    pub fn boundaries(&self) -> Vec<u64> {
        let tokens = self.tokens.values().filter(|b| !b.unknown).flat_map(|b| {
            let age = self.now - b.issued_at;
            [TOKEN_STILL_VALID, TOKEN_SURELY_EXPIRED].map(|edge| edge.checked_sub(age))
        });
        let deletes = self
            .slots
            .iter()
            .filter_map(|s| s.deleted.map(|(when, _)| when))
            .chain(self.templates.values().filter_map(|t| match t {
                Named::Deleted { at, .. } => Some(*at),
                Named::Live { .. } => None,
            }))
            .flat_map(|when| {
                let age = self.now - when;
                [METADATA_KEPT - 2 * MINUTE, METADATA_KEPT + 2 * MINUTE]
                    .map(|edge| edge.checked_sub(age))
            });
        tokens.chain(deletes).flatten().filter(|s| *s > 0).collect()
    }

    /// Whether the contract and the profile decide `call`'s outcome in this state.
    pub fn allows(&self, call: &Call) -> bool {
        match call {
            Call::TokenCreate {
                token: Some(token),
                description,
            } => match self.tokens.get(token) {
                None => true,
                Some(b) if b.unknown => false,
                Some(b) => {
                    let age = self.now - b.issued_at;
                    let gone = self.slots[b.slot].deleted.is_some() || age >= TOKEN_SURELY_EXPIRED;
                    // A retry after expiry or deletion is a retry: the same parameters. With
                    // other parameters the text says nothing.
                    (age <= TOKEN_STILL_VALID || age >= TOKEN_SURELY_EXPIRED)
                        && (!gone || b.description == *description)
                }
            },
            Call::TokenCreateBurst { token, .. } | Call::TokenCreateLost { token, .. } => {
                !self.tokens.contains_key(token)
            }
            Call::TokenDelete { slot } => *slot < self.slots.len(),
            Call::NamedCreate { name, .. } => {
                !matches!(self.templates.get(name), Some(Named::Deleted { .. }))
            }
            Call::NamedUpdate { name, .. } => {
                matches!(self.templates.get(name), Some(Named::Live { .. }))
            }
            Call::TokenCreate { token: None, .. }
            | Call::TokenCreateBadToken { .. }
            | Call::NamedDelete { .. }
            | Call::AsyncDelete { .. }
            | Call::Advance { .. } => true,
        }
    }

    /// The outcome `call` must get, and the state after it. Call only when [`Oracle::allows`].
    pub fn apply(&mut self, call: &Call) -> Expected {
        let at = self.calls;
        self.calls += 1;
        match *call {
            Call::TokenCreate { token, description } => self.create_version(at, token, description),
            Call::TokenCreateBurst { token, .. } => {
                self.bind(token, 0, at);
                Expected::CreatedOnce
            }
            Call::TokenCreateLost { token, description } => {
                // The lost request took effect; its retry (this call's answer) shows the resource.
                self.bind(token, description, at);
                if let Some(b) = self.tokens.get_mut(&token) {
                    b.retried = true;
                }
                Expected::Succeeds
            }
            Call::TokenCreateBadToken { .. } => Expected::InvalidToken,
            Call::TokenDelete { slot } => match self.slots[slot].deleted {
                None => {
                    self.slots[slot].deleted = Some((self.now, at));
                    Expected::Deleted
                }
                Some((when, by)) => self.repeated_delete(when, by),
            },
            Call::NamedCreate { name, description } => self.create_template(at, name, description),
            Call::NamedUpdate { name, .. } => {
                if let Some(Named::Live { modified, .. }) = self.templates.get_mut(&name) {
                    *modified = true;
                }
                Expected::Updated
            }
            Call::NamedDelete { name } => match self.templates.get(&name) {
                None => Expected::Empty,
                Some(Named::Live { .. }) => {
                    self.templates.insert(
                        name,
                        Named::Deleted {
                            at: self.now,
                            by: at,
                        },
                    );
                    Expected::Deleted
                }
                Some(Named::Deleted { at: when, by }) => self.repeated_delete(*when, *by),
            },
            Call::AsyncDelete { name } => Expected::AsyncDelete {
                first_time: self.environments.insert(name, ()).is_none(),
            },
            Call::Advance { seconds } => {
                self.now += seconds;
                Expected::Advanced
            }
        }
    }

    fn create_version(&mut self, at: usize, token: Option<Token>, description: u8) -> Expected {
        let latest = self.slots.last().map(|s| s.named_by);
        let Some(token) = token else {
            // CT6: a request without a token is a new request.
            self.new_slot(at);
            return Expected::Created {
                unlike: latest,
                clause: "CT6",
            };
        };
        let Some(binding) = self.tokens.get(&token).cloned() else {
            self.bind(token, description, at);
            // CT1: tokens differing in case are different tokens, so not the other's resource.
            let other = Token {
                upper: !token.upper,
                ..token
            };
            let unlike = self.tokens.get(&other).and_then(|b| b.reference).or(latest);
            return Expected::Created {
                unlike,
                clause: "CT1",
            };
        };
        let age = self.now - binding.issued_at;
        if self.slots[binding.slot].deleted.is_some() {
            // CT5: the original was deleted, so the retry creates anew.
            self.bind(token, description, at);
            return Expected::Created {
                unlike: binding.reference,
                clause: "CT5",
            };
        }
        if age >= TOKEN_SURELY_EXPIRED {
            return match binding.reference {
                Some(of) if binding.retried && self.profile.expiry_extension_accepted => {
                    // Retries may have restarted the hours: which resource answers is open, and
                    // so is what the token and the version count are afterwards.
                    let b = self.tokens.get_mut(&token).expect("bound above");
                    b.unknown = true;
                    self.count_known = false;
                    Expected::ExpiredRetry { of }
                }
                reference => {
                    self.bind(token, description, at);
                    Expected::Created {
                        unlike: reference,
                        clause: "CT4",
                    }
                }
            };
        }
        if binding.description != description {
            return Expected::Mismatch { modified: false };
        }
        let b = self.tokens.get_mut(&token).expect("bound above");
        b.retried = true;
        match b.reference {
            Some(of) => Expected::Original { of },
            None => {
                b.reference = Some(at);
                Expected::Succeeds
            }
        }
    }

    fn create_template(&mut self, at: usize, name: u8, description: u8) -> Expected {
        match self.templates.get(&name) {
            None => {
                self.templates.insert(
                    name,
                    Named::Live {
                        created_by: at,
                        description,
                        modified: false,
                    },
                );
                Expected::Created {
                    unlike: None,
                    clause: "IC1",
                }
            }
            Some(Named::Live {
                created_by,
                description: original,
                modified,
            }) => match (*original == description, *modified) {
                (true, false) => Expected::Original { of: *created_by },
                (true, true) => Expected::Conflict,
                (false, modified) => Expected::Mismatch { modified },
            },
            Some(Named::Deleted { .. }) => unreachable!("not allowed: a create after a delete"),
        }
    }

    fn repeated_delete(&self, when: u64, by: usize) -> Expected {
        let age = self.now - when;
        if age < METADATA_KEPT - MINUTE {
            Expected::DeletedMetadata { of: by }
        } else if age > METADATA_KEPT + MINUTE {
            match self.profile.deleted_metadata {
                super::DeletedMetadata::Required => Expected::Empty,
                super::DeletedMetadata::Optional => Expected::DeletedMetadata { of: by },
            }
        } else {
            Expected::DeleteSucceeds
        }
    }

    fn new_slot(&mut self, named_by: usize) -> usize {
        self.slots.push(Slot {
            named_by,
            deleted: None,
        });
        self.slots.len() - 1
    }

    fn bind(&mut self, token: Token, description: u8, at: usize) {
        let slot = self.new_slot(at);
        self.tokens.insert(
            token,
            Binding {
                description,
                issued_at: self.now,
                slot,
                reference: Some(at),
                retried: false,
                unknown: false,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(index: u8) -> Option<Token> {
        Some(Token {
            index,
            upper: false,
        })
    }

    fn run(profile: Profile, calls: &[Call]) -> Vec<Expected> {
        let mut model = Oracle::new(profile);
        calls
            .iter()
            .map(|c| {
                assert!(model.allows(c), "{c:?} not allowed");
                model.apply(c)
            })
            .collect()
    }

    fn create(t: Option<Token>, description: u8) -> Call {
        Call::TokenCreate {
            token: t,
            description,
        }
    }

    #[test]
    fn a_retry_returns_the_original_and_a_changed_one_is_a_mismatch() {
        let outcomes = run(
            Profile::strict(),
            &[
                create(token(0), 0),
                create(token(0), 0),
                create(token(0), 1),
            ],
        );
        assert_eq!(outcomes[1], Expected::Original { of: 0 });
        assert_eq!(outcomes[2], Expected::Mismatch { modified: false });
    }

    #[test]
    fn tokens_expire_after_eight_hours_and_not_before() {
        let outcomes = run(
            Profile::strict(),
            &[
                create(token(0), 0),
                Call::Advance {
                    seconds: TOKEN_STILL_VALID,
                },
                create(token(0), 0),
                Call::Advance { seconds: 61 },
                create(token(0), 0),
            ],
        );
        assert_eq!(outcomes[2], Expected::Original { of: 0 });
        assert_eq!(
            outcomes[4],
            Expected::Created {
                unlike: Some(0),
                clause: "CT4"
            }
        );
    }

    #[test]
    fn the_boundary_minute_is_not_decided() {
        let mut model = Oracle::new(Profile::strict());
        model.apply(&create(token(0), 0));
        model.apply(&Call::Advance { seconds: 8 * HOUR });
        assert!(!model.allows(&create(token(0), 0)));
    }

    #[test]
    fn the_lenient_profile_leaves_an_extended_expiry_open() {
        let calls = [
            create(token(0), 0),
            Call::Advance { seconds: 7 * HOUR },
            create(token(0), 0),
            Call::Advance { seconds: 2 * HOUR },
            create(token(0), 0),
        ];
        let strict = run(Profile::strict(), &calls);
        assert!(matches!(strict[4], Expected::Created { clause: "CT4", .. }));
        let lenient = run(Profile::lenient(), &calls);
        assert_eq!(lenient[4], Expected::ExpiredRetry { of: 0 });
        let mut model = Oracle::new(Profile::lenient());
        calls.iter().for_each(|c| {
            model.apply(c);
        });
        assert!(!model.allows(&create(token(0), 0)));
        assert_eq!(model.live_versions(), None);
    }

    #[test]
    fn a_deleted_original_makes_the_retry_create_and_a_changed_retry_undecided() {
        let mut model = Oracle::new(Profile::strict());
        model.apply(&create(token(0), 0));
        assert_eq!(
            model.apply(&Call::TokenDelete { slot: 0 }),
            Expected::Deleted
        );
        assert!(!model.allows(&create(token(0), 1)));
        assert_eq!(
            model.apply(&create(token(0), 0)),
            Expected::Created {
                unlike: Some(0),
                clause: "CT5"
            }
        );
        assert_eq!(model.live_versions(), Some(1));
    }

    #[test]
    fn tokens_differing_in_case_are_different() {
        let upper = Some(Token {
            index: 0,
            upper: true,
        });
        let outcomes = run(Profile::strict(), &[create(token(0), 0), create(upper, 0)]);
        assert_eq!(
            outcomes[1],
            Expected::Created {
                unlike: Some(0),
                clause: "CT1"
            }
        );
    }

    #[test]
    fn named_creates_follow_the_ic_table_and_the_profile() {
        let calls = [
            Call::NamedCreate {
                name: 0,
                description: 0,
            },
            Call::NamedCreate {
                name: 0,
                description: 0,
            },
            Call::NamedUpdate {
                name: 0,
                description: 2,
            },
            Call::NamedCreate {
                name: 0,
                description: 0,
            },
            Call::NamedCreate {
                name: 0,
                description: 1,
            },
        ];
        let outcomes = run(Profile::strict(), &calls);
        assert_eq!(outcomes[1], Expected::Original { of: 0 });
        assert_eq!(outcomes[3], Expected::Conflict);
        assert_eq!(outcomes[4], Expected::Mismatch { modified: true });
    }

    #[test]
    fn repeated_deletes_keep_metadata_for_an_hour_under_strict() {
        let calls = [
            Call::NamedDelete { name: 1 },
            Call::NamedCreate {
                name: 0,
                description: 0,
            },
            Call::NamedDelete { name: 0 },
            Call::NamedDelete { name: 0 },
            Call::Advance { seconds: HOUR },
            Call::NamedDelete { name: 0 },
            Call::Advance { seconds: HOUR },
            Call::NamedDelete { name: 0 },
        ];
        let strict = run(Profile::strict(), &calls);
        assert_eq!(strict[0], Expected::Empty);
        assert_eq!(strict[2], Expected::Deleted);
        assert_eq!(strict[3], Expected::DeletedMetadata { of: 2 });
        assert_eq!(strict[5], Expected::DeleteSucceeds);
        assert_eq!(strict[7], Expected::Empty);
        let lenient = run(Profile::lenient(), &calls);
        assert_eq!(lenient[7], Expected::DeletedMetadata { of: 2 });
    }

    #[test]
    fn boundaries_land_on_each_side_of_the_eight_hours_and_the_hour() {
        let mut model = Oracle::new(Profile::strict());
        assert!(model.boundaries().is_empty(), "nothing to reach yet");
        // The request comes half an hour in: ages count from it, not from the start.
        model.apply(&Call::Advance {
            seconds: 30 * MINUTE,
        });
        model.apply(&create(token(0), 0));
        model.apply(&Call::Advance { seconds: HOUR });
        // From an hour after the token's request: to 7h59m and to 8h plus a second.
        assert_eq!(
            model.boundaries(),
            vec![TOKEN_STILL_VALID - HOUR, TOKEN_SURELY_EXPIRED - HOUR]
        );
        model.apply(&Call::TokenDelete { slot: 0 });
        model.apply(&Call::Advance {
            seconds: 10 * MINUTE,
        });
        let moves = model.boundaries();
        // Token edges, then the deletion's: two minutes inside and past the hour it is kept.
        assert!(
            moves.ends_with(&[
                METADATA_KEPT - 2 * MINUTE - 10 * MINUTE,
                METADATA_KEPT + 2 * MINUTE - 10 * MINUTE
            ]),
            "{moves:?}"
        );
    }

    #[test]
    fn a_tokens_age_counts_from_its_request() {
        let mut model = Oracle::new(Profile::strict());
        model.apply(&Call::Advance {
            seconds: 30 * MINUTE,
        });
        model.apply(&create(token(0), 0));
        model.apply(&Call::Advance {
            seconds: 7 * HOUR + 30 * MINUTE,
        });
        // 7h30 after the request the token is live: a retry with other parameters is a
        // mismatch the contract decides.
        assert!(model.allows(&create(token(0), 1)));
        // Within the minute before the eight hours, no reading is safe: never generated.
        model.apply(&Call::Advance {
            seconds: 29 * MINUTE + 30,
        });
        assert!(!model.allows(&create(token(0), 0)));
    }

    #[test]
    fn a_repeated_delete_is_decided_outside_the_minute_around_the_hour_only() {
        let repeated_after = |seconds: u64| {
            let mut model = Oracle::new(Profile::strict());
            model.apply(&create(None, 0));
            model.apply(&Call::TokenDelete { slot: 0 });
            model.apply(&Call::Advance { seconds });
            model.apply(&Call::TokenDelete { slot: 0 })
        };
        let metadata = |o: &Expected| matches!(o, Expected::DeletedMetadata { .. });
        assert!(metadata(&repeated_after(30 * MINUTE)));
        assert!(metadata(&repeated_after(HOUR - MINUTE - 1)));
        // From 59 to 61 minutes, both edges included, the profile decides nothing.
        for undecided in [HOUR - MINUTE, HOUR, HOUR + MINUTE] {
            assert!(
                matches!(repeated_after(undecided), Expected::DeleteSucceeds),
                "{undecided}"
            );
        }
        assert!(matches!(repeated_after(HOUR + MINUTE + 1), Expected::Empty));
    }
}
