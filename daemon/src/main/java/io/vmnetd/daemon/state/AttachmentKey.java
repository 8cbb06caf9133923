package io.vmnetd.daemon.state;

/** CNI identifies an attachment by container id and interface name together. */
public record AttachmentKey(String containerId, String ifName) {
    @Override
    public String toString() {
        return containerId + "/" + ifName;
    }
}
