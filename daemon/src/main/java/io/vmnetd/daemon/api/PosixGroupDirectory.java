package io.vmnetd.daemon.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;

/**
 * {@link GroupDirectory} via libc's getgrnam/getpwuid, so that NSS sources (LDAP, sssd) count as well as /etc.
 * Its binding is loaded on the first lookup, which only a caller other than root sets off: the daemon's start
 * needs no group database beyond the JDK's lookup of the socket's group.
 */
final class PosixGroupDirectory implements GroupDirectory {

    static final PosixGroupDirectory INSTANCE = new PosixGroupDirectory();

    /** The two libc calls; public only because jnr-ffi implements it in a class loader of its own. */
    public interface Nss {
        Pointer getgrnam(String name);

        Pointer getpwuid(int uid);
    }

    // struct group {char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem} and passwd's first field,
    // pw_name, at these offsets on 64-bit Linux.
    private static final int GR_NAME = 0;
    private static final int GR_GID = 16;
    private static final int GR_MEM = 24;
    private static final int PW_NAME = 0;

    private Nss nss;

    private PosixGroupDirectory() {}

    // getgrnam and getpwuid return pointers into one static buffer: callers must not interleave.
    @Override
    public synchronized Optional<Group> group(String name) {
        Pointer entry = nss().getgrnam(name);
        if (entry == null) {
            return Optional.empty();
        }
        List<String> members = new ArrayList<>();
        Pointer list = entry.getPointer(GR_MEM);
        int size = entry.getRuntime().addressSize();
        for (long at = 0; list != null; at += size) {
            Pointer member = list.getPointer(at);
            if (member == null) {
                break;
            }
            members.add(member.getString(0));
        }
        return Optional.of(new Group(entry.getPointer(GR_NAME).getString(0), entry.getInt(GR_GID), members));
    }

    @Override
    public synchronized Optional<String> userName(int uid) {
        Pointer entry = nss().getpwuid(uid);
        return entry == null ? Optional.empty() : Optional.of(entry.getPointer(PW_NAME).getString(0));
    }

    private Nss nss() {
        if (nss == null) {
            Platform platform = Platform.getNativePlatform();
            if (platform.getOS() != Platform.OS.LINUX || platform.addressSize() != 64) {
                throw new UnsupportedOperationException("the group database binding needs 64-bit Linux");
            }
            nss = LibraryLoader.create(Nss.class).load(platform.getStandardCLibraryName());
        }
        return nss;
    }
}
