package io.vmnetd.daemon.reconcile;

/** One change to the kernel, planned from a difference between desired and observed state. */
public interface Step {
    /** What the step repairs or builds, as a metric label: "bridge_missing", "vlans", "mtu", "down"... */
    String kind();

    /** One readable line: "create bridge data-br (vlan_filtering 1, mtu 9000)". */
    String describe();

    void apply(StepContext context);
}
