//! Giving freed memory back to the system. After bursts of thousands of concurrent requests
//! glibc's malloc kept what the requests had freed in its per-thread arenas: a server settled near
//! 600 MB and stayed there, although `malloc_trim(0)` brought it back to 65 MB at once (it also
//! releases free pages in the middle of an arena, which glibc's automatic trimming never does).
//! mimalloc, measured instead, still held 470 MB a minute after the same load
//! (docs/BENCHMARKS.md, docs/DECISIONS.md). So a `plaza serve` process trims every few seconds.

use std::time::Duration;

/// How often the heap is trimmed. A trim of an idle heap takes microseconds; after a burst,
/// milliseconds.
pub const TRIM_INTERVAL: Duration = Duration::from_secs(10);

/// Starts a thread that returns free heap memory to the system every `interval` (on glibc;
/// elsewhere it does nothing).
pub fn start_trimming(interval: Duration) {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) || interval.is_zero() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("plaza-trim".into())
        .spawn(move || {
            loop {
                std::thread::sleep(interval);
                trim();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "the memory trimming thread could not start");
    }
}

/// Returns free memory at the top and in the middle of every malloc arena to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code, reason = "malloc_trim is glibc's C function")]
pub fn trim() {
    // SAFETY: malloc_trim takes a plain integer, has no preconditions and is thread-safe (it
    // takes each arena's lock in turn).
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Nothing to do without glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn trim() {}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    #[test]
    fn memory_freed_between_live_blocks_goes_back_to_the_system_when_trimmed() {
        // On a thread of its own (its own malloc arena): 100 MB of 64 KB blocks with small live
        // blocks between them, then the big ones freed. Nothing is free at the arena's top, so
        // glibc keeps the holes until a trim.
        let (before, after) = std::thread::spawn(|| {
            let mut big = Vec::new();
            let mut small = Vec::new();
            for i in 0..1600u32 {
                big.push(vec![i as u8 | 1; 64 * 1024]);
                small.push(vec![i as u8; 32]);
            }
            drop(big);
            let before = plaza_tools::bench::rss_kib(std::process::id()).unwrap_or(0);
            trim();
            let after = plaza_tools::bench::rss_kib(std::process::id()).unwrap_or(0);
            drop(small);
            (before, after)
        })
        .join()
        .unwrap();
        assert!(
            before.saturating_sub(after) > 50 * 1024,
            "{before} KiB before the trim, {after} KiB after"
        );
    }
}
