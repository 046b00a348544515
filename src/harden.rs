//! Process hardening done first thing in `main`: no core dumps. A crash of a process that
//! holds decrypted values (in `secrets edit`, or an abort on a hostile input) must not
//! write them to a core file, which may land in the project folder.

/// Set the core-file size limit to 0 (soft and hard, so nothing later raises it) and, on
/// Linux, mark the process not dumpable, which also covers a core pipe handler
/// (`kernel.core_pattern = |...`) that ignores the size limit and keeps other processes
/// of the same user from reading this one's memory.
pub fn no_core_dumps() -> std::io::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    )?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn after_the_call_no_core_file_can_be_written() {
        // Run in a child process: the limit cannot be raised again in this one.
        let exe = std::env::current_exe().expect("test binary");
        let out = std::process::Command::new(exe)
            .args([
                "--exact",
                "harden::tests::child_sets_the_limits",
                "--include-ignored",
                "--nocapture",
            ])
            .output()
            .expect("run the test binary");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.contains("core=0 dumpable=no"), "{stdout}");
    }

    #[test]
    #[ignore = "run by after_the_call_no_core_file_can_be_written in its own process"]
    fn child_sets_the_limits() {
        super::no_core_dumps().expect("harden");
        let core = rustix::process::getrlimit(rustix::process::Resource::Core);
        let dumpable = rustix::process::dumpable_behavior().expect("prctl");
        println!(
            "core={} dumpable={}",
            core.current.map_or("unlimited".into(), |c| c.to_string()),
            if dumpable == rustix::process::DumpableBehavior::NotDumpable {
                "no"
            } else {
                "yes"
            }
        );
        assert_eq!(core.maximum, Some(0));
    }
}
