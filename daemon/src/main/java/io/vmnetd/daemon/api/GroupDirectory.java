package io.vmnetd.daemon.api;

import java.util.List;
import java.util.Optional;

/** The system's user and group database (NSS), behind an interface so that authorisation can be tested alone. */
public interface GroupDirectory {

    /** A group as {@code getgrnam} reports it. */
    record Group(String name, int gid, List<String> members) {
        public Group {
            members = List.copyOf(members);
        }
    }

    Optional<Group> group(String name);

    /** The login name of {@code uid}, if it has a passwd entry. */
    Optional<String> userName(int uid);

    /** The real database, through libc. */
    static GroupDirectory system() {
        return PosixGroupDirectory.INSTANCE;
    }
}
