//! What the machine has: the memory this process may still use, to refuse work that would not
//! fit with a clear error instead of being killed for want of memory.

use std::path::Path;

/// Bytes of memory this process may still allocate: the smallest of the memory the kernel
/// reports available (`MemAvailable` in /proc/meminfo), the room left under the address-space
/// limit (`ulimit -v`) and the room left under the cgroup's memory limit. `None` where none of
/// them can be read (then nothing is refused for memory).
pub fn available_memory() -> Option<u64> {
    let mut room: Option<u64> = None;
    let mut take = |v: u64| room = Some(room.map_or(v, |r| r.min(v)));
    if let Ok(info) = std::fs::read_to_string("/proc/meminfo")
        && let Some(kb) = field_kb(&info, "MemAvailable:")
    {
        take(kb.saturating_mul(1024));
    }
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct we own.
        let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut lim) } == 0;
        if ok && lim.rlim_cur != libc::RLIM_INFINITY {
            let used = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| field_kb(&s, "VmSize:"))
                .map_or(0, |kb| kb.saturating_mul(1024));
            // rlim_t is u64 on Linux, another width elsewhere.
            #[allow(clippy::unnecessary_cast)]
            let limit = lim.rlim_cur as u64;
            take(limit.saturating_sub(used));
        }
    }
    let cgroup = |name: &str| {
        std::fs::read_to_string(Path::new("/sys/fs/cgroup").join(name))
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
    };
    if let (Some(max), Some(current)) = (cgroup("memory.max"), cgroup("memory.current")) {
        take(max.saturating_sub(current));
    }
    room
}

/// The number of kilobytes on the line starting with `key` of a /proc file.
fn field_kb(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Bytes as "1.2 GB" (decimal units).
pub fn show_bytes(b: u64) -> String {
    let b = b as f64;
    for (unit, size) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] {
        if b >= size {
            return format!("{:.1} {unit}", b / size);
        }
    }
    format!("{b} B")
}
