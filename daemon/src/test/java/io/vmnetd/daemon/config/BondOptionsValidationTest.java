package io.vmnetd.daemon.config;

import static io.vmnetd.daemon.config.ConfigProblemsAssert.assertOnlyProblem;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOptions;
import io.vmnetd.netlink.BondOptions.AdSelect;
import io.vmnetd.netlink.BondOptions.LacpRate;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import io.vmnetd.netlink.MacAddress;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** uplink.bond options and uplink.hardwareAddr: the kernel's value names, each option checked against the mode. */
class BondOptionsValidationTest {

    private static Uplink uplinkOf(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test").clusterNetworks().get(0).uplink();
    }

    @Test
    void every8023adOptionIsReadWithTheKernelsNames() throws ConfigException {
        Uplink uplink = uplinkOf("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics: [eth1, eth2]
                      hardwareAddr: 02:00:5e:10:00:01
                      bond: {mode: 802.3ad, miimon: 100, xmitHashPolicy: layer3+4, lacpRate: fast,
                             adSelect: bandwidth, updelay: 200, downdelay: 100, minLinks: 2}
                """);

        assertThat(uplink.mode()).isEqualTo(BondMode.IEEE_802_3AD);
        assertThat(uplink.bond()).isEqualTo(new BondSettings(Optional.of(XmitHashPolicy.LAYER3_4),
                Optional.of(LacpRate.FAST), Optional.of(AdSelect.BANDWIDTH), OptionalInt.of(200), OptionalInt.of(100),
                Optional.empty(), OptionalInt.of(2)));
        assertThat(uplink.bond().options()).isEqualTo(new BondOptions(XmitHashPolicy.LAYER3_4, LacpRate.FAST,
                AdSelect.BANDWIDTH, 200, 100, 0, 2));
        assertThat(uplink.hardwareAddr()).contains(MacAddress.parse("02:00:5e:10:00:01"));
    }

    @Test
    void optionsNotWrittenAreTheKernelsDefaults() throws ConfigException {
        Uplink uplink = uplinkOf("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {mode: balance-xor}}}
                """);

        assertThat(uplink.bond()).isEqualTo(BondSettings.NONE);
        assertThat(uplink.bond().options()).isEqualTo(BondOptions.DEFAULTS);
        assertThat(uplink.hardwareAddr()).isEmpty();
    }

    @Test
    void xmitHashPolicyAcceptsEveryKernelNameAndNothingElse() throws ConfigException {
        for (String name : BondOptions.kernelNames(XmitHashPolicy.class)) {
            Uplink uplink = uplinkOf("clusterNetworks:\n  - {name: data, uplink: {nics: [eth1], bond: {mode: "
                    + "balance-xor, xmitHashPolicy: " + name + "}}}\n");
            assertThat(uplink.bond().xmitHashPolicy().map(XmitHashPolicy::kernelName)).contains(name);
        }
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {mode: 802.3ad, xmitHashPolicy: layer34}}}
                """, "clusterNetworks[0].uplink.bond.xmitHashPolicy", 2,
                "unknown value \"layer34\"; allowed: layer2, layer3+4, layer2+3, encap2+3, encap3+4, vlan+srcmac");
    }

    @Test
    void anOptionOutsideItsModesIsRefusedNamingTheOptionAndTheMode() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {mode: active-backup, xmitHashPolicy: layer3+4}}}
                """, "clusterNetworks[0].uplink.bond.xmitHashPolicy", 2, "the bonding driver uses xmit_hash_policy "
                + "only in mode balance-xor, 802.3ad, balance-tlb; this bond's mode is active-backup: remove "
                + "xmitHashPolicy or change clusterNetworks[0].uplink.bond.mode");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {mode: balance-xor, lacpRate: fast}}}
                """, "clusterNetworks[0].uplink.bond.lacpRate", 2, "lacp_rate only in mode 802.3ad; this bond's "
                + "mode is balance-xor");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {adSelect: count}}}
                """, "clusterNetworks[0].uplink.bond.adSelect", 2, "ad_select only in mode 802.3ad; this bond's "
                + "mode is active-backup (the default)");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {mode: balance-rr, primary: eth1}}}
                """, "clusterNetworks[0].uplink.bond.primary", 2, "primary only in mode active-backup, balance-tlb, "
                + "balance-alb; this bond's mode is balance-rr");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1, eth2], bond: {mode: active-backup, minLinks: 1}}}
                """, "clusterNetworks[0].uplink.bond.minLinks", 2, "min_links only in mode 802.3ad");
    }

    @Test
    void optionsOfAnUnknownModeAreNotAlsoBlamedOnIt() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {mode: lacp, lacpRate: fast}}}
                """, "clusterNetworks[0].uplink.bond.mode", 2, "unknown value \"lacp\"; allowed: balance-rr");
    }

    @Test
    void primaryMustBeOneOfTheNics() throws ConfigException {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1, eth2], bond: {primary: eth3}}}
                """, "clusterNetworks[0].uplink.bond.primary", 2,
                "\"eth3\" is not one of this uplink's NICs; allowed: eth1, eth2");
        assertThat(uplinkOf("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1, eth2], bond: {mode: balance-alb, primary: eth2}}}
                """).bond().primary()).contains("eth2");
    }

    @Test
    void delaysAreMultiplesOfMiimonAndNeedItOn() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {miimon: 100, updelay: 150}}}
                """, "clusterNetworks[0].uplink.bond.updelay", 2, "updelay 150 is not a multiple of miimon 100 (the "
                + "kernel would round it down to 100); allowed: 0, 100, 200, ... up to 600000");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {miimon: 0, downdelay: 200}}}
                """, "clusterNetworks[0].uplink.bond.downdelay", 2, "downdelay is counted by the MII monitor, which "
                + "miimon 0 turns off; set clusterNetworks[0].uplink.bond.miimon above 0 or remove downdelay");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], bond: {updelay: -100}}}
                """, "clusterNetworks[0].uplink.bond.updelay", 2, "out of range: -100; allowed: 0..600000");
    }

    @Test
    void minLinksIsAtMostTheNics() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1, eth2], bond: {mode: 802.3ad, minLinks: 3}}}
                """, "clusterNetworks[0].uplink.bond.minLinks", 2, "out of range: 3; allowed: 0..2");
    }

    @Test
    void hardwareAddrIsAUnicastMac() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], hardwareAddr: "02:00:5e:10:00"}}
                """, "clusterNetworks[0].uplink.hardwareAddr", 2, "invalid MAC address \"02:00:5e:10:00\"; allowed: "
                + "6 hex octets separated by ':'");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], hardwareAddr: "01:00:5e:10:00:01"}}
                """, "clusterNetworks[0].uplink.hardwareAddr", 2, "is a multicast address; a bond needs a unicast "
                + "address");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1], hardwareAddr: "00:00:00:00:00:00"}}
                """, "clusterNetworks[0].uplink.hardwareAddr", 2, "is a zero address");
    }

    @Test
    void everyBadOptionIsReportedAtOnce() {
        var problems = problemsOf("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics: [eth1]
                      bond:
                        mode: active-backup
                        lacpRate: fast
                        adSelect: stable
                        colour: blue
                """);

        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(
                tuple("clusterNetworks[0].uplink.bond.lacpRate", 7),
                tuple("clusterNetworks[0].uplink.bond.adSelect", 8),
                tuple("clusterNetworks[0].uplink.bond.colour", 9));
        assertThat(problems.get(2).message()).isEqualTo("unknown field; allowed: mode, miimon, xmitHashPolicy, "
                + "lacpRate, adSelect, updelay, downdelay, primary, minLinks");
    }
}
