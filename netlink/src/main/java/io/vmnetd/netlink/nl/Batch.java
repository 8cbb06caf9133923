package io.vmnetd.netlink.nl;

import io.vmnetd.netlink.sys.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Independent changes framed together and their acknowledgements matched back, without any socket: the kernel
 * handles the messages of one datagram one after the other, each as if it had come alone, and acknowledges each
 * with an NLMSG_ERROR that carries the request's sequence number. So a batch needs two things, both here:
 * {@link #frame framing} under bounds, and {@link #accept matching} of every acknowledgement to its change.
 *
 * <p>Bounds matter because an acknowledgement the receive buffer has no room for is dropped (the socket then reports
 * ENOBUFS) and the change it answers can never be confirmed. A small acknowledgement costs the receive buffer its
 * skb's true size (some 700–1000 bytes whatever its length), so what may be unacknowledged at once is bounded in
 * requests, not bytes: {@link Connection} never lets more than its window be outstanding.
 *
 * <p>Thread-safe: senders may report failures while a receiver accepts acknowledgements.
 */
public final class Batch {
    /** One change of a batch: its request and the words its error message names it by. */
    public record Change(MessageBuilder request, String operation, String subject) {}

    /** Consecutive changes {@code [first, first + count)} framed as one datagram, ready to send. */
    public record Datagram(ByteBuffer bytes, int first, int count) {}

    private final List<Change> changes;
    private final List<Datagram> datagrams;
    private final Map<Integer, Integer> indexBySequence;
    private final int[] types;
    private final Optional<NetlinkException>[] outcomes;
    private int pending;

    @SuppressWarnings("unchecked")
    private Batch(List<Change> changes, List<Datagram> datagrams, Map<Integer, Integer> indexBySequence, int[] types) {
        this.changes = List.copyOf(changes);
        this.datagrams = List.copyOf(datagrams);
        this.indexBySequence = indexBySequence;
        this.types = types;
        this.outcomes = new Optional[changes.size()];
        this.pending = changes.size();
    }

    /**
     * Numbers every change (from {@code sequences}), asks for its acknowledgement, and packs consecutive changes into
     * datagrams of at most {@code maxBytes} and {@code maxRequests} (a single change larger than {@code maxBytes}
     * goes alone).
     */
    public static Batch frame(List<Change> changes, IntSupplier sequences, int maxBytes, int maxRequests) {
        if (maxRequests < 1 || maxBytes < Nl.HEADER_LENGTH) {
            throw new IllegalArgumentException("a batch needs room for one request: " + maxBytes + " bytes, "
                    + maxRequests + " requests");
        }
        List<Datagram> datagrams = new ArrayList<>();
        Map<Integer, Integer> indexBySequence = new HashMap<>();
        int[] types = new int[changes.size()];
        List<ByteBuffer> wires = new ArrayList<>();
        int first = 0;
        int bytes = 0;
        for (int i = 0; i < changes.size(); i++) {
            MessageBuilder request = changes.get(i).request().addFlags(Nl.F_REQUEST | Nl.F_ACK);
            int sequence = sequences.getAsInt();
            if (indexBySequence.put(sequence, i) != null) {
                throw new IllegalArgumentException("sequence number " + sequence + " given twice in one batch");
            }
            types[i] = request.type();
            ByteBuffer wire = request.finish(sequence);
            boolean full = wires.size() == maxRequests || bytes + wire.remaining() > maxBytes;
            if (!wires.isEmpty() && full) {
                datagrams.add(join(wires, bytes, first));
                wires.clear();
                first = i;
                bytes = 0;
            }
            wires.add(wire);
            bytes += wire.remaining();
        }
        if (!wires.isEmpty()) {
            datagrams.add(join(wires, bytes, first));
        }
        return new Batch(changes, datagrams, indexBySequence, types);
    }

    /** In direct memory, so that senders in several threads can each hand theirs to the kernel without a copy. */
    private static Datagram join(List<ByteBuffer> wires, int bytes, int first) {
        ByteBuffer out = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        wires.forEach(w -> out.put(w.duplicate()));
        return new Datagram(out.flip(), first, wires.size());
    }

    public List<Datagram> datagrams() {
        return datagrams;
    }

    /** The RTM_* type of change {@code index}, e.g. to count it. */
    public int type(int index) {
        return types[index];
    }

    /**
     * Takes {@code m} if it is the acknowledgement of a change still waiting for one, addressed to {@code portId}.
     *
     * @return the index of the change it settled, or -1 when it was anything else (a late answer to an earlier
     *         request, a duplicate, a message for another socket)
     */
    public synchronized int accept(Message m, int portId) {
        Integer index = indexBySequence.get(m.sequence());
        if (index == null || m.portId() != portId || m.type() != Nl.NLMSG_ERROR || outcomes[index] != null) {
            return -1;
        }
        Connection.Ack ack = Connection.Ack.decode(m);
        Change c = changes.get(index);
        outcomes[index] = ack.errno() == 0 ? Optional.empty() : Optional.of(
                new NetlinkException(c.operation(), c.subject(), Errno.of(ack.errno()), ack.message()));
        pending--;
        return index;
    }

    /** Settles every change of {@code d} still unsettled as failed with {@code e} (its datagram never went out). */
    public synchronized void unsent(Datagram d, NetlinkException e) {
        for (int i = d.first(); i < d.first() + d.count(); i++) {
            if (outcomes[i] == null) {
                Change c = changes.get(i);
                outcomes[i] = Optional.of(e.describing(c.operation(), c.subject()));
                pending--;
            }
        }
    }

    /** Changes still waiting for their acknowledgement. */
    public synchronized int pending() {
        return pending;
    }

    /** The failure of change {@code index} if it has one; only once it is settled. */
    public synchronized Optional<NetlinkException> outcome(int index) {
        if (outcomes[index] == null) {
            throw new IllegalStateException("change " + index + " is not settled yet");
        }
        return outcomes[index];
    }

    /** One entry per change, in order: empty when the kernel acknowledged it, its error otherwise. */
    public synchronized List<Optional<NetlinkException>> outcomes() {
        if (pending != 0) {
            throw new IllegalStateException(pending + " changes are not settled yet");
        }
        List<Optional<NetlinkException>> all = new ArrayList<>(outcomes.length);
        Collections.addAll(all, outcomes);
        return all;
    }
}
