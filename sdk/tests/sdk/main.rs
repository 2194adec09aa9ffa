//! The SDK's tests: retries and idempotency keys against a scripted server, the C header kept
//! current, the game API against a Plaza started in this process, and the C example built with
//! `cc` and run against it.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod c_abi;
mod c_example;
mod fake;
mod game;
mod header;
mod idempotency;
mod plaza;
mod retries;
