//! What the machine has: memory this process may still use, free disk, and the check that a
//! run of a given size fits (generating data, the demo, statistics on large files).

use std::path::Path;

use setara_synth::SizeEstimate;

use crate::DataDir;
use crate::error::{Error, Result};

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

/// Free bytes for an unprivileged user on the file system that holds `path`, or its nearest
/// existing ancestor (statvfs). `None` where it cannot be read.
pub fn free_disk(path: &Path) -> Option<u64> {
    let mut p = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    while !p.exists() {
        p = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(p.as_os_str().as_bytes()).ok()?;
        // SAFETY: a zeroed statvfs is a valid value to be overwritten; `c` is a valid C string.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
            return None;
        }
        Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        None
    }
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

/// Refuse a run whose estimate does not fit the memory this process may use or the free disk
/// at `out`, naming both figures. `what` says what is being made, in both languages.
pub fn check_room(
    shown: &DataDir,
    need: SizeEstimate,
    out: &Path,
    what: (&str, &str),
) -> Result<()> {
    room_for(shown, need, available_memory(), free_disk(out), out, what)
}

/// [`check_room`] against given figures.
fn room_for(
    shown: &DataDir,
    need: SizeEstimate,
    memory: Option<u64>,
    disk: Option<u64>,
    out: &Path,
    what: (&str, &str),
) -> Result<()> {
    if let Some(have) = memory
        && need.memory_bytes > have
    {
        return Err(Error::invalid(
            "size_exceeds_memory",
            format!(
                "{} memerlukan sekitar {} memori; yang tersedia hanya {}. Kurangi --households",
                what.0,
                show_bytes(need.memory_bytes),
                show_bytes(have)
            ),
            format!(
                "{} needs about {} of memory; only {} is available. Use fewer --households",
                what.1,
                show_bytes(need.memory_bytes),
                show_bytes(have)
            ),
        ));
    }
    if let Some(have) = disk
        && need.disk_bytes > have
    {
        return Err(Error::invalid(
            "size_exceeds_disk",
            format!(
                "{} memerlukan sekitar {} ruang disk di {}; yang kosong hanya {}. Kurangi --households atau pilih tempat lain",
                what.0,
                show_bytes(need.disk_bytes),
                shown.show(out),
                show_bytes(have)
            ),
            format!(
                "{} needs about {} of disk space in {}; only {} is free. Use fewer --households or another place",
                what.1,
                show_bytes(need.disk_bytes),
                shown.show(out),
                show_bytes(have)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_is_measured() {
        // Linux CI machines have /proc and statvfs.
        if cfg!(target_os = "linux") {
            assert!(available_memory().is_some_and(|m| m > 0));
            assert!(free_disk(Path::new("no/such/dir")).is_some());
        }
        assert_eq!(show_bytes(1_500_000_000), "1.5 GB");
        assert_eq!(show_bytes(999), "999 B");
    }

    /// Issue 10, finding 10: a size that cannot fit is refused with both figures, memory first.
    #[test]
    fn sizes_that_do_not_fit_are_refused_with_both_figures() {
        let need = SizeEstimate {
            memory_bytes: 19_400_000_000,
            disk_bytes: 108_000_000_000,
        };
        let what = ("Ini", "This");
        let out = Path::new("out");
        let e = room_for(
            &DataDir::new("x"),
            need,
            Some(2_000_000_000),
            Some(1 << 50),
            out,
            what,
        )
        .unwrap_err();
        assert_eq!(e.code, "size_exceeds_memory");
        assert!(
            e.en.contains("19.4 GB") && e.en.contains("2.0 GB"),
            "{}",
            e.en
        );
        let e = room_for(
            &DataDir::new("x"),
            need,
            Some(1 << 40),
            Some(64_000_000_000),
            out,
            what,
        )
        .unwrap_err();
        assert_eq!(e.code, "size_exceeds_disk");
        assert!(
            e.id.contains("108.0 GB") && e.id.contains("64.0 GB"),
            "{}",
            e.id
        );
        assert!(room_for(&DataDir::new("x"), need, None, None, out, what).is_ok());
        assert!(
            room_for(
                &DataDir::new("x"),
                need,
                Some(1 << 40),
                Some(1 << 40),
                out,
                what
            )
            .is_ok()
        );
    }

    #[test]
    fn field_kb_reads_proc_lines() {
        let t = "MemTotal:       24683520 kB\nMemAvailable:   22316532 kB\n";
        assert_eq!(field_kb(t, "MemAvailable:"), Some(22_316_532));
        assert_eq!(field_kb(t, "VmSize:"), None);
    }
}
