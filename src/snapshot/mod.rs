//! Snapshots: a step's redacted request and answer, kept in insta's `.snap` format so that
//! `cargo insta review` works on them too. The shipped CLI does not call insta's macros (they
//! panic and are steered by environment variables); it owns this small logic instead.

mod compare;
mod file;
mod recordings;
mod store;

pub use compare::matches_up_to_renaming;
pub use file::{SnapFile, parse_snap, render_snap};
pub use recordings::compare_recordings;
pub use store::{Compared, Mode, SnapshotStore, pending_files};
