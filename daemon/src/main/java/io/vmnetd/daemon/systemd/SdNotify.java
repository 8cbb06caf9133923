package io.vmnetd.daemon.systemd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * Tells systemd about the daemon's state (sd_notify(3)) over $NOTIFY_SOCKET. Without it (not run by systemd, or not
 * as Type=notify) every method does nothing. Sending never throws: being unable to notify must not stop the daemon.
 *
 * <p>jnr's datagram channel rather than the JDK's: the JDK has no Unix datagram sockets, and systemd often passes an
 * abstract-namespace address ({@code @...}).
 */
public final class SdNotify {

    private static final Logger LOG = Logger.getLogger(SdNotify.class.getName());

    private final Optional<UnixSocketAddress> address;
    private final String description;

    private SdNotify(Optional<UnixSocketAddress> address, String description) {
        this.address = address;
        this.description = description;
    }

    public static SdNotify fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Reads NOTIFY_SOCKET from {@code environment}: a path, or '@' for an abstract name. */
    public static SdNotify fromEnvironment(Map<String, String> environment) {
        String socket = environment.getOrDefault("NOTIFY_SOCKET", "");
        if (socket.isEmpty()) {
            return new SdNotify(Optional.empty(), "");
        }
        if (socket.startsWith("@")) {
            return new SdNotify(Optional.of(new UnixSocketAddress("\0" + socket.substring(1))), socket);
        }
        if (!socket.startsWith("/")) {
            // e.g. systemd's vsock: addresses, used for VMs; vmnetd runs on the host.
            LOG.warning("NOTIFY_SOCKET " + socket + " is neither a path nor an abstract name; not notifying systemd");
            return new SdNotify(Optional.empty(), "");
        }
        return new SdNotify(Optional.of(new UnixSocketAddress(socket)), socket);
    }

    /** Whether there is a socket to notify. */
    public boolean enabled() {
        return address.isPresent();
    }

    /** Startup is complete: systemd now considers the unit started (and ends its start timeout). */
    public boolean ready() {
        return send("READY=1");
    }

    /** The daemon has begun to shut down. */
    public boolean stopping() {
        return send("STOPPING=1");
    }

    /**
     * A reload (SIGHUP) has begun; send {@link #ready()} when it is done. MONOTONIC_USEC lets systemd tell this reload
     * from an earlier one; System.nanoTime is CLOCK_MONOTONIC on Linux.
     */
    public boolean reloading() {
        return send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
    }

    /** A one-line status shown by {@code systemctl status}. */
    public boolean status(String text) {
        return send("STATUS=" + text.replace('\n', ' '));
    }

    /** Keeps the watchdog from restarting the service; see {@link Watchdog}. */
    public boolean watchdog() {
        return send("WATCHDOG=1");
    }

    /**
     * Sends newline-separated assignments as one datagram.
     *
     * @return whether it was sent; false when disabled or on error (which is logged)
     */
    public boolean send(String state) {
        if (address.isEmpty()) {
            return false;
        }
        try (UnixDatagramChannel channel = UnixDatagramChannel.open()) {
            channel.send(ByteBuffer.wrap(state.getBytes(StandardCharsets.UTF_8)), address.get());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot notify systemd at " + description + " (" + state.replace('\n', ' ')
                    + "): " + e.getMessage());
            return false;
        }
    }
}
