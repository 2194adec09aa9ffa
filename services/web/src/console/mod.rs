//! The console API: the XML protocol Wii U and 3DS clients spoke to their posting service, which
//! revival projects keep alive, served under `/v1/` so such a client can be pointed at Plaza.
//! Every request carries `X-Nintendo-ParamPack` ([`param_pack`]) and, except discovery,
//! `X-Nintendo-ServiceToken` (a console linked to an account, see `ops::consoles`); answers and
//! errors are XML ([`xml`], [`error`]). Handlers go through `ops` like the JSON API, so a post
//! made here is the same post the pages show. Documented in docs/GAMES.md, "Console protocol";
//! not part of the JSON OpenAPI.

pub mod error;
pub mod param_pack;
pub mod xml;

pub use error::{ConsoleError, ConsoleResult};
