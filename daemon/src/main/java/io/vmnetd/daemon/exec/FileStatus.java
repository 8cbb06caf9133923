package io.vmnetd.daemon.exec;

import static io.vmnetd.daemon.exec.ExecNative.*;

import java.nio.ByteBuffer;

/** Type, permission bits and owner of an open file, read with statx(2) from its descriptor. */
record FileStatus(int mode, int uid, int gid) {
    private static final int STX_UID = 20;
    private static final int STX_GID = 24;
    private static final int STX_MODE = 28;

    /** statx(fd, "", AT_EMPTY_PATH): works on O_PATH descriptors, symlinks included. */
    static FileStatus of(int fd) throws NativeError {
        ByteBuffer buf = direct(STATX_SIZE_BYTES);
        int mask = STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID;
        if (libc().statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, mask, buf) != 0) {
            throw new NativeError("statx", errno());
        }
        return new FileStatus(buf.getShort(STX_MODE) & 0xffff, buf.getInt(STX_UID), buf.getInt(STX_GID));
    }

    boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    boolean writableByGroupOrOthers() {
        return (mode & 0022) != 0;
    }

    boolean executable() {
        return (mode & 0111) != 0;
    }

    /** "owner uid 0, gid 0, mode 1777 drwxrwxrwt". */
    String describe() {
        return "owner uid " + Integer.toUnsignedString(uid) + ", gid " + Integer.toUnsignedString(gid) + ", mode "
                + String.format("%04o", mode & 07777) + " " + symbolic();
    }

    private String symbolic() {
        StringBuilder s = new StringBuilder();
        s.append(isDirectory() ? 'd' : isSymlink() ? 'l' : isRegularFile() ? '-' : '?');
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s.append((mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
        }
        special(s, 3, 04000, 's');
        special(s, 6, 02000, 's');
        special(s, 9, 01000, 't');
        return s.toString();
    }

    private void special(StringBuilder s, int at, int bit, char c) {
        if ((mode & bit) != 0) {
            s.setCharAt(at, s.charAt(at) == '-' ? Character.toUpperCase(c) : c);
        }
    }
}
