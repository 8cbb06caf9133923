package io.vmnetd.daemon.lab;

/** The networks parts of the configs the daemon lab tests give vmnetd (see DaemonUnderTest#yaml). */
final class NodeConfigs {
    private NodeConfigs() {}

    /** The NICs {@link #FULL} uses: eth1/eth2 for data, eth3/eth4 for storage, eth5 under the hand-made mgmt-bo. */
    static final String[] NICS = {"eth1", "eth2", "eth3", "eth4", "eth5"};

    static final String DATA = """
            clusterNetworks:
              - name: data
                mtu: 9000
                uplink:
                  nics: [eth1, eth2]
                  bond: {mode: active-backup, miimon: 100}
            """;

    static final String STORAGE = """
              - name: storage
                mtu: 1500
                uplink:
                  nics: [eth3, eth4]
                  bond: {mode: balance-rr, miimon: 50}
            """;

    static final String VM_NETWORKS = """
            vmNetworks:
              - {name: vlan100, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
              - {name: trunk, clusterNetwork: data, type: L2VlanTrunkNetwork, trunk: [{min: 300, max: 310}, {id: 42}]}
              - {name: vlan200, clusterNetwork: storage, type: L2VlanNetwork, vlan: 200}
              - {name: plain, clusterNetwork: storage, type: UntaggedNetwork}
              - {name: mgmt50, clusterNetwork: mgmt, type: L2VlanNetwork, vlan: 50}
            """;

    /** mgmt (adopted, VID 50), data (9000, active-backup, VIDs 42 100 300-310), storage (1500, balance-rr, VID 200). */
    static final String FULL = DATA + STORAGE + VM_NETWORKS;

    /** Only data, with vlan100 and the trunk. */
    static final String DATA_ONLY = DATA + """
            vmNetworks:
              - {name: vlan100, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
              - {name: trunk, clusterNetwork: data, type: L2VlanTrunkNetwork, trunk: [{min: 300, max: 310}, {id: 42}]}
            """;

    static final String DATA_UPLINK_VIDS = "1,42,100,300-310";
    static final String STORAGE_UPLINK_VIDS = "1,200";
}
