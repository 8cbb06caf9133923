package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import java.util.List;
import java.util.Optional;

/**
 * Plans the settings of a managed network's bond that exists: its mode and options (each change as cheap as the
 * kernel allows it, {@link BondSteps}) and its MAC. For the {@link Planner}.
 */
final class BondPlanner {
    private BondPlanner() {}

    /** Adds the steps for {@code bond} (of kind {@code kind}); true when one of them enslaves the NICs again. */
    static boolean plan(DesiredNetwork want, KernelView have, Link bond, LinkKind.Bond kind, List<Step> steps) {
        BondTarget target = BondTarget.of(want);
        // The kernel reports a primary only while that NIC is the bond's slave; until then there is nothing to compare.
        boolean comparePrimary = want.bondTuning().primary().isEmpty() || want.bondTuning().primary()
                .flatMap(have::link).filter(nic -> nic.masterIndex() == bond.index()).isPresent();
        List<BondOption> changed = BondOption.differing(kind, target.kind(have::link), comparePrimary);
        boolean reenslaved = false;
        switch (BondOption.costliest(changed)) {
            case LIVE -> {
                if (!changed.isEmpty()) {
                    steps.add(new BondSteps.SetOptions(want.uplink(), target, changed));
                }
            }
            case BOND_DOWN -> steps.add(new BondSteps.RestartBond(want.uplink(), target, changed));
            case WITHOUT_SLAVES -> {
                List<String> nics = want.nics().stream().filter(nic -> have.link(nic).isPresent()).toList();
                steps.add(new BondSteps.ReenslaveBond(want.uplink(), nics, target, changed, kind));
                reenslaved = true;
            }
        }
        Optional<io.vmnetd.netlink.MacAddress> mac = want.bondTuning().hardwareAddr();
        if (!reenslaved && mac.isPresent() && !bond.mac().equals(mac)) {
            steps.add(new BondSteps.SetMac(want.uplink(), mac.get()));
        }
        return reenslaved;
    }
}
