package io.vmnetd.netlink.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.nl.Batch;
import io.vmnetd.netlink.nl.BatchException;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.NetlinkSocket;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Structs;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import io.vmnetd.netlink.testing.RequestCounter;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batched link changes ({@link Links#createAll}, {@link Links#deleteAll}, {@link Links#deleteLinks}) on this host's
 * kernel, in a namespace of their own: many veth pairs made and deleted in a few datagrams, each checked with
 * {@code ip -j -d link show}, and failures in the middle of a batch kept for their own link.
 */
class BatchHostTest {
    /** Several datagrams' worth (Connection sends at most 16 changes per datagram), so several senders. */
    private static final int PAIRS = 150;

    private TestNetns ns;
    private Links links;
    private final RequestCounter requests = new RequestCounter();

    @BeforeEach
    void setUp() {
        ns = TestNetns.create();
        links = ns.rtnl(requests).links();
    }

    @AfterEach
    void tearDown() {
        ns.close();
    }

    /** Every link ip shows, by name: its kind and the name of its peer ("link"). */
    private Map<String, JsonNode> ipLinks() {
        Map<String, JsonNode> byName = new HashMap<>();
        ns.links().forEach(l -> byName.put(l.get("ifname").asText(), l));
        return byName;
    }

    private static List<LinkSpec> pairs(String prefix, int n) {
        List<LinkSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(LinkSpec.veth(prefix + i, prefix + i + "p"));
        }
        return specs;
    }

    @Test
    void manyVethPairsAreMadeAndDeletedTogetherEachCountedAsItsOwnRequest() {
        links.createAll(pairs("bv", PAIRS));

        Map<String, JsonNode> made = ipLinks();
        assertThat(made).hasSize(2 * PAIRS + 1);
        for (int i = 0; i < PAIRS; i++) {
            JsonNode end = made.get("bv" + i);
            assertThat(end).as("bv%d", i).isNotNull();
            assertThat(end.at("/linkinfo/info_kind").asText()).isEqualTo("veth");
            assertThat(end.get("link").asText()).as("peer of bv%d", i).isEqualTo("bv" + i + "p");
        }
        assertThat(requests.requestTypes()).as("one RTM_NEWLINK per pair, as the kernel sees them")
                .hasSize(PAIRS).containsOnly(Rtnl.RTM_NEWLINK);

        requests.reset();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            names.add("bv" + i);
        }
        names.add(PAIRS / 2, "nosuchlink");
        List<String> deleted = links.deleteAll(names);

        assertThat(deleted).hasSize(PAIRS).doesNotContain("nosuchlink").startsWith("bv0").endsWith("bv" + (PAIRS - 1));
        assertThat(ipLinks().keySet()).as("each pair went with its named end").containsExactly("lo");
        assertThat(requests.requests()).isEqualTo(PAIRS + 1);
        assertThat(requests.errors()).containsExactly(Errno.ENODEV);
    }

    @Test
    void aNameTakenInTheMiddleFailsOnlyItsOwnPairAndIsNamed() {
        ns.ip("link", "add", "bt2", "type", "veth", "peer", "name", "mine");
        int taken = ns.link("bt2").get("ifindex").asInt();

        BatchException e = catchThrowableOfType(() -> links.createAll(pairs("bt", 5)), BatchException.class);

        assertThat(e.failedSubjects()).containsExactly("bt2");
        assertThat(e.failures().get(0).errno()).isEqualTo(Errno.EEXIST);
        assertThat(e).hasMessageStartingWith("create links: 1 of 5 failed: create veth link \"bt2\": EEXIST");
        assertThat(e.done()).containsExactly("bt0", "bt1", "bt3", "bt4");
        Map<String, JsonNode> after = ipLinks();
        assertThat(after.keySet()).containsExactlyInAnyOrder("lo", "bt0", "bt0p", "bt1", "bt1p", "bt2", "mine",
                "bt3", "bt3p", "bt4", "bt4p");
        assertThat(after.get("bt2").get("ifindex").asInt()).as("the link that had the name is untouched")
                .isEqualTo(taken);
        assertThat(after.get("bt2").get("link").asText()).isEqualTo("mine");
    }

    @Test
    void aLinkThatCannotBeDeletedIsNamedAndTheOthersGo() {
        links.createAll(pairs("bd", 4));
        List<String> names = new ArrayList<>(List.of("bd0", "bd1", "lo", "bd2", "bd3"));

        BatchException e = catchThrowableOfType(() -> links.deleteAll(names), BatchException.class);

        assertThat(e.failedSubjects()).containsExactly("lo");
        assertThat(e.done()).containsExactly("bd0", "bd1", "bd2", "bd3");
        assertThat(ipLinks().keySet()).containsExactly("lo");
    }

    @Test
    void aBatchLargerThanTheReceiveBufferCanHoldAcksForIsNeverDropped() {
        // A receive buffer for some 8 acknowledgements: a batch that sent all 2000 deletes before reading would lose
        // most of their acknowledgements (the socket reports ENOBUFS) and wait for them in vain.
        NetlinkSocket socket = ns.open().execute(NetlinkSocket::open);
        socket.setOption(Native.SOL_SOCKET, Native.SO_RCVBUF, 4096);
        List<Batch.Change> changes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            MessageBuilder m = new MessageBuilder(Rtnl.RTM_DELLINK, 0)
                    .struct(new Structs.IfInfoMsg(0, 0, 0, 0, 0).encode()).string(Rtnl.Ifla.IFNAME, "gone" + i);
            changes.add(new Batch.Change(m, "delete link", "gone" + i));
        }
        try (Connection connection = new Connection(socket, requests)) {
            List<Optional<NetlinkException>> outcomes = connection.executeAll(changes);

            assertThat(outcomes).hasSize(2000).allSatisfy(o -> assertThat(o.orElseThrow().errno()).isEqualTo(Errno.ENODEV));
            assertThat(outcomes.get(1999).orElseThrow().subject()).contains("gone1999");
            assertThat(requests.requests()).isEqualTo(2000);
            assertThat(requests.errors()).hasSize(2000).containsOnly(Errno.ENODEV);
        }
    }

    @Test
    void linksDeletedByIndexLeaveANewLinkOfTheSameNameAlone() {
        links.createAll(pairs("bi", 3));
        List<Link> listed = new ArrayList<>(links.list().stream().filter(l -> l.name().matches("bi\\d")).toList());
        Collections.reverse(listed);
        ns.ip("link", "del", "bi1");
        ns.ip("link", "add", "bi1", "type", "veth", "peer", "name", "newpeer");

        List<Link> deleted = links.deleteLinks(listed);

        assertThat(deleted).extracting(Link::name).containsExactly("bi2", "bi0");
        assertThat(ipLinks().keySet()).containsExactlyInAnyOrder("lo", "bi1", "newpeer");
    }
}
