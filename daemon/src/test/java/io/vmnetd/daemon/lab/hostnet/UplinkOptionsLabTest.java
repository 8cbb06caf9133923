package io.vmnetd.daemon.lab.hostnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.UnixHttp;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * uplink.bond options and uplink.hardwareAddr as {@code ip -j -d link show} reads them: made with the bond, a drift
 * set back, and a change the kernel takes only from a bond without slaves (the mode) or a bond that is down
 * (lacp_rate) applied with the bond and bridge kept (same ifindex, NICs enslaved again), shown first by a dry run.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UplinkOptionsLabTest {
    static final String LACP_BOND = "{mode: 802.3ad, miimon: 100, xmitHashPolicy: layer3+4, lacpRate: fast, "
            + "adSelect: bandwidth, updelay: 200, downdelay: 100, minLinks: 1}";
    static final String LACP = """
            clusterNetworks:
              - name: data
                mtu: 9000
                uplink:
                  nics: [eth1, eth2]
                  hardwareAddr: 02:00:5e:10:00:01
                  bond: %s
            """.formatted(LACP_BOND);

    private LabTopology lab;
    private DaemonUnderTest daemon;

    @BeforeAll
    void start() {
        lab = LabTopology.withNics("eth1", "eth2");
        daemon = DaemonUnderTest.create(LACP).resyncSeconds(5).startInProcess();
    }

    @AfterAll
    void stop() {
        lab.closeAfter(daemon);
    }

    private static JsonNode bond() {
        return HostReader.link("data-bo").at("/linkinfo/info_data");
    }

    @Test
    @Order(1)
    void theBondIsMadeWithItsOptionsAndMac() {
        JsonNode data = bond();
        assertThat(data.path("mode").asText()).isEqualTo("802.3ad");
        assertThat(data.path("xmit_hash_policy").asText()).isEqualTo("layer3+4");
        assertThat(data.path("ad_lacp_rate").asText()).isEqualTo("fast");
        assertThat(data.path("ad_select").asText()).isEqualTo("bandwidth");
        assertThat(data.path("updelay").asInt()).isEqualTo(200);
        assertThat(data.path("downdelay").asInt()).isEqualTo(100);
        assertThat(data.path("min_links").asInt()).isEqualTo(1);
        assertThat(HostReader.link("data-bo").path("address").asText()).isEqualTo("02:00:5e:10:00:01");
        assertThat(KernelState.host().master("eth1")).contains("data-bo");
        assertThat(KernelState.host().master("eth2")).contains("data-bo");
    }

    @Test
    @Order(2)
    void aChangedOptionAndMacAreSetBack() {
        Shell.check("ip", "link", "set", "data-bo", "type", "bond", "xmit_hash_policy", "layer2");
        Shell.check("ip", "link", "set", "data-bo", "address", "02:00:5e:10:00:09");

        assertThat(HostReader.await(20_000, () -> bond().path("xmit_hash_policy").asText().equals("layer3+4")
                && HostReader.link("data-bo").path("address").asText().equals("02:00:5e:10:00:01")))
                .as("xmit_hash_policy and MAC set back: %s", HostReader.link("data-bo")).isTrue();
    }

    @Test
    @Order(3)
    void aModeChangeKeepsBridgeAndBondAndIsShownByADryRun() {
        int bridgeIndex = HostReader.link("data-br").path("ifindex").asInt();
        int bondIndex = HostReader.link("data-bo").path("ifindex").asInt();
        String activeBackup = LACP.replace(LACP_BOND, "{mode: active-backup, miimon: 100, primary: eth2, updelay: 200}");
        assertThat(activeBackup).isNotEqualTo(LACP);

        UnixHttp.Response plan = daemon.post("/v1/config?dryRun=true", daemon.yaml(activeBackup));
        assertThat(plan.status()).as(plan.body()).isEqualTo(200);
        assertThat(plan.body()).as("the dry run's plan").contains("released and enslaved again");
        assertThat(bond().path("mode").asText()).as("after the dry run").isEqualTo("802.3ad");

        UnixHttp.Response r = daemon.postConfig(activeBackup);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode data = bond();
        assertThat(data.path("mode").asText()).isEqualTo("active-backup");
        assertThat(data.path("primary").asText()).isEqualTo("eth2");
        assertThat(data.path("updelay").asInt()).isEqualTo(200);
        assertThat(HostReader.link("data-br").path("ifindex").asInt()).as("data-br kept").isEqualTo(bridgeIndex);
        assertThat(HostReader.link("data-bo").path("ifindex").asInt()).as("data-bo kept").isEqualTo(bondIndex);
        assertThat(KernelState.host().master("data-bo")).contains("data-br");
        assertThat(KernelState.host().master("eth1")).contains("data-bo");
        assertThat(KernelState.host().master("eth2")).contains("data-bo");
        assertThat(KernelState.host().isUp("eth1")).isTrue();
        assertThat(HostReader.link("data-bo").path("address").asText()).isEqualTo("02:00:5e:10:00:01");
    }
}
