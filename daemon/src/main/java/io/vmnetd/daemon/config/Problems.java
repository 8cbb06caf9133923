package io.vmnetd.daemon.config;

import io.vmnetd.daemon.config.LocatedNode.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of one document, so the operator can fix them all in one edit. */
final class Problems {

    private final String source;
    private final List<ConfigProblem> found = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void add(Location at, String field, String message) {
        found.add(new ConfigProblem(source, at.line(), at.column(), field, message));
    }

    /** Lets a validator tell whether one part of the document added problems. */
    int count() {
        return found.size();
    }

    void throwIfAny() throws ConfigException {
        if (!found.isEmpty()) {
            List<ConfigProblem> inTextOrder = new ArrayList<>(found);
            inTextOrder.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
            throw new ConfigException(source, inTextOrder);
        }
    }

    /** Path of a key under {@code parent}, e.g. {@code clusterNetworks[0].uplink}. */
    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
