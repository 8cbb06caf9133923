package io.vmnetd.kube.status;

import io.vmnetd.kube.crd.Condition;
import java.util.ArrayList;
import java.util.List;

/** Conditions with their times: an unchanged condition keeps the times it has, so it is not written again. */
final class Conditions {
    private Conditions() {}

    static Condition of(String type, boolean status, String reason, String message) {
        return new Condition(type, status ? "True" : "False", reason, message == null || message.isEmpty() ? null
                : message, null, null);
    }

    /** {@code fresh} (without times) stamped with {@code now} where it differs from {@code existing}. */
    static List<Condition> stamp(List<Condition> fresh, List<Condition> existing, String now) {
        List<Condition> out = new ArrayList<>();
        for (Condition c : fresh) {
            Condition old = existing == null ? null
                    : existing.stream().filter(e -> c.type().equals(e.type())).findFirst().orElse(null);
            if (c.sameAs(old)) {
                out.add(old);
            } else {
                String transition = old != null && old.status().equals(c.status()) && old.lastTransitionTime() != null
                        ? old.lastTransitionTime() : now;
                out.add(new Condition(c.type(), c.status(), c.reason(), c.message(), now, transition));
            }
        }
        return out;
    }
}
