package io.vmnetd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.cli.json.Json;
import io.vmnetd.cli.json.Values;
import io.vmnetd.cli.output.Terminal;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinksCommandTest {
    /** GET /v1/links as the daemon writes it (LinkView), for a bond port with PVID 1 and VIDs in pieces. */
    private static final String LINKS = "[{\"index\":2,\"name\":\"eth1\",\"kind\":\"device\",\"mtu\":9000,\"up\":true,"
            + "\"operState\":\"UP\",\"master\":\"data-bo\",\"mac\":\"02:00:00:00:00:01\",\"vlans\":[]},"
            + "{\"index\":5,\"name\":\"data-bo\",\"kind\":\"bond\",\"mtu\":9000,\"up\":true,\"operState\":\"UP\","
            + "\"master\":\"data-br\",\"mac\":null,\"vlans\":[{\"vids\":\"1\",\"pvid\":true,\"untagged\":true},"
            + "{\"vids\":\"100\",\"pvid\":false,\"untagged\":false},{\"vids\":\"101-150\",\"pvid\":false,\"untagged\":false},"
            + "{\"vids\":\"151\",\"pvid\":false,\"untagged\":false},{\"vids\":\"300\",\"pvid\":false,\"untagged\":false}]},"
            + "{\"index\":6,\"name\":\"data-br\",\"kind\":\"bridge\",\"mtu\":9000,\"up\":true,\"operState\":\"UP\","
            + "\"master\":null,\"mac\":null,\"vlans\":[{\"vids\":\"1\",\"pvid\":true,\"untagged\":true}]}]";

    @Test
    void readsLikeBridgeVlanShowWithRangesCollapsed() {
        List<Object> links = Values.list(Json.parse(LINKS));
        assertThat(LinksCommand.table(links, false, false, Terminal.PLAIN).render(Terminal.PLAIN, true)).isEqualTo(""
                + "PORT      MASTER    VLAN-ID   FLAGS\n"
                + "data-bo   data-br   1         PVID Egress Untagged\n"
                + "                    100-151\n"
                + "                    300\n"
                + "data-br   -         1         PVID Egress Untagged\n");
    }

    @Test
    void wideAddsKindMtuAndStateOnTheFirstLineOfEachLink() {
        List<Object> links = Values.list(Json.parse(LINKS));
        List<String> lines = LinksCommand.table(links, false, true, Terminal.PLAIN).render(Terminal.PLAIN, true).lines()
                .toList();
        assertThat(lines.get(0)).isEqualTo("PORT      MASTER    VLAN-ID   FLAGS                  KIND     MTU    STATE");
        assertThat(lines.get(1)).endsWith("bond     9000   UP");
        assertThat(lines.get(2)).isEqualTo("                    100-151");
    }

    @Test
    void namedLinksWithoutVlansAreShownWithADash() {
        List<Object> eth1 = List.of(Values.list(Json.parse(LINKS)).get(0));
        assertThat(LinksCommand.table(eth1, true, false, Terminal.PLAIN).render(Terminal.PLAIN, false))
                .isEqualTo("eth1   data-bo   -\n");
    }

    @Test
    void pvidEntriesNeverMergeWithTheirNeighbours() {
        List<Object> vlans = Values.list(Json.parse("[{\"vids\":\"99\",\"pvid\":false,\"untagged\":true},"
                + "{\"vids\":\"100\",\"pvid\":true,\"untagged\":true},{\"vids\":\"101\",\"pvid\":false,\"untagged\":true}]"));
        assertThat(LinksCommand.collapse(vlans)).extracting(LinksCommand.VlanRange::vids).containsExactly("99", "100", "101");
    }
}
