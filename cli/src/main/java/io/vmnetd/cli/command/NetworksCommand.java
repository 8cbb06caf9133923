package io.vmnetd.cli.command;

import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.json.Values;
import io.vmnetd.cli.output.Table;
import io.vmnetd.cli.output.Table.Column;
import io.vmnetd.cli.output.Terminal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vmnetctl networks}: GET /v1/networks, one row per cluster network followed by its VM networks. */
@Command(name = "networks", mixinStandardHelpOptions = true, description = {"List cluster networks and the VM networks they carry.",
        "Each with its VLANs, MTU, attached ports and status (ok, or degraded: -o wide shows the problems)."})
public final class NetworksCommand extends ApiCommand {

    @Override
    public Integer call() {
        List<Object> networks = Values.list(client().get("/v1/networks"));
        if (printedAsData(networks)) {
            return ExitCode.OK.code();
        }
        Map<String, Integer> portsByVmNetwork = new HashMap<>();
        for (Object p : Values.list(client().get("/v1/ports"))) {
            portsByVmNetwork.merge(Values.text(Values.map(p), "vmNetwork"), 1, Integer::sum);
        }
        print(table(networks, portsByVmNetwork, wide(), terminal()).render(terminal(), root.headers()));
        return ExitCode.OK.code();
    }

    static Table table(List<Object> networks, Map<String, Integer> portsByVmNetwork, boolean wide, Terminal t) {
        List<Column> columns = new ArrayList<>(List.of(Column.of("NAME"), Column.of("KIND"), Column.of("CLUSTER"),
                Column.of("VLANS").shrinking(), Column.of("MTU"), Column.of("PORTS"), Column.of("STATUS").painted(t::status)));
        if (wide) {
            columns.addAll(List.of(Column.of("BRIDGE"), Column.of("UPLINK"), Column.of("NICS"),
                    Column.of("PORT VLANS"), Column.of("PROBLEMS").shrinking().painted(t::red)));
        }
        Table table = new Table(columns);
        for (Object o : networks) {
            Map<String, Object> n = Values.map(o);
            String name = Values.text(n, "name");
            String status = Values.text(n, "status");
            String vids = Values.text(n, "uplinkVids");
            List<String> cells = new ArrayList<>(List.of(name, "cluster", "-", vids.isEmpty() ? "-" : vids,
                    Values.text(n, "mtu"), Values.text(n, "ports"), status));
            if (wide) {
                String nics = Values.joined(n, "nics", ",");
                cells.addAll(List.of(Values.text(n, "bridge"), Values.text(n, "bond"), nics.isEmpty() ? "-" : nics,
                        "-", Values.joined(n, "problems", "; ")));
            }
            table.row(cells.toArray(String[]::new));
            for (Object v : Values.list(n.get("vmNetworks"))) {
                Map<String, Object> vm = Values.map(v);
                String vmName = Values.text(vm, "name");
                List<String> vmCells = new ArrayList<>(List.of(vmName, kind(Values.text(vm, "type")), name,
                        vlans(vm), Values.text(n, "mtu"), String.valueOf(portsByVmNetwork.getOrDefault(vmName, 0)),
                        status));
                if (wide) {
                    vmCells.addAll(List.of(Values.text(n, "bridge"), "-", "-", Values.text(vm, "portVlans"), ""));
                }
                table.row(vmCells.toArray(String[]::new));
            }
        }
        return table;
    }

    /** The config's type names, as short as kubectl's kinds. */
    static String kind(String type) {
        return switch (type) {
            case "L2VlanNetwork" -> "vlan";
            case "UntaggedNetwork" -> "untagged";
            case "L2VlanTrunkNetwork" -> "trunk";
            default -> type;
        };
    }

    private static String vlans(Map<String, Object> vm) {
        return switch (Values.text(vm, "type")) {
            case "L2VlanNetwork" -> Values.text(vm, "vlan");
            case "L2VlanTrunkNetwork" -> Values.text(vm, "trunk");
            default -> "untagged";
        };
    }
}
