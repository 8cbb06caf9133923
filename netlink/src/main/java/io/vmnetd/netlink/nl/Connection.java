package io.vmnetd.netlink.nl;

import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Request/reply over {@link NetlinkSocket}s: numbers each request, waits for the matching acknowledgement or
 * the end of a dump, and turns NLMSG_ERROR (with the kernel's extended-ack text) into {@link NetlinkException}.
 *
 * <p>Thread-safe. A request (or a batch) has a socket to itself from sending to its last reply; requests from
 * several threads run on as many sockets at once as the connection has, and queue for one beyond that. A round trip
 * can be long although the kernel's work is short (a link deletion waits for an RCU grace period after releasing the
 * RTNL lock), and others need not wait behind it.
 */
public final class Connection implements AutoCloseable {
    private static final int DUMP_ATTEMPTS = 10;
    private static final long REPLY_TIMEOUT_MILLIS = 30_000;
    /**
     * Changes framed together per datagram: well under the socket's send buffer (a datagram larger than it is
     * refused with EMSGSIZE), and small enough that several datagrams can be in the kernel at once.
     */
    private static final int BATCH_BYTES = 16 * 1024;
    private static final int BATCH_REQUESTS = 16;
    /**
     * Receive buffer an acknowledgement takes while it waits to be read: its skb's true size, some 770 bytes for the
     * small NLMSG_ERROR of a capped ack (x86_64), rounded up. The kernel drops an acknowledgement the receive buffer
     * has no room for (the socket then reports ENOBUFS), so a batch never has more changes unacknowledged than half
     * the buffer holds at this size: see {@link Channel#window}.
     */
    private static final int ACK_TRUESIZE = 1024;
    private static final int MAX_WINDOW = 128;
    /**
     * Datagrams in the kernel at once. The kernel works through a datagram in its sender's thread, and every link
     * deletion then waits for an RCU grace period outside the RTNL lock (netdev_run_todo's rcu_barrier, some 15 ms);
     * datagrams sent from several threads overlap those waits. The changes themselves still take the RTNL lock one
     * at a time, in whatever order the senders reach it: which is why only independent changes go in a batch.
     */
    private static final int SENDERS = 8;
    /** How often a waiting batch checks whether its senders gave up on a datagram. */
    private static final int BATCH_POLL_MILLIS = 50;

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

    private final Observer observer;
    private final ReentrantLock pool = new ReentrantLock();
    private final Condition returned = pool.newCondition();
    /** The most recently returned socket first, so that a quiet node keeps using one. */
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private boolean closed;

    /** A connection on one socket, which it owns: requests from several threads take turns. */
    public Connection(NetlinkSocket socket, Observer observer) {
        this(List.of(socket), observer);
    }

    /**
     * A connection on {@code sockets} (all in one network namespace), which it owns: as many requests at once as
     * there are sockets.
     */
    public Connection(List<NetlinkSocket> sockets, Observer observer) {
        if (sockets.isEmpty()) {
            throw new IllegalArgumentException("a netlink connection needs a socket");
        }
        this.observer = observer;
        try {
            for (NetlinkSocket s : sockets) {
                idle.add(new Channel(s));
            }
        } catch (RuntimeException e) {
            sockets.forEach(NetlinkSocket::close);
            throw e;
        }
    }

    /** One socket and its sequence numbers; used by one request or batch at a time. */
    private static final class Channel {
        final NetlinkSocket socket;
        /** Changes a batch may have sent and not yet seen acknowledged: half the receive buffer, at most 128. */
        final int window;
        private int sequence = (int) (System.nanoTime() & 0x7fffffff);

        Channel(NetlinkSocket socket) {
            this.socket = socket;
            socket.trySetOption(Nl.SOL_NETLINK, Nl.NETLINK_GET_STRICT_CHK, 1);
            socket.setReceiveTimeout(REPLY_TIMEOUT_MILLIS);
            this.window = Math.max(1, Math.min(MAX_WINDOW, socket.intOption(Native.SOL_SOCKET, Native.SO_RCVBUF)
                    / 2 / ACK_TRUESIZE));
        }

        int nextSequence() {
            sequence = (sequence + 1) & 0x7fffffff;
            if (sequence == 0) {
                sequence = 1;
            }
            return sequence;
        }
    }

