package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.state.AttachmentKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The host end's name of an attachment's veth: derived from its key, so that a DEL without an entry finds it. */
final class HostNames {
    /** What every vmnet host end's name starts with. */
    static final String PREFIX = "vmn";

    private HostNames() {}

    /** "vmn" + 12 hex digits of SHA-256(container id, ifname): the same pair always gets the same host name. */
    static String of(AttachmentKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((key.containerId() + "\0" + key.ifName()).getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
