package io.vmnetd.netlink.testing;

import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.sys.Errno;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Connection.Observer} that records the type of every request a handle sends and every error it gets. */
public final class RequestCounter implements Connection.Observer {
    private final List<Integer> sent = new CopyOnWriteArrayList<>();
    private final List<Errno> errors = new CopyOnWriteArrayList<>();

    @Override
    public void requestSent(int messageType) {
        sent.add(messageType);
    }

    @Override
    public void errorReceived(int messageType, Errno errno) {
        errors.add(errno);
    }

    /** The message types (RTM_*) sent since the last {@link #reset()}, in order. */
    public List<Integer> requestTypes() {
        return List.copyOf(sent);
    }

    public int requests() {
        return sent.size();
    }

    public List<Errno> errors() {
        return List.copyOf(errors);
    }

    public void reset() {
        sent.clear();
        errors.clear();
    }
}
