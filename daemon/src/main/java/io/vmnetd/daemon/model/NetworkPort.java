package io.vmnetd.daemon.model;

/** A live VM port and the cluster network it belongs to. */
public record NetworkPort(String clusterNetwork, VmPort port) {
}
