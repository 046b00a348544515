//! A running nginx that is stopped when dropped, by a panicking test too. It runs in its own
//! process group: SIGQUIT to the master is a graceful stop that takes its workers along, and
//! if it has not exited in time the whole group is killed, so no worker outlives the test.
//! (`Child::kill` would SIGKILL only the master and orphan its workers.)

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process, kill_process_group};

/// How long a graceful stop may take before the group is killed.
const GRACE: Duration = Duration::from_secs(5);

pub struct Nginx {
    child: Child,
    stopped: bool,
}

impl Nginx {
    /// Starts `command` (an `nginx` command line) as the leader of a new process group.
    pub fn spawn(mut command: Command) -> Nginx {
        command.process_group(0);
        Nginx {
            child: super::tools::spawn(&mut command),
            stopped: false,
        }
    }

    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Stops nginx and returns what it wrote to stderr (when stderr was piped).
    pub fn stop(mut self) -> String {
        self.stop_group();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        stderr
    }

    fn stop_group(&mut self) {
        if std::mem::replace(&mut self.stopped, true) {
            return;
        }
        let pid = Pid::from_child(&self.child);
        if let Ok(Some(_)) = self.child.try_wait() {
            // The master died on its own: any worker left is an orphan in its group.
            let _ = kill_process_group(pid, Signal::KILL);
            return;
        }
        // The master exits only once its workers have: its exit means the group is gone.
        let _ = kill_process(pid, Signal::QUIT);
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Still unreaped, so the group id cannot have been reused yet.
        let _ = kill_process_group(pid, Signal::KILL);
        let _ = self.child.wait();
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.stop_group();
    }
}
