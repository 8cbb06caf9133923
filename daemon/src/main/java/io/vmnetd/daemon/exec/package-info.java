/**
 * Running programs as root without trusting anyone but root: for IPAM plugins, and anything else the daemon execs.
 *
 * <h2>{@link io.vmnetd.daemon.exec.TrustedExecutable}: what is checked is what runs</h2>
 * The path is walked from "/" one component at a time with openat(O_PATH|O_NOFOLLOW|O_CLOEXEC) on the descriptor of
 * the directory before, and each opened descriptor is checked with statx: every directory on the way and the
 * program must be owned by uid 0 and writable by neither group nor others (the sticky bit does not make a
 * world-writable directory acceptable); the program must be a regular file with an execute bit. Symlinks are
 * followed only where root alone could have made them (met inside a directory already checked, owned by root
 * themselves), their targets walked and checked the same way, at most 40 of them; ".." is opened, not removed by
 * text. The program's O_PATH descriptor stays open and is what gets executed, so a rename or replacement after
 * the check changes nothing. Refusals are an {@link io.vmnetd.daemon.exec.UntrustedPathException} naming the path,
 * the component at fault with its owner and mode, and what is allowed.
 * {@link io.vmnetd.daemon.exec.TrustedExecutable#checkDirectory} is the same check for a directory, at config load.
 *
 * <h2>{@link io.vmnetd.daemon.exec.ChildProcess}: a child with real limits</h2>
 * <ul>
 * <li>Executed through its descriptor: posix_spawn of "/proc/self/fd/3" after dup2 of the O_PATH descriptor to 3
 *     (so "#!" scripts work too: their interpreter opens that path; "$0" of a script is "/proc/self/fd/3").</li>
 * <li>The child has exactly fds 0, 1, 2 (pipes) and 3 (its program); everything else the JVM has open is closed in
 *     it (closefrom), close-on-exec or not. Exactly the given argv and environment, nothing inherited. It starts in
 *     "/", leads a new process group, with no signal blocked and every signal at its default disposition.
 *     Credentials, capabilities, resource limits (the JVM raises the soft open-files limit to the hard one),
 *     umask, namespaces and cgroup are the daemon's.</li>
 * <li>stdin is written while stdout and stderr are read, by the calling thread alone, with poll(2) over
 *     non-blocking pipes: no pipe is ever waited on without a deadline. A child that exits or closes stdin without
 *     reading it all is normal.</li>
 * <li>Outcomes ({@link io.vmnetd.daemon.exec.Outcome}): exited with a code, killed by a signal, timed out (the whole
 *     process group, and the child itself, get SIGKILL at the deadline), or output larger than its limit (reading
 *     stops, the group is killed). Output is returned as bytes; parsing it is the caller's.</li>
 * <li>Once the child exits, what it left behind holding stdout or stderr open keeps the call at most
 *     {@link io.vmnetd.daemon.exec.Limits#exitGrace()}; then reading stops and the outcome says so.</li>
 * <li>When {@code run} returns, by any path: the child has been reaped (waitpid on its own pid only; the JVM reaps
 *     its own children), no process is left in its process group (a process that left the group with setsid or
 *     setpgid is out of reach), and every descriptor of the run is closed. The group is killed while the child is
 *     still an unreaped zombie (a pidfd tells of the exit without reaping), so its id cannot have been reused.</li>
 * <li>Thread-safe: parallel calls share nothing but the program's descriptor. A call is not interruptible; it
 *     lasts at most about the timeout.</li>
 * </ul>
 * Needs Linux 5.3 or later (pidfd_open), glibc 2.36 or later, /proc mounted, and x86_64 (open flag values).
 */
package io.vmnetd.daemon.exec;
