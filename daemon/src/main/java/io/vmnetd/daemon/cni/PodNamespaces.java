package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.config.CniSettings;
import io.vmnetd.daemon.netns.NamespaceFiles;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AttachmentKey;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * CNI_NETNS, checked before anything is made in it: a namespace file where pods' namespaces live
 * ({@code cni.netnsPaths}), opened without blocking or following a planted link, on nsfs, not the node's own
 * namespace, and not one that already holds another container's attachment.
 */
final class PodNamespaces {
    /** PATH_MAX: a longer CNI_NETNS is not a path the kernel would open. */
    static final int MAX_LENGTH = 4096;

    private final Supplier<CniSettings> settings;
    private final AttachmentJournal journal;
    private final NetNs.Identity node;

    PodNamespaces(Supplier<CniSettings> settings, AttachmentJournal journal) {
        this.settings = settings;
        this.journal = journal;
        try (NetNs self = NetNs.open(Path.of("/proc/self/ns/net"))) {
            this.node = self.identity();
        }
    }

    /** A pod namespace that passed the checks: its name and which namespace it was then. */
    record Checked(Path path, NetNs.Identity identity) {}

    /** For ADD: the namespace the pod end goes into. */
    Checked forAdd(CniRequest req, AttachmentKey key) throws CniError {
        Checked ns = open(req.require(req.netns(), "CNI_NETNS"));
        if (ns.identity().equals(node)) {
            throw invalid(ns.path() + " is the node's own network namespace; a pod end never goes there");
        }
        // Only a live attachment owns its namespace: one being torn down does not, and an inode number is reused once
        // its namespace is gone, so the other attachment's namespace must still be at its own name.
        Optional<Attachment> other = journal.liveIn(ns.identity()).stream()
                .filter(a -> !a.key().containerId().equals(key.containerId()))
                .filter(a -> !NamespaceFiles.isGone(a.port().pod()))
                .findFirst();
        if (other.isPresent()) {
            throw invalid(ns.path() + " is the network namespace of another container's attachment ("
                    + Texts.printable(other.get().key().toString(), 80) + "); a namespace belongs to one pod");
        }
        return ns;
    }

    /** Which namespace is at CNI_NETNS now, for DEL and CHECK; empty when none (gone, unset, or not allowed). */
    Optional<NetNs.Identity> identityFor(CniRequest req) {
        try {
            return req.netns().filter(n -> !n.isEmpty()).isPresent()
                    ? Optional.of(open(req.netns().get()).identity()) : Optional.empty();
        } catch (CniError e) {
            return Optional.empty();
        }
    }

    private Checked open(String text) throws CniError {
        if (text.length() > MAX_LENGTH || !Texts.isPrintable(text)) {
            throw invalid("\"" + Texts.printable(text, 80) + "\" is not a path: at most " + MAX_LENGTH
                    + " printable characters");
        }
        Path path = Path.of(text);
        if (!path.isAbsolute() || !path.normalize().toString().equals(text)) {
            throw invalid(text + " must be an absolute path without \".\", \"..\" or \"//\"");
        }
        if (!allowed(text)) {
            throw invalid(text + " is not where pod namespaces live; allowed: " + settings.get().netnsPaths()
                    + " (cni.netnsPaths)");
        }
        try (NetNs ns = NamespaceFiles.open(path)) {
            return new Checked(path, ns.identity());
        } catch (InvalidArgumentException e) {
            throw invalid(e.getMessage().replaceFirst("^netns: ", ""));
        } catch (NetlinkException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_NETNS: cannot open " + text + ": "
                    + e.errno().description(), e.is(Errno.ENOENT) ? "the namespace does not exist" : e.getMessage());
        }
    }

    /** {@code path} matches a pattern of cni.netnsPaths, where "*" stands for one whole path component. */
    private boolean allowed(String path) {
        String[] parts = path.split("/", -1);
        for (String pattern : settings.get().netnsPaths()) {
            String[] want = pattern.split("/", -1);
            if (want.length != parts.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < want.length && match; i++) {
                match = want[i].equals("*") ? !parts[i].isEmpty() : want[i].equals(parts[i]);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    private static CniError invalid(String what) {
        return new CniError(CniError.INVALID_ENVIRONMENT, "CNI_NETNS: " + what);
    }
}
