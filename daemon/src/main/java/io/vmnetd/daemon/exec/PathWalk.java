package io.vmnetd.daemon.exec;

import static io.vmnetd.daemon.exec.ExecNative.*;

import io.vmnetd.daemon.exec.UntrustedPathException.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Opens a path one component at a time from "/", with openat(O_PATH|O_NOFOLLOW) on the descriptor of the
 * directory already checked, and checks each opened descriptor with statx: every directory on the way and the
 * target must be owned by root and writable by neither group nor others. Since nothing is looked up by name in a
 * directory that is not yet checked, no one but root can swap a component between the check and the open, and
 * the descriptor returned is the very file that was checked.
 *
 * <p>Symlinks are followed, safely: a symlink can only be met inside a directory already checked, it must itself
 * be owned by root, and its target is walked the same way (from "/" again when absolute). So a symlink decides
 * nothing that root did not decide. "." and ".." are walked too (".." is opened, not removed by text), and each
 * directory reached through them is checked like any other.
 */
final class PathWalk {
    static final int MAX_SYMLINKS = 40;
    static final String TRUSTED = "owned by root (uid 0) and writable by neither group nor others (with or without"
            + " the sticky bit), for every directory from / down and for the target itself";
    private static final int PATH_MAX = 4096;

    /** What the last component must be. */
    enum Target { DIRECTORY, EXECUTABLE }

    /** An O_PATH descriptor of the checked target (the caller closes it) and its path after symlinks. */
    record Opened(int fd, String resolved) {}

    private final Path asked;
    private final List<String> walked = new ArrayList<>();
    private int cur = -1;
    private FileStatus curStatus;

    private PathWalk(Path asked) {
        this.asked = asked;
    }

    static Opened open(Path path, Target target) throws UntrustedPathException {
        PathWalk walk = new PathWalk(path);
        try {
            return walk.run(target);
        } catch (UntrustedPathException e) {
            closeQuietly(walk.cur);
            throw e;
        }
    }

    private Opened run(Target target) throws UntrustedPathException {
        if (!asked.isAbsolute()) {
            throw refuse(asked.toString(), Problem.NOT_ABSOLUTE, "is relative");
        }
        restartAtRoot();
        Deque<String> todo = new ArrayDeque<>(components(asked.toString()));
        int symlinks = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.equals(".")) {
                continue;
            }
            String here = name.equals("..") ? parentOfWalked() : walkedPlus(name);
            int fd = libc().openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                throw refuse(here, Problem.CANNOT_OPEN, "cannot be opened: " + describe(errno()));
            }
            FileStatus st;
            try {
                st = status(fd, here);
            } catch (UntrustedPathException e) {
                closeQuietly(fd);
                throw e;
            }
            if (st.isSymlink()) {
                String link;
                try {
                    requireOwnedByRoot(here, st);
                    if (++symlinks > MAX_SYMLINKS) {
                        throw refuse(here, Problem.TOO_MANY_SYMLINKS, "is one symlink too many");
                    }
                    link = readlink(fd, here);
                } finally {
                    closeQuietly(fd);
                }
                List<String> parts = components(link);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                if (link.startsWith("/")) {
                    restartAtRoot();
                }
                continue;
            }
            try {
                requireTrusted(here, st);
                if (!todo.isEmpty() && !st.isDirectory()) {
                    throw refuse(here, Problem.NOT_A_DIRECTORY, "is not a directory (" + st.describe() + ")");
                }
            } catch (UntrustedPathException e) {
                closeQuietly(fd);
                throw e;
            }
            moveTo(fd, st, name);
        }
        requireTarget(target);
        int fd = cur;
        cur = -1;
        return new Opened(fd, walkedPath());
    }

    private void requireTarget(Target target) throws UntrustedPathException {
        String here = walkedPath();
        if (target == Target.DIRECTORY) {
            if (!curStatus.isDirectory()) {
                throw refuse(here, Problem.NOT_A_DIRECTORY, "is not a directory (" + curStatus.describe() + ")");
            }
        } else if (!curStatus.isRegularFile()) {
            throw refuse(here, Problem.NOT_A_REGULAR_FILE, "is not a regular file (" + curStatus.describe() + ")");
        } else if (!curStatus.executable()) {
            throw refuse(here, Problem.NOT_EXECUTABLE, "has no execute bit (" + curStatus.describe() + ")");
        }
    }

    private void restartAtRoot() throws UntrustedPathException {
        int root = libc().openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0) {
            throw refuse("/", Problem.CANNOT_OPEN, "cannot be opened: " + describe(errno()));
        }
        FileStatus st;
        try {
            st = status(root, "/");
            requireTrusted("/", st);
        } catch (UntrustedPathException e) {
            closeQuietly(root);
            throw e;
        }
        closeQuietly(cur);
        cur = root;
        curStatus = st;
        walked.clear();
    }

    private void moveTo(int fd, FileStatus st, String name) {
        closeQuietly(cur);
        cur = fd;
        curStatus = st;
        if (name.equals("..")) {
            if (!walked.isEmpty()) {
                walked.remove(walked.size() - 1);
            }
        } else {
            walked.add(name);
        }
    }

    private void requireTrusted(String here, FileStatus st) throws UntrustedPathException {
        requireOwnedByRoot(here, st);
        if (st.writableByGroupOrOthers()) {
            String who = (st.mode() & 0002) != 0 ? "others" : "its group";
            throw refuse(here, Problem.GROUP_OR_WORLD_WRITABLE, "is writable by " + who + " (" + st.describe() + ")");
        }
    }

    private void requireOwnedByRoot(String here, FileStatus st) throws UntrustedPathException {
        if (st.uid() != 0) {
            throw refuse(here, Problem.NOT_OWNED_BY_ROOT, "is not owned by root (" + st.describe() + ")");
        }
    }

    private FileStatus status(int fd, String here) throws UntrustedPathException {
        try {
            return FileStatus.of(fd);
        } catch (NativeError e) {
            throw refuse(here, Problem.CANNOT_OPEN, "cannot be examined: " + e.getMessage());
        }
    }

    private String readlink(int fd, String here) throws UntrustedPathException {
        ByteBuffer buf = direct(PATH_MAX);
        long n = libc().readlinkat(fd, "", buf, PATH_MAX);
        if (n < 0 || n >= PATH_MAX) {
            String why = n < 0 ? describe(errno()) : "target longer than " + (PATH_MAX - 1) + " bytes";
            throw refuse(here, Problem.CANNOT_OPEN, "is a symlink that cannot be read: " + why);
        }
        byte[] target = new byte[(int) n];
        buf.get(0, target);
        return new String(target, StandardCharsets.UTF_8);
    }

    private UntrustedPathException refuse(String component, Problem problem, String what) {
        return new UntrustedPathException(asked, component, problem, what);
    }

    private static List<String> components(String path) {
        return Arrays.stream(path.split("/")).filter(c -> !c.isEmpty()).toList();
    }

    private String walkedPath() {
        return "/" + String.join("/", walked);
    }

    private String walkedPlus(String name) {
        return walked.isEmpty() ? "/" + name : walkedPath() + "/" + name;
    }

    private String parentOfWalked() {
        return walked.size() <= 1 ? "/" : "/" + String.join("/", walked.subList(0, walked.size() - 1));
    }
}
