package io.vmnetd.kube.status;

import io.vmnetd.kube.crd.Harvester;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The node's labels {@code network.harvesterhci.io/<cluster network>=true}, one for each cluster network ready on it,
 * so that VMs are scheduled only where their network works. Any other label of that form is this node's agent's to
 * remove; mgmt's and Harvester's other labels under the group are never touched.
 */
final class NodeLabels {
    private static final String PREFIX = Harvester.GROUP + "/";

    private NodeLabels() {}

    /**
     * The labels to change (a null value removes one) to go from {@code current} to {@code ready}; empty when none
     * must change.
     */
    static Optional<Map<String, String>> change(Map<String, String> current, Set<String> ready) {
        Map<String, String> labels = current == null ? Map.of() : current;
        Map<String, String> change = new TreeMap<>();
        for (String cn : ready) {
            if (!cn.equals(Harvester.MGMT) && !"true".equals(labels.get(Harvester.readyLabel(cn)))) {
                change.put(Harvester.readyLabel(cn), "true");
            }
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX) || !"true".equals(e.getValue())) {
                continue;
            }
            String cn = key.substring(PREFIX.length());
            if (!cn.equals(Harvester.MGMT) && !Harvester.NOT_CLUSTER_NETWORK_LABELS.contains(cn) && !ready.contains(cn)) {
                change.put(key, null);
            }
        }
        return change.isEmpty() ? Optional.empty() : Optional.of(change);
    }
}
