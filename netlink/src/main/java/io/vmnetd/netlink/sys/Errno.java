package io.vmnetd.netlink.sys;

import java.util.Map;

/** Linux errno numbers with their symbolic names, so errors say "EEXIST" rather than "17". */
public record Errno(int number) {
    public static final Errno EPERM = new Errno(1);
    public static final Errno ENOENT = new Errno(2);
    public static final Errno ESRCH = new Errno(3);
    public static final Errno EINTR = new Errno(4);
    public static final Errno EAGAIN = new Errno(11);
    public static final Errno ENOMEM = new Errno(12);
    public static final Errno EACCES = new Errno(13);
    public static final Errno EBUSY = new Errno(16);
    public static final Errno EEXIST = new Errno(17);
    public static final Errno ENODEV = new Errno(19);
    public static final Errno EINVAL = new Errno(22);
    public static final Errno ERANGE = new Errno(34);
    public static final Errno ENOTEMPTY = new Errno(39);
    public static final Errno EOPNOTSUPP = new Errno(95);
    public static final Errno EAFNOSUPPORT = new Errno(97);
    public static final Errno EADDRNOTAVAIL = new Errno(99);
    public static final Errno ENOBUFS = new Errno(105);
    public static final Errno ETIMEDOUT = new Errno(110);
    public static final Errno ECANCELED = new Errno(125);
    public static final Errno ENOTSUPP = new Errno(524);

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(7, "E2BIG"), Map.entry(9, "EBADF"),
            Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"),
            Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(18, "EXDEV"), Map.entry(19, "ENODEV"),
            Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"), Map.entry(23, "ENFILE"),
            Map.entry(24, "EMFILE"), Map.entry(25, "ENOTTY"), Map.entry(28, "ENOSPC"), Map.entry(30, "EROFS"),
            Map.entry(31, "EMLINK"), Map.entry(32, "EPIPE"), Map.entry(34, "ERANGE"), Map.entry(35, "EDEADLK"),
            Map.entry(36, "ENAMETOOLONG"), Map.entry(38, "ENOSYS"), Map.entry(39, "ENOTEMPTY"),
            Map.entry(40, "ELOOP"), Map.entry(61, "ENODATA"), Map.entry(71, "EPROTO"), Map.entry(74, "EBADMSG"),
            Map.entry(75, "EOVERFLOW"), Map.entry(88, "ENOTSOCK"), Map.entry(90, "EMSGSIZE"),
            Map.entry(92, "ENOPROTOOPT"), Map.entry(93, "EPROTONOSUPPORT"), Map.entry(95, "EOPNOTSUPP"),
            Map.entry(97, "EAFNOSUPPORT"), Map.entry(98, "EADDRINUSE"), Map.entry(99, "EADDRNOTAVAIL"),
            Map.entry(100, "ENETDOWN"), Map.entry(101, "ENETUNREACH"), Map.entry(104, "ECONNRESET"),
            Map.entry(105, "ENOBUFS"), Map.entry(107, "ENOTCONN"), Map.entry(110, "ETIMEDOUT"),
            Map.entry(111, "ECONNREFUSED"), Map.entry(113, "EHOSTUNREACH"), Map.entry(114, "EALREADY"),
            Map.entry(115, "EINPROGRESS"), Map.entry(125, "ECANCELED"), Map.entry(524, "ENOTSUPP"));

    public static Errno of(int number) {
        return new Errno(Math.abs(number));
    }

    public String name() {
        return NAMES.getOrDefault(number, "E" + number);
    }

    /** The C library's description, e.g. "File exists". */
    public String description() {
        return number == 524 ? "Operation is not supported" : Native.strerror(number);
    }

    @Override
    public String toString() {
        return name();
    }
}
