package io.vmnetd.daemon.api;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The API socket's place in the file system: its directory, the lock that makes one daemon own the path, clearing
 * what a crashed daemon left, and the socket's owner and mode once bound.
 */
final class SocketFile implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SocketFile.class.getName());
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-rw----");

    private final Path socket;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private SocketFile(Path socket, Path lockFile, FileChannel lockChannel, FileLock lock) {
        this.socket = socket;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the directory, takes the lock and removes a stale socket, so that the path is ready to bind. */
    static SocketFile claim(Path socket) throws ApiStartException {
        Path directory = socket.toAbsolutePath().getParent();
        createDirectory(directory);
        Path lockFile = socket.resolveSibling(socket.getFileName() + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ApiStartException("cannot open lock file " + lockFile + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process: another server in the same JVM
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ApiStartException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new ApiStartException("another vmnetd already serves " + socket + " (lock " + lockFile
                    + " is held)");
        }
        SocketFile claimed = new SocketFile(socket, lockFile, channel, lock);
        try {
            claimed.removeStaleSocket();
        } catch (ApiStartException e) {
            claimed.close();
            throw e;
        }
        return claimed;
    }

    /**
     * The API group as the system's group database (NSS) knows it, through the JDK: what the socket is given to.
     * Like chown(1), the JDK takes a name that no group has but that is a number as that gid.
     *
     * @throws ApiStartException naming {@code socketGroup} when there is no such group
     */
    static GroupPrincipal lookUpGroup(String group) throws ApiStartException {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            throw new ApiStartException("socketGroup \"" + group + "\" does not exist; create the group or set"
                    + " socketGroup to an existing one (root if only root should use the API)");
        } catch (IOException e) {
            throw new ApiStartException("cannot look up socketGroup \"" + group + "\": " + e.getMessage(), e);
        }
    }

    /**
     * Gives the bound socket to root and the API group, readable and writable by both only. The JDK's own chown
     * and chmod (no native binding of ours at start): the owner stays the creator, root in production, so that a
     * test run by an ordinary user still works.
     */
    void restrictTo(GroupPrincipal group) throws ApiStartException {
        try {
            Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(group);
        } catch (IOException e) {
            throw new ApiStartException("cannot give " + socket + " to group " + group.getName() + ": " + e, e);
        }
        try {
            Files.setPosixFilePermissions(socket, SOCKET_MODE);
        } catch (IOException e) {
            throw new ApiStartException("cannot chmod " + socket + ": " + e, e);
        }
    }

    Path socket() {
        return socket;
    }

    /** Removes the socket and releases the lock; the lock file stays, as deleting it would race a starting daemon. */
    @Override
    public void close() {
        try {
            if (isSocket(socket)) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            LOG.warning("cannot remove " + socket + ": " + e.getMessage());
        }
        try {
            lock.release();
        } catch (IOException e) {
            LOG.fine("releasing " + lockFile + ": " + e.getMessage());
        }
        closeQuietly(lockChannel);
    }

    private void removeStaleSocket() throws ApiStartException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // We hold the lock, so no live daemon is behind this socket: it is what a crash left.
        if (!isSocket(socket)) {
            throw new ApiStartException(socket + " exists and is not a socket; remove it or choose another path");
        }
        try {
            Files.delete(socket);
            LOG.info("removed stale socket " + socket + " left by an earlier run");
        } catch (IOException e) {
            throw new ApiStartException("cannot remove stale socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectory(Path directory) throws ApiStartException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(directory);
            // Set after creating: the umask would otherwise decide.
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new ApiStartException("cannot create socket directory " + directory + ": " + e, e);
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000; // S_IFMT == S_IFSOCK
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
