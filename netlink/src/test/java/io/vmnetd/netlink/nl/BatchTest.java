package io.vmnetd.netlink.nl;

import static io.vmnetd.netlink.GoldenBytes.bytesOf;
import static io.vmnetd.netlink.GoldenBytes.hex;
import static io.vmnetd.netlink.GoldenBytes.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.GoldenBytes;
import io.vmnetd.netlink.sys.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batch framing against hand-written bytes, and acknowledgements matched back to their changes by sequence. */
class BatchTest {
    private static final int PORT = 4242;

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "expectations are in little-endian host order");
    }

    /** RTM_DELLINK by index, as Links.deleteLinks sends it. */
    private static Batch.Change delete(int index) {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_DELLINK, 0)
                .struct(new Structs.IfInfoMsg(0, 0, index, 0, 0).encode());
        return new Batch.Change(m, "delete link", "l" + index);
    }

    private static List<Batch.Change> deletes(int n) {
        List<Batch.Change> changes = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            changes.add(delete(i));
        }
        return changes;
    }

    private static Batch frame(List<Batch.Change> changes, int firstSequence, int maxBytes, int maxRequests) {
        AtomicInteger next = new AtomicInteger(firstSequence);
        return Batch.frame(changes, next::getAndIncrement, maxBytes, maxRequests);
    }

    /** An NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK, and NETLINK_EXT_ACK text when given. */
    private static Message ack(int sequence, int portId, int errno, String text) {
        byte[] msg = text == null ? new byte[0] : (text + "\0").getBytes(StandardCharsets.UTF_8);
        int tlv = text == null ? 0 : Nl.align(Nl.ATTR_HEADER_LENGTH + msg.length);
        int length = Nl.HEADER_LENGTH + 4 + Nl.HEADER_LENGTH + tlv;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(length).putShort((short) Nl.NLMSG_ERROR)
                .putShort((short) (Nl.F_CAPPED | (text == null ? 0 : Nl.F_ACK_TLVS))).putInt(sequence).putInt(portId);
        b.putInt(-errno);
        b.putInt(32).putShort((short) Rtnl.RTM_DELLINK).putShort((short) 5).putInt(sequence).putInt(portId);
        if (text != null) {
            b.putShort((short) (Nl.ATTR_HEADER_LENGTH + msg.length)).putShort((short) Nl.NLMSGERR_ATTR_MSG).put(msg);
        }
        return Message.parseAll(b.position(0)).get(0);
    }

    @Test
    void twoChangesGoInOneDatagramEachNumberedAndAskingForItsAck() {
        Batch batch = frame(List.of(delete(7), delete(8)), 0x100, 1024, 32);

        assertThat(batch.datagrams()).hasSize(1);
        Batch.Datagram d = batch.datagrams().get(0);
        assertThat(d.first()).isZero();
        assertThat(d.count()).isEqualTo(2);
        assertThat(d.bytes().isDirect()).as("senders hand it to the kernel without a copy").isTrue();
        assertThat(toHex(bytesOf(d.bytes()))).isEqualTo(toHex(hex("""
                20000000 1100 0500 00010000 00000000  # len 32, RTM_DELLINK, NLM_F_REQUEST|NLM_F_ACK, seq 0x100
                00 00 0000 07000000 00000000 00000000 # ifinfomsg: index 7
                20000000 1100 0500 01010000 00000000  # the next message right after: seq 0x101
                00 00 0000 08000000 00000000 00000000 # ifinfomsg: index 8
                """)));
        assertThat(batch.type(1)).isEqualTo(Rtnl.RTM_DELLINK);
    }

    @Test
    void datagramsNeverExceedTheRequestBound() {
        Batch batch = frame(deletes(100), 1, 1 << 20, 32);

        assertThat(batch.datagrams()).extracting(Batch.Datagram::count).containsExactly(32, 32, 32, 4);
        assertThat(batch.datagrams()).extracting(Batch.Datagram::first).containsExactly(0, 32, 64, 96);
        assertThat(batch.datagrams()).allSatisfy(d -> assertThat(Message.parseAll(d.bytes())).hasSize(d.count()));
    }

    @Test
    void datagramsNeverExceedTheByteBoundAndAnOversizedChangeGoesAlone() {
        List<Batch.Change> changes = deletes(10);
        changes.add(4, new Batch.Change(new MessageBuilder(Rtnl.RTM_NEWLINK, 0).bytes(1, new byte[200]),
                "create link", "big"));

        Batch batch = frame(changes, 1, 100, 32);

        // Each delete is 32 bytes: three fit in 100; the 220-byte change exceeds the bound and goes alone.
        assertThat(batch.datagrams()).extracting(Batch.Datagram::count).containsExactly(3, 1, 1, 3, 3);
        assertThat(batch.datagrams().get(2).bytes().remaining()).isEqualTo(220);
        assertThat(batch.datagrams()).filteredOn(d -> d.count() > 1)
                .allSatisfy(d -> assertThat(d.bytes().remaining()).isLessThanOrEqualTo(100));
    }

    @Test
    void acksInAnyOrderSettleTheirOwnChangeAndAFailureNamesItsSubject() {
        Batch batch = frame(deletes(3), 500, 1024, 32);

        assertThat(batch.accept(ack(502, PORT, 0, null), PORT)).isEqualTo(2);
        assertThat(batch.accept(ack(501, PORT, 19, "Device not found"), PORT)).isEqualTo(1);
        assertThat(batch.pending()).isEqualTo(1);
        assertThatThrownBy(batch::outcomes).isInstanceOf(IllegalStateException.class);
        assertThat(batch.accept(ack(500, PORT, 0, null), PORT)).isZero();

        List<Optional<NetlinkException>> outcomes = batch.outcomes();
        assertThat(outcomes.get(0)).isEmpty();
        assertThat(outcomes.get(2)).isEmpty();
        NetlinkException e = outcomes.get(1).orElseThrow();
        assertThat(e.errno()).isEqualTo(Errno.ENODEV);
        assertThat(e.subject()).contains("l2");
        assertThat(e).hasMessage("delete link \"l2\": ENODEV (No such device); kernel: \"Device not found\"");
    }

    @Test
    void anythingButTheAckOfAWaitingChangeIsLeftAlone() {
        Batch batch = frame(deletes(2), 10, 1024, 32);

        assertThat(batch.accept(ack(9, PORT, 0, null), PORT)).as("an earlier request's late ack").isEqualTo(-1);
        assertThat(batch.accept(ack(10, PORT + 1, 0, null), PORT)).as("another socket's").isEqualTo(-1);
        assertThat(batch.accept(ack(10, PORT, 0, null), PORT)).isZero();
        assertThat(batch.accept(ack(10, PORT, 17, null), PORT)).as("a second ack for a settled change").isEqualTo(-1);
        assertThat(batch.pending()).isEqualTo(1);
        assertThat(batch.outcome(0)).isEmpty();
    }

    @Test
    void anAckTheKernelSentIsMatchedAndItsTextKept() {
        // golden/kernel/error-extack-mtu-capped.hex: seq 0x1234, port 25541, EINVAL "mtu less than device minimum"
        Message kernel = Message.parseAll(GoldenBytes.datagram("kernel/error-extack-mtu-capped.hex")).get(0);
        Batch batch = frame(deletes(2), 0x1233, 1024, 32);

        assertThat(batch.accept(kernel, 25541)).isEqualTo(1);
        assertThat(batch.outcome(1).orElseThrow()).hasMessage(
                "delete link \"l2\": EINVAL (Invalid argument); kernel: \"mtu less than device minimum\"");
    }

    @Test
    void aDatagramThatNeverWentOutFailsEachOfItsChangesAndOnlyThose() {
        Batch batch = frame(deletes(5), 1, 1024, 2);
        batch.accept(ack(1, PORT, 0, null), PORT);

        batch.unsent(batch.datagrams().get(1), new NetlinkException("send netlink message", null, Errno.ENOBUFS, null));

        assertThat(batch.pending()).isEqualTo(2);
        assertThat(batch.outcome(2).orElseThrow()).hasMessage("delete link \"l3\": ENOBUFS (No buffer space available)");
        assertThat(batch.outcome(3).orElseThrow().subject()).contains("l4");
    }

    @Test
    void aSequenceNumberTwiceInOneBatchIsRefused() {
        assertThatThrownBy(() -> Batch.frame(deletes(2), () -> 7, 1024, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
    }

    @Test
    void batchExceptionNamesEveryFailureAndReadsAsTheFirst() {
        List<NetlinkException> failures = List.of(
                new NetlinkException("create veth link", "a1", Errno.EEXIST, null),
                new NetlinkException("create veth link", "a7", Errno.EINVAL, "peer name taken"));

        BatchException e = new BatchException("create links", 10, failures, List.of("a0", "a2"));

        assertThat(e).hasMessage("create links: 2 of 10 failed: create veth link \"a1\": EEXIST (File exists); "
                + "create veth link \"a7\": EINVAL (Invalid argument); kernel: \"peer name taken\"");
        assertThat(e.is(Errno.EEXIST)).isTrue();
        assertThat(e.failedSubjects()).containsExactly("a1", "a7");
        assertThat(e.done()).containsExactly("a0", "a2");
    }
}
