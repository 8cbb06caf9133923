package io.vmnetd.daemon.reconcile;

import java.util.List;

/**
 * The steps that bring one cluster network to its desired state, in the order they must run, and what keeps it
 * from getting there entirely: {@code problems} of the network itself (a NIC that does not exist, a name taken by
 * another kind of link), which make it degraded, and {@code portProblems} of single VM ports (one deleted while its
 * attachment is being removed), which do not.
 */
public record Plan(String network, List<Step> steps, List<String> problems, List<String> portProblems) {
    public Plan {
        steps = List.copyOf(steps);
        problems = List.copyOf(problems);
        portProblems = List.copyOf(portProblems);
    }

    public Plan(String network, List<Step> steps, List<String> problems) {
        this(network, steps, problems, List.of());
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
        for (String p : portProblems) {
            lines.add(network + ": cannot: " + p);
        }
        return lines;
    }
}