    /** An idle socket, or else the next one returned. */
    private Channel take() {
        pool.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IllegalStateException("netlink connection is closed");
                }
                Channel c = idle.pollFirst();
                if (c != null) {
                    return c;
                }
                returned.awaitUninterruptibly();
            }
        } finally {
            pool.unlock();
        }
    }

    private void give(Channel c) {
        pool.lock();
        try {
            if (closed) {
                c.socket.close();
                return;
            }
            idle.addFirst(c);
            returned.signal();
        } finally {
            pool.unlock();
        }
    }

    /** Sends a change and waits for the kernel's acknowledgement. */
    public void execute(MessageBuilder request, String operation, String subject) {
        exchange(request.addFlags(Nl.F_REQUEST | Nl.F_ACK), operation, subject);
    }

    /**
     * Sends independent changes together, as many per datagram as the bounds allow (the kernel handles them one after
     * the other and acknowledges each), and waits for every acknowledgement, matched by sequence number. A change
     * that fails does not stop the others. Every change is counted as a request of its own, as the kernel sees it.
     * Datagrams go from several threads, so the changes reach the kernel in no set order: none may depend on another.
     *
     * @return one entry per change, in order: empty when it succeeded, its error otherwise
     */
    public List<Optional<NetlinkException>> executeAll(List<Batch.Change> changes) {
        Channel c = take();
        try {
            NetlinkSocket socket = c.socket;
            // A datagram must fit in the window, or its sender would wait for room forever.
            Batch batch = Batch.frame(changes, c::nextSequence, BATCH_BYTES, Math.min(BATCH_REQUESTS, c.window));
            Semaphore room = new Semaphore(c.window);
            Queue<Batch.Datagram> unsent = new ConcurrentLinkedQueue<>(batch.datagrams());
            AtomicBoolean abandoned = new AtomicBoolean();
            if (batch.datagrams().size() == 1) {
                send(socket, batch, unsent, room, abandoned); // the common small batch: no thread of its own
            }
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < Math.min(SENDERS, unsent.size()); i++) {
                Thread t = new Thread(() -> send(socket, batch, unsent, room, abandoned),
                        "netlink-batch-" + socket.portId() + "-" + i);
                t.setDaemon(true);
                senders.add(t);
                t.start();
            }
            try {
                awaitAcknowledgements(socket, batch, room);
            } finally {
                // Had the acknowledgements stopped coming, a sender may wait for room that never comes.
                abandoned.set(true);
                room.release(BATCH_REQUESTS * Math.max(1, senders.size()));
                for (Thread t : senders) {
                    joinUninterruptibly(t);
                }
            }
            return batch.outcomes();
        } finally {
            give(c);
        }
    }

    /** A sender: takes the next datagram once the window has room for its acknowledgements, and sends it. */
    private void send(NetlinkSocket socket, Batch batch, Queue<Batch.Datagram> unsent, Semaphore room,
                      AtomicBoolean abandoned) {
        for (Batch.Datagram d = unsent.poll(); d != null; d = unsent.poll()) {
            room.acquireUninterruptibly(d.count());
            if (abandoned.get()) {
                batch.unsent(d, new NetlinkException("send netlink batch", null, Errno.ECANCELED,
                        "the batch stopped waiting for acknowledgements"));
                room.release(d.count()); // for the next sender that gives up on its datagram
                continue;
            }
            for (int i = d.first(); i < d.first() + d.count(); i++) {
                observer.requestSent(batch.type(i));
            }
            try {
                socket.sendDirect(d.bytes());
            } catch (NetlinkException e) {
                batch.unsent(d, e);
                room.release(d.count());
            }
        }
    }

    private void awaitAcknowledgements(NetlinkSocket socket, Batch batch, Semaphore room) {
        long progress = System.nanoTime();
        while (batch.pending() > 0) {
            if (!socket.awaitReadable(BATCH_POLL_MILLIS)) {
                if (System.nanoTime() - progress > REPLY_TIMEOUT_MILLIS * 1_000_000) {
                    throw new NetlinkException("receive netlink acknowledgements", null, Errno.ETIMEDOUT,
                            batch.pending() + " changes of a batch unanswered after " + REPLY_TIMEOUT_MILLIS + " ms");
                }
                continue;
            }
            for (Message m : Message.parseAll(socket.receive())) {
                int settled = batch.accept(m, socket.portId());
                if (settled < 0) {
                    continue; // a late answer to an earlier request that gave up
                }
                room.release();
                progress = System.nanoTime();
                batch.outcome(settled).ifPresent(e -> observer.errorReceived(batch.type(settled), e.errno()));
            }
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
        return dump(request, operation, subject, m -> m);
    }

    /**
     * Like {@link #dump(MessageBuilder, String, String)}, each reply turned by {@code decode} as its datagram
     * arrives (null: skipped), so that a dump of a thousand links never holds their raw messages all at once.
     */
    public <T> List<T> dump(MessageBuilder request, String operation, String subject, Function<Message, T> decode) {
        request.addFlags(Nl.F_REQUEST | Nl.F_DUMP);
        for (int attempt = 1; ; attempt++) {
            List<T> decoded = new ArrayList<>();
            boolean[] interrupted = {false};
            exchange(request, operation, subject, m -> {
                interrupted[0] |= m.has(Nl.F_DUMP_INTR);
                T t = decode.apply(m);
                if (t != null) {
                    decoded.add(t);
                }
            });
            if (!interrupted[0]) {
                return decoded;
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new NetlinkException(operation, subject, Errno.EAGAIN,
                        "dump interrupted by concurrent changes " + DUMP_ATTEMPTS + " times");
            }
        }
    }

    private List<Message> exchange(MessageBuilder request, String operation, String subject) {
        List<Message> replies = new ArrayList<>();
        exchange(request, operation, subject, replies::add);
        return replies;
    }

    /** Sends {@code request} and hands each of its replies (not acks, not DONE) to {@code reply} as it arrives. */
    private void exchange(MessageBuilder request, String operation, String subject, Consumer<Message> reply) {
        Channel c = take();
        try {
            NetlinkSocket socket = c.socket;
            int seq = c.nextSequence();
            int type = request.type();
            socket.send(request.finish(seq));
            observer.requestSent(type);
            boolean dump = (request.flags() & Nl.F_DUMP) == Nl.F_DUMP;
            boolean single = !dump && (request.flags() & Nl.F_ACK) == 0;
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
                                return;
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
                                return;
                            }
                        }
                        case Nl.NLMSG_NOOP, Nl.NLMSG_OVERRUN -> { }
                        default -> {
                            reply.accept(m);
                            if (single) {
                                return;
                            }
                        }
                    }
                }
            }
        } finally {
            give(c);
        }
    }

    /** Closes the idle sockets now, and each busy one when its request returns it. */
    @Override
    public void close() {
        pool.lock();
        try {
            closed = true;
            idle.forEach(c -> c.socket.close());
            idle.clear();
            returned.signalAll();
        } finally {
            pool.unlock();
        }
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
