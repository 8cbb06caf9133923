package io.vmnetd.daemon.api;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** {@link GroupDirectory} via libc's getgrnam/getpwuid, so that NSS sources (LDAP, sssd) count as well as /etc. */
final class PosixGroupDirectory implements GroupDirectory {

    static final PosixGroupDirectory INSTANCE = new PosixGroupDirectory();

    private final POSIX posix = POSIXFactory.getNativePOSIX();

    private PosixGroupDirectory() {}

    // getgrnam and getpwuid return pointers into one static buffer: callers must not interleave.
    @Override
    public synchronized Optional<Group> group(String name) {
        jnr.posix.Group entry = posix.getgrnam(name);
        if (entry == null) {
            return Optional.empty();
        }
        String[] members = entry.getMembers();
        List<String> memberList = members == null ? List.of() : Arrays.asList(members);
        return Optional.of(new Group(entry.getName(), (int) entry.getGID(), memberList));
    }

    @Override
    public synchronized Optional<String> userName(int uid) {
        jnr.posix.Passwd entry = posix.getpwuid(uid);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.getLoginName());
    }
}
