//! A game gets a player's token: by the short code from the player's settings, or by their
//! username and password. The token then goes into `PlazaClientOptions.player_token` of the
//! client the game uses for that player.

use super::client::{PlazaClient, client_call};
use super::error::PlazaStatus;
use super::strings::{out_arg, str_arg, to_c_string};
use std::ffi::c_char;

/// Links a player with `code`; their token goes into `*token` (free it with
/// `plaza_string_free`).
///
/// # Safety
/// `client` is a live handle, `code` NUL-terminated, `token` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_player_link(
    client: *const PlazaClient,
    code: *const c_char,
    token: *mut *mut c_char,
) -> PlazaStatus {
    // SAFETY: the caller's promises, each pointer checked for null.
    unsafe {
        client_call(client, |handle| {
            let code = str_arg(code, "code")?;
            let token = out_arg(token, "token")?;
            let made = handle.wait(handle.client.link_player(code))?;
            token.write(to_c_string(&made.token));
            Ok(())
        })
    }
}

/// Signs a player in; their token goes into `*token` (free it with `plaza_string_free`).
///
/// # Safety
/// `client` is a live handle, `username` and `password` NUL-terminated, `token` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_player_sign_in(
    client: *const PlazaClient,
    username: *const c_char,
    password: *const c_char,
    token: *mut *mut c_char,
) -> PlazaStatus {
    // SAFETY: the caller's promises, each pointer checked for null.
    unsafe {
        client_call(client, |handle| {
            let username = str_arg(username, "username")?;
            let password = str_arg(password, "password")?;
            let token = out_arg(token, "token")?;
            let made = handle.wait(handle.client.sign_in_player(username, password))?;
            token.write(to_c_string(&made.token));
            Ok(())
        })
    }
}
