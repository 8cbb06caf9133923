package io.vmnetd.daemon.probe;

import io.vmnetd.netlink.MacAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Names and MACs of probe ports, stable per node and VM network: a DHCP server sees the same client at every check
 * (so it offers the same address and keeps no pile of offers), and switches learn one MAC per node and network.
 */
public final class ProbeIdentity {
    /** Every probe port's host end starts with this: what {@link ProbePorts#removeLeftovers()} looks for. */
    public static final String HOST_PREFIX = "vmprobe";
    /** The probe's end, alone in its own namespace. */
    public static final String PROBE_IFNAME = "probe0";

    private final String node;

    /** @param node what tells this node from the others, e.g. the contents of /etc/machine-id */
    public ProbeIdentity(String node) {
        this.node = node;
    }

    /** From /etc/machine-id, else the host name. */
    public static ProbeIdentity ofThisNode() {
        try {
            String id = Files.readString(Path.of("/etc/machine-id"), StandardCharsets.US_ASCII).strip();
            if (!id.isEmpty()) {
                return new ProbeIdentity(id);
            }
        } catch (IOException e) {
            // fall back below
        }
        try {
            return new ProbeIdentity(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return new ProbeIdentity("localhost");
        }
    }

    /** The probe's MAC on {@code vmNetwork}: locally administered, unicast (02 in the first octet's low bits). */
    public MacAddress probeMac(String vmNetwork) {
        byte[] b = Arrays.copyOf(digest(node + "\0" + vmNetwork), 6);
        b[0] = (byte) (b[0] & 0xfc | 0x02);
        return MacAddress.of(b);
    }

    /**
     * The host end's MAC: fe:... as libvirt gives tap devices, so it is never the lowest MAC on a bridge whose own
     * address follows its ports' (the bridge's MAC does not change while a probe port is on it).
     */
    public MacAddress hostMac(String vmNetwork) {
        byte[] b = probeMac(vmNetwork).bytes();
        b[0] = (byte) 0xfe;
        return MacAddress.of(b);
    }

    /** "vmprobe" + 8 hex digits of the network's name: 15 characters, the kernel's limit. */
    public static String hostName(String vmNetwork) {
        return HOST_PREFIX + HexFormat.of().formatHex(digest(vmNetwork), 0, 4);
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
