//! Giving freed memory back to the system. After bursts of thousands of concurrent requests
//! glibc's malloc kept what the requests had freed in its per-thread arenas: a server settled near
//! 600 MB and stayed there, although `malloc_trim(0)` brought it back to 65 MB at once (it also
//! releases free pages in the middle of an arena, which glibc's automatic trimming never does).
//! mimalloc, measured instead, still held 470 MB a minute after the same load
//! (docs/BENCHMARKS.md, docs/DECISIONS.md). So a `plaza serve` process trims every few seconds.
//!
//! Most of an idle server's memory was its executable: 16 of 22 MiB were pages of code that
//! starting, the first `/readyz` (which asks every service) and earlier requests had read, and
//! that stay mapped while nothing uses them. So the same thread hands them back
//! ([`release_code_pages`]) once no request has been answered for [`IDLE_AFTER`]: the next
//! request reads in what it needs again. A busy process never does it.

use std::time::{Duration, Instant};

/// How often the heap is trimmed. A trim of an idle heap takes microseconds; after a burst,
/// milliseconds.
pub const TRIM_INTERVAL: Duration = Duration::from_secs(10);
/// How long no request may be answered before the process counts as idle and hands back its
/// executable's pages.
pub const IDLE_AFTER: Duration = Duration::from_secs(5);
/// How often the thread looks at the request count.
const TICK: Duration = Duration::from_secs(1);

/// Starts a thread that returns free heap memory to the system every `interval`, and the
/// executable's pages once per idle spell (on glibc; elsewhere it does nothing).
pub fn start_trimming(interval: Duration) {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) || interval.is_zero() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("plaza-trim".into())
        .spawn(move || {
            let mut idle = IdleSpell::new(plaza_http::metrics::requests_answered(), Instant::now());
            let mut next_trim = Instant::now() + interval;
            loop {
                std::thread::sleep(TICK);
                let now = Instant::now();
                if now >= next_trim {
                    trim();
                    next_trim = now + interval;
                }
                if idle.release_now(plaza_http::metrics::requests_answered(), now) {
                    release_code_pages();
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "the memory trimming thread could not start");
    }
}

/// Tells when a process has answered no request for [`IDLE_AFTER`]: once per idle spell.
#[derive(Debug)]
struct IdleSpell {
    /// The request count last seen, and since when it has stood still.
    count: u64,
    since: Instant,
    /// Whether this spell's pages were already handed back.
    released: bool,
}

impl IdleSpell {
    fn new(count: u64, now: Instant) -> Self {
        IdleSpell {
            count,
            since: now,
            released: false,
        }
    }

    /// Whether to hand the pages back now, given the request count at `now`.
    fn release_now(&mut self, count: u64, now: Instant) -> bool {
        if count != self.count {
            *self = IdleSpell::new(count, now);
            return false;
        }
        if self.released || now.duration_since(self.since) < IDLE_AFTER {
            return false;
        }
        self.released = true;
        true
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

/// Asks the kernel to take back the pages of this process's executable that are in memory
/// (its code and read-only data; nothing writable), as `madvise(MADV_PAGEOUT)` does: they are
/// read in again on next use. Pages another process maps too are left alone. Returns how many
/// bytes of mappings were advised; on failure it logs and returns 0, since nothing depends on it.
#[cfg(target_os = "linux")]
pub fn release_code_pages() -> usize {
    match executable_mappings() {
        Ok(ranges) => ranges.into_iter().map(page_out).sum(),
        Err(e) => {
            tracing::debug!(error = %e, "the executable's pages were not released");
            0
        }
    }
}

/// Nothing to do off Linux.
#[cfg(not(target_os = "linux"))]
pub fn release_code_pages() -> usize {
    0
}

/// The address ranges where this process maps its own executable without write access, from
/// `/proc/self/maps` (`start-end perms offset dev inode path`).
#[cfg(target_os = "linux")]
fn executable_mappings() -> std::io::Result<Vec<(usize, usize)>> {
    let exe = std::env::current_exe()?;
    let exe = exe.to_string_lossy();
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    Ok(maps
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let range = fields.next()?;
            let perms = fields.next()?;
            let path = fields.nth(3)?;
            if path != exe || perms.contains('w') {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            Some((start, end.checked_sub(start)?))
        })
        .collect())
}

/// Pages out one mapping; its length when the kernel took the advice, else 0.
#[cfg(target_os = "linux")]
#[allow(unsafe_code, reason = "madvise is the kernel's C interface")]
fn page_out((start, len): (usize, usize)) -> usize {
    // SAFETY: the range is a whole mapping of this process, read from /proc/self/maps, so it is
    // page-aligned and mapped. MADV_PAGEOUT changes no contents: a page taken back is read in
    // again from the file on its next use. A mapping that went away since fails with ENOMEM,
    // which is only reported.
    let done = unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_PAGEOUT) };
    if done == 0 {
        len
    } else {
        tracing::debug!(error = %std::io::Error::last_os_error(), "madvise(MADV_PAGEOUT)");
        0
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// The resident pages of files mapped by this process (`RssFile`), in KiB.
    fn file_rss_kib() -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("RssFile:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    #[test]
    fn pages_go_back_once_per_spell_without_requests() {
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        let mut idle = IdleSpell::new(7, start);
        assert!(!idle.release_now(7, at(4)), "idle for less than IDLE_AFTER");
        assert!(idle.release_now(7, at(5)));
        assert!(!idle.release_now(7, at(9)), "once per spell");
        assert!(!idle.release_now(8, at(10)), "a request ends the spell");
        assert!(
            !idle.release_now(9, at(14)),
            "and so does each one after it"
        );
        assert!(!idle.release_now(9, at(18)));
        assert!(
            idle.release_now(9, at(19)),
            "a new spell, five seconds after the last request"
        );
    }

    #[test]
    fn the_executables_pages_go_back_to_the_system() {
        let before = file_rss_kib().unwrap();
        let advised = release_code_pages();
        let after = file_rss_kib().unwrap();
        assert!(advised > 0, "no mapping of the executable was found");
        assert!(
            after < before,
            "{before} KiB of file pages before, {after} KiB after"
        );
    }

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
