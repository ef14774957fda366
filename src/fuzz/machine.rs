//! What the fuzzer generates: sequences of calls, each allowed by the oracle in the
//! state the earlier ones left, shrunk by proptest-state-machine's `Sequential` strategy.

use std::cell::RefCell;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::{BoxedStrategy, Just, Union};
use proptest_state_machine::strategy::Sequential;

use crate::contract::Profile;
use crate::contract::oracle::{
    BadToken, Call, HOUR, MINUTE, Oracle, TOKEN_STILL_VALID, TOKEN_SURELY_EXPIRED, Token,
};

/// What a case may use besides the model: the endpoint's abilities.
#[derive(Debug, Clone)]
pub struct Abilities {
    /// The endpoint's clock can be moved (`/_conformance/clock`): clock advances are generated.
    pub clock: bool,
    /// Asynchronous deletes are generated (their resources take a deployment to make).
    pub environments: bool,
}

/// The generator's state: the oracle, and what the endpoint can do.
#[derive(Debug, Clone)]
pub struct State {
    pub model: Oracle,
    pub abilities: Abilities,
}

thread_local! {
    // `Sequential` takes plain function pointers, so the initial state comes from here; it is
    // set by the thread that runs the generator, before it runs.
    static INITIAL: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// The strategy for one run: sequences of 1 to `max_calls` calls.
pub fn sequences(
    profile: Profile,
    abilities: Abilities,
    max_calls: usize,
) -> Sequential<State, Call, BoxedStrategy<State>, BoxedStrategy<Call>> {
    INITIAL.with(|i| {
        *i.borrow_mut() = Some(State {
            model: Oracle::new(profile),
            abilities,
        })
    });
    Sequential::new(
        (1..=max_calls.max(1)).into(),
        initial,
        |state, call| state.model.allows(call),
        transitions,
        |mut state, call| {
            state.model.apply(call);
            state
        },
    )
}

fn initial() -> BoxedStrategy<State> {
    let state = INITIAL.with(|i| i.borrow().clone());
    Just(state.expect("fuzz::machine::sequences sets the initial state first")).boxed()
}

fn token() -> impl Strategy<Value = Token> + Clone {
    (0u8..2, prop::bool::weighted(0.15)).prop_map(|(index, upper)| Token { index, upper })
}

fn advance(moves: Vec<u64>) -> BoxedStrategy<Call> {
    select(moves)
        .prop_map(|seconds| Call::Advance { seconds })
        .boxed()
}

fn transitions(state: &State) -> BoxedStrategy<Call> {
    let description = 0u8..2;
    let mut choices: Vec<(u32, BoxedStrategy<Call>)> = vec![
        (
            8,
            (prop::option::weighted(0.85, token()), description.clone())
                .prop_map(|(token, description)| Call::TokenCreate { token, description })
                .boxed(),
        ),
        (
            1,
            (token(), 2u8..6)
                .prop_map(|(token, copies)| Call::TokenCreateBurst { token, copies })
                .boxed(),
        ),
        (
            1,
            (token(), description.clone())
                .prop_map(|(token, description)| Call::TokenCreateLost { token, description })
                .boxed(),
        ),
        (
            1,
            select(vec![BadToken::TooLong, BadToken::Space])
                .prop_map(|kind| Call::TokenCreateBadToken { kind })
                .boxed(),
        ),
        (
            4,
            (0u8..2, description.clone())
                .prop_map(|(name, description)| Call::NamedCreate { name, description })
                .boxed(),
        ),
        (
            2,
            (0u8..2, description)
                .prop_map(|(name, description)| Call::NamedUpdate { name, description })
                .boxed(),
        ),
        (
            2,
            (0u8..3).prop_map(|name| Call::NamedDelete { name }).boxed(),
        ),
    ];
    let slots = state.model.slots();
    if slots > 0 {
        choices.push((
            3,
            (0..slots)
                .prop_map(|slot| Call::TokenDelete { slot })
                .boxed(),
        ));
    }
    if state.abilities.environments {
        choices.push((
            1,
            (0u8..2).prop_map(|name| Call::AsyncDelete { name }).boxed(),
        ));
    }
    if state.abilities.clock {
        let moves = vec![
            1,
            30 * MINUTE,
            HOUR + 2 * MINUTE,
            2 * HOUR,
            7 * HOUR,
            TOKEN_STILL_VALID,
            TOKEN_SURELY_EXPIRED,
        ];
        choices.push((3, advance(moves)));
        // Moves that land a token or a delete right at one side of a boundary.
        let boundaries = state.model.boundaries();
        if !boundaries.is_empty() {
            choices.push((4, advance(boundaries)));
        }
    }
    Union::new_weighted(choices).boxed()
}
