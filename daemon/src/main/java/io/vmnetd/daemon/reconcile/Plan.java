package io.vmnetd.daemon.reconcile;

import java.util.List;

/**
 * The steps that bring one cluster network to its desired state, in the order they must run, and what keeps it
 * from getting there entirely (a NIC that does not exist, a name taken by another kind of link).
 */
public record Plan(String network, List<Step> steps, List<String> problems) {
    public Plan {
        steps = List.copyOf(steps);
        problems = List.copyOf(problems);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Readable lines, "data: create bridge data-br (...)", problems last. */
    public List<String> describe() {
        List<String> lines = new java.util.ArrayList<>();
        for (Step s : steps) {
            lines.add(network + ": " + s.describe());
        }
        for (String p : problems) {
            lines.add(network + ": cannot: " + p);
        }
        return lines;
    }
}
