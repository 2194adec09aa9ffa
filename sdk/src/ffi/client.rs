//! The client handle: made from options, freed once, shared by any number of threads.

use super::error::{Failure, PlazaStatus, guard, quietly};
use super::strings::{opt_str_arg, out_arg, str_arg};
use crate::{Client, ClientConfig};
use std::ffi::c_char;
use std::time::Duration;

/// An opaque client of the game API for one title and, optionally, one player. Thread-safe:
/// calls from several threads at once are fine (each blocks only its own thread).
pub struct PlazaClient {
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) client: Client,
}

/// How to make a client. Zero in a number means its default.
#[repr(C)]
#[derive(Debug)]
pub struct PlazaClientOptions {
    /// Plaza's address, e.g. "https://plaza.example". Required.
    pub base_url: *const c_char,
    /// The title, 16 hex digits ("0005000010101E00"). Required.
    pub title_id: *const c_char,
    /// The title's app key, "<key_id>.<secret>". Required.
    pub app_key: *const c_char,
    /// The player's token, or NULL for reads without a player.
    pub player_token: *const c_char,
    /// The longest one attempt may take, in milliseconds (default 10000).
    pub timeout_ms: u32,
    /// Attempts per call, the first included (default 4; 1 = never retry).
    pub max_attempts: u32,
}

/// Makes a client into `*out` (freed by `plaza_client_free`). Nothing is sent yet.
///
/// # Safety
/// `options` points at a `PlazaClientOptions` whose strings are NUL-terminated or NULL;
/// `out` points at writable storage for a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_client_new(
    options: *const PlazaClientOptions,
    out: *mut *mut PlazaClient,
) -> PlazaStatus {
    guard(|| {
        let out = out_arg(out, "out")?;
        // SAFETY: checked for null; readable by the caller's promise.
        let options =
            unsafe { options.as_ref() }.ok_or_else(|| Failure::invalid("options is NULL"))?;
        // SAFETY: the caller's promise on the options' strings.
        let (base_url, title_id, app_key, token) = unsafe {
            (
                str_arg(options.base_url, "base_url")?,
                str_arg(options.title_id, "title_id")?,
                str_arg(options.app_key, "app_key")?,
                opt_str_arg(options.player_token, "player_token")?,
            )
        };
        let mut config = ClientConfig::new(base_url, title_id, app_key);
        config.player_token = token.map(str::to_owned);
        if options.timeout_ms > 0 {
            config.timeout = Duration::from_millis(u64::from(options.timeout_ms));
            config.connect_timeout = config.connect_timeout.min(config.timeout);
        }
        if options.max_attempts > 0 {
            config.retry.max_attempts = options.max_attempts;
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("plaza-sdk")
            .enable_all()
            .build()
            .map_err(|e| Failure::invalid(format!("no runtime could be started: {e}")))?;
        let made = {
            let _context = runtime.enter();
            Client::new(&config)
        };
        let client = match made {
            Ok(c) => c,
            Err(e) => {
                // Dropped without waiting, so that this is safe from any thread.
                runtime.shutdown_background();
                return Err(e.into());
            }
        };
        let handle = Box::new(PlazaClient { runtime, client });
        // SAFETY: `out` is not null and writable by the caller's promise.
        unsafe { out.write(Box::into_raw(handle)) };
        Ok(())
    })
}

/// Frees a client (NULL is ignored). No call may be running on it or start after.
///
/// # Safety
/// `client` came from `plaza_client_new` and is freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_client_free(client: *mut PlazaClient) {
    quietly(|| {
        if !client.is_null() {
            // SAFETY: made by Box::into_raw in plaza_client_new, freed once.
            let client = unsafe { Box::from_raw(client) };
            // Its threads stop without being waited for, so freeing never blocks a game's frame.
            client.runtime.shutdown_background();
        }
    });
}

/// The body of an exported call on a client: run in [`guard`] with the handle checked for null
/// first, so that every such function fails the same way on a bad handle.
///
/// # Safety
/// `client` is null or a live handle from `plaza_client_new`.
pub(crate) unsafe fn client_call(
    client: *const PlazaClient,
    call: impl FnOnce(&PlazaClient) -> Result<(), Failure>,
) -> PlazaStatus {
    guard(|| {
        // SAFETY: checked for null; live by the caller's promise.
        let handle =
            unsafe { client.as_ref() }.ok_or_else(|| Failure::invalid("client is NULL"))?;
        call(handle)
    })
}

impl PlazaClient {
    /// Runs one request of the client to its end on the calling thread.
    pub(crate) fn wait<T>(&self, request: impl Future<Output = T>) -> T {
        self.runtime.block_on(request)
    }
}
