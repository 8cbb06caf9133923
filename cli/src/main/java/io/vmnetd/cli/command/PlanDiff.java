package io.vmnetd.cli.command;

import io.vmnetd.cli.output.Terminal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's plan lines ("data: create bridge data-br (...)", "data: cannot: NIC eth9 does not exist") as a diff
 * grouped by network: {@code +} adds, {@code -} removes, {@code ~} changes in place, {@code !} cannot be done. The
 * daemon sends readable lines, so the marks come from each step's verb; a verb not known here is shown as a change.
 */
final class PlanDiff {
    private PlanDiff() {}

    /** A plan line split into what it belongs to and what it does. */
    record Change(String network, char mark, String text) {}

    static List<Change> parse(List<Object> lines) {
        List<Change> out = new ArrayList<>();
        for (Object o : lines) {
            String line = String.valueOf(o);
            int colon = line.indexOf(": ");
            String network = colon > 0 ? line.substring(0, colon) : "";
            String step = colon > 0 ? line.substring(colon + 2) : line;
            if (step.startsWith("cannot: ")) {
                out.add(new Change(network, '!', step.substring("cannot: ".length())));
            } else if (step.startsWith("set VLANs of ")) {
                vlans(network, step, out);
            } else {
                out.add(new Change(network, mark(step), step));
            }
        }
        return out;
    }

    /** "set VLANs of P: add A, B; delete C" becomes "+ VLANs of P: A, B" and "- VLANs of P: C". */
    private static void vlans(String network, String step, List<Change> out) {
        int colon = step.indexOf(':');
        String port = step.substring("set VLANs of ".length(), colon < 0 ? step.length() : colon);
        String rest = colon < 0 ? "" : step.substring(colon + 1).strip();
        for (String part : rest.split(";")) {
            part = part.strip();
            if (part.startsWith("add ")) {
                out.add(new Change(network, '+', "VLANs on " + port + ": " + part.substring(4)));
            } else if (part.startsWith("delete ")) {
                out.add(new Change(network, '-', "VLANs on " + port + ": " + part.substring(7)));
            } else if (!part.isEmpty()) {
                out.add(new Change(network, '~', "VLANs on " + port + ": " + part));
            }
        }
    }

    private static char mark(String step) {
        String verb = step.contains(" ") ? step.substring(0, step.indexOf(' ')) : step;
        return switch (verb) {
            case "create", "attach", "enslave", "add" -> '+';
            case "delete", "release", "remove" -> '-';
            default -> '~';
        };
    }

    /** The changes under one header line per network. */
    static String render(List<Change> changes, Terminal t) {
        Map<String, List<Change>> byNetwork = new LinkedHashMap<>();
        for (Change c : changes) {
            byNetwork.computeIfAbsent(c.network(), n -> new ArrayList<>()).add(c);
        }
        StringBuilder out = new StringBuilder();
        byNetwork.forEach((network, list) -> {
            out.append(t.bold(network.isEmpty() ? "node" : network)).append(":\n");
            for (Change c : list) {
                String line = c.mark() + " " + c.text();
                out.append("  ").append(switch (c.mark()) {
                    case '+' -> t.green(line);
                    case '-', '!' -> t.red(line);
                    default -> t.yellow(line);
                }).append('\n');
            }
        });
        return out.toString();
    }
}
