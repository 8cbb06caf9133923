package io.vmnetd.cli.command;

import io.vmnetd.cli.CliError;
import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.json.Values;
import io.vmnetd.cli.output.Terminal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vmnetctl check NETWORK}: POST /v1/networks/NETWORK/check. */
@Command(name = "check", mixinStandardHelpOptions = true, description = {"Reconcile one network now and show what was repaired.",
        "Reads the network from the kernel, repairs what differs from the config and shows what was repaired, "
                + "what cannot be and any error. A VM network is checked through its cluster network. Exits with 1 "
                + "unless the network ends up as declared."})
public final class CheckCommand extends ApiCommand {

    @Parameters(paramLabel = "NETWORK", description = "a cluster network (data, mgmt...) or a VM network")
    private String network;

    @Override
    public Integer call() {
        String path = "/v1/networks/" + URLEncoder.encode(network, StandardCharsets.UTF_8) + "/check";
        Map<String, Object> result = Values.map(client().json(client().post(path, "application/json", new byte[0])));
        if (!printedAsData(result)) {
            print(render(result, terminal()));
        }
        if (!"ok".equals(Values.text(result, "result"))) {
            throw new CliError(ExitCode.FAILED, network + " is not as declared; see the problems and errors above");
        }
        return ExitCode.OK.code();
    }

    static String render(Map<String, Object> r, Terminal t) {
        StringBuilder out = new StringBuilder();
        String name = Values.text(r, "network");
        String cluster = Values.text(r, "clusterNetwork");
        field(out, t, "network", name.equals(cluster) ? name : name + " (on cluster network " + cluster + ")");
        field(out, t, "result", t.status(Values.text(r, "result")));
        List<Object> applied = Values.list(r.get("applied"));
        lines(out, t, "repaired", applied, "nothing: it was as declared", t::green);
        lines(out, t, "problems", Values.list(r.get("problems")), "none", t::red);
        lines(out, t, "errors", Values.list(r.get("errors")), "none", t::red);
        return out.toString();
    }

    private static void lines(StringBuilder out, Terminal t, String name, List<Object> items, String none,
                              java.util.function.UnaryOperator<String> paint) {
        if (items.isEmpty()) {
            field(out, t, name, none);
        }
        for (Object item : items) {
            field(out, t, name, paint.apply(String.valueOf(item)));
            name = "";
        }
    }

    private static void field(StringBuilder out, Terminal t, String name, String value) {
        String label = name.isEmpty() ? "" : name + ":";
        out.append(t.bold(label)).append(" ".repeat(Math.max(1, 11 - label.length()))).append(value).append('\n');
    }
}
