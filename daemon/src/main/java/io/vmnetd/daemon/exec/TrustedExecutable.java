package io.vmnetd.daemon.exec;

import io.vmnetd.daemon.exec.PathWalk.Opened;
import io.vmnetd.daemon.exec.PathWalk.Target;
import java.nio.file.Path;

/**
 * A program opened so that what was checked is what runs: an O_PATH descriptor of a root-owned regular file with
 * an execute bit, reached from "/" through root-owned directories that neither group nor others may write (see
 * {@link PathWalk}). {@link ChildProcess} executes this descriptor, never the path, so renaming or replacing the
 * file afterwards changes nothing; only root can change the file's content.
 *
 * <p>Thread-safe: any number of {@link ChildProcess#run} calls may use one instance at once. {@link #close()}
 * closes the descriptor once the last of them has started the program.
 */
public final class TrustedExecutable implements AutoCloseable {
    private final Path path;
    private final Path resolved;
    private final int fd;
    private int users;
    private boolean closed;
    private boolean fdClosed;

    private TrustedExecutable(Path path, Path resolved, int fd) {
        this.path = path;
        this.resolved = resolved;
        this.fd = fd;
    }

    /**
     * Opens {@code path} (absolute; symlinks are followed only where root alone could have made them) and checks
     * it and every directory above it.
     */
    public static TrustedExecutable open(Path path) throws UntrustedPathException {
        Opened o = PathWalk.open(path, Target.EXECUTABLE);
        return new TrustedExecutable(path, Path.of(o.resolved()), o.fd());
    }

    /**
     * The config-time check of a directory programs may run from (e.g. an entry of {@code cni.ipamDirs}): it and
     * every directory above it owned by root and writable by neither group nor others.
     *
     * @return the directory's path with symlinks resolved
     */
    public static Path checkDirectory(Path dir) throws UntrustedPathException {
        Opened o = PathWalk.open(dir, Target.DIRECTORY);
        ExecNative.closeQuietly(o.fd());
        return Path.of(o.resolved());
    }

    /** The path it was opened by. */
    public Path path() {
        return path;
    }

    /** The path of the file actually opened, symlinks resolved. */
    public Path resolvedPath() {
        return resolved;
    }

    /** The descriptor, held open until {@link #release()}; throws once closed. */
    synchronized int acquire() {
        if (closed) {
            throw new IllegalStateException(path + " was closed");
        }
        users++;
        return fd;
    }

    synchronized void release() {
        users--;
        closeIfUnused();
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeIfUnused();
    }

    private void closeIfUnused() {
        if (closed && users == 0 && !fdClosed) {
            fdClosed = true; // once only: the number may already belong to another file afterwards
            ExecNative.closeQuietly(fd);
        }
    }

    @Override
    public String toString() {
        return path.equals(resolved) ? path.toString() : path + " (" + resolved + ")";
    }
}
