package io.vmnetd.daemon.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: write a temporary file beside the target and rename it over the target, so that
 * after a crash at any moment the target holds either the old or the new content. {@link #write} also syncs file
 * and directory, for state that must outlive a power loss; {@link #replace} does not, for state that describes
 * the kernel, which a power loss takes away as well.
 */
public final class AtomicFiles {
    static final String TEMP_SUFFIX = ".tmp";

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

    private static Path writeTemp(Path dir, Path target, byte[] content, boolean sync) throws IOException {
        Path temp = dir.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (sync) {
                ch.force(true);
            }
        }
        return temp;
    }

    private static void rename(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
