package io.vmnetd.netlink.nl;

import io.vmnetd.netlink.sys.Errno;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Request/reply over one {@link NetlinkSocket}: numbers each request, waits for the matching acknowledgement or
 * the end of a dump, and turns NLMSG_ERROR (with the kernel's extended-ack text) into {@link NetlinkException}.
 *
 * <p>Thread-safe: requests from several threads are serialised on the socket, each waiting for its own reply.
 */
public final class Connection implements AutoCloseable {
    private static final int DUMP_ATTEMPTS = 10;
    private static final long REPLY_TIMEOUT_MILLIS = 30_000;
    /**
     * Changes sent together per datagram: well under the socket's send buffer, and their acknowledgements (each its
     * own buffer of about 1 KiB, as the receive buffer counts them) well under its receive buffer.
     */
    private static final int BATCH_BYTES = 32 * 1024;
    private static final int BATCH_REQUESTS = 64;

    /** Sees every request sent and every error received, e.g. to count them. */
    public interface Observer {
        void requestSent(int messageType);

        void errorReceived(int messageType, Errno errno);

        Observer NONE = new Observer() {
            @Override
            public void requestSent(int messageType) {}

            @Override
            public void errorReceived(int messageType, Errno errno) {}
        };
    }

    private final NetlinkSocket socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final Observer observer;
    private int sequence = (int) (System.nanoTime() & 0x7fffffff);

    public Connection(NetlinkSocket socket, Observer observer) {
        this.socket = socket;
        this.observer = observer;
        socket.trySetOption(Nl.SOL_NETLINK, Nl.NETLINK_GET_STRICT_CHK, 1);
        socket.setReceiveTimeout(REPLY_TIMEOUT_MILLIS);
    }

    /** Sends a change and waits for the kernel's acknowledgement. */
    public void execute(MessageBuilder request, String operation, String subject) {
        exchange(request.addFlags(Nl.F_REQUEST | Nl.F_ACK), operation, subject);
    }

    /** One change of a batch, named for its error message. */
    public record Change(MessageBuilder request, String operation, String subject) {}

    /**
     * Sends independent changes together, as many as fit, in single datagrams (the kernel handles them one after the
     * other and acknowledges each), and waits for every acknowledgement, matched by sequence number. A change that
     * fails does not stop the others.
     *
     * @return one entry per change, in order: empty when it succeeded, its error otherwise
     */
    public List<java.util.Optional<NetlinkException>> executeAll(List<Change> changes) {
        List<java.util.Optional<NetlinkException>> results = new ArrayList<>();
        lock.lock();
        try {
            for (int from = 0; from < changes.size(); ) {
                int to = from;
                ByteBuffer datagram = ByteBuffer.allocate(BATCH_BYTES).order(java.nio.ByteOrder.nativeOrder());
                java.util.Map<Integer, Integer> bySequence = new java.util.HashMap<>();
                while (to < changes.size() && to - from < BATCH_REQUESTS) {
                    Change c = changes.get(to);
                    ByteBuffer wire = c.request().addFlags(Nl.F_REQUEST | Nl.F_ACK).finish(nextSequence());
                    if (wire.remaining() > datagram.remaining() && to > from) {
                        break;
                    }
                    if (wire.remaining() > datagram.remaining()) {
                        datagram = ByteBuffer.allocate(wire.remaining()).order(java.nio.ByteOrder.nativeOrder());
                    }
                    bySequence.put(sequence, to - from);
                    datagram.put(wire);
                    to++;
                }
                datagram.flip();
                socket.send(datagram);
                List<java.util.Optional<NetlinkException>> chunk = new ArrayList<>(java.util.Collections.nCopies(
                        to - from, (java.util.Optional<NetlinkException>) null));
                for (int i = from; i < to; i++) {
                    observer.requestSent(changes.get(i).request().type());
                }
                int pending = to - from;
                while (pending > 0) {
                    for (Message m : Message.parseAll(socket.receive())) {
                        Integer at = bySequence.get(m.sequence());
                        if (at == null || m.portId() != socket.portId() || m.type() != Nl.NLMSG_ERROR
                                || chunk.get(at) != null) {
                            continue;
                        }
                        Change c = changes.get(from + at);
                        Ack ack = Ack.decode(m);
                        if (ack.errno() == 0) {
                            chunk.set(at, java.util.Optional.empty());
                        } else {
                            observer.errorReceived(c.request().type(), Errno.of(ack.errno()));
                            chunk.set(at, java.util.Optional.of(new NetlinkException(c.operation(), c.subject(),
                                    Errno.of(ack.errno()), ack.message())));
                        }
                        pending--;
                    }
                }
                results.addAll(chunk);
                from = to;
            }
            return results;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a GET that the kernel answers with exactly one message (or an error). Without NLM_F_ACK the answer
     * is that message alone, which saves receiving a separate acknowledgement.
     */
    public List<Message> request(MessageBuilder request, String operation, String subject) {
        return exchange(request.addFlags(Nl.F_REQUEST), operation, subject);
    }

    /** Runs a dump to its end, starting again when the kernel says the dump was interrupted by a change. */
    public List<Message> dump(MessageBuilder request, String operation, String subject) {
        request.addFlags(Nl.F_REQUEST | Nl.F_DUMP);
        for (int attempt = 1; ; attempt++) {
            List<Message> replies = exchange(request, operation, subject);
            boolean interrupted = false;
            for (Message m : replies) {
                interrupted |= m.has(Nl.F_DUMP_INTR);
            }
            if (!interrupted) {
                return replies;
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new NetlinkException(operation, subject, Errno.EAGAIN,
                        "dump interrupted by concurrent changes " + DUMP_ATTEMPTS + " times");
            }
        }
    }

    private List<Message> exchange(MessageBuilder request, String operation, String subject) {
        lock.lock();
        try {
            int seq = nextSequence();
            int type = request.type();
            socket.send(request.finish(seq));
            observer.requestSent(type);
            boolean dump = (request.flags() & Nl.F_DUMP) == Nl.F_DUMP;
            boolean single = !dump && (request.flags() & Nl.F_ACK) == 0;
            List<Message> replies = new ArrayList<>();
            while (true) {
                ByteBuffer datagram = socket.receive();
                for (Message m : Message.parseAll(datagram)) {
                    if (m.sequence() != seq || m.portId() != socket.portId()) {
                        continue; // a late answer to an earlier request that gave up
                    }
                    switch (m.type()) {
                        case Nl.NLMSG_ERROR -> {
                            Ack ack = Ack.decode(m);
                            if (ack.errno() == 0) {
                                return replies;
                            }
                            observer.errorReceived(type, Errno.of(ack.errno()));
                            throw new NetlinkException(operation, subject, Errno.of(ack.errno()), ack.message());
                        }
                        case Nl.NLMSG_DONE -> {
                            Ack done = Ack.decodeDone(m);
                            if (done.errno() != 0) {
                                observer.errorReceived(type, Errno.of(done.errno()));
                                throw new NetlinkException(operation, subject, Errno.of(done.errno()), done.message());
                            }
                            if (dump) {
                                return replies;
                            }
                        }
                        case Nl.NLMSG_NOOP, Nl.NLMSG_OVERRUN -> { }
                        default -> {
                            replies.add(m);
                            if (single) {
                                return replies;
                            }
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private int nextSequence() {
        sequence = (sequence + 1) & 0x7fffffff;
        if (sequence == 0) {
            sequence = 1;
        }
        return sequence;
    }

    public int portId() {
        return socket.portId();
    }

    @Override
    public void close() {
        socket.close();
    }

    /** An NLMSG_ERROR or NLMSG_DONE: errno (0 = success) and the kernel's extended-ack message. */
    public record Ack(int errno, String message) {
        static Ack decode(Message m) {
            ByteBuffer p = m.payload();
            if (p.limit() < 4) {
                throw new NetlinkParseException("NLMSG_ERROR with " + p.limit() + " payload bytes");
            }
            int error = p.getInt(0);
            if (!m.has(Nl.F_ACK_TLVS)) {
                return new Ack(-error, null);
            }
            int echoed = Nl.HEADER_LENGTH;
            if (!m.has(Nl.F_CAPPED)) {
                if (p.limit() < 4 + Nl.HEADER_LENGTH) {
                    throw new NetlinkParseException("NLMSG_ERROR too short for the echoed header");
                }
                echoed = Nl.align(p.getInt(4));
            }
            int tlvs = 4 + echoed;
            if (tlvs > p.limit()) {
                throw new NetlinkParseException("NLMSG_ERROR's echoed request overruns the message");
            }
            String text = Attributes.parse(p, tlvs, p.limit()).get(Nl.NLMSGERR_ATTR_MSG)
                    .map(Attributes.Attribute::string).orElse(null);
            return new Ack(-error, text);
        }

        static Ack decodeDone(Message m) {
            ByteBuffer p = m.payload();
            if (p.limit() < 4) {
                return new Ack(0, null);
            }
            int error = p.getInt(0);
            String text = null;
            if (m.has(Nl.F_ACK_TLVS) && p.limit() > 4) {
                text = Attributes.parse(p, 4, p.limit()).get(Nl.NLMSGERR_ATTR_MSG)
                        .map(Attributes.Attribute::string).orElse(null);
            }
            return new Ack(-error, text);
        }
    }
}
