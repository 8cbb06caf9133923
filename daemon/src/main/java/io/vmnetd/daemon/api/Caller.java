package io.vmnetd.daemon.api;

/** Who is on the other end of an API connection, as the kernel reported it (SO_PEERCRED) when it connected. */
public record Caller(int pid, int uid, int gid) {}
