package io.vmnetd.daemon.model;

/**
 * A VM port vmnetd keeps on a cluster network's bridge: the host end of a CNI attachment's veth.
 *
 * @param owner who the port is for, in log and error messages ("container 3f2a…/net1")
 * @param netns the pod's network namespace, where the other end lives
 */
public record DesiredPort(String hostIfName, String netns, String containerIfName, PortVlanSpec vlans, String owner) {
}
