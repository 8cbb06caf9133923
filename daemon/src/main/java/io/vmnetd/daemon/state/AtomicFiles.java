package io.vmnetd.daemon.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Logger;

/**
 * Crash-safe file replacement: write a temporary file beside the target and rename it over the target, so that
 * after a crash at any moment the target holds either the old or the new content. {@link #write} also syncs file
 * and directory, for state that must outlive a power loss; {@link #replace} does not, for state that describes
 * the kernel, which a power loss takes away as well.
 *
 * <p>The temporary file is created exclusively and without following links (O_CREAT|O_EXCL|O_NOFOLLOW): a link or
 * file planted under its name is never written through. It is removed whenever the write fails (a full disk
 * leaves no empty file behind), and a rename replaces a planted link at the target instead of following it.
 */
public final class AtomicFiles {
    private static final Logger LOG = Logger.getLogger(AtomicFiles.class.getName());
    static final String TEMP_SUFFIX = ".tmp";
    static final String CORRUPT_MARK = ".corrupt-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private AtomicFiles() {}

    /** Replaces {@code target} atomically and durably (file and directory synced). */
    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        rename(writeTemp(dir, target, content, true), target);
        syncDirectory(dir);
    }

    /** Replaces {@code target} atomically, without waiting for the disk; the directory must exist. */
    public static void replace(Path target, byte[] content) throws IOException {
        rename(writeTemp(target.toAbsolutePath().getParent(), target, content, false), target);
    }

    /** Reads a regular file without following a link at its name: a planted link reads as an error. */
    static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException(file + " is too large");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read on
            }
            return buf.array();
        }
    }

    /**
     * Moves a damaged state file aside as {@code <name>.corrupt-<UTC time>}, beside it, so that the daemon can start
     * without it and an operator can still look at it. Renaming never follows a link.
     *
     * @return where the file went
     */
    static Path moveAside(Path file) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + CORRUPT_MARK + STAMP.format(Instant.now()));
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        return aside;
    }

    private static Path writeTemp(Path dir, Path target, byte[] content, boolean sync) throws IOException {
        Path temp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + TEMP_SUFFIX);
        // A temporary file of this very name is a leftover of this pid and thread: nothing else writes it.
        Files.deleteIfExists(temp);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (sync) {
                ch.force(true);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        return temp;
    }

    private static void rename(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warning("cannot remove temporary file " + temp + ": " + e.getMessage());
        }
    }

    /**
     * True for a temporary file whose writer is dead: its name carries the writer's pid, so a journal opened
     * while another process (vmnetd --check) or thread is writing leaves that write alone.
     */
    static boolean isAbandoned(Path temp) {
        String[] parts = temp.getFileName().toString().split("\\.");
        if (parts.length < 4) {
            return true;
        }
        try {
            long pid = Long.parseLong(parts[parts.length - 3]);
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Makes a rename or delete in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
