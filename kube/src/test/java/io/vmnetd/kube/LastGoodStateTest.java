package io.vmnetd.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.BondSettings;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Route;
import io.vmnetd.daemon.config.Uplink;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.config.VmNetworkType;
import io.vmnetd.kube.translate.Running;
import io.vmnetd.kube.translate.Running.RunningClusterNetwork;
import io.vmnetd.kube.translate.Running.RunningVmNetwork;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOptions.AdSelect;
import io.vmnetd.netlink.BondOptions.LacpRate;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import io.vmnetd.netlink.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastGoodStateTest {
    @TempDir
    Path stateDir;

    static final ClusterNetwork TUNED = new ClusterNetwork("data", 9000, new Uplink(List.of("eth1", "eth2"),
            BondMode.IEEE_802_3AD, 100, OptionalInt.of(2000), new BondSettings(Optional.of(XmitHashPolicy.LAYER3_4),
            Optional.of(LacpRate.FAST), Optional.of(AdSelect.BANDWIDTH), OptionalInt.of(200), OptionalInt.of(100),
            Optional.of("eth2"), OptionalInt.of(1)), Optional.of(MacAddress.parse("02:00:5e:10:00:01"))));
    static final ClusterNetwork PLAIN = new ClusterNetwork("storage", 1500, new Uplink(List.of("eth3"),
            BondMode.ACTIVE_BACKUP, 100, OptionalInt.empty()));
    static final VmNetwork VLAN100 = new VmNetwork("default-vlan100", "data", VmNetworkType.L2VlanNetwork,
            OptionalInt.of(100), List.of(), Optional.of(Route.manual("10.0.100.0/24", "10.0.100.1")));

    @Test
    void bondOptionsAndTheMacAreStoredAndRestored() throws Exception {
        Running running = new Running(Map.of("data", new RunningClusterNetwork(TUNED, "data-a"),
                "storage", new RunningClusterNetwork(PLAIN, "storage-all")),
                Map.of("default/vlan100", new RunningVmNetwork(VLAN100, "default/vlan100")));
        LastGoodState state = new LastGoodState(stateDir, "n1");
        state.save(running);

        assertThat(new LastGoodState(stateDir, "n1").load()).isEqualTo(running);
        String json = Files.readString(state.file());
        assertThat(json).contains("\"xmitHashPolicy\" : \"layer3+4\"", "\"lacpRate\" : \"fast\"",
                "\"adSelect\" : \"bandwidth\"", "\"primary\" : \"eth2\"", "\"hardwareAddr\" : \"02:00:5e:10:00:01\"");
        assertThat(json.split("bondOptions", -1)).as("only the tuned network has options written").hasSize(2);
    }

    @Test
    void aFileWrittenBeforeBondOptionsStillLoads() throws Exception {
        // As vmnetd wrote it before it applied bond options and hardwareAddr.
        Files.writeString(stateDir.resolve(LastGoodState.FILE), """
                {
                  "node" : "n1",
                  "clusterNetworks" : [ {
                    "name" : "data",
                    "mtu" : 9000,
                    "nics" : [ "eth1", "eth2" ],
                    "bondMode" : "802.3ad",
                    "miimon" : 100,
                    "txQueueLen" : null,
                    "vlanConfig" : "data-a"
                  } ],
                  "vmNetworks" : [ {
                    "nad" : "default/vlan100",
                    "name" : "default-vlan100",
                    "clusterNetwork" : "data",
                    "type" : "L2VlanNetwork",
                    "vlan" : 100,
                    "trunk" : null,
                    "routeMode" : "manual",
                    "cidr" : "10.0.100.0/24",
                    "gateway" : "10.0.100.1"
                  } ]
                }
                """);
        Running loaded = new LastGoodState(stateDir, "n1").load();

        assertThat(loaded.clusterNetworks().get("data")).isEqualTo(new RunningClusterNetwork(new ClusterNetwork("data",
                9000, new Uplink(List.of("eth1", "eth2"), BondMode.IEEE_802_3AD, 100, OptionalInt.empty())), "data-a"));
        assertThat(loaded.clusterNetworks().get("data").network().uplink().bond()).isEqualTo(BondSettings.NONE);
        assertThat(loaded.vmNetworks().get("default/vlan100").network()).isEqualTo(VLAN100);
        assertThat(Files.exists(stateDir.resolve(LastGoodState.FILE))).as("not moved aside").isTrue();
    }

    @Test
    void anOptionValueTheKernelDoesNotKnowMakesTheFileUnreadable() throws Exception {
        LastGoodState state = new LastGoodState(stateDir, "n1");
        state.save(new Running(Map.of("data", new RunningClusterNetwork(TUNED, "data-a")), Map.of()));
        Files.writeString(state.file(), Files.readString(state.file()).replace("layer3+4", "layer3_4"));

        assertThat(state.load()).isEqualTo(Running.empty());
        try (var files = Files.list(stateDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anySatisfy(n -> assertThat(n).startsWith("kubernetes.json.corrupt-"));
        }
    }
}
