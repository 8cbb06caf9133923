package io.vmnetd.daemon.exec;

/** A libc call failed with an errno; callers turn it into the error of what they were doing. */
final class NativeError extends Exception {
    private final int errno;

    NativeError(String call, int errno) {
        super(call + ": " + ExecNative.describe(errno));
        this.errno = errno;
    }

    int errno() {
        return errno;
    }
}
